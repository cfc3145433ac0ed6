"""``keras.ops`` array building, stacking, splitting, flipping and triangular ops (NumPy semantics).

All are compositions of differentiable primitives (reshape, concat, slicing, gather, where), so
GradientTape and ``tf.function`` see through them.
"""

from __future__ import annotations

import builtins
from typing import Any

from tensorflux.framework.config import floatx
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine.op_layer import symbolic_op
from tensorflux.keras.ops.core import convert_to_tensor
from tensorflux.keras.ops.numpy import _pair, _t, flip, split, transpose
from tensorflux.ops import array_ops as A

__all__ = [
    "append",
    "array",
    "array_split",
    "broadcast_to",
    "copy",
    "diag",
    "diagflat",
    "diff",
    "dsplit",
    "dstack",
    "empty",
    "empty_like",
    "fliplr",
    "flipud",
    "get_item",
    "hsplit",
    "hstack",
    "meshgrid",
    "roll",
    "rot90",
    "select",
    "tri",
    "tril",
    "triu",
    "vander",
    "vsplit",
    "vstack",
]


def _slice(x: Tensor, axis: int, start: Any, stop: Any) -> Tensor:
    key = [slice(None)] * x.ndim
    key[axis] = slice(start, stop)
    return x[tuple(key)]


def _same_dtype(xs: Any) -> list[Tensor]:
    ts = [_t(x) for x in xs]
    for i in builtins.range(1, len(ts)):
        ts[0], ts[i] = _pair(ts[0], ts[i])
    for i in builtins.range(1, len(ts)):
        ts[i], ts[0] = _pair(ts[i], ts[0])
    return ts


@symbolic_op
def append(x1: Any, x2: Any, axis: Any = None) -> Tensor:
    """``x2`` appended to ``x1`` along ``axis`` (both flattened when None).

    >>> append([1, 2], [3]).numpy().tolist()
    [1, 2, 3]
    """
    a, b = _same_dtype([x1, x2])
    if axis is None:
        a, b = A.reshape(a, (-1,)), A.reshape(b, (-1,))
        axis = 0
    return A.concat([a, b], axis)


def array(x: Any, dtype: Any = None) -> Tensor:
    """A tensor from ``x`` (Python floats become floatx, ints int32).

    >>> array([1.0, 2.0]).dtype
    tf.float32
    """
    return convert_to_tensor(x, dtype)


@symbolic_op
def array_split(x: Any, indices_or_sections: Any, axis: int = 0) -> list[Tensor]:
    """Split into ``n`` nearly equal parts (the first ``len % n`` one longer), or at indices.

    >>> [p.shape[0] for p in array_split(list(range(7)), 3)]
    [3, 2, 2]
    """
    x = _t(x)
    if not isinstance(indices_or_sections, int):
        return split(x, indices_or_sections, axis)
    n = indices_or_sections
    if n <= 0:
        raise ValueError(f"array_split: the number of sections must be positive. Received: {n}")
    length = x.shape[axis]
    q, r = divmod(length, n)
    return A.split(x, [q + 1] * r + [q] * (n - r), axis)


@symbolic_op
def broadcast_to(x: Any, shape: Any) -> Tensor:
    """``x`` broadcast to ``shape``.

    >>> broadcast_to([1, 2], (2, 2)).numpy().tolist()
    [[1, 2], [1, 2]]
    """
    return A.broadcast_to(_t(x), tuple(shape))


@symbolic_op
def copy(x: Any) -> Tensor:
    """A copy of ``x`` (tensors are immutable, so an identity that keeps the gradient)."""
    return A.identity(_t(x))


def _diag_indices(n: int, k: int) -> Tensor:
    rows = A.range(0, n, 1, dtype="int32")
    cols = rows + k if k >= 0 else rows
    rows = rows - k if k < 0 else rows
    return A.stack([rows, cols], 1)


