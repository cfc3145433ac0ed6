"""Core ``keras.ops``: conversion, dtypes, shapes, control flow."""

from __future__ import annotations

import builtins
from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import dtypes as _dt
from tensorflux.framework.tensor import Tensor
from tensorflux.framework.tensor import convert_to_tensor as _convert
from tensorflux.keras.engine.keras_tensor import KerasTensor
from tensorflux.keras.engine.op_layer import symbolic_op
from tensorflux.ops import array_ops as A


def convert_to_tensor(x: Any, dtype: Any = None, sparse: Any = None, ragged: Any = None) -> Any:
    """A tensor from an array, a Python value or a tensor (cast to ``dtype`` when given).

    >>> convert_to_tensor([1, 2], dtype="float32").dtype
    tf.float32
    """
    if isinstance(x, KerasTensor):
        return x if dtype is None else cast(x, dtype)
    if isinstance(x, Tensor):
        return x if dtype is None or x.dtype == _dt.as_dtype(dtype) else A.cast(x, dtype)
    if dtype is not None:
        return _convert(B.asarray(x, _dt.as_dtype(dtype)._native))
    return _convert(x)


def convert_to_numpy(x: Any) -> Any:
    """The value as a NumPy array.

    >>> convert_to_numpy(convert_to_tensor([1.0])).tolist()
    [1.0]
    """
    if isinstance(x, Tensor):
        return B.to_numpy(B.array_copy(x._value))
    return B.to_numpy(B.asarray(x))


def is_tensor(x: Any) -> bool:
    return isinstance(x, Tensor)


@symbolic_op
def cast(x: Any, dtype: Any) -> Any:
    """``x`` converted to ``dtype``.

    >>> cast([1.7], "int32").numpy().tolist()
    [1]
    """
    return A.cast(convert_to_tensor(x), dtype)


def dtype(x: Any) -> str:
    return _dt.as_dtype(getattr(x, "dtype", None) or _convert(x).dtype).name


def shape(x: Any) -> tuple[Any, ...]:
    """The static shape as a tuple (None for unknown sizes of symbolic tensors).

    >>> shape(convert_to_tensor([[1.0, 2.0]]))
    (1, 2)
    """
    if isinstance(x, (Tensor, KerasTensor)):
        return tuple(x.shape)
    return tuple(B.asarray(x).shape)


def ndim(x: Any) -> int:
    return len(shape(x))


def size(x: Any) -> int:
    n = 1
    for d in shape(x):
        n *= d
    return n


@symbolic_op
def stop_gradient(variable: Any) -> Tensor:
    """The same values; no gradient flows back through it.

    >>> stop_gradient([1.0]).numpy().tolist()
    [1.0]
    """
    return A.stop_gradient(convert_to_tensor(variable))


def cond(pred: Any, true_fn: Any, false_fn: Any) -> Any:
    """``true_fn()`` if ``pred`` else ``false_fn()`` (eager).

    >>> cond(True, lambda: 1, lambda: 2)
    1
    """
    return true_fn() if bool(pred) else false_fn()


def fori_loop(lower: int, upper: int, body_fun: Any, init_val: Any) -> Any:
    val = init_val
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


def while_loop(cond: Any, body: Any, loop_vars: Any, maximum_iterations: int | None = None) -> Any:
    single = not isinstance(loop_vars, (list, tuple))
    state = (loop_vars,) if single else tuple(loop_vars)
    n = 0
    while cond(*state) and (maximum_iterations is None or n < maximum_iterations):
        out = body(*state)
        state = (out,) if single else tuple(out)
        n += 1
    return state[0] if single else state


def map(f: Any, xs: Any) -> Any:  # noqa: A001  (Keras' name)
    return A.stack([f(x) for x in convert_to_tensor(xs)])


def scan(f: Any, init: Any, xs: Any = None, length: int | None = None) -> Any:
    carry = init
    ys = []
    items = list(convert_to_tensor(xs)) if xs is not None else [None] * int(length or 0)
    for x in items:
        carry, y = f(carry, x)
        ys.append(y)
    return carry, (A.stack(ys) if ys and ys[0] is not None else None)


# ---- scatter, slicing, unstacking, switching, mapping ----


@symbolic_op
def scatter(indices: Any, values: Any, shape: Any) -> Tensor:
    """A zero tensor of ``shape`` with ``values`` added at ``indices`` (duplicates are summed).

    >>> scatter([[1], [3]], [1.0, 2.0], (4,)).numpy().tolist()
    [0.0, 1.0, 0.0, 2.0]
    """
    idx = A.cast(convert_to_tensor(indices), "int32")
    return A.scatter_nd(idx, convert_to_tensor(values), tuple(int(s) for s in shape))


@symbolic_op
def scatter_update(inputs: Any, indices: Any, updates: Any, reduction: str | None = None) -> Tensor:
    """``inputs`` with the entries (or slices) at ``indices`` replaced by ``updates`` (or added to).

    >>> scatter_update([0.0, 0.0, 0.0], [[1]], [5.0]).numpy().tolist()
    [0.0, 5.0, 0.0]
    """
    x = convert_to_tensor(inputs)
    idx = A.cast(convert_to_tensor(indices), "int32")
    upd = A.cast(convert_to_tensor(updates), x.dtype)
    if reduction is None:
        return A.tensor_scatter_nd_update(x, idx, upd)
    if reduction == "add":
        return A.tensor_scatter_nd_add(x, idx, upd)
    raise ValueError(
        f"scatter_update: reduction must be None or 'add' here; received reduction={reduction!r}."
    )


