"""Pooling kernels on NumPy, channels-last, any number of spatial dims.

Every kernel walks the window taps (not the pixels): each tap is one strided view of the
(padded) input, so a 2x2 max pool is three ``maximum`` calls over quarter-size views, which
measured faster than a reshape-and-max.  Windows that do not overlap (stride >= window, the
common case) let the backward write each tap straight into the gradient instead of adding.

For 2-D windows that tile the input exactly (the seed CNN's 2x2 pools) the gradient runs a few
images at a time so that its temporaries stay in the cache, comparing whole rows against the max
repeated along the window width (:func:`max_pool_grad_tiled`; same bits as the per-tap kernel).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from tensorflux.backend.numpy.threads import image_blocks, run_blocks, split_rows


def _pool_out(x_shape: Any, ksize: Any, strides: Any, pads: Any) -> tuple[int, ...]:
    return tuple(
        (s + lo + hi - k) // st + 1 for s, k, st, (lo, hi) in zip(x_shape[1:-1], ksize, strides, pads)
    )


def _taps(ksize: Any, strides: Any, out: Any) -> Any:
    for k in itertools.product(*(range(n) for n in ksize)):
        yield (slice(None),) + tuple(slice(i, i + (o - 1) * s + 1, s) for i, s, o in zip(k, strides, out))


def _pad(x: Any, pads: Any, fill: float) -> Any:
    if not any(lo or hi for lo, hi in pads):
        return x
    shape = (x.shape[0],) + tuple(s + lo + hi for s, (lo, hi) in zip(x.shape[1:-1], pads)) + (x.shape[-1],)
    xp = np.full(shape, fill, x.dtype)
    xp[_crop(x.shape, pads)] = x
    return xp


def _crop(x_shape: Any, pads: Any) -> tuple[slice, ...]:
    return (slice(None),) + tuple(slice(lo, lo + s) for s, (lo, _) in zip(x_shape[1:-1], pads))


def _padded_shape(x_shape: Any, pads: Any) -> tuple[int, ...]:
    return (x_shape[0],) + tuple(s + lo + hi for s, (lo, hi) in zip(x_shape[1:-1], pads)) + (x_shape[-1],)


def max_pool(x: Any, ksize: Any, strides: Any, pads: Any) -> Any:
    """Max over each window; padding never wins (it is -inf)."""
    try:
        key: Any = (x.shape, ksize, strides, pads)
        steps = _FOLD_PLANS.get(key)
    except TypeError:  # list arguments: nothing to look up
        key, steps = None, None
    if steps is None:
        steps = _fold_plan(x, ksize, strides, pads)
        if key is not None:
            if len(_FOLD_PLANS) >= _MAX_FOLD_PLANS:
                _FOLD_PLANS.clear()
            _FOLD_PLANS[key] = steps
    if steps:
        return _max_pool_folded(x, steps)
    out = _pool_out(x.shape, ksize, strides, pads)
    xp = _pad(x, pads, _lowest(x.dtype))
    y = np.empty((x.shape[0],) + out + (x.shape[-1],), x.dtype)
    return split_rows(_max_over_taps, y, xp, taps=list(_taps(ksize, strides, out)))  # images per core


def _max_over_taps(xp: Any, out: Any, taps: list[Any]) -> None:
    np.copyto(out, xp[taps[0]])
    for tap in taps[1:]:
        np.maximum(out, xp[tap], out=out)


# Tiling windows on at most this many input elements fold one spatial dim at a time (below);
# larger inputs keep the per-tap loop, which measured faster there (64x11x11x64: 129 against
# 152 us; 64x26x26x32: 0.6 against 0.9 ms), while 8x26x26x32 still gained (72 against 103 us).
_FOLD_MAX_SIZE = 1 << 17

# The fold steps of the pools seen (``()`` where the per-tap loop runs): at one sample, working
# out the slices again took a third of the pool's ~20 us.
_FOLD_PLANS: dict[Any, tuple[Any, ...]] = {}
_MAX_FOLD_PLANS = 256


def _fold_plan(x: Any, ksize: Any, strides: Any, pads: Any) -> tuple[Any, ...]:
    """For each spatial dim, the index of each of its window taps; ``()`` when the pool does not fold."""
    if tuple(strides) != tuple(ksize) or x.size > _FOLD_MAX_SIZE or any(lo or hi for lo, hi in pads):
        return ()
    out = _pool_out(x.shape, ksize, strides, pads)
    if min(out, default=1) <= 0:
        return ()
    return tuple(
        tuple((slice(None),) * (d + 1) + (slice(i, o * k, k),) for i in range(k))
        for d, (k, o) in enumerate(zip(ksize, out))
    )


def _max_pool_folded(x: Any, steps: tuple[Any, ...]) -> Any:
    """Max over windows that tile the input (the rest cropped), one spatial dim at a time.

    A 2x2 pool is then two ``maximum`` calls (over row pairs, then column pairs) and no copy,
    where the per-tap loop makes one copy and three calls; at one sample (26x26x32) that
    measured 15 us against 24 us.  The max of a window is one of its values whatever the order,
    so the result is the same.
    """
    y = x
    folded = False  # whether ``y`` is a new array rather than a view of ``x``
    for taps in steps:
        if len(taps) == 1:  # a window of one along this dim: only the crop
            y = y[taps[0]]
            continue
        z = np.maximum(y[taps[0]], y[taps[1]])
        for tap in taps[2:]:
            np.maximum(z, y[tap], out=z)
        y = z
        folded = True
    return y if folded and y.flags.c_contiguous else np.array(y)


def max_pool_grad(x: Any, y: Any, g: Any, ksize: Any, strides: Any, pads: Any) -> Any:
    """Route each output gradient to the first input of its window that equals the max."""
    if _windows_tile(ksize, strides, pads):
        return _max_pool_grad_tiling(x, y, g, tuple(ksize))
    xp = _pad(x, pads, _lowest(x.dtype))
    out = y.shape[1:-1]
    disjoint = all(s >= k for s, k in zip(strides, ksize))
    dxp = np.zeros(xp.shape, g.dtype)
    rem = g  # the gradient not yet given to an earlier tap (ties go to the first)
    taps = list(_taps(ksize, strides, out))
    for i, tap in enumerate(taps):
        hit = np.equal(xp[tap], y)
        view = dxp[tap]
        if disjoint:
            np.multiply(rem, hit, out=view)
        else:
            view += rem * hit
        if i + 1 < len(taps):
            rem = rem - view if disjoint else rem * ~hit
    return dxp if dxp.shape == x.shape else dxp[_crop(x.shape, pads)].copy()


def _windows_tile(ksize: Any, strides: Any, pads: Any) -> bool:
    """Windows side by side (stride == window) over an unpadded input."""
    return tuple(strides) == tuple(ksize) and not any(lo or hi for lo, hi in pads)


def _max_pool_grad_tiling(x: Any, y: Any, g: Any, ksize: tuple[int, ...]) -> Any:
    """The gradient for windows that tile the input: row blocks where they cover it exactly
    (2-D, large enough), else the full-size mask or per-tap kernel."""
    if tiles_exactly(x, y, ksize):
        return max_pool_grad_tiled(x, y, g, ksize)  # type: ignore[arg-type]
    return _max_pool_grad_windows(x, y, g, ksize)


# Tiling windows: above this many input elements, with no cropped edge, one full-size comparison
# against the broadcast max is faster; below it (or cropped), per-tap comparisons into one small
# mask are (seed CNN, batch 64: 64x11x11x64 cropped 1.15 -> 0.65 ms; 64x26x26x32 4.4 vs 4.7 ms).
_TAPS_MAX_SIZE = 1 << 20


def _max_pool_grad_windows(x: Any, y: Any, g: Any, ksize: tuple[int, ...]) -> Any:
    """Windows that tile the input: one full-size comparison against the broadcast max, ties
    resolved on the boolean mask (cheap), and one multiply; measured ~20% faster than per tap."""
    n, c = x.shape[0], x.shape[-1]
    out = y.shape[1:-1]
    tiled = tuple(o * k for o, k in zip(out, ksize)) == tuple(x.shape[1:-1])
    if x.size <= _TAPS_MAX_SIZE or not tiled:
        return _max_pool_grad_taps(x, y, g, ksize, tiled)
    xs = _split_view(x, out, ksize, writeable=False)
    bshape = (n,) + tuple(v for o in out for v in (o, 1)) + (c,)
    hit = np.equal(xs, y.reshape(bshape))
    taken = None
    for k in itertools.product(*(range(n_) for n_ in ksize)):
        h = hit[(slice(None),) + tuple(v for i in k for v in (slice(None), i))]
        if taken is None:
            taken = h.copy()
        else:
            np.greater(h, taken, out=h)  # hit and not taken by an earlier tap
            taken |= h
    # a multiply by the mask, not a masked copy: ``copyto(where=)`` branches on each element
    # and measured 5x slower on real (unpredictable) masks
    dx = np.empty(x.shape, g.dtype)
    np.multiply(hit, g.reshape(bshape), out=_split_view(dx, out, ksize))
    return dx


def _max_pool_grad_taps(x: Any, y: Any, g: Any, ksize: tuple[int, ...], tiled: bool) -> Any:
    """Tiling windows, tap by tap: each tap's hits in a row of one mask, ties to the first tap."""
    dx = np.empty(x.shape, g.dtype)
    return split_rows(_grad_taps, dx, x, y, g, ksize=ksize, tiled=tiled)  # images per core