@symbolic_op
def diag(x: Any, k: int = 0) -> Tensor:
    """A 1-D ``x`` put on the ``k``-th diagonal of a square matrix, or the ``k``-th diagonal of a 2-D ``x``.

    >>> diag([1, 2]).numpy().tolist()
    [[1, 0], [0, 2]]
    """
    x = _t(x)
    if x.ndim == 1:
        m = x.shape[0]
        n = m + builtins.abs(k)
        return A.scatter_nd(_diag_indices(m, k), x, (n, n))
    if x.ndim != 2:
        raise ValueError(f"diag: the input must be 1-D or 2-D. Received: shape={tuple(x.shape)}")
    rows, cols = x.shape
    m = builtins.max(0, builtins.min(rows + builtins.min(k, 0), cols - builtins.max(k, 0)))
    if m == 0:
        return A.zeros((0,), x.dtype)
    return A.gather_nd(x, _diag_indices(m, k))


@symbolic_op
def diagflat(x: Any, k: int = 0) -> Tensor:
    """``x`` flattened and placed on the ``k``-th diagonal of a square matrix.

    >>> diagflat([[1, 2]]).shape
    TensorShape([2, 2])
    """
    return diag(A.reshape(_t(x), (-1,)), k)


@symbolic_op
def diff(a: Any, n: int = 1, axis: int = -1) -> Tensor:
    """The ``n``-th discrete difference along ``axis``.

    >>> diff([1, 4, 9]).numpy().tolist()
    [3, 5]
    """
    x = _t(a)
    axis = axis % x.ndim
    for _ in builtins.range(n):
        hi, lo = _slice(x, axis, 1, None), _slice(x, axis, None, -1)
        x = A.cast(hi != lo, "bool") if x.dtype.name == "bool" else hi - lo
    return x


def _atleast(x: Tensor, ndim: int) -> Tensor:
    if x.ndim >= ndim:
        return x
    if x.ndim == 0:
        return A.reshape(x, (1,) * ndim)
    if ndim == 2:
        return A.reshape(x, (1, -1))
    # 3-D: (n,) -> (1, n, 1); (m, n) -> (m, n, 1), as NumPy's atleast_3d
    return A.reshape(x, (1, x.shape[0], 1) if x.ndim == 1 else tuple(x.shape) + (1,))


@symbolic_op
def hstack(xs: Any) -> Tensor:
    """Concatenate along the second axis (the first for 1-D inputs).

    >>> hstack([[1], [2, 3]]).numpy().tolist()
    [1, 2, 3]
    """
    ts = [_atleast(x, 1) for x in _same_dtype(xs)]
    return A.concat(ts, 0 if ts[0].ndim == 1 else 1)


@symbolic_op
def vstack(xs: Any) -> Tensor:
    """Stack rows: inputs become at least 2-D and are concatenated along the first axis.

    >>> vstack([[1, 2], [3, 4]]).shape
    TensorShape([2, 2])
    """
    return A.concat([_atleast(x, 2) for x in _same_dtype(xs)], 0)


@symbolic_op
def dstack(xs: Any) -> Tensor:
    """Concatenate along the third axis after making inputs at least 3-D.

    >>> dstack([[1, 2], [3, 4]]).shape
    TensorShape([1, 2, 2])
    """
    return A.concat([_atleast(x, 3) for x in _same_dtype(xs)], 2)


def _split_on(x: Any, indices_or_sections: Any, axis: int, name: str, min_ndim: int) -> list[Tensor]:
    x = _t(x)
    if x.ndim < min_ndim:
        raise ValueError(f"{name}: the input must be at least {min_ndim}-D. Received: shape={tuple(x.shape)}")
    if isinstance(indices_or_sections, int) and x.shape[axis] % indices_or_sections:
        raise ValueError(
            f"{name}: axis {axis} of length {x.shape[axis]} does not split into {indices_or_sections} "
            "equal parts; use array_split for unequal parts."
        )
    return split(x, indices_or_sections, axis)


@symbolic_op
def hsplit(x: Any, indices_or_sections: Any) -> list[Tensor]:
    """Split along the second axis (the first for 1-D inputs)."""
    x = _t(x)
    return _split_on(x, indices_or_sections, 0 if x.ndim == 1 else 1, "hsplit", 1)


