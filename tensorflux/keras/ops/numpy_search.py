"""``keras.ops`` searching, counting and index ops: searchsorted, digitize, bincount, histogram, unique, ...

These have no gradient with respect to their indices or counts.  ``unique`` has a data-dependent
output shape and runs eagerly only; ``bincount`` reads its length from the values, so it needs
concrete inputs too; ``nonzero`` is a primitive and works in ``tf.function`` (the graph replays it
on each call's values).
"""

from __future__ import annotations

import builtins
from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine.keras_tensor import any_symbolic
from tensorflux.keras.engine.op_layer import symbolic_op
from tensorflux.keras.ops import _numpy_kernels as K
from tensorflux.keras.ops.numpy import _t
from tensorflux.keras.ops.numpy_elementwise import _tpair
from tensorflux.ops import array_ops as A
from tensorflux.ops import math_ops as M

__all__ = [
    "argpartition",
    "bincount",
    "digitize",
    "histogram",
    "nonzero",
    "searchsorted",
    "unique",
    "unravel_index",
]


@symbolic_op
def argpartition(x: Any, kth: int, axis: int = -1) -> Tensor:
    """Indices that partition ``x`` around its ``kth`` element along ``axis`` (int32).

    A full (stable) sort is one valid partition, so the result is also sorted.

    >>> argpartition([3, 1, 2], 1).numpy().tolist()
    [1, 2, 0]
    """
    x = _t(x)
    n = x.shape[axis]
    if not -n <= int(kth) < n:
        raise ValueError(f"argpartition: kth={kth} is out of bounds for an axis of length {n}.")
    return A.argsort(x, axis)


@symbolic_op
def searchsorted(sorted_sequence: Any, values: Any, side: str = "left") -> Tensor:
    """Indices where ``values`` would be inserted into the 1-D ``sorted_sequence`` to keep it sorted.

    >>> searchsorted([1, 3, 5], [0, 3, 6]).numpy().tolist()
    [0, 1, 3]
    """
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right'. Received: side={side!r}")
    seq, v = _tpair(sorted_sequence, values)
    if seq.dtype != v.dtype:
        seq, v = A.cast(seq, "float64"), A.cast(v, "float64")
    if seq.ndim != 1:
        raise ValueError(f"searchsorted: sorted_sequence must be 1-D. Received: shape={tuple(seq.shape)}")
    return P.bind(K.searchsorted, (seq, v), {"side": side})


@symbolic_op
def digitize(x: Any, bins: Any) -> Tensor:
    """The index of the bin each element of ``x`` falls in (``bins`` monotonic, 1-D), as int32.

    >>> digitize([0.5, 1.5, 3.0], [1.0, 2.0]).numpy().tolist()
    [0, 1, 2]
    """
    v, b = _tpair(x, bins)
    if b.ndim != 1:
        raise ValueError(f"digitize: bins must be 1-D. Received: shape={tuple(b.shape)}")
    n = b.shape[0]
    up = searchsorted(b, v, "right")
    if n < 2:
        return up
    down = A.fill(tuple(up.shape), P.constant_like(n, up)) - searchsorted(A.reverse(b, [0]), v, "right")
    increasing = b[0] <= b[-1]
    return A.where(A.broadcast_to(increasing, tuple(up.shape)), up, down)


