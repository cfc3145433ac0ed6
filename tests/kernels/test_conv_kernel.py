"""Convolutions: golden values (PyTorch/TensorFlow), finite differences, layouts and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from _kernel_goldens import cases, check_golden

import tensorflux as tf
from tensorflux.testing import check_gradients

CONV = cases("conv.npz")


def _golden_fn(p: dict):
    op = p["op"]
    if op in ("conv1d", "conv2d", "conv3d"):
        f = {"conv1d": tf.nn.conv1d, "conv2d": tf.nn.conv2d, "conv3d": tf.nn.conv3d}[op]
        return lambda x, w: f(x, w, p["strides"], p["padding"], dilations=p["dilations"])
    if op == "depthwise_conv2d":
        return lambda x, w: tf.nn.depthwise_conv2d(x, w, p["strides"], p["padding"])
    if op == "separable_conv2d":
        return lambda x, w, pw: tf.nn.separable_conv2d(x, w, pw, p["strides"], p["padding"])
    if op in ("conv2d_transpose", "conv1d_transpose"):
        f = tf.nn.conv2d_transpose if op == "conv2d_transpose" else tf.nn.conv1d_transpose
        return lambda x, w: f(x, w, p["output_shape"], p["strides"], p["padding"])
    if op == "bias_add":
        return lambda x, b: tf.nn.bias_add(x, b)
    raise AssertionError(op)


@pytest.mark.parametrize("case", list(CONV))
def test_conv_matches_golden(case):
    data = CONV[case]
    names = [k for k in ("x", "w", "pw", "b") if k in data]
    check_golden(_golden_fn(data["params"]), data, names, names)


rng = np.random.default_rng(0)


def _r(*shape):
    return rng.standard_normal(shape)


@pytest.mark.parametrize(
    "kw",
    [
        dict(strides=1, padding="VALID"),
        dict(strides=2, padding="SAME"),
        dict(strides=[1, 2], padding=[[0, 0], [1, 0], [2, 1], [0, 0]]),
        dict(strides=1, padding="SAME", dilations=2),
    ],
)
def test_conv2d_finite_differences(kw):
    check_gradients(lambda x, w: tf.nn.conv2d(x, w, **kw), [_r(2, 5, 6, 2), _r(3, 2, 2, 3)])


def test_conv2d_groups_and_nchw_finite_differences():
    check_gradients(lambda x, w: tf.nn.conv2d(x, w, 1, "SAME"), [_r(1, 4, 4, 4), _r(2, 2, 2, 4)])
    check_gradients(
        lambda x, w: tf.nn.conv2d(x, w, 1, "VALID", data_format="NCHW"), [_r(2, 2, 4, 5), _r(2, 3, 2, 3)]
    )


def test_conv1d_conv3d_finite_differences():
    check_gradients(lambda x, w: tf.nn.conv1d(x, w, 2, "SAME"), [_r(2, 7, 2), _r(3, 2, 3)])
    check_gradients(
        lambda x, w: tf.nn.conv3d(x, w, [1, 1, 1, 1, 1], "VALID"), [_r(1, 3, 4, 3, 2), _r(2, 2, 2, 2, 2)]
    )


def test_depthwise_separable_finite_differences():
    check_gradients(
        lambda x, w: tf.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME"), [_r(1, 5, 5, 2), _r(3, 3, 2, 2)]
    )
    check_gradients(
        lambda x, w, pw: tf.nn.separable_conv2d(x, w, pw, [1, 1, 1, 1], "VALID"),
        [_r(1, 4, 4, 2), _r(2, 2, 2, 2), _r(1, 1, 4, 3)],
    )


def test_conv_transpose_finite_differences():
    check_gradients(
        lambda x, w: tf.nn.conv2d_transpose(x, w, [1, 6, 5, 2], 2, "SAME"), [_r(1, 3, 3, 3), _r(3, 3, 2, 3)]
    )
    check_gradients(
        lambda x, w: tf.nn.conv1d_transpose(x, w, [2, 7, 2], 2, "VALID"), [_r(2, 3, 3), _r(2, 2, 3)]
    )


def test_conv3d_transpose_and_nchw_transpose_finite_differences():
    check_gradients(
        lambda x, w: tf.nn.conv3d_transpose(x, w, [1, 4, 3, 4, 2], 2, "SAME"),
        [_r(1, 2, 2, 2, 2), _r(2, 2, 2, 2, 2)],
    )
    check_gradients(
        lambda x, w: tf.nn.conv2d_transpose(x, w, [1, 2, 5, 5], 2, "VALID", data_format="NCHW"),
        [_r(1, 3, 2, 2), _r(3, 3, 2, 3)],
    )


def test_bias_add_finite_differences():
    check_gradients(lambda x, b: tf.nn.bias_add(x, b), [_r(2, 3, 4), _r(4)])
    check_gradients(lambda x, b: tf.nn.bias_add(x, b, data_format="NCHW"), [_r(2, 3, 2, 2), _r(3)])


def test_second_order_through_conv():
    # d/dx of the squared norm of the input gradient: needs the backward kernels' own rules
    check_gradients(
        lambda x, w: _input_grad_norm(x, w),
        [_r(1, 4, 4, 2), _r(2, 2, 2, 2)],
    )


def test_second_order_through_bias_add():
    def f(x, b):
        with tf.GradientTape() as tape:
            tape.watch(b)
            y = tf.nn.bias_add(x, b)
            s = tf.reduce_sum(y * y)
        g = tape.gradient(s, b)
        return g * g

    check_gradients(f, [_r(2, 3, 4), _r(4)])


def _input_grad_norm(x, w):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.conv2d(x, w, 1, "VALID")
        s = tf.reduce_sum(y * y)
    g = tape.gradient(s, x)
    return tf.reduce_sum(g * g)


def test_nchw_equals_nhwc():
    x, w = _r(2, 6, 5, 3).astype(np.float32), _r(3, 3, 3, 4).astype(np.float32)
    a = tf.nn.conv2d(x, w, 2, "SAME").numpy()
    b = tf.nn.conv2d(np.transpose(x, (0, 3, 1, 2)), w, [1, 1, 2, 2], "SAME", data_format="NCHW").numpy()
    np.testing.assert_allclose(np.transpose(b, (0, 2, 3, 1)), a, rtol=1e-5, atol=1e-5)


def test_float32_stays_float32():
    x, w = tf.ones((1, 4, 4, 1)), tf.ones((3, 3, 1, 2))
    with tf.GradientTape() as tape:
        tape.watch(w)
        y = tf.nn.conv2d(x, w, 1, "VALID")
    assert y.dtype == tf.float32 and tape.gradient(y, w).dtype == tf.float32


def test_first_layer_input_gradient_not_computed(monkeypatch):
    from tensorflux.backend import ops as B

    calls = []
    orig = B.conv_backprop_input
    monkeypatch.setattr(B, "conv_backprop_input", lambda *a, **k: calls.append(1) or orig(*a, **k))
    x = tf.constant(_r(2, 6, 6, 1).astype(np.float32))
    w = tf.Variable(_r(3, 3, 1, 4).astype(np.float32))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.nn.conv2d(x, w, 1, "VALID"))
    assert tape.gradient(y, w) is not None
    assert calls == []


def test_bad_input_errors():
    x, w = tf.ones((1, 5, 5, 3)), tf.ones((3, 3, 3, 4))
    with pytest.raises(ValueError, match=r"conv2d: the input must have rank 4.*\(5, 5, 3\)"):
        tf.nn.conv2d(tf.ones((5, 5, 3)), w, 1, "VALID")
    with pytest.raises(
        ValueError, match=r"input has 2 channels.*filter expects 3 input channels.*\(3, 3, 3, 4\)"
    ):
        tf.nn.conv2d(tf.ones((1, 5, 5, 2)), w, 1, "VALID")
    with pytest.raises(ValueError, match=r"filter \(size 7.*larger than the padded input \(size 5"):
        tf.nn.conv2d(x, tf.ones((7, 7, 3, 4)), 1, "VALID")
    with pytest.raises(ValueError, match=r"strides must be positive.*strides=-1"):
        tf.nn.conv2d(x, w, -1, "SAME")
    with pytest.raises(ValueError, match=r"strides must be positive.*strides=0"):
        tf.nn.conv2d(x, w, 0, "SAME")
    with pytest.raises(ValueError, match=r"dilations must be positive.*dilations=\[0, 1\]"):
        tf.nn.conv2d(x, w, 1, "SAME", dilations=[0, 1])
    with pytest.raises(ValueError, match=r"padding must be 'VALID', 'SAME'.*'FULL'"):
        tf.nn.conv2d(x, w, 1, "FULL")
    with pytest.raises(ValueError, match=r"strides for the batch and channel dimensions must be 1"):
        tf.nn.conv2d(x, w, [2, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match=r"depthwise_conv2d: the input has 3 channels.*filter has 2"):
        tf.nn.depthwise_conv2d(x, tf.ones((3, 3, 2, 1)), [1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match=r"output_shape \[1, 9, 9, 2\] is inconsistent.*\[5, 5\].*\[4, 4\]"):
        tf.nn.conv2d_transpose(tf.ones((1, 4, 4, 3)), tf.ones((3, 3, 2, 3)), [1, 9, 9, 2], 2, "SAME")
    with pytest.raises(ValueError, match=r"bias has 3 entries but value has 4 channels"):
        tf.nn.bias_add(tf.ones((2, 4)), tf.ones(3))


def test_saved_im2col_is_released_with_its_input():
    import gc

    from tensorflux.framework import nn_primitives as NP

    # entries left by earlier tests (a taped forward whose input lives on) would be evicted by the
    # bound checked below: start from none
    NP._SAVED.clear()

    before = len(NP._SAVED)
    x = tf.constant(_r(2, 6, 6, 3).astype(np.float32))
    w = tf.Variable(_r(3, 3, 3, 4).astype(np.float32))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.nn.conv2d(x, w, 1, "VALID"))
    assert len(NP._SAVED) == before + 1  # kept only while a tape records
    g = tape.gradient(y, w)
    np.testing.assert_allclose(g.numpy(), _filter_grad_reference(x.numpy(), w.shape), rtol=1e-5)
    assert len(NP._SAVED) == before  # the backward pass took it
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.nn.conv2d(x, w, 1, "VALID"))
    assert len(NP._SAVED) == before + 1
    del x, tape, y  # no backward: released with its input
    gc.collect()
    assert len(NP._SAVED) == before
    tf.nn.conv2d(tf.ones((1, 4, 4, 3)), w, 1, "VALID")  # no tape: nothing saved
    assert len(NP._SAVED) == before
    kept = [tf.constant(_r(1, 4, 4, 3).astype(np.float32)) for _ in range(NP._MAX_SAVED + 5)]
    with tf.GradientTape():  # inputs kept alive, backward never run: the cache stays bounded
        for xk in kept:
            tf.nn.conv2d(xk, w, 1, "VALID")
    assert len(NP._SAVED) == NP._MAX_SAVED
    del kept, xk
    gc.collect()
    assert len(NP._SAVED) == before


def _filter_grad_reference(x, w_shape):
    # d sum(conv(x, w)) / dw[i, j, c, f] = sum of x over the window positions of tap (i, j)
    kh, kw, c, f = w_shape
    oh, ow = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    out = np.zeros((kh, kw, c, f), np.float32)
    for i in range(kh):
        for j in range(kw):
            out[i, j] = x[:, i : i + oh, j : j + ow, :].sum(axis=(0, 1, 2))[:, None]
    return out