def _grad_taps(x: Any, y: Any, g: Any, out: Any, ksize: tuple[int, ...], tiled: bool) -> None:
    taps = list(_taps(ksize, ksize, y.shape[1:-1]))
    hit = np.empty((len(taps),) + y.shape, bool)
    for k, tap in enumerate(taps):
        np.equal(x[tap], y, out=hit[k])
    taken = hit[0].copy()
    for k in range(1, len(taps)):
        np.greater(hit[k], taken, out=hit[k])  # hit and not taken by an earlier tap
        if k + 1 < len(taps):
            taken |= hit[k]
    if not tiled:
        out.fill(0)  # the rows and columns no window covers get no gradient
    for k, tap in enumerate(taps):
        np.multiply(g, hit[k], out=out[tap])


def _split_view(a: Any, out: Any, ksize: Any, writeable: bool = True) -> Any:
    """A view ``(N, o1, k1, o2, k2, ..., C)`` of the windows of ``a`` that tile it (cropped)."""
    st = a.strides
    shape = (a.shape[0],) + tuple(v for o, k in zip(out, ksize) for v in (o, k)) + (a.shape[-1],)
    strides = (st[0],) + tuple(v for s, k in zip(st[1:-1], ksize) for v in (s * k, s)) + (st[-1],)
    return as_strided(a, shape, strides, writeable=writeable)


