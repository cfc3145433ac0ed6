"""Convolution kernels on NumPy: channels-last im2col and GEMMs, for any number of spatial dims.

Layouts: ``x`` is ``(N, *spatial, C)``, ``w`` is ``(*kernel, C // groups, F)``; ``pads`` holds one
``(low, high)`` pair per spatial dim, already resolved from SAME/VALID by the caller.  The
forward pass is one im2col copy (a strided window view) and one GEMM; the filter gradient is
one GEMM over the same im2col matrix; the input gradient is one GEMM per filter tap added into
a padded buffer, which beats building the im2col matrix of the padded output gradient
(seed CNN layer 2, one BLAS thread: ~6 ms, against ~10 ms for one GEMM into the full matrix
and its col2im scatter, and ~17 ms for the "full" correlation with the flipped filter).
Inference (no tape keeping the matrix) builds and multiplies it a batch slice at a time, so
large batches need no more memory for it than ``COLS_BUDGET``.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from tensorflux.backend.numpy.half import float32_inside
from tensorflux.backend.numpy.threads import (
    gemm_threads,
    image_blocks,
    one_blas_thread,
    run_blocks,
    split_rows,
)


def conv_output_size(size: int, k: int, stride: int, dilation: int, lo: int, hi: int) -> int:
    """Spatial output length of one dimension (may be <= 0 for a kernel larger than the input)."""
    return (size + lo + hi - dilation * (k - 1) - 1) // stride + 1


def _padded(x: Any, pads: Any, fill: float = 0.0) -> Any:
    if not any(lo or hi for lo, hi in pads):
        return x
    shape = (x.shape[0],) + tuple(s + lo + hi for s, (lo, hi) in zip(x.shape[1:-1], pads)) + (x.shape[-1],)
    xp = np.full(shape, fill, x.dtype) if fill else np.zeros(shape, x.dtype)
    xp[(slice(None),) + tuple(slice(lo, lo + s) for s, (lo, _) in zip(x.shape[1:-1], pads))] = x
    return xp


def _windows(xp: Any, ksize: Any, strides: Any, dilations: Any, out: Any) -> Any:
    """A no-copy view of shape ``(N, *out, *ksize, C)`` over the padded input."""
    st = xp.strides
    sp = st[1:-1]
    shape = (xp.shape[0],) + tuple(out) + tuple(ksize) + (xp.shape[-1],)
    strides = (
        (st[0],) + tuple(s * k for s, k in zip(sp, strides)) + tuple(s * d for s, d in zip(sp, dilations))
    )
    return as_strided(xp, shape, strides + (st[-1],), writeable=False)


def _out_shape(x_shape: Any, ksize: Any, strides: Any, dilations: Any, pads: Any) -> tuple[int, ...]:
    return tuple(
        conv_output_size(s, k, st, d, lo, hi)
        for s, k, st, d, (lo, hi) in zip(x_shape[1:-1], ksize, strides, dilations, pads)
    )


def im2col(x: Any, ksize: Any, strides: Any, dilations: Any, pads: Any, groups: int = 1) -> Any:
    """The patches matrix: ``(N*prod(out), prod(k)*C)``, or ``(G, N*prod(out), prod(k)*C/G)`` for groups."""
    out = _out_shape(x.shape, ksize, strides, dilations, pads)
    xp = _padded(x, pads)
    c = x.shape[-1]
    m = x.shape[0] * math.prod(out)
    kk = math.prod(ksize)
    if c == 1 and groups == 1 and kk > 1:
        return _tap_rows(xp, ksize, strides, dilations, out).T
    v = _windows(xp, ksize, strides, dilations, out)
    if groups == 1:
        cols = np.empty(v.shape, x.dtype)
        split_rows(_copy_into, cols, v)  # images per core
        return cols.reshape(m, kk * c)
    cg = c // groups
    v = v.reshape(v.shape[:-1] + (groups, cg))
    nd = len(out)
    perm = (2 * nd + 1, 0) + tuple(range(1, 2 * nd + 1)) + (2 * nd + 2,)
    return v.transpose(perm).reshape(groups, m, kk * cg)


def _tap_rows(xp: Any, ksize: Any, strides: Any, dilations: Any, out: Any, extra: int = 0) -> Any:
    """The transposed im2col matrix of a one-channel input, ``(prod(k) + extra, N*prod(out))``.

    The window view would copy one float at a time; whole taps are copied instead, each into a
    contiguous row (2x faster than strided columns); the GEMMs take the transposed view as it is
    (BLAS reads either order, same results). ``extra`` rows are left for the caller to fill.
    """
    kk = math.prod(ksize)
    cols_t = np.empty((kk + extra, xp.shape[0]) + tuple(out), xp.dtype)
    for t, tap in enumerate(_taps(ksize, strides, dilations, out)):
        cols_t[t] = xp[(slice(None),) + tap + (0,)]
    return cols_t.reshape(kk + extra, -1)


def _copy_into(a: Any, out: Any) -> None:
    np.copyto(out, a)


def _matmul(a: Any, b: Any, out: Any = None) -> Any:
    """``a @ b``, on one BLAS thread while the machine is busy (``threads.gemm_threads``).

    On a shared machine whose cores are busy, waiting for the second thread made the seed CNN's
    first layer 5-8x slower (9 ms against 1.3 ms), and larger products up to 50x.  The results
    differ from a two-thread product at most in float32 rounding (the threads split the sums
    differently).
    """
    with gemm_threads():
        return np.matmul(a, b, out=out)


def _taps(ksize: Any, strides: Any, dilations: Any, out: Any) -> Any:
    """For each filter tap, the tuple of spatial slices of the padded input it reads."""
    for k in itertools.product(*(range(n) for n in ksize)):
        yield tuple(
            slice(i * d, i * d + (o - 1) * s + 1, s) for i, d, s, o in zip(k, dilations, strides, out)
        )


def _group_filter(w: Any, groups: int) -> Any:
    """``(*k, Cg, G*Fg)`` -> ``(G, prod(k)*Cg, Fg)``."""
    kk_cg = math.prod(w.shape[:-1])
    fg = w.shape[-1] // groups
    return w.reshape(kk_cg, groups, fg).transpose(1, 0, 2)


# Without ``keep_cols`` (inference: no tape needs the matrix) the im2col matrix is built and
# multiplied a batch slice at a time, so it stays near this size however large the batch: at
# batch 1000 the seed CNN's second conv would otherwise hold a 139 MB matrix for one GEMM.
# Training batches (the whole matrix under the budget) take the one-GEMM path unchanged.
COLS_BUDGET = 16 * 1024 * 1024  # bytes


@float32_inside(keep_last=1)  # (y, cols): the matrix stays float32 for the filter gradient
def conv(
    x: Any, w: Any, strides: Any, dilations: Any, pads: Any, groups: int = 1, keep_cols: bool = False
) -> Any:
    """N-d convolution (cross-correlation, as TensorFlow); returns ``y`` or ``(y, cols)``."""
    plan = _small_conv_plan(x, w, strides, dilations, pads, groups)
    if plan is not None:
        return _conv_small(x, w, pads, plan, keep_cols)
    ksize = w.shape[:-2]
    f = w.shape[-1]
    out = _out_shape(x.shape, ksize, strides, dilations, pads)
    n = x.shape[0]
    row_bytes = math.prod(out) * math.prod(w.shape[:-1]) * groups * x.dtype.itemsize
    if not keep_cols and groups == 1 and n > 1 and n * row_bytes > COLS_BUDGET:
        return _conv_chunked(x, w, strides, dilations, pads, out, max(1, COLS_BUDGET // max(row_bytes, 1)))
    if groups == 1 and x.shape[-1] > 1:
        blocks = image_blocks(n, n * row_bytes // x.dtype.itemsize)
        if len(blocks) > 1:
            return _conv_blocks(x, w.reshape(-1, f), ksize, strides, dilations, pads, out, blocks, keep_cols)
    cols = im2col(x, ksize, strides, dilations, pads, groups)
    if groups == 1:
        y = _matmul(cols, w.reshape(-1, f))
    else:
        with gemm_threads():
            y = np.matmul(cols, _group_filter(w, groups))  # (G, M, Fg)
        y = y.transpose(1, 0, 2)
    y = y.reshape((n,) + out + (f,))
    return (y, cols) if keep_cols else y


def _conv_blocks(
    x: Any,
    w2: Any,
    ksize: Any,
    strides: Any,
    dilations: Any,
    pads: Any,
    out: Any,
    blocks: Any,
    keep_cols: bool,
) -> Any:
    """``conv`` one block of images per core: each thread copies its images' im2col rows and
    multiplies them at once on a one-threaded BLAS, while they are still in its cache.

    Seed CNN layer 2 at batch 64: 4.0 against 4.7 ms for the whole matrix and one two-thread GEMM.
    Each output row comes from one GEMM over its own im2col row either way, so the result does
    not depend on whether the blocks ran side by side (``threads.run_blocks``).
    """
    n, f = x.shape[0], w2.shape[-1]
    v = _windows(_padded(x, pads), ksize, strides, dilations, out)  # (N, *out, *k, C)
    cols = np.empty(v.shape, x.dtype)
    y = np.empty((n,) + tuple(out) + (f,), np.result_type(x.dtype, w2.dtype))
    k = w2.shape[0]

    def job(lo: int, hi: int) -> None:
        np.copyto(cols[lo:hi], v[lo:hi])
        np.matmul(cols[lo:hi].reshape(-1, k), w2, out=y[lo:hi].reshape(-1, f))

    with one_blas_thread():
        run_blocks(job, blocks)
    return (y, cols.reshape(-1, k)) if keep_cols else y


# A convolution of at most this many multiply-adds (one sample of a small CNN: the seed CNN's
# second layer at batch 1 has 2.2M) takes ``_conv_small``.  At that size a second BLAS thread
# saves ~20 us when it is already spinning, but waking it on a busy machine measured 80x slower
# (that layer inside ``model(x)``: 6.7 ms median against 83 us on one thread), so while the
# machine is busy these GEMMs run on one thread (``threads.gemm_threads``).
_SMALL_MACS = 1 << 22

# OpenBLAS runs a GEMM of at most this many multiply-adds on one thread by itself
# (interface/gemm.c: ``GEMM_MULTITHREAD_THRESHOLD * SMP_THRESHOLD_MIN``, 4 * 65536), so no
# thread setting needs changing below it.
_BLAS_SERIAL_MACS = 1 << 18


# Geometry of the small convolutions seen (input shape, strides and dtype, filter shape, params):
# at batch 1 working it out again was as long as the conv1 GEMM (~8 us per call).
_SMALL_PLANS: dict[Any, tuple[Any, ...]] = {}
_MAX_SMALL_PLANS = 256


def _small_conv_plan(
    x: Any, w: Any, strides: Any, dilations: Any, pads: Any, groups: int
) -> tuple[Any, ...] | None:
    """The (cached) plan of a small convolution for :func:`_conv_small`, or None for a large one."""
    key: Any = (x.shape, x.strides, x.dtype, w.shape, strides, dilations, pads, groups)
    try:
        plan = _SMALL_PLANS.get(key)
    except TypeError:  # list arguments: nothing to look up
        plan, key = None, None
    if plan is not None:
        return plan
    out = _out_shape(x.shape, w.shape[:-2], strides, dilations, pads)
    if groups != 1 or min(out) <= 0 or x.shape[0] * math.prod(out) * w.size > _SMALL_MACS:
        return None
    plan = _small_plan(x, w, strides, dilations, pads, out)
    if key is not None:
        if len(_SMALL_PLANS) >= _MAX_SMALL_PLANS:
            _SMALL_PLANS.clear()
        _SMALL_PLANS[key] = plan
    return plan


def _small_plan(x: Any, w: Any, strides: Any, dilations: Any, pads: Any, out: Any) -> tuple[Any, ...]:
    """``(view shape, view strides, one channel, rows, columns, output shape, threaded GEMM, padded)``."""
    ksize = tuple(w.shape[:-2])
    f = w.shape[-1]
    n, c = x.shape[0], x.shape[-1]
    st = _padded(x, pads).strides
    sp = st[1:-1]
    tap_st = tuple(s * d for s, d in zip(sp, dilations))
    pos_st = tuple(s * k for s, k in zip(sp, strides))
    m = n * math.prod(out)
    kk = math.prod(ksize)
    one_channel = c == 1 and kk > 1
    if one_channel:
        # taps first: each row of the transposed matrix is one contiguous copy (see ``im2col``)
        shape, vst = ksize + (n,) + tuple(out), tap_st + (st[0],) + pos_st
    else:
        shape, vst = (n,) + tuple(out) + ksize + (c,), (st[0],) + pos_st + tap_st + (st[-1],)
    one_thread = m * kk * c * f > _BLAS_SERIAL_MACS
    padded = any(lo or hi for lo, hi in pads)
    return shape, vst, one_channel, m, kk * c, (n,) + tuple(out) + (f,), one_thread, padded


def _conv_small(x: Any, w: Any, pads: Any, plan: tuple[Any, ...], keep_cols: bool, bias: Any = None) -> Any:
    """``conv`` for small products: the general path's im2col matrix (same layout, same values) built
    with one copy and a cheap view, and its GEMM on one BLAS thread while the machine is busy: the
    general path's result to float32 rounding (its bits where both GEMMs ran on one thread).

    At batch 1 the kernels are a few tens of microseconds, so the general path's per-call costs
    (``as_strided`` ~7 us, one slice copy per tap for one channel) were a third of the time.
    A ``bias`` (one-channel input only) rides in the product as a row of ones, as in
    :func:`conv_bias`: seed CNN layer 1 at batch 1, 27 against 37 us of CPU with the add after.
    """
    shape, vst, one_channel, m, k, y_shape, one_thread, padded = plan
    v = _view(_padded(x, pads) if padded else x, shape, vst)
    f = y_shape[-1]
    if bias is not None:
        cols_t = np.empty((k + 1, m), x.dtype)
        np.copyto(cols_t[:k].reshape(v.shape), v)
        cols_t[k] = 1
        cols = cols_t.T
        w2 = np.empty((k + 1, f), np.result_type(w.dtype, bias.dtype))
        w2[:k] = w.reshape(k, f)
        w2[k] = bias
    else:
        cols = np.ascontiguousarray(v).reshape(k, m).T if one_channel else v.reshape(m, k)
        w2 = w.reshape(k, f)
    y = _small_matmul(cols, w2) if one_thread else np.matmul(cols, w2)
    y = y.reshape(y_shape)
    return (y, cols) if keep_cols else y


def _view(a: Any, shape: Any, strides: Any) -> Any:
    """A read-only strided view of ``a`` (``np.ndarray`` over a contiguous buffer: 1 us, where
    ``as_strided`` takes 7 us)."""
    if not a.flags.c_contiguous:
        return as_strided(a, shape, strides, writeable=False)
    v = np.ndarray(shape, a.dtype, a, 0, strides)
    v.flags.writeable = False
    return v


def _small_matmul(a: Any, b: Any) -> Any:
    with gemm_threads():
        return np.matmul(a, b)


def _conv_chunked(x: Any, w: Any, strides: Any, dilations: Any, pads: Any, out: Any, step: int) -> Any:
    """``conv`` over ``step`` batch items at a time, each GEMM writing its rows of the result."""
    n, f = x.shape[0], w.shape[-1]
    ksize = w.shape[:-2]
    w2 = w.reshape(-1, f)
    y = np.empty((n,) + tuple(out) + (f,), np.result_type(x.dtype, w.dtype))
    y2 = y.reshape(n, -1, f)
    for b in range(0, n, step):
        cols = im2col(x[b : b + step], ksize, strides, dilations, pads)
        _matmul(cols, w2, out=y2[b : b + step].reshape(-1, f))
    return y


@float32_inside
def conv_backprop_filter(
    x: Any, dy: Any, w_shape: Any, strides: Any, dilations: Any, pads: Any, groups: int = 1, cols: Any = None
) -> Any:
    """Gradient of ``conv`` with respect to the filter: one GEMM over the im2col matrix."""
    ksize = tuple(w_shape[:-2])
    f = w_shape[-1]
    if cols is None:
        cols = im2col(x, ksize, strides, dilations, pads, groups)
    if groups == 1:
        dy2 = dy.reshape(-1, f)
        return _matmul(cols.T, dy2).reshape(w_shape)
    fg = f // groups
    dyg = dy.reshape(-1, groups, fg).transpose(1, 0, 2)
    with gemm_threads():
        dw = np.matmul(cols.transpose(0, 2, 1), dyg)  # (G, K*Cg, Fg)
    return dw.transpose(1, 0, 2).reshape(w_shape)


def bias_folds(x_shape: Any, w_shape: Any, groups: int = 1) -> bool:
    """Whether :func:`conv_bias` folds the bias into the product (one input channel, several taps)."""
    return groups == 1 and x_shape[-1] == 1 and math.prod(w_shape[:-2]) > 1


@float32_inside(keep_last=1)
def conv_bias(
    x: Any, w: Any, b: Any, strides: Any, dilations: Any, pads: Any, keep_cols: bool = False
) -> Any:
    """``conv(x, w) + b`` (bias on the channels); returns ``y`` or ``(y, cols)``.

    For a one-channel input (:func:`bias_folds`: a first layer on grayscale images) the bias is
    one more row of the filter against a row of ones in the im2col matrix, so the GEMM adds it
    and the output is written once; the filter gradient's GEMM then gives the bias gradient too
    (:func:`conv_bias_backprop_filter`).  Seed CNN layer 1 at batch 64: 0.7 against 1.6 ms
    forward, 0.8 against 1.3 ms for both gradients.  With more channels the wider matrix made
    the gradient's GEMM slower than it saved, so the bias is added to the fresh output instead.
    """
    if not keep_cols and bias_folds(x.shape, w.shape):
        plan = _small_conv_plan(x, w, strides, dilations, pads, 1)
        if plan is not None:  # one sample: the cached small path, the bias in its product
            return _conv_small(x, w, pads, plan, False, b)
    ksize = w.shape[:-2]
    f = w.shape[-1]
    out = _out_shape(x.shape, ksize, strides, dilations, pads)
    n = x.shape[0]
    kk = math.prod(ksize)
    fits = keep_cols or n * math.prod(out) * (kk + 1) * x.dtype.itemsize <= COLS_BUDGET
    small = n * math.prod(out) * w.size <= _SMALL_MACS  # one sample: the cached small path is faster
    if not bias_folds(x.shape, w.shape) or min(out) <= 0 or not fits or small:
        r = conv(x, w, strides, dilations, pads, 1, keep_cols)
        y = r[0] if keep_cols else r
        np.add(y, b, out=y)
        return r
    rows = _tap_rows(_padded(x, pads), ksize, strides, dilations, out, extra=1)
    rows[kk] = 1
    wb = np.empty((kk + 1, f), np.result_type(w.dtype, b.dtype))
    wb[:kk] = w.reshape(kk, f)
    wb[kk] = b
    y = _matmul(rows.T, wb).reshape((n,) + out + (f,))
    return (y, rows.T) if keep_cols else y


def conv_bias_act(
    x: Any, w: Any, b: Any, strides: Any, dilations: Any, pads: Any, activation: Any, keep_cols: bool = False
) -> Any:
    """``activation(conv(x, w) + b)`` written into one array: the bias and a ReLU go into
    :func:`conv_bias`'s fresh output in place, where separate kernels would each make a new one
    (at batch 1000 the seed CNN's first layer holds one 86 MB output instead of two at once).

    ``keep_cols`` also returns the im2col matrix of ``conv`` (without the bias column), for the
    filter gradient.
    """
    if activation not in ("relu", None):
        raise ValueError(f"conv_bias_act: activation must be 'relu' or None; received {activation!r}.")
    r = conv_bias(x, w, b, strides, dilations, pads, keep_cols)
    y = r[0] if keep_cols else r
    if activation == "relu":
        split_rows(_relu_in_place, y, y)
    if not keep_cols:
        return y
    k = math.prod(w.shape[:-1])
    cols = r[1]
    return y, (cols[:, :k] if cols.shape[1] > k else cols)  # a folded bias rides as a last column


def _relu_in_place(y: Any, out: Any) -> Any:
    return np.maximum(y, 0, out=out)


@float32_inside
def conv_bias_backprop_filter(
    x: Any, dy: Any, w_shape: Any, strides: Any, dilations: Any, pads: Any, cols: Any = None
) -> tuple[Any, Any]:
    """The filter and bias gradients of :func:`conv_bias`: ``(dw, db)``.

    ``cols`` is the forward's matrix: with its ones column, one GEMM gives both.
    """
    f = w_shape[-1]
    k = math.prod(w_shape[:-1])
    if (cols is None or cols.shape[1] != k + 1) and bias_folds(x.shape, w_shape):
        ksize = tuple(w_shape[:-2])
        out = tuple(dy.shape[1:-1])
        cols = _tap_rows(_padded(x, pads), ksize, strides, dilations, out, extra=1)
        cols[k] = 1
        cols = cols.T
    if cols is None or cols.shape[1] != k + 1:
        dw = conv_backprop_filter(x, dy, w_shape, strides, dilations, pads, 1, cols=cols)
        return dw, bias_add_grad(dy, -1)
    r = _matmul(cols.T, dy.reshape(-1, f))  # (k + 1, f): the filter's rows, then the bias's
    return r[:k].reshape(w_shape), r[k].copy()


def conv_backprop_input_taps(dy: Any, w: Any, x_shape: Any, taps: Any, pads: Any, groups: int) -> Any:
    """The input gradient of a convolution: one GEMM per filter tap added into the padded gradient.

    Args:
        dy: output gradient ``(N, *out, F)``.
        w: filter ``(*k, C // groups, F)``.
        x_shape: the input's shape.
        taps: for each filter tap, the spatial slices of the padded input it reads.
        pads: ``(low, high)`` per spatial dim.
        groups: channel groups.

    Returns:
        ``dx`` of shape ``x_shape``.

    >>> dy = np.ones((1, 1, 1), np.float32)
    >>> w = np.array([1.0, 2.0], np.float32).reshape(2, 1, 1)
    >>> conv_backprop_input_taps(dy, w, (1, 2, 1), [(slice(0, 1),), (slice(1, 2),)],
    ...                          ((0, 0),), 1).ravel().tolist()
    [1.0, 2.0]
    """
    x_shape = tuple(x_shape)
    n, c, f = x_shape[0], x_shape[-1], w.shape[-1]
    out = tuple(dy.shape[1:-1])
    padded = (n,) + tuple(s + lo + hi for s, (lo, hi) in zip(x_shape[1:-1], pads)) + (c,)
    m = n * math.prod(out)
    cg = w.shape[-2]
    fg = f // groups
    wk = w.reshape((-1, cg, f))
    if groups == 1:
        dxp = np.empty(padded, dy.dtype)
        blocks = image_blocks(n, dxp.size)
        if len(blocks) > 1:
            # one block of images per core, each on one BLAS thread: the taps' additions then run
            # on every core too (seed CNN layer 2 at batch 64: 4.6 against 5.5 ms)
            with one_blas_thread():
                run_blocks(lambda lo, hi: _tap_products(dy[lo:hi], dxp[lo:hi], wk, taps), blocks)
        else:
            with gemm_threads():
                _tap_products(dy, dxp, wk, taps)
    else:
        dxp = np.zeros(padded, dy.dtype)
        with gemm_threads():
            dyg = dy.reshape(m, groups, fg).transpose(1, 0, 2)  # (G, M, Fg)
            wg = wk.reshape(-1, cg, groups, fg).transpose(0, 2, 3, 1)  # (K, G, Fg, Cg)
            for t, tap in enumerate(taps):
                part = np.matmul(dyg, wg[t])  # (G, M, Cg)
                view = dxp[(slice(None),) + tap]
                view += part.transpose(1, 0, 2).reshape(view.shape)
    if padded == x_shape:
        return dxp
    return dxp[(slice(None),) + tuple(slice(lo, lo + s) for s, (lo, _) in zip(x_shape[1:-1], pads))].copy()


def _tap_products(dy: Any, out: Any, wk: Any, taps: Any) -> None:
    """The input gradient of some images into ``out`` (their padded gradient): one GEMM per tap."""
    out.fill(0)
    m, f = dy.size // dy.shape[-1], dy.shape[-1]
    dy2 = dy.reshape(m, f)
    buf = np.empty((m, out.shape[-1]), dy.dtype)
    for t, tap in enumerate(taps):
        np.matmul(dy2, wk[t].T, out=buf)
        view = out[(slice(None),) + tap]
        view += buf.reshape(view.shape)


@float32_inside
def conv_backprop_input(
    dy: Any, w: Any, x_shape: Any, strides: Any, dilations: Any, pads: Any, groups: int = 1
) -> Any:
    """Gradient of ``conv`` with respect to its input (also the transposed convolution).

    One GEMM per filter tap, each added into the strided slice of the padded gradient it
    came from; the padding is cropped at the end (:func:`conv_backprop_input_taps`).
    """
    taps = list(_taps(w.shape[:-2], strides, dilations, tuple(dy.shape[1:-1])))
    return conv_backprop_input_taps(dy, w, x_shape, taps, pads, groups)


def bias_add(x: Any, b: Any, axis: int) -> Any:
    """``x + b`` along ``axis``; for the last axis, rows are widened (bias tiled) so the broadcast
    add runs long inner loops instead of one per pixel (~25% faster for 32 channels)."""
    axis %= x.ndim
    if axis != x.ndim - 1:
        return x + b.reshape((-1,) + (1,) * (x.ndim - axis - 1))
    c = x.shape[-1]
    n = x.size // c if c else 0
    k = math.gcd(n, 1 << max(0, (2048 // max(c, 1)).bit_length() - 1)) if n else 1
    if k == 1:
        return x + b
    out = np.empty(x.shape, np.result_type(x.dtype, b.dtype))
    split_rows(_add_into, out.reshape(-1, c * k), x.reshape(-1, c * k), np.tile(b, k))  # rows per core
    return out


def _add_into(a: Any, b: Any, out: Any) -> None:
    np.add(a, b, out=out)


@float32_inside
def bias_add_grad(g: Any, axis: int) -> Any:
    """Sum of ``g`` over every axis but ``axis`` (a ones-vector GEMM: far faster than ``sum(0)``)."""
    axis %= g.ndim
    if axis == g.ndim - 1:
        g2 = g.reshape(-1, g.shape[-1])
        return _matmul(np.ones((1, g2.shape[0]), g.dtype), g2).reshape(g.shape[-1])
    red = tuple(a for a in range(g.ndim) if a != axis)
    return g.sum(axis=red)


__all__ = [
    "bias_add",
    "bias_add_grad",
    "bias_folds",
    "conv",
    "conv_bias",
    "conv_bias_act",
    "conv_bias_backprop_filter",
    "conv_backprop_filter",
    "conv_backprop_input",
    "conv_output_size",
    "im2col",
]
