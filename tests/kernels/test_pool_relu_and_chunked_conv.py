"""The fused max-pool + ReLU backward kernel and the batch-chunked inference convolution.

Both are exact rewrites of existing kernels: the fused backward must give the bits of
``relu_grad(max_pool_grad(...))`` (ties and zero windows included), and the chunked convolution
the values of the one-GEMM convolution (to float32 rounding: BLAS may block the rows differently).
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest

conv_k = importlib.import_module("tensorflux.backend.numpy.conv")
pool_k = importlib.import_module("tensorflux.backend.numpy.pool")
math_k = importlib.import_module("tensorflux.backend.numpy.math")

rng = np.random.default_rng(7)
VALID2 = ((0, 0), (0, 0))


def _relu_input(shape):
    x = np.maximum(rng.standard_normal(shape), 0).astype(np.float32)
    x[:, :4, :4] = 0.25  # a flat positive region: ties inside windows
    x[:, -3:, :] = 0.0  # all-zero windows: ties at zero, masked by the ReLU
    return x


@pytest.mark.parametrize(
    "shape,ksize,strides,pads",
    [
        ((4, 26, 26, 32), (2, 2), (2, 2), VALID2),  # the seed CNN's first pool
        ((4, 11, 11, 64), (2, 2), (2, 2), VALID2),  # odd size: the last row and column are cropped
        ((3, 9, 8, 3), (3, 3), (2, 2), VALID2),  # overlapping windows: the general path
        ((2, 7, 7, 2), (3, 3), (2, 2), ((1, 1), (1, 1))),  # padding
    ],
)
def test_max_pool_relu_grad_equals_relu_grad_of_max_pool_grad(shape, ksize, strides, pads):
    x = _relu_input(shape)
    y = pool_k.max_pool(x, ksize, strides, pads)
    g = rng.standard_normal(y.shape).astype(np.float32)
    want = math_k.relu_grad(pool_k.max_pool_grad(x, y, g, ksize, strides, pads), x)
    got = pool_k.max_pool_relu_grad(x, y, g, ksize, strides, pads)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(want))


def test_max_pool_grad_routes_ties_to_the_first_tap_when_cropped():
    x = np.zeros((1, 3, 3, 1), np.float32)
    x[0, :2, :2, 0] = 5.0  # four equal maxima in the one window; row and column 2 are not pooled
    y = pool_k.max_pool(x, (2, 2), (2, 2), VALID2)
    dx = pool_k.max_pool_grad(x, y, np.full(y.shape, 3.0, np.float32), (2, 2), (2, 2), VALID2)
    want = np.zeros((3, 3), np.float32)
    want[0, 0] = 3.0
    np.testing.assert_array_equal(dx[0, :, :, 0], want)


@pytest.mark.parametrize(
    "x_shape,w_shape,strides,pads",
    [
        ((300, 13, 13, 32), (3, 3, 32, 64), (1, 1), VALID2),
        ((257, 28, 28, 1), (3, 3, 1, 32), (1, 1), VALID2),  # one channel: the tap-copy im2col
        ((101, 17, 17, 8), (5, 5, 8, 16), (2, 2), ((2, 2), (2, 2))),
    ],
)
def test_chunked_conv_matches_one_gemm(monkeypatch, x_shape, w_shape, strides, pads):
    x = rng.standard_normal(x_shape).astype(np.float32)
    w = rng.standard_normal(w_shape).astype(np.float32)
    whole, cols = conv_k.conv(x, w, strides, (1, 1), pads, keep_cols=True)  # never chunked
    monkeypatch.setattr(conv_k, "COLS_BUDGET", 256 * 1024)
    chunked = conv_k.conv(x, w, strides, (1, 1), pads)
    assert chunked.shape == whole.shape and chunked.dtype == whole.dtype
    np.testing.assert_allclose(chunked, whole, rtol=1e-5, atol=1e-5 * np.abs(whole).max())
    ref = (cols.astype(np.float64) @ w.reshape(-1, w_shape[-1]).astype(np.float64)).reshape(whole.shape)
    np.testing.assert_allclose(chunked, ref, rtol=1e-4, atol=1e-4 * np.abs(ref).max())


def test_small_batches_take_the_one_gemm_path():
    # training batches stay under the budget: one GEMM per block of images (one block per core),
    # each over the whole im2col matrix's rows of its images, as before chunking existed
    x = rng.standard_normal((64, 13, 13, 32)).astype(np.float32)
    w = rng.standard_normal((3, 3, 32, 64)).astype(np.float32)
    cols = conv_k.im2col(x, (3, 3), (1, 1), (1, 1), VALID2)
    assert cols.nbytes <= conv_k.COLS_BUDGET
    blocks = conv_k.image_blocks(64, cols.size)
    with conv_k.one_blas_thread():
        want = np.concatenate([cols[lo * 121 : hi * 121] @ w.reshape(-1, 64) for lo, hi in blocks])
    np.testing.assert_array_equal(conv_k.conv(x, w, (1, 1), (1, 1), VALID2), want.reshape(64, 11, 11, 64))


@pytest.mark.parametrize("shape", [(3, 26, 26, 8), (2, 12, 12, 3)])
def test_tiled_max_pool_grad_paths_agree(monkeypatch, shape):
    # the full-size-mask path (large inputs) and the per-tap path (small ones) give the same bits
    x = _relu_input(shape)
    y = pool_k.max_pool(x, (2, 2), (2, 2), VALID2)
    g = rng.standard_normal(y.shape).astype(np.float32)
    per_tap = pool_k.max_pool_grad(x, y, g, (2, 2), (2, 2), VALID2)
    monkeypatch.setattr(pool_k, "_TAPS_MAX_SIZE", 0)
    full = pool_k.max_pool_grad(x, y, g, (2, 2), (2, 2), VALID2)
    np.testing.assert_array_equal(full, per_tap)
    np.testing.assert_array_equal(np.signbit(full), np.signbit(per_tap))
    assert np.count_nonzero(per_tap) == np.count_nonzero(g)  # one input per window
