"""Convolutions that run one block of images per core give the same bits however busy the machine is."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.backend.numpy import threads

conv_k = __import__("sys").modules["tensorflux.backend.numpy.conv"]

rng = np.random.default_rng(7)


def test_image_blocks_depend_on_sizes_only(monkeypatch):
    monkeypatch.setattr(threads, "num_threads", lambda: 2)
    assert threads.image_blocks(64, 1 << 20) == [(0, 32), (32, 64)]
    assert threads.image_blocks(1, 1 << 20) == [(0, 1)]  # one image: one block
    assert threads.image_blocks(64, 1000) == [(0, 64)]  # too little work to hand over
    monkeypatch.setattr(threads, "machine_busy", lambda: True)
    assert threads.image_blocks(64, 1 << 20) == [(0, 32), (32, 64)]  # load never changes them


@pytest.mark.parametrize(
    "x_shape, w_shape, strides, pads",
    [
        ((64, 13, 13, 32), (3, 3, 32, 64), (1, 1), ((0, 0), (0, 0))),
        ((33, 16, 16, 8), (3, 3, 8, 16), (2, 2), ((1, 1), (1, 1))),  # odd batch, strided, padded
    ],
)
def test_blocked_conv_forward_and_input_gradient_ignore_load(monkeypatch, x_shape, w_shape, strides, pads):
    monkeypatch.setattr(threads, "num_threads", lambda: 2)
    x = rng.standard_normal(x_shape).astype(np.float32)
    w = rng.standard_normal(w_shape).astype(np.float32)
    n = x_shape[0]
    y_free, cols = conv_k.conv(x, w, strides, (1, 1), pads, 1, True)
    assert len(threads.image_blocks(n, cols.size)) == 2  # the blocked path ran
    dy = rng.standard_normal(y_free.shape).astype(np.float32)
    dx_free = conv_k.conv_backprop_input(dy, w, x_shape, strides, (1, 1), pads)
    monkeypatch.setattr(threads, "machine_busy", lambda: True)  # blocks one after another
    y_busy, cols_busy = conv_k.conv(x, w, strides, (1, 1), pads, 1, True)
    dx_busy = conv_k.conv_backprop_input(dy, w, x_shape, strides, (1, 1), pads)
    np.testing.assert_array_equal(y_busy, y_free)
    np.testing.assert_array_equal(cols_busy, cols)
    np.testing.assert_array_equal(dx_busy, dx_free)
    # and both are the convolution: against TensorFlow-layout reference in float64
    pad = "VALID" if pads[0] == (0, 0) else [[0, 0], *map(list, pads), [0, 0]]
    want = tf.nn.conv2d(x.astype(np.float64), w.astype(np.float64), strides, pad).numpy()
    np.testing.assert_allclose(y_free, want, rtol=1e-4, atol=1e-4)
    assert cols.shape == (y_free.size // w_shape[-1], np.prod(w_shape[:-1]))


def test_blocked_conv_in_a_pool_thread_matches(monkeypatch):
    # inside a pool thread (a kernel of a kernel) the blocks run in turn: same bits
    monkeypatch.setattr(threads, "num_threads", lambda: 2)
    x = rng.standard_normal((16, 12, 12, 16)).astype(np.float32)
    w = rng.standard_normal((3, 3, 16, 32)).astype(np.float32)
    here = conv_k.conv(x, w, (1, 1), (1, 1), ((0, 0), (0, 0)))
    there = threads.executor(1).submit(conv_k.conv, x, w, (1, 1), (1, 1), ((0, 0), (0, 0))).result()
    np.testing.assert_array_equal(here, there)