def max_pool_relu_grad(x: Any, y: Any, g: Any, ksize: Any, strides: Any, pads: Any) -> Any:
    """``relu_grad(max_pool_grad(x, y, g), x)`` in one pass: the gradient reaches a window's max,
    where ``x`` equals ``y``, so the relu mask is ``y > 0`` on the small pooled grid."""
    if _windows_tile(ksize, strides, pads):
        return _max_pool_grad_tiling(x, y, np.multiply(g, y > 0, dtype=g.dtype), tuple(ksize))
    # overlapping windows add several taps into one input: mask after, as the unfused ops do
    dx = max_pool_grad(x, y, g, ksize, strides, pads)
    return np.multiply(dx, x > 0, dtype=dx.dtype)


# Rows of work of the tiled max-pool gradient per block: the input block, its boolean mask and
# the repeated max stay in a core's L2 cache (1 MiB here) across the passes.
_POOL_BLOCK_BYTES = 512 * 1024


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
    dx = np.empty(x.shape, g.dtype)
    # rows are independent: one block of them per core (``split_rows``), each in cache-sized steps
    split_rows(
        _grad_rows,
        dx.reshape(rows, kh, width),
        x.reshape(rows, kh, width),
        y.reshape(rows, ow, c),
        g.reshape(rows, ow, c),
        kw=kw,
    )
    return dx


