"""KerasTensor: a symbolic tensor (shape with a None batch, dtype) flowing through a functional graph.

A KerasTensor holds no values.  Calling a layer on KerasTensors records a ``Node`` and returns
new KerasTensors whose ``_keras_history`` is ``(layer, node_index, tensor_index)``; a functional
``Model(inputs, outputs)`` is the graph of nodes between them.
"""

from __future__ import annotations

import collections
from typing import Any

from tensorflux.framework import dtypes as _dt
from tensorflux.keras.engine.naming import auto_name

KerasHistory = collections.namedtuple("KerasHistory", ["operation", "node_index", "tensor_index"])


class KerasTensor:
    """A placeholder for a tensor of a given shape and dtype in a functional graph.

    >>> x = KerasTensor((None, 3))
    >>> x.shape, x.dtype.name
    ((None, 3), 'float32')
    """

    __array_priority__ = 1000  # ndarray (op) KerasTensor defers to our operators

    def __init__(
        self, shape: Any, dtype: Any = "float32", sparse: bool = False, name: str | None = None
    ) -> None:
        self._shape = tuple(None if d is None else int(d) for d in shape)
        self._dtype = _dt.as_dtype(dtype if dtype is not None else "float32")
        self.sparse = bool(sparse)
        self.name = name or auto_name("keras_tensor")
        self._keras_history: KerasHistory | None = None
        self._keras_mask: KerasTensor | None = None

    @property
    def shape(self) -> tuple[Any, ...]:
        return self._shape

    @property
    def dtype(self) -> _dt.DType:
        return self._dtype

    @property
    def ndim(self) -> int:
        return len(self._shape)

    rank = ndim

    def __repr__(self) -> str:
        return (
            f"<KerasTensor shape={_fmt(self._shape)}, dtype={self._dtype.name}, sparse={self.sparse}, "
            f"name={self.name}>"
        )

    __str__ = __repr__

    def __hash__(self) -> int:
        return id(self)

    # -- a symbolic tensor has no value ---------------------------------------------------------
    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            f"{self.name} is a symbolic KerasTensor (shape {_fmt(self._shape)}): it stands for the data of a "
            "functional model and has no values. Build a Model from it and call the model on arrays instead."
        )

    def numpy(self) -> Any:
        return self.__array__()

    def __bool__(self) -> bool:
        raise TypeError(
            f"A symbolic KerasTensor ({self.name}) cannot be used as a Python bool: its value is unknown "
            "while "
            "the model is being defined. Use keras.ops.cond / ops.where, or move the logic into a layer's "
            "call()."
        )

    def __iter__(self) -> Any:
        raise TypeError(f"Iterating over a symbolic KerasTensor ({self.name}) is not supported; use slicing.")

    # -- operators become nodes of the graph --------------------------------------------------
    def __add__(self, o: Any) -> Any:
        return _op("add", lambda a, b: a + b, self, o)

    def __radd__(self, o: Any) -> Any:
        return _op("add", lambda a, b: b + a, self, o)

    def __sub__(self, o: Any) -> Any:
        return _op("subtract", lambda a, b: a - b, self, o)

    def __rsub__(self, o: Any) -> Any:
        return _op("subtract", lambda a, b: b - a, self, o)

    def __mul__(self, o: Any) -> Any:
        return _op("multiply", lambda a, b: a * b, self, o)

    def __rmul__(self, o: Any) -> Any:
        return _op("multiply", lambda a, b: b * a, self, o)

    def __truediv__(self, o: Any) -> Any:
        return _op("divide", lambda a, b: a / b, self, o)

    def __rtruediv__(self, o: Any) -> Any:
        return _op("divide", lambda a, b: b / a, self, o)

    def __pow__(self, o: Any) -> Any:
        return _op("power", lambda a, b: a**b, self, o)

    def __rpow__(self, o: Any) -> Any:
        return _op("power", lambda a, b: b**a, self, o)

    def __matmul__(self, o: Any) -> Any:
        return _op("matmul", lambda a, b: a @ b, self, o)

    def __rmatmul__(self, o: Any) -> Any:
        return _op("matmul", lambda a, b: b @ a, self, o)

    def __neg__(self) -> Any:
        return _op("negative", lambda a: -a, self)

    def __abs__(self) -> Any:
        return _op("absolute", lambda a: abs(a), self)

    def __lt__(self, o: Any) -> Any:
        return _op("less", lambda a, b: a < b, self, o)

    def __le__(self, o: Any) -> Any:
        return _op("less_equal", lambda a, b: a <= b, self, o)

    def __gt__(self, o: Any) -> Any:
        return _op("greater", lambda a, b: a > b, self, o)

    def __ge__(self, o: Any) -> Any:
        return _op("greater_equal", lambda a, b: a >= b, self, o)

    def __getitem__(self, index: Any) -> Any:
        return _op("get_item", lambda a: a[index], self)


def _fmt(shape: tuple[Any, ...]) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _op(name: str, fn: Any, *args: Any) -> Any:
    from tensorflux.keras.engine.op_layer import OpLayer

    return OpLayer(fn, name=name)(*args)


def is_keras_tensor(x: Any) -> bool:
    """True for symbolic tensors of a functional graph."""
    return isinstance(x, KerasTensor)


def any_symbolic(args: Any, kwargs: Any) -> bool:
    """Whether a KerasTensor appears anywhere in the call arguments."""
    from tensorflux.framework import nest

    for a in args:
        if isinstance(a, KerasTensor):
            return True
        if isinstance(a, (list, tuple, dict)) and any(isinstance(x, KerasTensor) for x in nest.flatten(a)):
            return True
    for a in kwargs.values():
        if isinstance(a, KerasTensor):
            return True
        if isinstance(a, (list, tuple, dict)) and any(isinstance(x, KerasTensor) for x in nest.flatten(a)):
            return True
    return False
