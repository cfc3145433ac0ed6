"""A convolution, its bias and the 2x2 max pool after it, as one kernel (put in traced training
graphs by ``passes/conv_pool.py``).

Classic CNNs (the seed CNN, the MNIST CNN, VGG-like stacks) alternate ``Conv2D(..., activation=
"relu")`` and ``MaxPooling2D(2)``.  Computed apart, the convolution writes a full-size output that
the pool reads with strided views (inner runs of one pixel's channels), and the backward writes a
full-size gradient of which three quarters are zeros, for the GEMMs to read.

Here the im2col matrix is built with its rows in *window-tap* order: for each image, the positions
``(2i, 2j)``, then ``(2i, 2j+1)``, ``(2i+1, 2j)`` and ``(2i+1, 2j+1)`` (``(N, 2, 2, ph, pw)``).  The
product then holds each window's four inputs in four contiguous blocks, so the pool is three
``maximum`` calls over whole blocks, and the convolution's output exists only a block of images at
a time, in the cache, next to the rows it came from.  Positions no window covers (an odd last row
or column) are not computed at all.  The backward writes each block's share of the gradient
contiguously and one GEMM over the same matrix gives the filter gradient; the input gradient (when
wanted) takes the gradient scattered back to pixel order.  The pool keeps which input won each
window, as ``pool.max_pool_taps`` (ties to the first in row-major order), so the results are those
of the separate kernels.

A one-channel input (a first layer on grayscale images) keeps the matrix transposed, one row per
filter tap (whole strided copies instead of one float at a time), with a row of ones that carries
the bias, as ``conv.conv_bias``; with more channels the bias is added to each block of the product.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from tensorflux.backend.numpy.conv import _out_shape, _padded, _windows, bias_folds, conv_backprop_input
from tensorflux.backend.numpy.half import float32_inside
from tensorflux.backend.numpy.pool import route_to_winners, window_max
from tensorflux.backend.numpy.threads import image_blocks, one_blas_thread, run_blocks

__all__ = ["conv_bias_pool", "conv_bias_pool_backprop", "conv_pool_fits"]

# At most this many bytes of conv output per GEMM inside a thread's block (a bound for large
# batches; smaller chunks measured slower at the seed CNN's batch of 64).
_CHUNK_BYTES = 8 * 1024 * 1024


def conv_pool_fits(x_shape: Any, w_shape: Any, strides: Any, dilations: Any, pads: Any) -> bool:
    """Whether :func:`conv_bias_pool` takes this convolution: 2-D, one group, and an output of at
    least one 2x2 window."""
    if len(x_shape) != 4 or len(w_shape) != 4 or w_shape[2] != x_shape[3]:
        return False
    return min(_out_shape(x_shape, w_shape[:2], strides, dilations, pads)) >= 2


def _tap_rows_by_window(
    x: Any, ksize: Any, strides: Any, dilations: Any, pads: Any, ph: int, pw: int, out: Any = None
) -> Any:
    """One-channel input: the transposed im2col matrix in window-tap order, ``(K + 1, N, 4 * ph *
    pw)`` (into ``out`` when given); the last row is ones (the bias)."""
    xp = _padded(x, pads)
    kh, kw = ksize
    sh, sw = strides
    shape = (kh * kw + 1, x.shape[0], 2, 2, ph, pw)
    cols = np.empty(shape, x.dtype) if out is None else out.reshape(shape)
    for k, (i, j) in enumerate(itertools.product(range(kh), range(kw))):
        for a, c in itertools.product(range(2), range(2)):
            h0 = a * sh + i * dilations[0]
            w0 = c * sw + j * dilations[1]
            rows = slice(h0, h0 + (ph - 1) * 2 * sh + 1, 2 * sh)
            cols[k, :, a, c] = xp[:, rows, w0 : w0 + (pw - 1) * 2 * sw + 1 : 2 * sw, 0]
    cols[-1] = 1
    return cols.reshape(kh * kw + 1, x.shape[0], 4 * ph * pw)


def _windows_by_tap(x: Any, ksize: Any, strides: Any, dilations: Any, pads: Any, ph: int, pw: int) -> Any:
    """A no-copy view ``(N, 2, 2, ph, pw, kh, kw, C)`` of the im2col rows in window-tap order."""
    v = _windows(_padded(x, pads), ksize, strides, dilations, (2 * ph, 2 * pw))  # (N, oh', ow', kh, kw, C)
    s = v.strides
    shape = (v.shape[0], 2, 2, ph, pw) + v.shape[3:]
    return as_strided(v, shape, (s[0], s[1], s[2], 2 * s[1], 2 * s[2]) + s[3:], writeable=False)


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
    :func:`conv_bias_pool_backprop`.  Without ``keep`` (inference) the matrix exists one chunk of
    images at a time: at ``predict``'s batch of 1000 the seed CNN's second layer would need 461 MB.

    >>> x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    >>> w = np.ones((1, 1, 1, 1), np.float32)
    >>> conv_bias_pool(x, w, np.zeros(1, np.float32), (1, 1), (1, 1), ((0, 0), (0, 0))).ravel().tolist()
    [5.0, 7.0, 13.0, 15.0]
    """
    n = x.shape[0]
    kh, kw, c, f = w.shape
    oh, ow = _out_shape(x.shape, (kh, kw), strides, dilations, pads)
    ph, pw = oh // 2, ow // 2
    dt = np.result_type(x.dtype, w.dtype, b.dtype)
    folds = bias_folds(x.shape, w.shape)
    if folds:
        wm = np.empty((kh * kw + 1, f), dt)
        wm[:-1] = w.reshape(-1, f)
        wm[-1] = b
    else:
        view = _windows_by_tap(x, (kh, kw), strides, dilations, pads, ph, pw)
        wm = w.reshape(-1, f)
    k = wm.shape[0]
    rows = 4 * ph * pw  # im2col rows per image
    if not keep:
        cols = None
    elif folds:
        cols = _tap_rows_by_window(x, (kh, kw), strides, dilations, pads, ph, pw)
    else:
        cols = np.empty((n, rows, k), x.dtype)
    q = np.empty((n, ph, pw, f), dt)
    taps = np.empty((n, 3, ph, pw, f), bool) if keep else None
    per_image = rows * (f + (0 if folds else k)) * x.dtype.itemsize

    def job(lo: int, hi: int) -> None:
        scratch = None
        for s, e in _chunks(lo, hi, per_image):
            if folds:
                if cols is None:
                    scratch = np.empty(k * (e - s) * rows, x.dtype) if scratch is None else scratch
                    part = _tap_rows_by_window(
                        x[s:e], (kh, kw), strides, dilations, pads, ph, pw, scratch[: k * (e - s) * rows]
                    )
                else:
                    part = cols[:, s:e]
                y = part.reshape(k, -1).T @ wm
            else:
                if cols is None:
                    scratch = np.empty((e - s) * rows * k, x.dtype) if scratch is None else scratch
                    part = scratch[: (e - s) * rows * k]
                else:
                    part = cols[s:e]
                np.copyto(part.reshape(view[s:e].shape), view[s:e])
                y = part.reshape(-1, k) @ wm
                y += b
            y = y.reshape(e - s, 2, 2, ph, pw, f)
            quarters = (y[:, 0, 0], y[:, 0, 1], y[:, 1, 0], y[:, 1, 1])
            window_max(quarters, q[s:e], None if taps is None else taps[s:e], scratch=y[:, 0, 0])

    with one_blas_thread():
        run_blocks(job, image_blocks(n, n * per_image // x.dtype.itemsize))
    return (q, cols, taps) if keep else q


@float32_inside
def conv_bias_pool_backprop(
    g: Any,
    y: Any,
    cols: Any,
    taps: Any,
    w: Any,
    x_shape: Any,
    strides: Any,
    dilations: Any,
    pads: Any,
    relu: bool,
    input_grad: bool,
) -> tuple[Any, ...]:
    """The gradients of :func:`conv_bias_pool` from the pooled output's gradient ``g`` and what the
    forward kept: ``(dx, dw, db)``, or ``(dw, db)`` without ``input_grad``.  With ``relu`` the
    gradient reaches only the windows where ``y`` (the pooled output, or the ReLU of it) is positive.

    The gradient of each window goes to the input that won it.  The filter gradient sums the
    product's rows per block of images (one per core), then the blocks' sums in order.
    """
    n, ph, pw, f = g.shape
    folds = bias_folds(x_shape, w.shape)  # then ``cols`` is transposed, ``(K + 1, N, rows)``
    k = cols.shape[0] if folds else cols.shape[-1]
    if relu:
        g = np.multiply(g, y > 0, dtype=g.dtype)
    oh, ow = _out_shape(x_shape, w.shape[:2], strides, dilations, pads)
    dpix = None
    if input_grad:  # the gradient of the conv's output in pixel order, for its input gradient
        dpix = np.empty((n, oh, ow, f), g.dtype)
        dpix[:, 2 * ph :] = 0  # positions no window covers get none
        dpix[:, : 2 * ph, 2 * pw :] = 0
    per_image = 4 * ph * pw * f * g.dtype.itemsize
    blocks = image_blocks(n, n * per_image // g.dtype.itemsize)
    sums = {lo: np.zeros((k, f), g.dtype) for lo, _ in blocks}

    def job(lo: int, hi: int) -> None:
        total = sums[lo]
        for s, e in _chunks(lo, hi, per_image):
            d = np.empty((e - s, 2, 2, ph, pw, f), g.dtype)
            route_to_winners(g[s:e], taps[s:e], (d[:, 0, 0], d[:, 0, 1], d[:, 1, 0], d[:, 1, 1]))
            d2 = d.reshape(-1, f)
            total += cols[:, s:e].reshape(k, -1) @ d2 if folds else cols[s:e].reshape(-1, k).T @ d2
            if dpix is not None:
                for a, c in itertools.product(range(2), range(2)):
                    dpix[s:e, a : 2 * ph : 2, c : 2 * pw : 2] = d[:, a, c]

    with one_blas_thread():
        run_blocks(job, blocks)
    parts = [sums[lo] for lo, _ in blocks]
    r = parts[0]
    for part in parts[1:]:
        r += part
    if folds:
        dw, db = r[:-1].reshape(w.shape), r[-1].copy()
    else:
        dw, db = r.reshape(w.shape), g.reshape(-1, f).sum(axis=0)
    if dpix is None:
        return dw, db
    return conv_backprop_input(dpix, w, x_shape, strides, dilations, pads), dw, db
