"""Creation, shape and selection ops (``tf.constant``, ``tf.reshape``, ``tf.gather``, ...)."""

from __future__ import annotations

import builtins
from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import dtypes as _dt
from tensorflux.framework import primitives as P
from tensorflux.framework.shape import TensorShape
from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.ops._util import axis_arg, static, t

newaxis = None


def _native(dtype: Any, default: str | None = None) -> Any:
    if dtype is None:
        return None if default is None else _dt.as_dtype(default)._native
    return _dt.as_dtype(dtype)._native


def _shape_arg(shape: Any) -> tuple[int, ...]:
    s = static(shape)
    if isinstance(s, int):
        return (s,)
    return tuple(int(d) for d in s)


# -- creation -----------------------------------------------------------------------------------
def constant(value: Any, dtype: Any = None, shape: Any = None, name: Any = None) -> Tensor:
    """A tensor from a Python value or array; Python floats become float32, ints int32.

    >>> constant([1, 2]).dtype
    tf.int32
    """
    x = convert_to_tensor(value, dtype=dtype)
    if shape is not None:
        shape = _shape_arg(shape)
        x = P.unary(P.broadcast_to, x, shape=shape) if x._value.size == 1 else reshape(x, shape)
        x = Tensor(B.array_copy(x._value))
    return x


def zeros(shape: Any, dtype: Any = "float32", name: Any = None) -> Tensor:
    return Tensor(B.zeros(_shape_arg(shape), _native(dtype)))


def ones(shape: Any, dtype: Any = "float32", name: Any = None) -> Tensor:
    return Tensor(B.ones(_shape_arg(shape), _native(dtype)))


def fill(dims: Any, value: Any, name: Any = None) -> Tensor:
    v = convert_to_tensor(value)
    return Tensor(B.full(_shape_arg(dims), v._value, v._value.dtype))


def zeros_like(input: Any, dtype: Any = None, name: Any = None) -> Tensor:  # noqa: A002
    x = t(input)
    return Tensor(B.zeros(x._value.shape, _native(dtype) if dtype is not None else x._value.dtype))


def ones_like(input: Any, dtype: Any = None, name: Any = None) -> Tensor:  # noqa: A002
    x = t(input)
    return Tensor(B.ones(x._value.shape, _native(dtype) if dtype is not None else x._value.dtype))


def eye(
    num_rows: int,
    num_columns: int | None = None,
    batch_shape: Any = None,
    dtype: Any = "float32",
    name: Any = None,
) -> Tensor:  # noqa: E501
    e = B.eye(int(num_rows), None if num_columns is None else int(num_columns), _native(dtype))
    if batch_shape is not None:
        e = B.broadcast_to(e, tuple(_shape_arg(batch_shape)) + e.shape)
    return Tensor(B.array_copy(e))


def range(start: Any, limit: Any = None, delta: Any = 1, dtype: Any = None, name: Any = "range") -> Tensor:  # noqa: A001
    """Like Python's range, as a tensor (``tf.range(5)`` is ``[0 1 2 3 4]``)."""
    start, limit, delta = static(start), static(limit), static(delta)
    if limit is None:
        start, limit = 0, start
    if dtype is None:
        dtype = "float32" if any(isinstance(v, float) for v in (start, limit, delta)) else "int32"
    return Tensor(B.arange(start, limit, delta, _native(dtype)))


def linspace(start: Any, stop: Any, num: Any, name: Any = None, axis: int = 0) -> Tensor:
    s = t(start)
    dtype = s._value.dtype if s._value.dtype.kind == "f" else _native("float32")
    return Tensor(B.linspace(static(start), static(stop), int(static(num)), dtype))


# -- shape ------------------------------------------------------------------------------------
def reshape(tensor: Any, shape: Any, name: Any = None) -> Tensor:
    return P.unary(P.reshape, tensor, shape=_shape_arg(shape))


def transpose(a: Any, perm: Any = None, conjugate: bool = False, name: Any = "transpose") -> Tensor:
    x = t(a)
    perm = tuple(reversed(builtins.range(x._value.ndim))) if perm is None else tuple(static(perm))
    return P.unary(P.transpose, x, perm=perm)


