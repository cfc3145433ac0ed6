"""Core ``keras.ops``: conversion, dtypes, shapes, control flow."""

from __future__ import annotations

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
