"""``keras.constraints``: projections applied to a weight after each optimizer update."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.config import epsilon
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine.naming import to_snake_case
from tensorflux.ops import math_ops as M


def _norms(w: Tensor, axis: Any) -> Tensor:
    return M.sqrt(M.reduce_sum(M.square(w), axis=axis, keepdims=True))


class Constraint:
    """Base class: ``constraint(w)`` returns the projected weight.

    >>> Constraint()(1.0)
    1.0
    """

    def __call__(self, w: Any) -> Any:
        return w

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Constraint:
        return cls(**config)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_config().items())})"


class MaxNorm(Constraint):
    """Rescale so the L2 norm along ``axis`` is at most ``max_value`` (default 2, axis 0).

    >>> MaxNorm(1.0)(P.convert_to_tensor([[3.0], [4.0]])).numpy().round(4).tolist()
    [[0.6], [0.8]]
    """

    def __init__(self, max_value: float = 2.0, axis: Any = 0) -> None:
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w: Any) -> Tensor:
        w = w if isinstance(w, Tensor) else P.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        desired = M.minimum(M.maximum(norms, 0.0), float(self.max_value))
        return w * (desired / (norms + epsilon()))

    def get_config(self) -> dict[str, Any]:
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Zero the negative entries.

    >>> NonNeg()(P.convert_to_tensor([-1.0, 2.0])).numpy().tolist()
    [0.0, 2.0]
    """

    def __call__(self, w: Any) -> Tensor:
        w = w if isinstance(w, Tensor) else P.convert_to_tensor(w)
        return w * P.unary(P.cast, P.binary(P.greater_equal, w, 0.0), dtype=w._value.dtype)


class UnitNorm(Constraint):
    """Rescale to unit L2 norm along ``axis`` (default 0).

    >>> UnitNorm()(P.convert_to_tensor([[3.0], [4.0]])).numpy().round(4).tolist()
    [[0.6], [0.8]]
    """

    def __init__(self, axis: Any = 0) -> None:
        self.axis = axis

    def __call__(self, w: Any) -> Tensor:
        w = w if isinstance(w, Tensor) else P.convert_to_tensor(w)
        return w / (epsilon() + _norms(w, self.axis))

    def get_config(self) -> dict[str, Any]:
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Move the L2 norm along ``axis`` into ``[min_value, max_value]`` at ``rate``.

    ``desired = rate * clip(norm, min, max) + (1 - rate) * norm``; defaults 0.0, 1.0, 1.0, axis 0.

    >>> MinMaxNorm(1.0, 2.0)(P.convert_to_tensor([[0.3], [0.4]])).numpy().round(4).tolist()
    [[0.6], [0.8]]
    """

    def __init__(
        self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: Any = 0
    ) -> None:
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w: Any) -> Tensor:
        w = w if isinstance(w, Tensor) else P.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        clipped = M.minimum(M.maximum(norms, float(self.min_value)), float(self.max_value))
        desired = clipped * self.rate + norms * (1.0 - self.rate)
        return w * (desired / (norms + epsilon()))

    def get_config(self) -> dict[str, Any]:
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm

_CLASSES = (Constraint, MaxNorm, NonNeg, UnitNorm, MinMaxNorm)
ALL_OBJECTS_DICT: dict[str, Any] = {c.__name__: c for c in _CLASSES}
ALL_OBJECTS_DICT.update({to_snake_case(c.__name__): c for c in _CLASSES})


def serialize(constraint: Any) -> Any:
    from tensorflux.keras.utils.serialization import serialize_keras_object

    return serialize_keras_object(constraint)


def deserialize(config: Any, custom_objects: Any = None) -> Any:
    from tensorflux.keras.utils.serialization import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects=custom_objects, module_objects=ALL_OBJECTS_DICT)


def get(identifier: Any) -> Any:
    """A constraint from a name (``"non_neg"``), a config dict, an instance or a callable.

    >>> get("unit_norm")
    UnitNorm(axis=0)
    """
    from tensorflux.keras.utils.serialization import get_registered_object

    if identifier is None:
        return None
    if isinstance(identifier, Constraint):
        return identifier
    if isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier) or get_registered_object(identifier)
        if obj is None:
            raise ValueError(
                f"Unknown constraint: {identifier!r}. Valid names are: max_norm, min_max_norm, "
                "non_neg, unit_norm."
            )
        return obj() if isinstance(obj, type) else obj
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret constraint identifier: {identifier!r}")
