"""``keras.ops`` products and linear algebra helpers: cross, inner, vdot, kron, slogdet; vectorize, view."""

from __future__ import annotations

import builtins
from typing import Any

from tensorflux.framework import dtypes as _dt
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine.op_layer import symbolic_op
from tensorflux.keras.ops import _numpy_kernels as K
from tensorflux.keras.ops.numpy import _t, moveaxis
from tensorflux.keras.ops.numpy_elementwise import _f, _tpair
from tensorflux.ops import array_ops as A
from tensorflux.ops import linalg_ops as L
from tensorflux.ops import math_ops as M

__all__ = ["cross", "inner", "kron", "slogdet", "vdot", "vectorize", "view"]


def _same(x1: Any, x2: Any) -> tuple[Tensor, Tensor]:
    a, b = _tpair(x1, x2)
    if a.dtype != b.dtype:
        a, b = _f(a), _f(b)
        if a.dtype != b.dtype:
            a, b = A.cast(a, "float64"), A.cast(b, "float64")
    return a, b


@symbolic_op
def cross(x1: Any, x2: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: Any = None) -> Tensor:
    """Cross product of 3-vectors (or 2-vectors, taken with a zero third component) along the given axes.

    >>> cross([1, 0, 0], [0, 1, 0]).numpy().tolist()
    [0, 0, 1]
    """
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _same(x1, x2)
    a, b = moveaxis(a, axisa, -1), moveaxis(b, axisb, -1)
    na, nb = a.shape[-1], b.shape[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError(
            f"cross: the vector axes must have length 2 or 3. Received lengths {na} (x1) and {nb} (x2)"
        )
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    if na == 2 and nb == 2:
        return a0 * b1 - a1 * b0  # the z component only, as NumPy
    a2 = a[..., 2] if na == 3 else A.zeros_like(a0)
    b2 = b[..., 2] if nb == 3 else A.zeros_like(b0)
    c = A.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], -1)
    return moveaxis(c, -1, axisc)


@symbolic_op
def inner(x1: Any, x2: Any) -> Tensor:
    """Inner product over the last axes (a product when either is a scalar).

    >>> inner([1, 2, 3], [4, 5, 6]).numpy().item()
    32
    """
    a, b = _same(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(
            f"inner: the last dimensions must match. Received shapes {tuple(a.shape)} and {tuple(b.shape)}"
        )
    return L.tensordot(a, b, [[a.ndim - 1], [b.ndim - 1]])


@symbolic_op
def vdot(x1: Any, x2: Any) -> Tensor:
    """Dot product of the flattened inputs.

    >>> vdot([[1, 2], [3, 4]], [[1, 1], [1, 1]]).numpy().item()
    10
    """
    a, b = _same(x1, x2)
    a, b = A.reshape(a, (-1,)), A.reshape(b, (-1,))
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"vdot: the inputs must have the same size. Received {a.shape[0]} and {b.shape[0]}")
    return M.reduce_sum(a * b)


@symbolic_op
def kron(x1: Any, x2: Any) -> Tensor:
    """Kronecker product: blocks of ``x2`` scaled by each element of ``x1``.

    >>> kron([1, 2], [1, 10]).numpy().tolist()
    [1, 10, 2, 20]
    """
    a, b = _same(x1, x2)
    nd = builtins.max(a.ndim, b.ndim)
    sa = (1,) * (nd - a.ndim) + tuple(a.shape)
    sb = (1,) * (nd - b.ndim) + tuple(b.shape)
    ea = A.reshape(a, tuple(v for d in sa for v in (d, 1)))
    eb = A.reshape(b, tuple(v for d in sb for v in (1, d)))
    return A.reshape(ea * eb, tuple(x * y for x, y in zip(sa, sb)))


@symbolic_op
def slogdet(x: Any) -> tuple[Tensor, Tensor]:
    """Sign and log of the absolute determinant of (a batch of) square matrices.

    >>> [float(v) for v in slogdet([[2.0, 0.0], [0.0, 3.0]])]  # doctest: +ELLIPSIS
    [1.0, 1.79...]
    """
    return tuple(L.slogdet(_f(x)))  # type: ignore[return-value]


@symbolic_op
def view(x: Any, dtype: Any = None) -> Tensor:
    """The bits of ``x`` reinterpreted as ``dtype`` (the last axis rescales when the item sizes differ).

    >>> view([1.0], "int32").numpy().tolist()
    [1065353216]
    """
    x = _t(x)
    if dtype is None:
        return x
    return P.unary(K.view, x, dtype=_dt.as_dtype(dtype)._native)


def vectorize(pyfunc: Any, *, excluded: Any = None, signature: Any = None) -> Any:
    """``pyfunc`` applied elementwise, or over the core dimensions of ``signature`` (``"(n),(n)->()"``).

    Inputs are broadcast over their batch dimensions; ``pyfunc`` is called once per batch element on
    tensors and the results are stacked.  ``excluded`` names positional indices or keywords passed
    through unchanged.

    >>> vectorize(lambda a, b: a + b)([1, 2], 10).numpy().tolist()
    [11, 12]
    """
    excluded = set(excluded or ())
    ins: list[int] | None = None
    if signature is not None:
        try:
            lhs, _ = signature.replace(" ", "").split("->")
            groups = lhs[1:-1].split("),(") if lhs not in ("", "()") else []
            ins = [len([d for d in g.split(",") if d]) for g in groups]
        except ValueError:
            raise ValueError(
                f"vectorize: signature must look like '(n),(n)->()'. Received: {signature!r}"
            ) from None

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        pos = [i for i in builtins.range(len(args)) if i not in excluded]
        tensors = [_t(args[i]) for i in pos]
        core = ins if ins is not None else [0] * len(tensors)
        if len(core) != len(tensors):
            raise ValueError(
                f"vectorize: the signature {signature!r} takes {len(core)} inputs; received {len(tensors)}"
            )
        batch_shapes = [tuple(t.shape[: t.ndim - c]) for t, c in zip(tensors, core)]
        batch: tuple[int, ...] = ()
        for s in batch_shapes:
            batch = tuple(A.broadcast_static_shape(batch, s))
        n = 1
        for d in batch:
            n *= d
        flat = [
            A.reshape(
                A.broadcast_to(t, batch + tuple(t.shape[t.ndim - c :])), (n,) + tuple(t.shape[t.ndim - c :])
            )
            for t, c in zip(tensors, core)
        ]
        outs = []
        for k in builtins.range(n):
            call = list(args)
            for i, f in zip(pos, flat):
                call[i] = f[k]
            outs.append(pyfunc(*call, **kwargs))
        if n == 0:
            raise ValueError("vectorize: the broadcast batch is empty; there is nothing to apply pyfunc to.")
        if isinstance(outs[0], (tuple, list)):
            return tuple(
                A.reshape(A.stack([_t(o[j]) for o in outs], 0), batch + tuple(_t(outs[0][j]).shape))
                for j in builtins.range(len(outs[0]))
            )
        return A.reshape(A.stack([_t(o) for o in outs], 0), batch + tuple(_t(outs[0]).shape))

    return wrapped