def expand_dims(input: Any, axis: int, name: Any = None) -> Tensor:  # noqa: A002
    x = t(input)
    nd = x._value.ndim
    axis = int(static(axis))
    if not -nd - 1 <= axis <= nd:
        raise ValueError(f"expand_dims: axis {axis} is out of range for a tensor of rank {nd}.")
    axis = axis % (nd + 1)
    shape = x._value.shape[:axis] + (1,) + x._value.shape[axis:]
    return P.unary(P.reshape, x, shape=shape)


def squeeze(input: Any, axis: Any = None, name: Any = None) -> Tensor:  # noqa: A002
    x = t(input)
    shape = x._value.shape
    axis = axis_arg(axis)
    if axis is None:
        new = tuple(d for d in shape if d != 1)
    else:
        axes = {a % len(shape) for a in (axis if isinstance(axis, tuple) else (axis,))}
        for a in axes:
            if shape[a] != 1:
                raise ValueError(
                    f"squeeze: cannot squeeze axis {a} of shape {shape}: its size is {shape[a]}, not 1."
                )
        new = tuple(d for i, d in enumerate(shape) if i not in axes)
    return P.unary(P.reshape, x, shape=new)


def concat(values: Any, axis: int, name: Any = "concat") -> Tensor:
    xs = tuple(t(v) for v in values)
    if len(xs) == 1:
        return xs[0]
    _same_dtype("concat", xs)
    return P.bind(P.concat, xs, {"axis": int(static(axis))})


def stack(values: Any, axis: int = 0, name: Any = "stack") -> Tensor:
    xs = tuple(t(v) for v in values)
    _same_dtype("stack", xs)
    return P.bind(P.stack, xs, {"axis": int(static(axis))})


def _same_dtype(op: str, xs: Any) -> None:
    d = {x._value.dtype for x in xs}
    if len(d) > 1:
        raise TypeError(f"{op}: all inputs must have the same dtype; received {sorted(str(i) for i in d)}.")


def unstack(value: Any, num: Any = None, axis: int = 0, name: Any = "unstack") -> list[Tensor]:
    x = t(value)
    axis = axis % x._value.ndim
    n = x._value.shape[axis]
    pre = (slice(None),) * axis
    return [P.getitem(x, pre + (i,)) for i in builtins.range(n)]