def _grad_rows(xr: Any, yr: Any, gr: Any, out: Any, kw: int) -> None:
    """``max_pool_grad_tiled`` on rows of work: ``xr`` ``(R, kh, ow*kw*C)``, ``yr``/``gr`` ``(R, ow, C)``."""
    rows, kh, width = xr.shape
    ow, c = yr.shape[1:]
    step = max(1, _POOL_BLOCK_BYTES // max(1, kh * width * xr.dtype.itemsize))
    step = min(step, rows)
    # buffers reused by every block (a block is ``step`` rows; the last may be shorter)
    hit_buf = np.empty((step, kh, width), bool)
    rep_buf = np.empty((step, ow, kw, c), xr.dtype)
    grep_buf = np.empty((step, ow, kw, c), gr.dtype)
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
        rep = rep_buf[:b]
        rep[...] = yr[r0:r1, :, None, :]
        np.equal(xr[r0:r1], rep.reshape(b, 1, width), out=hit)
        if kw == 2:
            _first_hits_pairs(hit, right, c, pair_buf[:b], any_buf[:b])
        else:
            _first_hits(hit.reshape(b, kh, ow, kw, c), taken_buf[:b])
        grep = grep_buf[:b]
        grep[...] = gr[r0:r1, :, None, :]
        # a multiply by the mask, not a masked copy: ``copyto(where=)`` branches on each element
        np.multiply(hit, grep.reshape(b, 1, width), out=out[r0:r1])


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


def pool_taps_fit(x_shape: Any, ksize: Any, strides: Any, pads: Any) -> bool:
    """Whether :func:`max_pool_taps` takes this pool: 2x2 windows side by side over an unpadded
    2-D input (MaxPooling2D's default), two rows and columns at the least."""
    return (
        len(x_shape) == 4
        and tuple(ksize) == (2, 2)
        and _windows_tile(ksize, strides, pads)
        and min(x_shape[1:3]) >= 2
    )


def max_pool_taps(x: Any, ksize: Any, strides: Any, pads: Any) -> tuple[Any, Any]:
    """``max_pool`` of 2x2 tiling windows (:func:`pool_taps_fit`), and which input of each window
    wins, for :func:`max_pool_grad_taps`: ``(y, taps)``.

    ``taps`` is a boolean ``(N, 3, oh, ow, C)``: whether the right input of the window's top row
    beats its left one, the same for the bottom row, and whether the bottom row's max beats the
    top row's.  Strict comparisons pick the first maximum in row-major order, the input the
    general gradient picks.  The three comparisons cost about one pass more than the max alone and
    spare the gradient its comparisons against the max and its tie resolution (seed CNN's first
    pool at batch 64: forward and gradient ~2.6 against ~3.8 ms).

    >>> x = np.array([[1.0, 3.0], [3.0, 2.0]], np.float32).reshape(1, 2, 2, 1)
    >>> y, taps = max_pool_taps(x, (2, 2), (2, 2), ((0, 0), (0, 0)))
    >>> float(y[0, 0, 0, 0]), taps.ravel().tolist()
    (3.0, [True, False, False])
    """
    n, c = x.shape[0], x.shape[-1]
    out = _pool_out(x.shape, ksize, strides, pads)
    y = np.empty((n,) + out + (c,), x.dtype)
    taps = np.empty((n, 3) + out + (c,), bool)
    v = _split_view(x, out, ksize, writeable=False)  # (N, oh, 2, ow, 2, C)

    def job(lo: int, hi: int) -> None:
        w = v[lo:hi]
        quarters = (w[:, :, 0, :, 0], w[:, :, 0, :, 1], w[:, :, 1, :, 0], w[:, :, 1, :, 1])
        window_max(quarters, y[lo:hi], taps[lo:hi])

    run_blocks(job, image_blocks(n, x.size))
    return y, taps


def window_max(quarters: Any, out: Any, taps: Any, scratch: Any = None) -> None:
    """Max of 2x2 windows given as their four inputs ``(top_l, top_r, bot_l, bot_r)`` (arrays of
    one shape), into ``out``; with ``taps`` (not None) which input won, in ``max_pool_taps``'
    layout ``(N, 3, ...)``.  ``scratch`` (may be one of the quarters, then overwritten) holds the
    bottom row's max."""
    top_l, top_r, bot_l, bot_r = quarters
    if taps is not None:
        np.greater(top_r, top_l, out=taps[:, 0])
        np.greater(bot_r, bot_l, out=taps[:, 1])
    np.maximum(top_l, top_r, out=out)
    bottom = np.maximum(bot_l, bot_r, out=scratch)  # after the top row's: scratch may be top_l
    if taps is not None:
        np.greater(bottom, out, out=taps[:, 2])
    np.maximum(out, bottom, out=out)


def max_pool_grad_taps(g: Any, taps: Any, x_shape: Any, y: Any = None) -> Any:
    """The gradient of :func:`max_pool_taps`: each window's gradient to the input ``taps`` marks;
    with ``y`` (the pool's output), only where ``y > 0`` (the ReLU-fused gradient).  The same
    bits as :func:`max_pool_grad` and :func:`max_pool_relu_grad`.
    """
    n = x_shape[0]
    out = g.shape[1:-1]
    if y is not None:
        g = np.multiply(g, y > 0, dtype=g.dtype)
    dx = np.empty(x_shape, g.dtype)
    oh, ow = (o * 2 for o in out)
    dx[:, oh:] = 0  # a last row or column no window covers (odd sizes) gets no gradient
    dx[:, :oh, ow:] = 0
    v = _split_view(dx, out, (2, 2))

    def job(lo: int, hi: int) -> None:
        w = v[lo:hi]
        quarters = (w[:, :, 0, :, 0], w[:, :, 0, :, 1], w[:, :, 1, :, 0], w[:, :, 1, :, 1])
        route_to_winners(g[lo:hi], taps[lo:hi], quarters)

    run_blocks(job, image_blocks(n, dx.size))
    return dx


def route_to_winners(g: Any, taps: Any, quarters: Any) -> None:
    """Each window's gradient ``g`` to the input ``taps`` marks (:func:`window_max`), written into
    the four ``quarters`` ``(top_l, top_r, bot_l, bot_r)``; the others get zeros."""
    bottom = np.multiply(g, taps[:, 2])
    top = np.multiply(g, ~taps[:, 2])
    for (left, right), part, won in ((quarters[:2], top, taps[:, 0]), (quarters[2:], bottom, taps[:, 1])):
        np.multiply(part, won, out=right)
        np.multiply(part, ~won, out=left)


def _lowest(dtype: Any) -> Any:
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _counts(x_shape: Any, ksize: Any, strides: Any, pads: Any, dtype: Any) -> Any:
    """How many real (unpadded) inputs each window holds, shaped to broadcast against the output."""
    out = _pool_out(x_shape, ksize, strides, pads)
    nd = len(out)
    total = np.ones((), dtype)
    for d, (s, k, st, (lo, _), o) in enumerate(zip(x_shape[1:-1], ksize, strides, pads, out)):
        start = np.arange(o) * st
        n = np.minimum(start + k, lo + s) - np.maximum(start, lo)
        shape = [1] * (nd + 2)
        shape[d + 1] = o
        total = total * n.astype(dtype).reshape(shape)
    return total


def avg_pool(x: Any, ksize: Any, strides: Any, pads: Any) -> Any:
    """Mean over each window, counting only real inputs (TensorFlow's SAME semantics)."""
    out = _pool_out(x.shape, ksize, strides, pads)
    xp = _pad(x, pads, 0.0)
    taps = _taps(ksize, strides, out)
    y = xp[next(taps)].copy()
    for tap in taps:
        np.add(y, xp[tap], out=y)
    if any(lo or hi for lo, hi in pads):
        y /= _counts(x.shape, ksize, strides, pads, x.dtype)
    else:
        y *= np.asarray(1.0 / np.prod(ksize), x.dtype)
    return y


def avg_pool_grad(g: Any, x_shape: Any, ksize: Any, strides: Any, pads: Any) -> Any:
    """Adjoint of ``avg_pool``: each window spreads its share of the gradient evenly."""
    x_shape = tuple(x_shape)
    if any(lo or hi for lo, hi in pads):
        gs = g / _counts(x_shape, ksize, strides, pads, g.dtype)
    else:
        gs = g * np.asarray(1.0 / np.prod(ksize), g.dtype)
    disjoint = all(s >= k for s, k in zip(strides, ksize))
    dxp = np.zeros(_padded_shape(x_shape, pads), g.dtype)
    for tap in _taps(ksize, strides, g.shape[1:-1]):
        if disjoint:
            dxp[tap] = gs
        else:
            dxp[tap] += gs
    return dxp if dxp.shape == x_shape else dxp[_crop(x_shape, pads)].copy()


__all__ = [
    "avg_pool",
    "avg_pool_grad",
    "max_pool",
    "max_pool_grad",
    "max_pool_grad_taps",
    "max_pool_relu_grad",
    "max_pool_taps",
    "pool_taps_fit",
]
