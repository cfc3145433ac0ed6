"""Array creation, conversion, dtypes and shape manipulation on NumPy."""

from __future__ import annotations

from typing import Any

import numpy as np

ndarray = np.ndarray
newaxis = None

_DTYPES: dict[str, Any] = {
    name: np.dtype(name)
    for name in (
        "float16",
        "float32",
        "float64",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "bool",
        "complex64",
        "complex128",
    )
}
_DTYPES["bfloat16"] = np.dtype("float32")  # NumPy has no bfloat16; computed as float32


def native_dtype(name: str) -> Any:
    """The NumPy dtype for a TensorFlow dtype name."""
    return _DTYPES[name]


def dtype_name(a: Any) -> str:
    return a.dtype.name


def is_array(x: Any) -> bool:
    return isinstance(x, (np.ndarray, np.generic))


def asarray(x: Any, dtype: Any = None) -> Any:
    return np.asarray(x, dtype=dtype)


def array_copy(x: Any) -> Any:
    return np.array(x, copy=True)


def to_numpy(x: Any) -> Any:
    return np.asarray(x)


def default_dtype_of(value: Any) -> Any:
    """dtype NumPy would give ``value`` (used to apply TensorFlow's python-scalar rules)."""
    return np.asarray(value).dtype


def zeros(shape: Any, dtype: Any) -> Any:
    return np.zeros(shape, dtype)


def ones(shape: Any, dtype: Any) -> Any:
    return np.ones(shape, dtype)


def full(shape: Any, value: Any, dtype: Any) -> Any:
    return np.full(shape, value, dtype)


def eye(n: int, m: int | None, dtype: Any) -> Any:
    return np.eye(n, m, dtype=dtype)


def arange(start: Any, limit: Any, delta: Any, dtype: Any) -> Any:
    return np.arange(start, limit, delta, dtype=dtype)


def linspace(start: Any, stop: Any, num: int, dtype: Any) -> Any:
    return np.linspace(start, stop, num, dtype=dtype)


def cast(x: Any, dtype: Any) -> Any:
    return x.astype(dtype, copy=False)


def reshape(x: Any, shape: Any) -> Any:
    return np.reshape(x, shape)


def transpose(x: Any, perm: Any) -> Any:
    return np.transpose(x, perm)


def broadcast_to(x: Any, shape: Any) -> Any:
    return np.broadcast_to(x, shape)


def broadcast_shapes(*shapes: Any) -> tuple[int, ...]:
    return tuple(np.broadcast_shapes(*shapes))


def concat(xs: Any, axis: int) -> Any:
    return np.concatenate(xs, axis=axis)


def stack(xs: Any, axis: int) -> Any:
    return np.stack(xs, axis=axis)


def tile(x: Any, multiples: Any) -> Any:
    return np.tile(x, multiples)


def pad(x: Any, paddings: Any, mode: str, constant_values: Any) -> Any:
    m = mode.lower()
    if m == "constant":
        return np.pad(x, paddings, mode="constant", constant_values=constant_values)
    if m == "reflect":
        return np.pad(x, paddings, mode="reflect")
    if m == "symmetric":
        return np.pad(x, paddings, mode="symmetric")
    raise ValueError(f"pad: mode must be 'CONSTANT', 'REFLECT' or 'SYMMETRIC'; received {mode!r}.")


def getitem(x: Any, index: Any) -> Any:
    return x[index]


def getitem_grad(g: Any, index: Any, shape: Any, basic: bool) -> Any:
    """Scatter ``g`` into zeros of ``shape`` at ``index`` (adding where indices repeat)."""
    out = np.zeros(shape, g.dtype)
    if basic:
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


def gather(x: Any, indices: Any, axis: int) -> Any:
    return np.take(x, indices, axis=axis)


def gather_grad(g: Any, indices: Any, axis: int, shape: Any) -> Any:
    """Adjoint of ``gather``: scatter-add ``g`` along ``axis`` into zeros of ``shape``."""
    out = np.zeros(shape, g.dtype)
    moved = np.moveaxis(out, axis, 0)
    gm = np.moveaxis(g, tuple(range(axis, axis + np.ndim(indices))), tuple(range(np.ndim(indices))))
    np.add.at(moved, indices, gm)
    return out


def gather_nd(x: Any, indices: Any, batch_dims: int = 0) -> Any:
    idx = tuple(np.moveaxis(indices, -1, 0))
    return x[idx]


def scatter_nd(indices: Any, updates: Any, shape: Any) -> Any:
    out = np.zeros(shape, updates.dtype)
    np.add.at(out, tuple(np.moveaxis(indices, -1, 0)), updates)
    return out


def tensor_scatter_nd_update(x: Any, indices: Any, updates: Any) -> Any:
    out = np.array(x, copy=True)
    out[tuple(np.moveaxis(indices, -1, 0))] = updates
    return out


def tensor_scatter_nd_add(x: Any, indices: Any, updates: Any) -> Any:
    out = np.array(x, copy=True)
    np.add.at(out, tuple(np.moveaxis(indices, -1, 0)), updates)
    return out


def where(cond: Any, x: Any, y: Any) -> Any:
    return np.where(cond, x, y)


def nonzero(x: Any) -> Any:
    return np.argwhere(x).astype(np.int64)


def boolean_mask(x: Any, mask: Any) -> Any:
    return x[mask]


def one_hot(indices: Any, depth: int, on_value: Any, off_value: Any, axis: int, dtype: Any) -> Any:
    idx = np.asarray(indices)
    hot = np.arange(depth) == idx[..., None]
    out = np.where(hot, np.asarray(on_value, dtype), np.asarray(off_value, dtype)).astype(dtype)
    if axis != -1 and axis != idx.ndim:
        out = np.moveaxis(out, -1, axis)
    return out


def sort(x: Any, axis: int, descending: bool) -> Any:
    s = np.sort(x, axis=axis, kind="stable")
    return np.flip(s, axis=axis) if descending else s


def argsort(x: Any, axis: int, descending: bool) -> Any:
    if descending:
        return np.argsort(-x if x.dtype != np.bool_ else ~x, axis=axis, kind="stable").astype(np.int32)
    return np.argsort(x, axis=axis, kind="stable").astype(np.int32)


def top_k(x: Any, k: int) -> tuple[Any, Any]:
    idx = np.argsort(-x, axis=-1, kind="stable")[..., :k].astype(np.int32)
    return np.take_along_axis(x, idx, axis=-1), idx


def take_along_axis(x: Any, idx: Any, axis: int) -> Any:
    return np.take_along_axis(x, idx, axis=axis)


def put_along_axis_add(shape: Any, idx: Any, values: Any, axis: int) -> Any:
    out = np.zeros(shape, values.dtype)
    grid = list(np.indices(idx.shape, sparse=True))
    grid[axis % len(shape)] = idx
    np.add.at(out, tuple(grid), values)
    return out


def flip(x: Any, axis: Any) -> Any:
    return np.flip(x, axis=axis)


def unique(x: Any) -> tuple[Any, Any]:
    vals, first, inv = np.unique(x, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return vals[order], rank[inv.reshape(-1)].astype(np.int32)


def shape_of(x: Any) -> tuple[int, ...]:
    return x.shape