@symbolic_op
def bincount(x: Any, weights: Any = None, minlength: int = 0, sparse: bool = False) -> Tensor:
    """Counts of each non-negative integer in ``x`` (summed ``weights`` when given); 2-D ``x`` counts per row.

    >>> bincount([0, 1, 1, 3]).numpy().tolist()
    [1, 2, 0, 1]
    """
    if sparse:
        raise ValueError("bincount: sparse=True is not supported; use sparse=False for a dense result.")
    if P.TRACERS:
        raise ValueError(
            "bincount: the output length depends on the largest value, so it cannot be traced into a "
            "tf.function graph. Call it eagerly, outside the tf.function."
        )
    x = _t(x)
    if not x.dtype.is_integer:
        raise TypeError(f"bincount: x must hold integers. Received dtype {x.dtype.name}")
    if x.ndim not in (1, 2):
        raise ValueError(f"bincount: x must be 1-D or 2-D. Received: shape={tuple(x.shape)}")
    if x.shape[-1] and bool(M.reduce_any(x < A.zeros_like(x))):
        raise ValueError("bincount: x must not hold negative values.")
    top = int(M.reduce_max(x)) + 1 if x.shape[-1] else 0
    length = builtins.max(top, int(minlength))
    w = A.ones_like(x, "int32") if weights is None else _t(weights)
    if tuple(w.shape) != tuple(x.shape):
        raise ValueError(
            f"bincount: weights must have the shape of x, {tuple(x.shape)}. Received: {tuple(w.shape)}"
        )
    shape = (length,) if x.ndim == 1 else (x.shape[0], length)
    return P.bind(P.put_along_axis_add, (A.cast(x, "int64"), w), {"shape": shape, "axis": x.ndim - 1})


@symbolic_op
def histogram(x: Any, bins: int = 10, range: Any = None) -> tuple[Tensor, Tensor]:  # noqa: A002
    """Counts of ``x`` in ``bins`` equal-width bins over ``range`` (default: min to max), and the edges.

    As in Keras, both results have ``x``'s dtype.  The last bin includes its right edge.

    >>> [t.numpy().tolist() for t in histogram([1.0, 2.0, 2.0, 4.0], bins=3)]
    [[1.0, 2.0, 1.0], [1.0, 2.0, 3.0, 4.0]]
    """
    x = A.reshape(_t(x), (-1,))
    bins = int(bins)
    if bins < 1:
        raise ValueError(f"histogram: bins must be a positive integer. Received: bins={bins}")
    f = x if x.dtype.is_floating else A.cast(x, "float64")
    if range is None:
        if x.shape[0] == 0:
            lo, hi = P.constant_like(0.0, f), P.constant_like(1.0, f)
        else:
            lo, hi = M.reduce_min(f), M.reduce_max(f)
    else:
        if range[0] > range[1]:
            raise ValueError(f"histogram: range must be (min, max) with min <= max. Received: {range}")
        lo, hi = P.constant_like(range[0], f), P.constant_like(range[1], f)
    half = P.constant_like(0.5, f)
    same = lo == hi
    lo, hi = A.where(same, lo - half, lo), A.where(same, hi + half, hi)
    steps = A.cast(A.range(0, bins + 1, 1, dtype="int32"), f.dtype) / P.constant_like(bins, f)
    edges = lo + (hi - lo) * steps
    edges = A.concat([edges[:-1], A.reshape(hi, (1,))], 0)
    idx = A.cast(M.floor((f - lo) / (hi - lo) * P.constant_like(bins, f)), "int32")
    idx = M.minimum(
        M.maximum(idx, A.zeros_like(idx)), A.fill(tuple(idx.shape), P.constant_like(bins - 1, idx))
    )
    # NumPy's correction: floating rounding may put a value one bin off its edges
    idx = idx - A.cast(f < A.gather(edges, idx), "int32")
    idx = idx + A.cast((f >= A.gather(edges, idx + 1)) & (idx != bins - 1), "int32")
    inside = (f >= lo) & (f <= hi)
    counts = M.reduce_sum(
        A.one_hot(idx, bins, dtype=x.dtype) * A.reshape(A.cast(inside, x.dtype), (-1, 1)), 0
    )
    return counts, A.cast(edges, x.dtype)