@symbolic_op
def vsplit(x: Any, indices_or_sections: Any) -> list[Tensor]:
    """Split along the first axis of an at least 2-D input."""
    return _split_on(x, indices_or_sections, 0, "vsplit", 2)


@symbolic_op
def dsplit(x: Any, indices_or_sections: Any) -> list[Tensor]:
    """Split along the third axis of an at least 3-D input."""
    return _split_on(x, indices_or_sections, 2, "dsplit", 3)


def empty(shape: Any, dtype: Any = None) -> Tensor:
    """A tensor of ``shape`` (zeros: tensors are never uninitialized here).

    >>> empty((2,)).shape
    TensorShape([2])
    """
    return A.zeros(shape, dtype or floatx())


@symbolic_op
def empty_like(x: Any, dtype: Any = None) -> Tensor:
    """A tensor shaped like ``x`` (zeros)."""
    return A.zeros_like(_t(x), dtype)


@symbolic_op
def fliplr(x: Any) -> Tensor:
    """``x`` reversed along its second axis."""
    return flip(x, 1)


@symbolic_op
def flipud(x: Any) -> Tensor:
    """``x`` reversed along its first axis."""
    return flip(x, 0)


@symbolic_op
def get_item(x: Any, key: Any) -> Tensor:
    """``x[key]``.

    >>> get_item([1, 2, 3], 1).numpy().item()
    2
    """
    return _t(x)[key]