def _start_sizes(x: Any, start_indices: Any, shape: Any, op: str) -> tuple[list[int], list[int]]:
    starts = [int(s) for s in (start_indices.numpy() if isinstance(start_indices, Tensor) else start_indices)]
    sizes = [int(s) for s in (shape.numpy() if isinstance(shape, Tensor) else shape)]
    if len(starts) != x.ndim or len(sizes) != x.ndim:
        raise ValueError(
            f"{op}: start_indices and shape need one entry per dimension of the input (shape {x.shape}); "
            f"received start_indices={starts} and shape={sizes}."
        )
    return starts, sizes


@symbolic_op
def slice(inputs: Any, start_indices: Any, shape: Any) -> Tensor:  # noqa: A001  (Keras' name)
    """The block of ``shape`` starting at ``start_indices`` (a size of -1 takes the rest).

    >>> slice([[1, 2, 3], [4, 5, 6]], (0, 1), (2, 2)).numpy().tolist()
    [[2, 3], [5, 6]]
    """
    x = convert_to_tensor(inputs)
    starts, sizes = _start_sizes(x, start_indices, shape, "slice")
    return x[tuple(builtins.slice(s, None if n == -1 else s + n) for s, n in zip(starts, sizes))]


@symbolic_op
def slice_update(inputs: Any, start_indices: Any, updates: Any) -> Tensor:
    """``inputs`` with the block at ``start_indices`` replaced by ``updates`` (differentiable in both).

    >>> slice_update([0.0, 0.0, 0.0, 0.0], (1,), [7.0, 8.0]).numpy().tolist()
    [0.0, 7.0, 8.0, 0.0]
    """
    x = convert_to_tensor(inputs)
    u = A.cast(convert_to_tensor(updates), x.dtype)
    starts, sizes = _start_sizes(x, start_indices, tuple(u.shape), "slice_update")
    pads = []
    for s, n, d in zip(starts, sizes, x.shape):
        if s < 0 or s + n > int(d):
            raise ValueError(
                f"slice_update: updates of shape {tuple(u.shape)} at {starts} do not fit in inputs of "
                f"shape {tuple(x.shape)}."
            )
        pads.append((s, int(d) - s - n))
    inside = A.pad(A.ones(tuple(u.shape), "bool"), pads)
    return A.where(inside, A.pad(u, pads), x)


def unstack(x: Any, num: int | None = None, axis: int = 0) -> list[Tensor]:
    """The slices of ``x`` along ``axis`` as a list.

    >>> [t.numpy().tolist() for t in unstack([[1, 2], [3, 4]])]
    [[1, 2], [3, 4]]
    """
    x = convert_to_tensor(x)
    if num is not None and int(num) != int(x.shape[axis]):
        raise ValueError(f"unstack: num={num} differs from the size {x.shape[axis]} of axis {axis}.")
    return A.unstack(x, axis=axis)


def switch(index: Any, branches: Any, *operands: Any) -> Any:
    """``branches[index](*operands)``; the index is clipped to the valid range, as Keras.

    >>> switch(1, [lambda x: x + 1, lambda x: x * 10], 2)
    20
    """
    i = int(index.numpy()) if isinstance(index, Tensor) else int(index)
    return branches[min(max(i, 0), len(branches) - 1)](*operands)


def vectorized_map(function: Any, elements: Any) -> Any:
    """``function`` applied to each slice of ``elements`` along axis 0 (nested structures too), stacked.

    >>> vectorized_map(lambda x: x * 2, convert_to_tensor([1, 2])).numpy().tolist()
    [2, 4]
    """
    from tensorflux import nest

    flat = [convert_to_tensor(e) for e in nest.flatten(elements)]
    n = int(flat[0].shape[0])
    outs = []
    for i in range(n):
        outs.append(function(nest.pack_sequence_as(elements, [e[i] for e in flat])))
    first = outs[0]
    cols = list(zip(*[nest.flatten(o) for o in outs]))
    return nest.pack_sequence_as(first, [A.stack([convert_to_tensor(c) for c in col]) for col in cols])


def custom_gradient(f: Any) -> Any:
    """Decorator: ``f(*args)`` returns ``(outputs, grad_fn)``; ``grad_fn(upstream)`` gives input gradients.

    >>> @custom_gradient
    ... def double(x):
    ...     return x * 2.0, lambda g: g * 3.0
    >>> double(convert_to_tensor(1.0)).numpy().tolist()
    2.0
    """
    from tensorflux.framework.tape import custom_gradient as _cg

    return _cg(f)