def split(
    value: Any, num_or_size_splits: Any, axis: int = 0, num: Any = None, name: Any = "split"
) -> list[Tensor]:
    x = t(value)
    axis = int(static(axis)) % x._value.ndim
    size = x._value.shape[axis]
    s = static(num_or_size_splits)
    if isinstance(s, int):
        if size % s:
            raise ValueError(
                f"split: dimension {axis} of size {size} cannot be split evenly into {s} pieces."
            )
        sizes = [size // s] * s
    else:
        sizes = list(s)
        if -1 in sizes:
            sizes[sizes.index(-1)] = size - (sum(sizes) + 1)
        if sum(sizes) != size:
            raise ValueError(f"split: sizes {list(s)} do not add up to the dimension's size {size}.")
    out, start, pre = [], 0, (slice(None),) * axis
    for n in sizes:
        out.append(P.getitem(x, pre + (slice(start, start + n),)))
        start += n
    return out


def tile(input: Any, multiples: Any, name: Any = None) -> Tensor:  # noqa: A002
    return P.unary(P.tile, input, multiples=_shape_arg(multiples))


def pad(
    tensor: Any, paddings: Any, mode: str = "CONSTANT", constant_values: Any = 0, name: Any = None
) -> Tensor:
    p = static(paddings)
    return P.unary(
        P.pad,
        tensor,
        paddings=tuple(tuple(int(v) for v in row) for row in p),
        mode=mode,
        constant_values=constant_values,
    )


def broadcast_to(input: Any, shape: Any, name: Any = None) -> Tensor:  # noqa: A002
    return P.unary(P.broadcast_to, input, shape=_shape_arg(shape))


def meshgrid(*args: Any, indexing: str = "xy", name: Any = None) -> list[Tensor]:
    """Coordinate grids from 1-D tensors, as ``np.meshgrid`` (``indexing="xy"`` swaps the first two axes).

    >>> [g.shape for g in meshgrid([1, 2, 3], [4, 5])]
    [TensorShape([2, 3]), TensorShape([2, 3])]
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij'; received {indexing!r}.")
    xs = [reshape(a, (-1,)) for a in args]
    sizes = [x._value.shape[0] for x in xs]
    axes = list(builtins.range(len(xs)))
    if indexing == "xy" and len(xs) > 1:
        axes[0], axes[1] = 1, 0
    full = [0] * len(xs)
    for i, a in enumerate(axes):
        full[a] = sizes[i]
    out = []
    for i, x in enumerate(xs):
        shape = [1] * len(xs)
        shape[axes[i]] = sizes[i]
        out.append(P.unary(P.broadcast_to, P.unary(P.reshape, x, shape=tuple(shape)), shape=tuple(full)))
    return out


def broadcast_static_shape(a: Any, b: Any) -> TensorShape:
    return TensorShape(B.broadcast_shapes(tuple(a), tuple(b)))


def shape(input: Any, out_type: Any = "int32", name: Any = None) -> Tensor:  # noqa: A002
    return Tensor(B.asarray(t(input)._value.shape, _native(out_type)))


def shape_n(inputs: Any, out_type: Any = "int32", name: Any = None) -> list[Tensor]:
    return [shape(i, out_type) for i in inputs]


def rank(input: Any, name: Any = None) -> Tensor:  # noqa: A002
    return Tensor(B.asarray(t(input)._value.ndim, _native("int32")))


def size(input: Any, out_type: Any = "int32", name: Any = None) -> Tensor:  # noqa: A002
    return Tensor(B.asarray(t(input)._value.size, _native(out_type)))


def reverse(tensor: Any, axis: Any, name: Any = None) -> Tensor:
    return P.unary(
        P.flip, tensor, axis=tuple(static(axis)) if not isinstance(static(axis), int) else static(axis)
    )


# -- dtype and identity -----------------------------------------------------------------------
def cast(x: Any, dtype: Any, name: Any = None) -> Tensor:
    x = t(x)
    native = _dt.as_dtype(dtype)._native
    if x._value.dtype == native:
        return x
    return P.unary(P.cast, x, dtype=native)


def identity(input: Any, name: Any = None) -> Tensor:  # noqa: A002
    return P.unary(P.identity, input)


def stop_gradient(input: Any, name: Any = None) -> Tensor:  # noqa: A002
    """The same values, but gradients do not flow through."""
    return P.unary(P.stop_gradient, input)


# -- selection ----------------------------------------------------------------------------------
def gather(
    params: Any,
    indices: Any,
    validate_indices: Any = None,
    axis: Any = None,
    batch_dims: int = 0,
    name: Any = None,
) -> Tensor:  # noqa: E501
    x = t(params)
    idx = t(indices)
    if idx._value.dtype.kind not in "iu":
        raise TypeError(f"gather: indices must be integers; received {idx.dtype.name}.")
    axis = 0 if axis is None else int(static(axis)) % x._value.ndim
    if batch_dims:
        raise NotImplementedError("gather with batch_dims > 0 is not supported; use tf.gather_nd.")
    n = x._value.shape[axis]
    iv = idx._value
    if iv.size and (iv.max() >= n or iv.min() < -n):
        raise IndexError(
            f"gather: indices must be in [0, {n}) for axis {axis} of shape {tuple(x._value.shape)}; "
            f"received values from {int(iv.min())} to {int(iv.max())}."
        )
    return P.bind(P.gather, (x, idx), {"axis": axis})


def gather_nd(params: Any, indices: Any, batch_dims: int = 0, name: Any = None) -> Tensor:
    """Slices of ``params`` at the index tuples in the last axis of ``indices``.

    >>> gather_nd([[1, 2], [3, 4]], [[0, 1], [1, 0]]).numpy()
    array([2, 3], dtype=int32)
    """
    if batch_dims:
        raise NotImplementedError(
            "gather_nd with batch_dims > 0 is not supported; add the batch index to indices."
        )
    idx = t(indices)
    if idx._value.dtype.kind not in "iu":
        raise TypeError(f"gather_nd: indices must be integers; received {idx.dtype.name}.")
    return P.bind(P.gather_nd, (t(params), idx), {})


def scatter_nd(indices: Any, updates: Any, shape: Any, name: Any = None) -> Tensor:
    return P.bind(P.scatter_nd, (t(indices), t(updates)), {"shape": _shape_arg(shape)})


def tensor_scatter_nd_update(tensor: Any, indices: Any, updates: Any, name: Any = None) -> Tensor:
    x = t(tensor)
    return P.bind(P.tensor_scatter_nd_update, (x, t(indices), cast(updates, x.dtype)), {})


def tensor_scatter_nd_add(tensor: Any, indices: Any, updates: Any, name: Any = None) -> Tensor:
    x = t(tensor)
    return P.bind(P.tensor_scatter_nd_add, (x, t(indices), cast(updates, x.dtype)), {})


def where(condition: Any, x: Any = None, y: Any = None, name: Any = None) -> Tensor:
    """Elements of ``x`` where ``condition`` holds, else of ``y``; with one argument, the true indices."""
    c = t(condition)
    if x is None and y is None:
        return P.unary(P.nonzero, c)
    if x is None or y is None:
        raise ValueError("where: give both x and y, or neither.")
    if isinstance(x, Tensor) and not isinstance(y, Tensor):
        y = convert_to_tensor(y, dtype=x.dtype)
    elif isinstance(y, Tensor) and not isinstance(x, Tensor):
        x = convert_to_tensor(x, dtype=y.dtype)
    x, y = t(x), t(y)
    if x._value.dtype != y._value.dtype:
        raise TypeError(
            f"where: x and y must have the same dtype; received {x.dtype.name} and {y.dtype.name}."
        )
    return P.bind(P.where, (c, x, y), {})


def boolean_mask(tensor: Any, mask: Any, axis: Any = None, name: Any = "boolean_mask") -> Tensor:
    x, m = t(tensor), t(mask)
    if m._value.shape != x._value.shape[: m._value.ndim]:
        raise ValueError(
            f"boolean_mask: mask shape {tuple(m._value.shape)} must match the leading dimensions of "
            f"the tensor's shape {tuple(x._value.shape)}."
        )
    return P.bind(P.boolean_mask, (x, m), {})


def one_hot(
    indices: Any,
    depth: int,
    on_value: Any = None,
    off_value: Any = None,
    axis: Any = None,
    dtype: Any = None,
    name: Any = None,
) -> Tensor:  # noqa: E501
    dtype = _native(dtype, "float32")
    on = 1 if on_value is None else static(on_value)
    off = 0 if off_value is None else static(off_value)
    return P.unary(
        P.one_hot,
        indices,
        depth=int(static(depth)),
        on_value=on,
        off_value=off,
        axis=-1 if axis is None else int(axis),
        dtype=dtype,
    )


def sort(values: Any, axis: int = -1, direction: str = "ASCENDING", name: Any = None) -> Tensor:
    return P.unary(P.sort, values, axis=axis, descending=direction == "DESCENDING")


def argsort(
    values: Any, axis: int = -1, direction: str = "ASCENDING", stable: bool = False, name: Any = None
) -> Tensor:
    return P.unary(P.argsort, values, axis=axis, descending=direction == "DESCENDING")


def unique(x: Any, out_idx: Any = "int32", name: Any = None) -> tuple[Tensor, Tensor]:
    return P.bind(P.unique, (t(x),), {})  # type: ignore[no-any-return]


def sequence_mask(lengths: Any, maxlen: Any = None, dtype: Any = "bool", name: Any = None) -> Tensor:
    lv = t(lengths)._value
    m = int(static(maxlen)) if maxlen is not None else int(lv.max()) if lv.size else 0
    r = B.arange(0, m, 1, lv.dtype)
    return cast(Tensor(r < lv[..., None]), dtype)