@symbolic_op
def meshgrid(*x: Any, indexing: str = "xy") -> list[Tensor]:
    """Coordinate grids from 1-D inputs (``indexing="xy"`` swaps the first two output axes).

    >>> [g.shape for g in meshgrid([1, 2, 3], [4, 5])]
    [TensorShape([2, 3]), TensorShape([2, 3])]
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij'. Received: indexing={indexing!r}")
    return list(A.meshgrid(*[_t(v) for v in x], indexing=indexing))


def _roll1(x: Tensor, shift: int, axis: int) -> Tensor:
    n = x.shape[axis]
    if n == 0:
        return x
    s = shift % n
    if s == 0:
        return x
    return A.concat([_slice(x, axis, n - s, None), _slice(x, axis, None, n - s)], axis)


@symbolic_op
def roll(x: Any, shift: Any, axis: Any = None) -> Tensor:
    """Elements shifted by ``shift`` along ``axis``, wrapping around (flattened when None).

    >>> roll([1, 2, 3], 1).numpy().tolist()
    [3, 1, 2]
    """
    x = _t(x)
    if axis is None:
        return A.reshape(_roll1(A.reshape(x, (-1,)), int(shift), 0), tuple(x.shape))
    shifts = list(shift) if isinstance(shift, (list, tuple)) else [shift]
    axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    if len(shifts) == 1:
        shifts = shifts * len(axes)
    if len(axes) == 1:
        axes = axes * len(shifts)
    if len(shifts) != len(axes):
        raise ValueError(f"roll: shift and axis must have the same length. Received: {shift=}, {axis=}")
    for s, a in zip(shifts, axes):
        x = _roll1(x, int(s), a % x.ndim)
    return x


@symbolic_op
def rot90(array: Any, k: int = 1, axes: Any = (0, 1)) -> Tensor:  # noqa: A002
    """``array`` rotated by 90 degrees ``k`` times in the plane of ``axes`` (first toward second).

    >>> rot90([[1, 2], [3, 4]]).numpy().tolist()
    [[2, 4], [1, 3]]
    """
    x = _t(array)
    if len(axes) != 2:
        raise ValueError(f"rot90: axes must be two axes. Received: axes={axes}")
    a0, a1 = axes[0] % x.ndim, axes[1] % x.ndim
    if a0 == a1:
        raise ValueError(f"rot90: the two axes must differ. Received: axes={axes}")
    k %= 4
    if k == 0:
        return x
    if k == 2:
        return flip(x, [a0, a1])
    perm = list(builtins.range(x.ndim))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return transpose(flip(x, a1), perm)
    return flip(transpose(x, perm), a1)


@symbolic_op
def select(condlist: Any, choicelist: Any, default: Any = 0) -> Tensor:
    """Elements of the first choice whose condition holds, else ``default``.

    >>> select([[True, False], [False, True]], [[1, 2], [3, 4]], 0).numpy().tolist()
    [1, 4]
    """
    if len(condlist) != len(choicelist):
        raise ValueError(
            f"select: condlist and choicelist must have the same length. Received: {len(condlist)} "
            f"and {len(choicelist)}"
        )
    if not condlist:
        raise ValueError("select: condlist must not be empty.")
    choices = _same_dtype(list(choicelist))
    conds = [A.cast(_t(c), "bool") for c in condlist]
    shape = tuple(A.broadcast_static_shape(c.shape, v.shape) for c, v in zip(conds, choices))
    full_shape = shape[0]
    for s in shape[1:]:
        full_shape = A.broadcast_static_shape(full_shape, s)
    dtype = choices[0].dtype
    out = A.broadcast_to(convert_to_tensor(default, dtype), tuple(full_shape))
    for c, v in zip(reversed(conds), reversed(choices)):
        out = A.where(A.broadcast_to(c, tuple(full_shape)), A.broadcast_to(v, tuple(full_shape)), out)
    return out


def _tri_mask(n: int, m: int, k: int) -> Tensor:
    rows = A.reshape(A.range(0, n, 1, dtype="int32"), (-1, 1))
    cols = A.reshape(A.range(0, m, 1, dtype="int32"), (1, -1))
    return cols <= rows + k


def tri(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Tensor:  # noqa: N803
    """Ones at and below the ``k``-th diagonal of an ``N x M`` matrix.

    >>> tri(2).numpy().tolist()
    [[1.0, 0.0], [1.0, 1.0]]
    """
    return A.cast(_tri_mask(N, N if M is None else M, k), dtype or floatx())


def _masked(x: Tensor, keep: Tensor) -> Tensor:
    return A.where(A.broadcast_to(keep, tuple(x.shape)), x, A.zeros_like(x))


@symbolic_op
def tril(x: Any, k: int = 0) -> Tensor:
    """``x`` with the elements above the ``k``-th diagonal (of the last two axes) zeroed.

    >>> tril([[1, 2], [3, 4]]).numpy().tolist()
    [[1, 0], [3, 4]]
    """
    x = _t(x)
    if x.ndim < 2:
        raise ValueError(f"tril: the input must be at least 2-D. Received: shape={tuple(x.shape)}")
    return _masked(x, _tri_mask(x.shape[-2], x.shape[-1], k))


@symbolic_op
def triu(x: Any, k: int = 0) -> Tensor:
    """``x`` with the elements below the ``k``-th diagonal (of the last two axes) zeroed.

    >>> triu([[1, 2], [3, 4]]).numpy().tolist()
    [[1, 2], [0, 4]]
    """
    x = _t(x)
    if x.ndim < 2:
        raise ValueError(f"triu: the input must be at least 2-D. Received: shape={tuple(x.shape)}")
    return _masked(x, ~_tri_mask(x.shape[-2], x.shape[-1], k - 1))


@symbolic_op
def vander(x: Any, N: int | None = None, increasing: bool = False) -> Tensor:  # noqa: N803
    """The Vandermonde matrix of a 1-D ``x``: columns are powers of ``x`` (decreasing by default).

    >>> vander([2, 3], 3).numpy().tolist()
    [[4, 2, 1], [9, 3, 1]]
    """
    x = _t(x)
    if x.ndim != 1:
        raise ValueError(f"vander: x must be 1-D. Received: shape={tuple(x.shape)}")
    n = x.shape[0] if N is None else int(N)
    cols = []
    p = A.ones_like(x)
    for _ in builtins.range(n):
        cols.append(p)
        p = p * x
    if not increasing:
        cols = cols[::-1]
    if not cols:
        return A.zeros((x.shape[0], 0), x.dtype)
    return A.stack(cols, 1)
