"""Backward kernels of convolution and max pooling on NumPy, tuned for small training batches.

Measured on the seed CNN (batch 64, one BLAS thread, a shared 2-core machine):

* ``conv_backprop_input``: one GEMM per filter tap added into the padded gradient stays the
  fastest way (layer 2: ~6 ms) against one GEMM into the full ``(M, taps*C)`` matrix and its
  col2im scatter (~10 ms: the 9 MB matrix leaves the cache) and against the "full" correlation
  of the padded output gradient with the flipped filter (~17 ms: 40% more products, all zeros,
  and a 25 MB im2col copy).  What costs is BLAS threading: nine short GEMMs on two threads each
  wait for the second thread, which on a busy machine made the loop 3-10x slower than on one
  thread (``_tap_gemms_threads``).
* ``max_pool_grad`` with windows that tile the input (2x2 stride 2): every pass over the
  full-size arrays is bound by memory, and the old kernel made four (compare, tie masks,
  multiply); :func:`max_pool_grad_tiled` runs the same passes a few images at a time so that
  the temporaries stay in the cache, and compares whole rows against the max repeated along
  the window width, so its loops run over rows instead of 32 channels at a time.  Gain on the
  seed CNN's first pool: 4-17% (same bits); reading ``x`` and writing ``dx`` from memory is
  most of what is left.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any

import numpy as np

from tensorflux.backend.numpy.threads import small_gemm_threads

# A GEMM under this many multiply-adds, one of a loop of per-tap products, runs on one BLAS
# thread while the machine is busy: waking the second thread for each then costs more than it
# saves (seed CNN, layer 2 input gradient: 9 x 16M; 2 threads 25-68 ms, 1 thread 7 ms). On an
# idle machine two threads were ~5% faster over a whole training step.
_TAP_GEMM_ONE_THREAD = 1 << 25

# Rows of work of the tiled max-pool gradient per block: the input block, its boolean mask and
# the repeated max stay in a core's L2 cache (1 MiB here) across the passes.
_POOL_BLOCK_BYTES = 512 * 1024


def _tap_gemms_threads(m: int, k: int, n: int) -> Any:
    """The thread context for a loop of ``(m, k) @ (k, n)`` tap products."""
    if m * k * n < _TAP_GEMM_ONE_THREAD:
        return small_gemm_threads()
    return contextlib.nullcontext()


def tiles_exactly(x: Any, y: Any, ksize: Any) -> bool:
    """Whether :func:`max_pool_grad_tiled` takes this pool: 2-D windows (stride == window,
    no padding) that cover every input row and column, a C-ordered input, and enough of it
    that the row passes pay off (below, per-tap passes over one small mask are as fast)."""
    return (
        len(ksize) == 2
        and x.ndim == 4
        and x.shape[1] == y.shape[1] * ksize[0]
        and x.shape[2] == y.shape[2] * ksize[1]
        and x.flags.c_contiguous
        and y.flags.c_contiguous
        and x.size >= _TILED_MIN_SIZE
    )


# Measured on the seed CNN's first pool (64x26x26x32): ~10% faster than the per-tap kernel;
# below about this size the two are alike and the per-tap one allocates less.
_TILED_MIN_SIZE = 1 << 16


def max_pool_grad_tiled(x: Any, y: Any, g: Any, ksize: tuple[int, int]) -> Any:
    """Max-pool gradient for 2-D windows that tile ``x`` exactly (stride == window, no padding).

    Each output gradient goes to the first input of its window (row-major order) that equals
    the window's max, as the general kernel does, so the result is bitwise the same.

    Args:
        x: the pool's input, ``(N, H, W, C)`` with ``H = oh * kh`` and ``W = ow * kw``.
        y: the pool's output, ``(N, oh, ow, C)``.
        g: the gradient of ``y``.
        ksize: ``(kh, kw)``.

    Returns:
        The gradient of ``x``.

    >>> x = np.array([[1.0, 3.0], [3.0, 2.0]], np.float32).reshape(1, 2, 2, 1)
    >>> max_pool_grad_tiled(x, np.full((1, 1, 1, 1), 3.0, np.float32),
    ...                     np.ones((1, 1, 1, 1), np.float32), (2, 2)).ravel().tolist()
    [0.0, 1.0, 0.0, 0.0]
    """
    kh, kw = ksize
    n, _, _, c = x.shape
    oh, ow = y.shape[1:3]
    rows = n * oh  # one "row" of work: kh input rows and the output row they pool into
    width = ow * kw * c
    xr = x.reshape(rows, kh, width)
    dx = np.empty(x.shape, g.dtype)
    dxr = dx.reshape(rows, kh, width)
    yr = y.reshape(rows * ow, c)
    gr = g.reshape(rows * ow, c)
    step = max(1, _POOL_BLOCK_BYTES // max(1, kh * width * x.dtype.itemsize))
    step = min(step, rows)
    # buffers reused by every block (a block is ``step`` rows; the last may be shorter)
    hit_buf = np.empty((step, kh, width), bool)
    rep_buf = np.empty((step * ow, kw, c), x.dtype)
    grep_buf = np.empty((step * ow, kw, c), g.dtype)
    taken_buf = np.empty((step, ow, c), bool)
    if kw == 2:
        # where a position is the right tap of its window pair (its partner lies ``c`` before it)
        right = np.zeros((ow, kw, c), bool)
        right[:, 1] = True
        right = right.reshape(width)
        pair_buf = np.empty((step, kh, width), bool)
        any_buf = np.empty((step, width), bool)
    for r0 in range(0, rows, step):
        r1 = min(rows, r0 + step)
        b = r1 - r0
        hit = hit_buf[:b]
        # the max repeated along the window width: the comparison then runs over whole rows
        rep = rep_buf[: b * ow]
        rep[...] = yr[r0 * ow : r1 * ow, None, :]
        np.equal(xr[r0:r1], rep.reshape(b, 1, width), out=hit)
        if kw == 2:
            _first_hits_pairs(hit, right, c, pair_buf[:b], any_buf[:b])
        else:
            _first_hits(hit.reshape(b, kh, ow, kw, c), taken_buf[:b])
        grep = grep_buf[: b * ow]
        grep[...] = gr[r0 * ow : r1 * ow, None, :]
        # a multiply by the mask, not a masked copy: ``copyto(where=)`` branches on each element
        np.multiply(hit, grep.reshape(b, 1, width), out=dxr[r0:r1])
    return dx


def _first_hits_pairs(h: Any, right: Any, c: int, pair: Any, seen: Any) -> None:
    """``_first_hits`` for windows two wide, on whole rows: ``h`` is ``(B, kh, ow*2*c)``.

    A tap's partner in its window row lies ``c`` positions to its left (right tap) or right
    (left tap); shifted views of the row and the ``right`` mask find it without a loop over
    windows, so every pass runs over contiguous rows instead of ``c`` channels at a time.
    """
    kh = h.shape[1]
    # within each window row: a right tap loses to its left partner
    pair[..., :c] = False
    np.logical_and(h[..., :-c], right[c:], out=pair[..., c:])
    np.greater(h, pair, out=h)
    for i in range(1, kh):
        # a row loses to any hit in the earlier rows of its window (both positions of the pair)
        prev = h[:, i - 1]
        if i == 1:
            np.copyto(seen, prev)
        else:
            seen |= prev
        scratch = pair[:, 0]  # free again once the first pass is done
        np.logical_and(prev[:, :-c], right[c:], out=scratch[:, c:])
        seen[:, c:] |= scratch[:, c:]
        np.greater(prev[:, c:], right[:-c], out=scratch[:, :-c])  # a left tap's right partner
        seen[:, :-c] |= scratch[:, :-c]
        np.greater(h[:, i], seen, out=h[:, i])


def _first_hits(h: Any, taken: Any) -> None:
    """Keep, in each window of ``h`` ``(B, kh, ow, kw, C)``, only the first hit (row-major)."""
    kh, kw = h.shape[1], h.shape[3]
    last = kh * kw - 1
    for i in range(kh):
        for j in range(kw):
            t = h[:, i, :, j]
            if i == 0 and j == 0:
                taken[...] = t
                continue
            np.greater(t, taken, out=t)  # a hit not taken by an earlier tap
            if i * kw + j < last:
                taken |= t


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
    dxp = np.zeros(padded, dy.dtype)
    m = n * math.prod(out)
    cg = w.shape[-2]
    fg = f // groups
    wk = w.reshape((-1, cg, f))
    with _tap_gemms_threads(m, fg, cg * groups):
        if groups == 1:
            dy2 = dy.reshape(m, f)
            buf = np.empty((m, c), dy.dtype)
            for t, tap in enumerate(taps):
                np.matmul(dy2, wk[t].T, out=buf)
                view = dxp[(slice(None),) + tap]
                view += buf.reshape(view.shape)
        else:
            dyg = dy.reshape(m, groups, fg).transpose(1, 0, 2)  # (G, M, Fg)
            wg = wk.reshape(-1, cg, groups, fg).transpose(0, 2, 3, 1)  # (K, G, Fg, Cg)
            for t, tap in enumerate(taps):
                part = np.matmul(dyg, wg[t])  # (G, M, Cg)
                view = dxp[(slice(None),) + tap]
                view += part.transpose(1, 0, 2).reshape(view.shape)
    if padded == x_shape:
        return dxp
    return dxp[(slice(None),) + tuple(slice(lo, lo + s) for s, (lo, _) in zip(x_shape[1:-1], pads))].copy()


__all__ = ["conv_backprop_input_taps", "max_pool_grad_tiled", "tiles_exactly"]
