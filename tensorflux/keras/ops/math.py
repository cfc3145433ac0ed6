"""Keras 3's math ops (``keras.ops.logsumexp``, ``keras.ops.erf``, ...)."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine.op_layer import symbolic_op
from tensorflux.keras.ops.core import convert_to_tensor
from tensorflux.keras.ops.nn import logsumexp  # noqa: F401
from tensorflux.ops import linalg_ops as L
from tensorflux.ops import math_ops as M


def _t(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


@symbolic_op
def erf(x: Any) -> Tensor:
    return M.erf(_t(x))


@symbolic_op
def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A002
    """NumPy's norm: the 2-norm of vectors (Frobenius for matrices) by default; ``ord`` 1, 2, inf, p, 'fro'.

    >>> float(norm([3.0, 4.0]))
    5.0
    """
    x = _t(x)
    if isinstance(axis, list):
        axis = tuple(axis)
    matrix = (axis is None and x.ndim == 2 and ord is not None) or (
        isinstance(axis, tuple) and len(axis) == 2
    )
    if ord is None or ord == "fro" or (ord == 2 and not matrix):
        return L.norm(x, "euclidean", axis, keepdims)
    if matrix:
        ax = axis if isinstance(axis, tuple) else (0, 1)
        if ord == 1:
            return (
                M.reduce_max(M.reduce_sum(M.abs(x), ax[0], keepdims=True), ax[1], keepdims=True)
                if keepdims
                else M.reduce_max(M.reduce_sum(M.abs(x), ax[0]), ax[1] - (1 if ax[1] > ax[0] else 0))
            )
        if ord in (float("inf"), "inf"):
            return (
                M.reduce_max(M.reduce_sum(M.abs(x), ax[1], keepdims=True), ax[0], keepdims=True)
                if keepdims
                else M.reduce_max(M.reduce_sum(M.abs(x), ax[1]), ax[0] - (1 if ax[0] > ax[1] else 0))
            )
        raise ValueError(f"norm: matrix norm ord={ord!r} is not supported; use 'fro', 1 or inf.")
    return L.norm(x, ord, axis, keepdims)


@symbolic_op
def rsqrt(x: Any) -> Tensor:
    return M.rsqrt(_t(x))


@symbolic_op
def segment_sum(data: Any, segment_ids: Any, num_segments: int | None = None, sorted: bool = False) -> Tensor:  # noqa: A002
    from tensorflux.ops import array_ops as A

    d = _t(data)
    ids = _t(segment_ids)
    n = int(num_segments) if num_segments is not None else int(M.reduce_max(ids)) + 1
    return A.scatter_nd(A.expand_dims(A.cast(ids, "int32"), -1), d, (n,) + tuple(d.shape[1:]))


@symbolic_op
def top_k(x: Any, k: int, sorted: bool = True) -> Any:  # noqa: A002
    return M.top_k(_t(x), k=k, sorted=sorted)