@symbolic_op
def nonzero(x: Any) -> tuple[Tensor, ...]:
    """The indices of the non-zero elements, one int32 tensor per axis.

    >>> [t.numpy().tolist() for t in nonzero([[0, 1], [2, 0]])]
    [[0, 1], [1, 0]]
    """
    x = _t(x)
    idx = A.cast(P.unary(P.nonzero, x), "int32")
    if x.ndim == 0:
        return (A.reshape(idx, (-1,)),)
    return tuple(idx[:, i] for i in builtins.range(x.ndim))


@symbolic_op
def unravel_index(indices: Any, shape: Any) -> tuple[Tensor, ...]:
    """Flat indices into ``shape`` as a tuple of coordinate tensors.

    >>> [t.numpy().tolist() for t in unravel_index([5, 1], (2, 3))]
    [[1, 0], [2, 1]]
    """
    idx = _t(indices)
    if not idx.dtype.is_integer:
        raise TypeError(f"unravel_index: indices must be integers. Received dtype {idx.dtype.name}")
    out = []
    stride = 1
    for d in reversed(tuple(shape)):
        out.append((idx // stride) % int(d))
        stride *= int(d)
    return tuple(reversed(out))


def unique(
    x: Any,
    sorted: bool = True,  # noqa: A002
    return_index: bool = False,
    return_inverse: bool = False,
    return_counts: bool = False,
    axis: Any = None,
    size: Any = None,
    fill_value: Any = None,
) -> Any:
    """The unique elements of ``x`` (flattened), with the optional first indices, inverse and counts.

    The output size depends on the values, so this runs eagerly only (not inside ``tf.function``
    or on symbolic inputs); pass ``size`` to pad (with ``fill_value``, default the minimum) or cut
    the result to a fixed length.

    >>> unique([3, 1, 3]).numpy().tolist()
    [1, 3]
    """
    if any_symbolic((x,), {}):
        raise ValueError(
            "unique: the number of unique elements depends on the values, so it cannot be applied to a "
            "symbolic tensor in a functional model; call it on concrete tensors."
        )
    if P.TRACERS:
        raise ValueError(
            "unique: the number of unique elements depends on the values, so it cannot be traced into a "
            "tf.function graph. Call it eagerly, outside the tf.function."
        )
    if axis is not None:
        raise NotImplementedError(
            "unique: only axis=None (unique elements of the flattened input) is supported."
        )
    t = _t(x)
    flat = t._value.reshape(-1)
    order = B.argsort(flat, 0, False)
    s = flat[order]
    first = B.ones(s.shape, "bool")
    if s.size:
        first[1:] = s[1:] != s[:-1]
    starts = first.nonzero()[0]
    vals = s[starts]
    index = order[starts]
    counts = B.concat([starts[1:], B.asarray([s.size], starts.dtype)], 0) - starts
    group = first.cumsum() - 1
    if not sorted:
        by_first = B.argsort(index, 0, False)
        vals, index, counts = vals[by_first], index[by_first], counts[by_first]
        rank = B.zeros(by_first.shape, group.dtype)
        rank[by_first] = B.arange(0, by_first.size, 1, group.dtype)
        group = rank[group]
    inverse = B.zeros(flat.shape, "int32")
    inverse[order] = group
    if size is not None:
        size = int(size)
        fill = vals.min() if fill_value is None and vals.size else (0 if fill_value is None else fill_value)
        pad = builtins.max(size - vals.size, 0)
        vals = B.concat([vals[:size], B.full((pad,), fill, vals.dtype)], 0)
        index = B.concat([index[:size], B.full((pad,), 0, index.dtype)], 0)
        counts = B.concat([counts[:size], B.full((pad,), 0, counts.dtype)], 0)
    outs = [Tensor(vals)]
    if return_index:
        outs.append(Tensor(B.cast(index, "int32")))
    if return_inverse:
        outs.append(Tensor(inverse.reshape(t._value.shape)))
    if return_counts:
        outs.append(Tensor(B.cast(counts, "int32")))
    return outs[0] if len(outs) == 1 else tuple(outs)
