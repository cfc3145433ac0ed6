"""The tiled max-pool gradient and the per-tap conv input gradient against plain references.

``max_pool_grad_tiled`` must give the bits of a window-by-window ``argmax`` (first max in
row-major order wins, as the general kernel): ties are frequent (ReLU zeros, flat image
regions), so the inputs here are small integers.  ``conv_backprop_input_taps`` is the adjoint of
the forward convolution: ``<conv(x, w), dy> == <x, dx>``, checked in float64 and against the
float32 kernel on one and two BLAS threads.
"""

from __future__ import annotations

import importlib
import itertools

import numpy as np
import pytest

conv_k = importlib.import_module("tensorflux.backend.numpy.conv")
threads_k = importlib.import_module("tensorflux.backend.numpy.threads")
pool_k = importlib.import_module("tensorflux.backend.numpy.pool")

rng = np.random.default_rng(11)
VALID2 = ((0, 0), (0, 0))


def _pool_grad_reference(x, g, ksize):
    """Loop over windows: the gradient goes to the first (row-major) maximum of each window."""
    kh, kw = ksize
    n, _, _, c = x.shape
    oh, ow = g.shape[1:3]
    dx = np.zeros(x.shape, g.dtype)
    for b, i, j, ch in itertools.product(range(n), range(oh), range(ow), range(c)):
        win = x[b, i * kh : (i + 1) * kh, j * kw : (j + 1) * kw, ch]
        a, bb = np.unravel_index(int(np.argmax(win)), win.shape)
        dx[b, i * kh + a, j * kw + bb, ch] = g[b, i, j, ch]
    return dx


@pytest.mark.parametrize(
    "shape,ksize",
    [
        ((3, 8, 8, 5), (2, 2)),
        ((2, 6, 9, 4), (2, 3)),  # the general (non-pair) tie pass
        ((2, 9, 6, 3), (3, 2)),  # three rows of pairs
        ((2, 6, 6, 2), (1, 2)),
        ((2, 6, 6, 2), (3, 3)),
    ],
)
@pytest.mark.parametrize("block_bytes", [64, 1 << 20])  # many blocks (short last one) / one block
def test_max_pool_grad_tiled_matches_first_max_reference(shape, ksize, block_bytes, monkeypatch):
    monkeypatch.setattr(pool_k, "_POOL_BLOCK_BYTES", block_bytes)
    x = rng.integers(0, 3, shape).astype(np.float32)  # many ties inside windows
    y = pool_k.max_pool(x, ksize, ksize, VALID2)
    g = rng.standard_normal(y.shape).astype(np.float32)
    dx = pool_k.max_pool_grad_tiled(x, y, g, ksize)
    np.testing.assert_array_equal(dx, _pool_grad_reference(x, g, ksize))


def test_dispatch_takes_tiled_kernel_only_when_windows_cover_the_input(monkeypatch):
    monkeypatch.setattr(pool_k, "_TILED_MIN_SIZE", 1)
    x = rng.integers(0, 3, (2, 8, 8, 3)).astype(np.float32)
    y = pool_k.max_pool(x, (2, 2), (2, 2), VALID2)
    assert pool_k.tiles_exactly(x, y, (2, 2))
    odd = x[:, :7, :7]
    assert not pool_k.tiles_exactly(odd, pool_k.max_pool(odd, (2, 2), (2, 2), VALID2), (2, 2))
    assert not pool_k.tiles_exactly(x, y, (2, 2, 1))
    # through the public kernels, the fused ReLU variant included
    g = rng.standard_normal(y.shape).astype(np.float32)
    ref = _pool_grad_reference(x, g, (2, 2))
    np.testing.assert_array_equal(pool_k.max_pool_grad(x, y, g, (2, 2), (2, 2), VALID2), ref)
    xr = x - 1.0  # negative and zero maxima: the ReLU mask must drop them
    yr = pool_k.max_pool(xr, (2, 2), (2, 2), VALID2)
    got = pool_k.max_pool_relu_grad(xr, yr, g, (2, 2), (2, 2), VALID2)
    want = _pool_grad_reference(xr, g, (2, 2)) * (xr > 0)
    np.testing.assert_array_equal(got, want)


def test_seed_cnn_first_pool_same_bits_as_per_tap_kernel():
    # 64x26x26x32 after a ReLU, with a flat positive region (ties) and zero windows
    x = np.maximum(rng.standard_normal((64, 26, 26, 32)), 0).astype(np.float32)
    x[:, :6, :6] = 0.5
    y = pool_k.max_pool(x, (2, 2), (2, 2), VALID2)
    g = rng.standard_normal(y.shape).astype(np.float32)
    assert pool_k.tiles_exactly(x, y, (2, 2))
    np.testing.assert_array_equal(
        pool_k.max_pool_grad_tiled(x, y, g, (2, 2)), pool_k._max_pool_grad_taps(x, y, g, (2, 2), True)
    )


def _taps(w, strides, dilations, dy):
    return list(conv_k._taps(w.shape[:-2], strides, dilations, tuple(dy.shape[1:-1])))


@pytest.mark.parametrize(
    "x_shape,w_shape,strides,dilations,pads,groups",
    [
        ((2, 13, 13, 8), (3, 3, 8, 16), (1, 1), (1, 1), VALID2, 1),  # the seed CNN's layers, small
        ((2, 7, 6, 4), (3, 2, 4, 6), (2, 1), (1, 2), ((1, 1), (0, 1)), 1),
        ((2, 6, 6, 4), (3, 3, 2, 6), (1, 1), (1, 1), ((1, 1), (1, 1)), 2),
        ((3, 9, 2), (3, 2, 5), (2,), (1,), ((1, 1),), 1),
    ],
)
def test_conv_backprop_input_is_adjoint_of_conv(x_shape, w_shape, strides, dilations, pads, groups):
    x = rng.standard_normal(x_shape)
    w = rng.standard_normal(w_shape)
    y = conv_k.conv(x, w, strides, dilations, pads, groups)
    dy = rng.standard_normal(y.shape)
    dx = conv_k.conv_backprop_input_taps(dy, w, x_shape, _taps(w, strides, dilations, dy), pads, groups)
    assert dx.shape == x_shape
    np.testing.assert_allclose(np.vdot(x, dx), np.vdot(y, dy), rtol=1e-12)


@pytest.mark.parametrize("busy", [False, True])
def test_conv_backprop_input_float32_same_on_one_or_more_blas_threads(busy, monkeypatch):
    monkeypatch.setattr(threads_k, "_determinism", [False])  # the suite turns it on (conftest)
    monkeypatch.setattr(threads_k, "machine_busy", lambda: busy)  # busy: one BLAS thread
    dy = rng.standard_normal((8, 11, 11, 64)).astype(np.float32)
    w = rng.standard_normal((3, 3, 32, 64)).astype(np.float32)
    dx = conv_k.conv_backprop_input(dy, w, (8, 13, 13, 32), (1, 1), (1, 1), VALID2)
    want = conv_k.conv_backprop_input(
        dy.astype(np.float64), w.astype(np.float64), (8, 13, 13, 32), (1, 1), (1, 1), VALID2
    )
    assert dx.dtype == np.float32
    np.testing.assert_allclose(dx, want, rtol=0, atol=2e-5 * np.abs(want).max())
