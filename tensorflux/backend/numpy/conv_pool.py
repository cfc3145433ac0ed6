"""A first convolution and the 2x2 max pool after it, as one kernel (put in traced graphs by
``passes/conv_pool.py``).

The seed CNN (and the classic MNIST CNN) starts ``Conv2D(32, 3, activation="relu")`` on one-channel
images, then ``MaxPooling2D(2)``.  Computed apart, the convolution writes a full-size output that
the pool reads with strided views (inner runs of one pixel's channels), and the backward writes a
full-size gradient of which three quarters are zeros, for a GEMM to read.

Here the im2col matrix is built with its columns in *window-tap* order: for each image, the
positions ``(2i, 2j)``, then ``(2i, 2j+1)``, ``(2i+1, 2j)`` and ``(2i+1, 2j+1)`` (``(N, 2, 2, ph,
pw)``).  The product then holds each window's four inputs in four contiguous blocks, so the pool
is three ``maximum`` calls over whole blocks, and the output of the convolution exists only a few
images at a time, in the cache.  Positions no window covers (an odd last row or column) are not
computed at all.  The backward writes each block's share of the gradient contiguously and one
GEMM over the same matrix gives the filter and bias gradients.  The bias rides in the product as a
row of ones, as in ``conv.conv_bias``; the pool keeps which input won each window, as
``pool.max_pool_taps`` (ties to the first in row-major order).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from tensorflux.backend.numpy.conv import _out_shape, _padded, bias_folds
from tensorflux.backend.numpy.half import float32_inside
from tensorflux.backend.numpy.threads import image_blocks, one_blas_thread, run_blocks

__all__ = ["conv_bias_pool", "conv_bias_pool_backprop_filter", "conv_pool_fits"]

# Images per GEMM inside a thread's block: their conv output (4 * ph * pw * F floats each, 86 KB
# for the seed CNN) stays in the core's cache between the product and the pool.
_CHUNK_BYTES = 8 * 1024 * 1024


def conv_pool_fits(x_shape: Any, w_shape: Any, strides: Any, dilations: Any, pads: Any) -> bool:
    """Whether :func:`conv_bias_pool` takes this convolution: one input channel (the bias folds
    into the product), 2-D, and an output of at least one 2x2 window."""
    if len(x_shape) != 4 or len(w_shape) != 4 or not bias_folds(x_shape, w_shape):
        return False
    out = _out_shape(x_shape, w_shape[:2], strides, dilations, pads)
    return min(out) >= 2


def _window_cols(x: Any, ksize: Any, strides: Any, dilations: Any, pads: Any, ph: int, pw: int) -> Any:
    """The transposed im2col matrix in window-tap order, ``(K + 1, N, 2, 2, ph, pw)``; the last row
    is ones (the bias)."""
    xp = _padded(x, pads)
    kh, kw = ksize
    sh, sw = strides
    cols = np.empty((kh * kw + 1, x.shape[0], 2, 2, ph, pw), x.dtype)
    for k, (i, j) in enumerate(itertools.product(range(kh), range(kw))):
        for a, c in itertools.product(range(2), range(2)):
            h0 = a * sh + i * dilations[0]
            w0 = c * sw + j * dilations[1]
            rows = slice(h0, h0 + (ph - 1) * 2 * sh + 1, 2 * sh)
            cols[k, :, a, c] = xp[:, rows, w0 : w0 + (pw - 1) * 2 * sw + 1 : 2 * sw, 0]
    cols[-1] = 1
    return cols


def _chunks(lo: int, hi: int, per_image: int) -> Any:
    step = max(1, _CHUNK_BYTES // max(per_image, 1))
    return ((s, min(hi, s + step)) for s in range(lo, hi, step))


@float32_inside(keep_last=2)  # (pooled, cols, taps): the matrix stays float32 for the gradient
def conv_bias_pool(
    x: Any, w: Any, b: Any, strides: Any, dilations: Any, pads: Any, keep: bool = False
) -> Any:
    """``max_pool(conv(x, w) + b)`` with 2x2 windows side by side (:func:`conv_pool_fits`).

    Returns the pooled output ``(N, ph, pw, F)``, or with ``keep`` ``(pooled, cols, taps)``: the
    window-tap im2col matrix and which input won each window (``pool.max_pool_taps``' layout) for
    :func:`conv_bias_pool_backprop_filter`.

    >>> x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    >>> w = np.ones((1, 1, 1, 1), np.float32)
    >>> conv_bias_pool(x, w, np.zeros(1, np.float32), (1, 1), (1, 1), ((0, 0), (0, 0))).ravel().tolist()
    [5.0, 7.0, 13.0, 15.0]
    """
    n = x.shape[0]
    kh, kw, _, f = w.shape
    oh, ow = _out_shape(x.shape, (kh, kw), strides, dilations, pads)
    ph, pw = oh // 2, ow // 2
    cols = _window_cols(x, (kh, kw), strides, dilations, pads, ph, pw)
    k = cols.shape[0]
    flat = cols.reshape(k, n, 4 * ph * pw)
    wb = np.empty((k, f), np.result_type(w.dtype, b.dtype))
    wb[:-1] = w.reshape(k - 1, f)
    wb[-1] = b
    q = np.empty((n, ph, pw, f), wb.dtype)
    taps = np.empty((n, 3, ph, pw, f), bool) if keep else None
    per_image = 4 * ph * pw * f * wb.dtype.itemsize

    def job(lo: int, hi: int) -> None:
        for s, e in _chunks(lo, hi, per_image):
            y = (flat[:, s:e].reshape(k, -1).T @ wb).reshape(e - s, 2, 2, ph, pw, f)
            top_l, top_r, bot_l, bot_r = y[:, 0, 0], y[:, 0, 1], y[:, 1, 0], y[:, 1, 1]
            o = q[s:e]
            if taps is not None:
                t = taps[s:e]
                np.greater(top_r, top_l, out=t[:, 0])
                np.greater(bot_r, bot_l, out=t[:, 1])
            np.maximum(top_l, top_r, out=o)
            np.maximum(bot_l, bot_r, out=top_l)  # the bottom row's max, in a block no longer needed
            if taps is not None:
                np.greater(top_l, o, out=taps[s:e, 2])
            np.maximum(o, top_l, out=o)

    with one_blas_thread():
        run_blocks(job, image_blocks(n, n * per_image // wb.dtype.itemsize))
    return (q, cols, taps) if keep else q


@float32_inside
def conv_bias_pool_backprop_filter(g: Any, y: Any, cols: Any, taps: Any, w_shape: Any, relu: bool) -> Any:
    """The filter and bias gradients of :func:`conv_bias_pool`, ``(dw, db)``, from the pooled
    output's gradient ``g`` and what the forward kept; with ``relu`` the gradient reaches only the
    windows where ``y`` (the pooled output, or the ReLU of it) is positive.

    The gradient of each window goes to the input that won it; the blocks of the product's rows
    are summed per image block (one per core), then the blocks' sums in order.
    """
    n, ph, pw, f = g.shape
    k = cols.shape[0]
    flat = cols.reshape(k, n, 4 * ph * pw)
    if relu:
        g = np.multiply(g, y > 0, dtype=g.dtype)
    per_image = 4 * ph * pw * f * g.dtype.itemsize
    blocks = image_blocks(n, n * per_image // g.dtype.itemsize)
    sums = {lo: np.zeros((k, f), g.dtype) for lo, _ in blocks}

    def job(lo: int, hi: int) -> None:
        total = sums[lo]
        for s, e in _chunks(lo, hi, per_image):
            t, gg = taps[s:e], g[s:e]
            d = np.empty((e - s, 2, 2, ph, pw, f), g.dtype)
            np.multiply(gg, t[:, 2], out=d[:, 1, 0])  # the bottom row's share
            np.multiply(gg, ~t[:, 2], out=d[:, 0, 0])  # the top row's
            for row in (0, 1):
                right = t[:, row]
                np.multiply(d[:, row, 0], right, out=d[:, row, 1])
                np.multiply(d[:, row, 0], ~right, out=d[:, row, 0])
            total += flat[:, s:e].reshape(k, -1) @ d.reshape(-1, f)

    with one_blas_thread():
        run_blocks(job, blocks)
    parts = [sums[lo] for lo, _ in blocks]
    r = parts[0]
    for part in parts[1:]:
        r += part
    return r[:-1].reshape(w_shape), r[-1].copy()