@symbolic_op
def saturate_cast(x: Any, dtype: Any) -> Tensor:
    """``x`` clipped to the range of ``dtype`` and then cast (no wrap-around).

    >>> saturate_cast([300.0, -5.0], "uint8").numpy().tolist()
    [255, 0]
    """
    x = convert_to_tensor(x)
    to = _dt.as_dtype(dtype)
    if x.dtype.is_floating and to.is_floating:
        return A.cast(x, to)
    lo, hi = to.min, to.max
    if not x.dtype.is_floating:
        lo, hi = max(lo, x.dtype.min), min(hi, x.dtype.max)
    elif not to.is_floating:
        # a float rounds 2**31 - 1 up to 2**31, which overflows: clip at the largest float below the bound
        bits = {"float16": 11, "bfloat16": 8, "float32": 24}.get(x.dtype.name, 53)
        if int(hi) >= 2**bits:
            step = 2 ** (int(hi).bit_length() - bits)
            hi = (int(hi) // step) * step
        lo, hi = float(lo), float(hi)
    from tensorflux.ops import math_ops as M

    lo_t, hi_t = convert_to_tensor(lo, dtype=x.dtype), convert_to_tensor(hi, dtype=x.dtype)
    return A.cast(M.minimum(M.maximum(x, lo_t), hi_t), to)


def associative_scan(f: Any, elems: Any, reverse: bool = False, axis: int = 0) -> Any:
    """Inclusive scan with an associative ``f``: out[i] = f(out[i - 1], elems[i]) along ``axis``.

    ``elems`` may be a nested structure of tensors; ``f`` gets slices that keep ``axis`` (size 1).

    >>> associative_scan(lambda a, b: a + b, convert_to_tensor([1, 2, 3])).numpy().tolist()
    [1, 3, 6]
    """
    from tensorflux import nest

    flat = [convert_to_tensor(e) for e in nest.flatten(elems)]
    ax = axis % flat[0].ndim
    n = int(flat[0].shape[ax])
    order = range(n - 1, -1, -1) if reverse else range(n)

    def take(e: Tensor, i: int) -> Tensor:
        idx = [builtins.slice(None)] * e.ndim
        idx[ax] = builtins.slice(i, i + 1)
        return e[tuple(idx)]

    outs: list[list[Tensor]] = []
    carry = None
    for i in order:
        item = nest.pack_sequence_as(elems, [take(e, i) for e in flat])
        carry = item if carry is None else f(carry, item)
        outs.append([convert_to_tensor(v) for v in nest.flatten(carry)])
    if reverse:
        outs.reverse()
    return nest.pack_sequence_as(elems, [A.concat(list(col), ax) for col in zip(*outs)])


def _groups(side: str, pattern: str) -> list[list[str]]:
    out: list[list[str]] = []
    group: list[str] | None = None
    for tok in side.replace("(", " ( ").replace(")", " ) ").split():
        if tok == "(":
            if group is not None:
                raise ValueError(f"rearrange: nested parentheses in pattern {pattern!r}.")
            group = []
        elif tok == ")":
            if group is None:
                raise ValueError(f"rearrange: unbalanced parentheses in pattern {pattern!r}.")
            out.append(group)
            group = None
        elif group is not None:
            group.append(tok)
        else:
            out.append([tok])
    if group is not None:
        raise ValueError(f"rearrange: unbalanced parentheses in pattern {pattern!r}.")
    return out


@symbolic_op
def rearrange(tensor: Any, pattern: str, **axes_lengths: int) -> Tensor:
    """Reshape and transpose with an einops pattern such as ``"b h w c -> b (h w) c"``.

    >>> rearrange(convert_to_tensor([[1, 2], [3, 4]]), "a b -> b a").numpy().tolist()
    [[1, 3], [2, 4]]
    """
    x = convert_to_tensor(tensor)
    if pattern.count("->") != 1:
        raise ValueError(f"rearrange: pattern must have one '->'; received {pattern!r}.")
    left, right = (_groups(s, pattern) for s in pattern.split("->"))
    if len(left) != x.ndim:
        raise ValueError(
            f"rearrange: the left side of {pattern!r} has {len(left)} axes; the tensor has shape {x.shape}."
        )
    sizes = {k: int(v) for k, v in axes_lengths.items()}
    for group, dim in zip(left, x.shape):
        unknown = [a for a in group if a not in sizes]
        known = 1
        for a in group:
            if a in sizes:
                known *= sizes[a]
        if len(unknown) > 1:
            raise ValueError(f"rearrange: give the sizes of all but one of {group} in {pattern!r}.")
        if unknown:
            sizes[unknown[0]] = int(dim) // known
        elif known != int(dim):
            raise ValueError(f"rearrange: axes {group} have total size {known} but the tensor has {dim}.")
    names = [a for g in left for a in g]
    out_names = [a for g in right for a in g]
    if sorted(names) != sorted(out_names) or len(set(names)) != len(names):
        raise ValueError(f"rearrange: both sides of {pattern!r} must name the same axes once each.")
    x = A.reshape(x, tuple(sizes[a] for a in names))
    x = A.transpose(x, tuple(names.index(a) for a in out_names))
    shape = []
    for g in right:
        n = 1
        for a in g:
            n *= sizes[a]
        shape.append(n)
    return A.reshape(x, tuple(shape))
