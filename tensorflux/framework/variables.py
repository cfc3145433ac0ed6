"""Variable: a mutable tensor that models train; watched by tapes automatically."""

from __future__ import annotations

import itertools
import weakref
from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import dtypes as _dt
from tensorflux.framework.primitives import TRACERS
from tensorflux.framework.tensor import Tensor, _numpy_text, convert_to_tensor

_uid = itertools.count()
# Every live variable, so a graph tracer can tell a variable's array when code wraps it in a Tensor.
_ALL_VARIABLES: weakref.WeakSet[Any] = weakref.WeakSet()


class Variable(Tensor):
    """A tensor whose value can change with ``assign``; usable wherever a tensor is.

    >>> v = Variable(1.0)
    >>> _ = v.assign_add(2.0)
    >>> float(v)
    3.0
    """

    __slots__ = ("trainable", "_name", "path", "_constraint", "_aggregation", "_uid", "_shape")

    def __init__(
        self,
        initial_value: Any = None,
        trainable: bool = True,
        validate_shape: bool = True,
        name: str | None = None,
        dtype: Any = None,
        constraint: Any = None,
        synchronization: Any = None,
        aggregation: Any = None,
        shape: Any = None,
    ) -> None:
        if initial_value is None:
            raise ValueError("Variable: initial_value must be given.")
        if callable(initial_value):
            initial_value = initial_value()
        t = (
            convert_to_tensor(initial_value, dtype=dtype)
            if dtype is not None
            else convert_to_tensor(initial_value)
        )
        self._value = B.array_copy(t._value)
        self.trainable = bool(trainable)
        self._uid = next(_uid)
        self._name = name or "Variable"
        self.path = self._name
        self._constraint = constraint
        self._aggregation = aggregation
        _ALL_VARIABLES.add(self)
        if TRACERS:
            TRACERS[-1].new_variable(self)

    @property
    def name(self) -> str:
        return self._name if ":" in self._name else self._name + ":0"

    @property
    def constraint(self) -> Any:
        return self._constraint

    def value(self) -> Tensor:
        """A tensor snapshot of the current value."""
        return Tensor(self._value)

    def read_value(self) -> Tensor:
        return Tensor(self._value)

    def _check(self, value: Any, what: str) -> Any:
        v = value._value if isinstance(value, Tensor) else B.asarray(value, self._value.dtype)
        if tuple(v.shape) != tuple(self._value.shape):
            try:
                v = B.broadcast_to(v, self._value.shape)
            except ValueError:
                raise ValueError(
                    f"Variable '{self._name}': cannot {what} a value of shape {tuple(v.shape)} "
                    f"to a variable of shape {tuple(self._value.shape)}."
                ) from None
        if v.dtype != self._value.dtype:
            v = B.cast(v, self._value.dtype)
        return v

    def assign(self, value: Any, use_locking: Any = None, name: Any = None, read_value: bool = True) -> Any:
        old = self._value
        self._value = B.array_copy(self._check(value, "assign"))
        if TRACERS:
            TRACERS[-1].assign(self, old, "assign", value)
        return self if read_value else None

    def assign_add(
        self, delta: Any, use_locking: Any = None, name: Any = None, read_value: bool = True
    ) -> Any:
        old = self._value
        self._value = old + self._check(delta, "add")
        if TRACERS:
            TRACERS[-1].assign(self, old, "assign_add", delta)
        return self if read_value else None

    def assign_sub(
        self, delta: Any, use_locking: Any = None, name: Any = None, read_value: bool = True
    ) -> Any:
        old = self._value
        self._value = old - self._check(delta, "subtract")
        if TRACERS:
            TRACERS[-1].assign(self, old, "assign_sub", delta)
        return self if read_value else None

    def _assign_fresh(self, value: Tensor) -> None:
        """Take ``value``'s array as the new value without a copy (it must be a fresh array of this
        variable's shape and dtype that nothing else holds: a fused optimizer kernel's result)."""
        if TRACERS:
            self.assign(value)
        else:
            self._value = value._value

    def __hash__(self) -> int:
        return object.__hash__(self)

    def __repr__(self) -> str:
        text = _numpy_text(self._value, True)
        return f"<tf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}, numpy={text}>"

    __str__ = __repr__

    def numpy(self) -> Any:
        if TRACERS:
            TRACERS[-1].check_read(self, "numpy")
        return B.array_copy(self._value)

    @property
    def dtype(self) -> _dt.DType:
        return _dt.from_native(self._value.dtype)
