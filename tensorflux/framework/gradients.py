"""The gradient table: one vector-Jacobian product per primitive.

A rule is called as ``rule(g, *inputs, out=..., needs=..., **params)`` and returns one
gradient per input (``None`` where an input is not differentiable).  ``g`` is the gradient
of the output (a tuple of them for primitives with several results); ``needs[i]`` tells
whether input ``i`` leads to a requested source, so costly rules can skip work.  Rules are
written with tensor operations, so they are themselves recorded by outer tapes (higher-order
gradients).  Broadcasting is undone by the tape, not here.
"""

from __future__ import annotations

import math
from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor


def _c(v: Any, like: Tensor) -> Tensor:
    return P.constant_like(v, like)


def _sum(x: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
    return P.unary(P.reduce_sum, x, axis=axis, keepdims=keepdims)


def _reshape(x: Tensor, shape: Any) -> Tensor:
    return P.unary(P.reshape, x, shape=tuple(shape))


def _where(cond: Tensor, a: Tensor, b: Tensor) -> Tensor:
    return P.bind(P.where, (cond, a, b), {})


def _zeros(like: Tensor) -> Tensor:
    return _c(0, like)


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axis = axis if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(a % ndim for a in axis) if ndim else ()


def _keep(g: Tensor, x: Tensor, axis: Any, keepdims: bool) -> Tensor:
    """Reshape a reduction's gradient so that it broadcasts against the input."""
    if keepdims:
        return g
    shape = list(x._value.shape)
    for a in _axes(axis, len(shape)):
        shape[a] = 1
    return _reshape(g, shape)


def _swap(x: Tensor) -> Tensor:
    nd = x._value.ndim
    perm = tuple(range(nd - 2)) + (nd - 1, nd - 2)
    return P.unary(P.transpose, x, perm=perm)


def _matmul_vjp(g: Tensor, a: Tensor, b: Tensor, out: Tensor, needs: Any) -> Any:
    av, bv = a, b
    if a._value.ndim == 1:
        av = _reshape(a, (1, -1))
        g = (
            P.unary(P.reshape, g, shape=g._value.shape[:-1] + (1,) + g._value.shape[-1:])
            if b._value.ndim > 1
            else _reshape(g, (1, 1))
        )
    if b._value.ndim == 1:
        bv = _reshape(b, (-1, 1))
        g = P.unary(P.reshape, g, shape=g._value.shape + (1,))
    ga = gb = None
    if needs[0]:
        ga = P.binary(P.matmul, g, _swap(bv))
        ga = _sum_to(ga, av._value.shape)
        if a._value.ndim == 1:
            ga = _reshape(ga, a._value.shape)
    if needs[1]:
        gb = P.binary(P.matmul, _swap(av), g)
        gb = _sum_to(gb, bv._value.shape)
        if b._value.ndim == 1:
            gb = _reshape(gb, b._value.shape)
    return ga, gb


def _sum_to(g: Tensor, shape: tuple[int, ...]) -> Tensor:
    from tensorflux.framework.tape import _unbroadcast

    return _unbroadcast(g, tuple(shape))


def _reduce_extreme_vjp(g: Tensor, x: Tensor, out: Tensor, needs: Any, axis: Any, keepdims: bool) -> Any:
    # ties share the gradient equally, as in TensorFlow
    o = _keep(out, x, axis, keepdims)
    hit = P.unary(P.cast, P.binary(P.equal, x, o), dtype=x._value.dtype)
    count = _sum(hit, axis, keepdims=True)
    return (_keep(g, x, axis, keepdims) * hit / count,)


def _reduce_prod_vjp(g: Tensor, x: Tensor, out: Tensor, needs: Any, axis: Any, keepdims: bool) -> Any:
    # product of all the other elements = exclusive cumprod from the left times from the right;
    # correct when some elements are zero, unlike out / x
    nd = x._value.ndim
    red = _axes(axis, nd)
    keep = tuple(a for a in range(nd) if a not in red)
    perm = keep + red
    xt = P.unary(P.transpose, x, perm=perm)
    kept_shape = tuple(x._value.shape[a] for a in keep)
    flat = _reshape(xt, kept_shape + (-1,))
    left = P.unary(P.cumprod, flat, axis=-1, exclusive=True, reverse=False)
    right = P.unary(P.cumprod, flat, axis=-1, exclusive=True, reverse=True)
    gk = _reshape(_keep(g, x, axis, keepdims), kept_shape + (1,)) if kept_shape else _reshape(g, (1,))
    gflat = left * right * gk
    gt = _reshape(gflat, xt._value.shape)
    inv = [0] * nd
    for i, p in enumerate(perm):
        inv[p] = i
    return (P.unary(P.transpose, gt, perm=tuple(inv)),)


def _concat_vjp(g: Tensor, *xs: Tensor, out: Tensor, needs: Any, axis: int) -> Any:
    axis = axis % out._value.ndim
    grads: list[Tensor | None] = []
    start = 0
    for x, n in zip(xs, needs):
        size = x._value.shape[axis]
        if n:
            idx = (slice(None),) * axis + (slice(start, start + size),)
            grads.append(P.getitem(g, idx))
        else:
            grads.append(None)
        start += size
    return grads


def _stack_vjp(g: Tensor, *xs: Tensor, out: Tensor, needs: Any, axis: int) -> Any:
    axis = axis % out._value.ndim
    return [P.getitem(g, (slice(None),) * axis + (i,)) if n else None for i, n in enumerate(needs)]


def _tile_vjp(g: Tensor, x: Tensor, out: Tensor, needs: Any, multiples: Any) -> Any:
    shape = x._value.shape
    split = []
    for m, s in zip(multiples, shape):
        split += [m, s]
    gs = _reshape(g, split)
    return (_sum(gs, tuple(range(0, 2 * len(shape), 2))),)


def _pad_vjp(
    g: Tensor, x: Tensor, out: Tensor, needs: Any, paddings: Any, mode: str, constant_values: Any
) -> Any:
    if mode.lower() != "constant":
        raise NotImplementedError(
            f"The gradient of pad with mode={mode!r} is not implemented; use 'CONSTANT'."
        )
    idx = tuple(slice(int(lo), int(lo) + s) for (lo, _), s in zip(paddings, x._value.shape))
    return (P.getitem(g, idx),)


def _transpose_vjp(g: Tensor, x: Tensor, out: Tensor, needs: Any, perm: Any) -> Any:
    if perm is None:
        perm = tuple(reversed(range(x._value.ndim)))
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return (P.unary(P.transpose, g, perm=tuple(inv)),)


def _logsumexp_vjp(g: Tensor, x: Tensor, out: Tensor, needs: Any, axis: Any, keepdims: bool) -> Any:
    return (_keep(g, x, axis, keepdims) * P.unary(P.exp, x - _keep(out, x, axis, keepdims)),)


def _power_vjp(g: Tensor, x: Tensor, y: Tensor, out: Tensor, needs: Any) -> Any:
    gx = gy = None
    if needs[0]:
        gx = g * y * P.binary(P.power, x, y - _c(1, y))
    if needs[1]:
        pos = P.binary(P.greater, x, _zeros(x))
        safe = _where(pos, x, _c(1, x))
        gy = g * out * _where(pos, P.unary(P.log, safe), _zeros(x))
    return gx, gy


def _einsum_vjp(g: Tensor, *xs: Tensor, out: Tensor, needs: Any, equation: str) -> Any:
    # the gradient of operand i is an einsum of g with the other operands, written to the
    # letters of operand i; letters only operand i has are broadcast back, repeated letters
    # (a diagonal, "ii") are put back on the diagonal with identity matrices
    lhs, rhs = equation.replace(" ", "").split("->")
    subs = lhs.split(",")
    grads: list[Tensor | None] = []
    for i, (x, n) in enumerate(zip(xs, needs)):
        if not n:
            grads.append(None)
            continue
        others = [s for j, s in enumerate(subs) if j != i]
        have = set(rhs).union(*others) if others else set(rhs)
        full = "".join(dict.fromkeys(subs[i]))
        target = "".join(c for c in full if c in have)
        sizes = dict(zip(subs[i], x._value.shape))
        eq = ",".join([rhs] + others) + "->" + target
        gi = P.bind(P.einsum, (g,) + tuple(xs[j] for j in range(len(xs)) if j != i), {"equation": eq})
        if target != full:
            shape = tuple(sizes[c] if c in target else 1 for c in full)
            gi = P.unary(P.broadcast_to, _reshape(gi, shape), shape=tuple(sizes[c] for c in full))
        if full != subs[i]:
            gi = _einsum_undiagonal(gi, full, subs[i], sizes)
        grads.append(gi)
    return grads


def _einsum_undiagonal(g: Tensor, full: str, sub: str, sizes: dict[str, int]) -> Tensor:
    """Spread ``g`` (letters ``full``) onto an operand with repeated letters ``sub`` ("ii")."""
    from tensorflux.backend import ops as B

    used = set(sub)
    fresh = (c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in used)
    renamed, eyes, seen = [], [], set()
    for c in sub:
        if c in seen:
            new = next(fresh)
            eyes.append(c + new)
            renamed.append(new)
        else:
            seen.add(c)
            renamed.append(c)
    mats = tuple(P._wrap(B.eye(sizes[e[0]], None, g._value.dtype)) for e in eyes)
    eq = ",".join([full] + eyes) + "->" + "".join(renamed)
    return P.bind(P.einsum, (g,) + mats, {"equation": eq})


def _sort_vjp(g: Tensor, x: Tensor, out: Tensor, needs: Any, axis: int, descending: bool) -> Any:
    idx = P.unary(P.argsort, x, axis=axis, descending=descending)
    return (P.bind(P.put_along_axis_add, (idx, g), {"shape": x._value.shape, "axis": axis}),)


def _inv_t(x: Tensor) -> Tensor:
    return _swap(P.unary(P.inv, x))


_g = P.unary
_b = P.binary
_SQRT_PI_2 = 2.0 / math.sqrt(math.pi)

RULES: dict[P.Primitive, Any] = {
    # elementwise, two inputs
    P.add: lambda g, x, y, **_: (g, g),
    P.subtract: lambda g, x, y, **_: (g, -g),
    P.multiply: lambda g, x, y, needs, **_: (g * y if needs[0] else None, g * x if needs[1] else None),
    P.divide: lambda g, x, y, out, needs, **_: (
        g / y if needs[0] else None,
        -g * out / y if needs[1] else None,
    ),
    P.power: _power_vjp,
    P.maximum: lambda g, x, y, **_: (_where(x >= y, g, _zeros(g)), _where(x >= y, _zeros(g), g)),
    P.minimum: lambda g, x, y, **_: (_where(x <= y, g, _zeros(g)), _where(x <= y, _zeros(g), g)),
    P.floormod: lambda g, x, y, needs, **_: (g, -g * _g(P.floor, x / y) if needs[1] else None),
    P.arctan2: lambda g, y, x, **_: (g * x / (x * x + y * y), -g * y / (x * x + y * y)),
    # elementwise, one input
    P.negative: lambda g, x, **_: (-g,),
    P.abs: lambda g, x, **_: (g * _g(P.sign, x),),
    P.sign: lambda g, x, **_: (g * _zeros(g),),
    P.exp: lambda g, x, out, **_: (g * out,),
    P.log: lambda g, x, **_: (g / x,),
    P.log1p: lambda g, x, **_: (g / (x + _c(1, x)),),
    P.expm1: lambda g, x, out, **_: (g * (out + _c(1, out)),),
    P.sqrt: lambda g, x, out, **_: (g * _c(0.5, out) / out,),
    P.rsqrt: lambda g, x, out, **_: (g * _c(-0.5, out) * out / x,),
    P.square: lambda g, x, **_: (g * _c(2, x) * x,),
    P.reciprocal: lambda g, x, out, **_: (-g * out * out,),
    P.sin: lambda g, x, **_: (g * _g(P.cos, x),),
    P.cos: lambda g, x, **_: (-g * _g(P.sin, x),),
    P.tan: lambda g, x, out, **_: (g * (_c(1, out) + out * out),),
    P.arcsin: lambda g, x, **_: (g * _g(P.rsqrt, _c(1, x) - x * x),),
    P.arccos: lambda g, x, **_: (-g * _g(P.rsqrt, _c(1, x) - x * x),),
    P.arctan: lambda g, x, **_: (g / (_c(1, x) + x * x),),
    P.sinh: lambda g, x, **_: (g * _g(P.cosh, x),),
    P.cosh: lambda g, x, **_: (g * _g(P.sinh, x),),
    P.tanh: lambda g, x, out, **_: (g * (_c(1, out) - out * out),),
    P.sigmoid: lambda g, x, out, **_: (g * out * (_c(1, out) - out),),
    # relu: the gradient passes where the output is positive (a mask multiply; inf gradients give nan)
    P.relu: lambda g, x, out, **_: (P.binary(P.relu_grad, g, out),),
    # the mask is piecewise constant: only the incoming gradient is differentiable
    P.relu_grad: lambda gg, g, y, **_: (P.binary(P.relu_grad, gg, y), None),
    P.softplus: lambda g, x, **_: (g * _g(P.sigmoid, x),),
    P.erf: lambda g, x, **_: (g * _c(_SQRT_PI_2, x) * _g(P.exp, -(x * x)),),
    P.cast: lambda g, x, **_: (_g(P.cast, g, dtype=x._value.dtype) if x._value.dtype.kind in "fc" else None,),
    P.identity: lambda g, x, **_: (g,),
    # along an axis
    P.softmax: lambda g, x, out, axis, **_: (out * (g - _sum(g * out, axis, keepdims=True)),),
    P.log_softmax: lambda g, x, out, axis, **_: (g - _g(P.exp, out) * _sum(g, axis, keepdims=True),),
    P.logsumexp: _logsumexp_vjp,
    # reductions
    P.reduce_sum: lambda g, x, axis, keepdims, **_: (
        _g(P.broadcast_to, _keep(g, x, axis, keepdims), shape=x._value.shape),
    ),
    P.reduce_mean: lambda g, x, out, axis, keepdims, **_: (
        _g(P.broadcast_to, _keep(g, x, axis, keepdims), shape=x._value.shape)
        * _c(out._value.size / max(x._value.size, 1), x),
    ),
    P.reduce_max: _reduce_extreme_vjp,
    P.reduce_min: _reduce_extreme_vjp,
    P.reduce_prod: _reduce_prod_vjp,
    P.cumsum: lambda g, x, axis, exclusive, reverse, **_: (
        _g(P.cumsum, g, axis=axis, exclusive=exclusive, reverse=not reverse),
    ),
    P.cumprod: lambda g, x, out, axis, exclusive, reverse, **_: (
        _g(P.cumsum, g * out, axis=axis, exclusive=exclusive, reverse=not reverse) / x,
    ),
    # shape and selection
    P.reshape: lambda g, x, **_: (_reshape(g, x._value.shape),),
    P.transpose: _transpose_vjp,
    P.broadcast_to: lambda g, x, **_: (g,),
    P.concat: _concat_vjp,
    P.stack: _stack_vjp,
    P.tile: _tile_vjp,
    P.pad: _pad_vjp,
    P.flip: lambda g, x, axis, **_: (_g(P.flip, g, axis=axis),),
    P._getitem: lambda g, x, index, basic, **_: (
        _g(P.getitem_grad, g, index=index, basic=basic, shape=x._value.shape),
    ),
    P.getitem_grad: lambda g, x, index, basic, **_: (
        P.bind(P._getitem, (g,), {"index": index, "basic": basic}),
    ),
    P.gather: lambda g, x, idx, axis, **_: (
        P.bind(P.gather_grad, (g, idx), {"axis": axis, "shape": x._value.shape}),
        None,
    ),
    P.gather_grad: lambda g, x, idx, axis, **_: (P.bind(P.gather, (g, idx), {"axis": axis}), None),
    P.gather_nd: lambda g, x, idx, **_: (P.bind(P.scatter_nd, (idx, g), {"shape": x._value.shape}), None),
    P.scatter_nd: lambda g, idx, u, **_: (None, P.bind(P.gather_nd, (g, idx), {})),
    P.tensor_scatter_nd_update: lambda g, x, idx, u, **_: (
        P.bind(P.tensor_scatter_nd_update, (g, idx, _g(P.broadcast_to, _zeros(u), shape=u._value.shape)), {}),
        None,
        P.bind(P.gather_nd, (g, idx), {}),
    ),
    P.tensor_scatter_nd_add: lambda g, x, idx, u, **_: (g, None, P.bind(P.gather_nd, (g, idx), {})),
    P.where: lambda g, c, x, y, **_: (None, _where(c, g, _zeros(g)), _where(c, _zeros(g), g)),
    P.take_along_axis: lambda g, x, idx, axis, **_: (
        P.bind(P.put_along_axis_add, (idx, g), {"shape": x._value.shape, "axis": axis}),
        None,
    ),
    P.put_along_axis_add: lambda g, idx, v, axis, **_: (
        None,
        P.bind(P.take_along_axis, (g, idx), {"axis": axis}),
    ),
    P.sort: _sort_vjp,
    P.top_k: lambda g, x, out, **_: (
        P.bind(P.put_along_axis_add, (out[1], g[0]), {"shape": x._value.shape, "axis": -1}),
    ),
    P.boolean_mask: lambda g, x, m, **_: (
        _g(P.getitem_grad, g, index=(m._value,), basic=False, shape=x._value.shape),
        None,
    ),
    # linear algebra
    P.matmul: _matmul_vjp,
    P.einsum: _einsum_vjp,
    P.inv: lambda g, x, out, **_: (-_b(P.matmul, _b(P.matmul, _swap(out), g), _swap(out)),),
    P.det: lambda g, x, out, **_: (_reshape(g * out, out._value.shape + (1, 1)) * _inv_t(x),),
    P.slogdet: lambda g, x, out, **_: (_reshape(g[1], out[1]._value.shape + (1, 1)) * _inv_t(x),),
    P.solve: lambda g, a, b, out, needs, **_: (
        -_b(P.matmul, _b(P.solve, _swap(a), g), _swap(out)) if needs[0] else None,
        _b(P.solve, _swap(a), g),
    ),
    P.trace: lambda g, x, **_: (_reshape(g, g._value.shape + (1, 1)) * _eye_like(x),),
    P.matrix_diag_part: lambda g, x, **_: (_matrix_diag_part_vjp(g, x),),
    P.cholesky: lambda g, x, out, **_: (_cholesky_vjp(g, out),),
}


def _matrix_diag_part_vjp(g: Tensor, x: Tensor) -> Tensor:
    # entry (i, j) of the gradient is g[min-side index] where i == j, else 0
    n, m = x._value.shape[-2:]
    lead = g._value.shape[:-1]
    g = _reshape(g, lead + ((n, 1) if n <= m else (1, m)))
    return g * _eye_like(x)


def _cholesky_vjp(g: Tensor, chol: Tensor) -> Tensor:
    # A = L L^T: with P = Phi(L^T g) (lower triangle, diagonal halved),
    # dA = (S + S^T) / 2 with S = L^-T P L^-1 (I. Murray, 2016; the formula TensorFlow uses)
    eye = _eye_like(chol)
    phi_mask = P.unary(P.cumsum, eye, axis=-2, exclusive=False, reverse=False) - _c(0.5, eye) * eye
    inv = P.unary(P.inv, chol)
    middle = _b(P.matmul, _swap(chol), g) * phi_mask
    s = _b(P.matmul, _b(P.matmul, _swap(inv), middle), inv)
    return (s + _swap(s)) * _c(0.5, s)


def _eye_like(x: Tensor) -> Tensor:
    from tensorflux.backend import ops as B

    n, m = x._value.shape[-2:]
    return P._wrap(B.eye(n, m, x._value.dtype))


def register(prim: P.Primitive, rule: Any) -> None:
    """Attach ``rule`` as the gradient of ``prim`` (used by kernel modules for their primitives)."""
    prim.vjp = rule


for _p, _r in RULES.items():
    _p.vjp = _r
