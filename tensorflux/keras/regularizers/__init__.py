"""``keras.regularizers``: weight penalties added to ``layer.losses`` (L1, L2, L1L2, Orthogonal)."""

from __future__ import annotations

import math
from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine.naming import to_snake_case
from tensorflux.ops import math_ops as M


def _check(value: Any, name: str) -> float:
    if (
        not isinstance(value, (int, float))
        or isinstance(value, bool)
        or math.isinf(value)
        or math.isnan(value)
        or value < 0
    ):
        raise ValueError(
            f"Invalid value for argument {name}: expected a non-negative float. Received: {name}={value!r}"
        )
    return float(value)


class Regularizer:
    """Base class: ``regularizer(weight)`` returns a scalar penalty.

    >>> class Half(Regularizer):
    ...     def __call__(self, x):
    ...         return 0.5 * M.reduce_sum(x)
    >>> float(Half()(P.constant_like([2.0], P.convert_to_tensor([0.0]))))
    1.0
    """

    def __call__(self, x: Any) -> Any:
        return 0.0

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Regularizer:
        return cls(**config)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_config().items())})"


class L1(Regularizer):
    """``l1 * sum(abs(x))``; ``l1=0.01`` by default.

    >>> float(L1(0.5)(P.convert_to_tensor([1.0, -2.0])))
    1.5
    """

    def __init__(self, l1: float = 0.01) -> None:
        self.l1 = _check(0.01 if l1 is None else l1, "l1")

    def __call__(self, x: Any) -> Tensor:
        return M.reduce_sum(M.abs(x)) * self.l1

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(square(x))``; ``l2=0.01`` by default (Keras 3).

    >>> float(L2(0.5)(P.convert_to_tensor([1.0, -2.0])))
    2.5
    """

    def __init__(self, l2: float = 0.01) -> None:
        self.l2 = _check(0.01 if l2 is None else l2, "l2")

    def __call__(self, x: Any) -> Tensor:
        return M.reduce_sum(M.square(x)) * self.l2

    def get_config(self) -> dict[str, Any]:
        return {"l2": self.l2}


class L1L2(Regularizer):
    """``l1 * sum(abs(x)) + l2 * sum(square(x))``; both 0.0 by default.

    >>> float(L1L2(l1=1.0, l2=1.0)(P.convert_to_tensor([2.0])))
    6.0
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = _check(0.0 if l1 is None else l1, "l1")
        self.l2 = _check(0.0 if l2 is None else l2, "l2")

    def __call__(self, x: Any) -> Any:
        x = P.convert_to_tensor(x) if not isinstance(x, Tensor) else x
        out: Any = P.constant_like(0.0, x)
        if self.l1:
            out = out + M.reduce_sum(M.abs(x)) * self.l1
        if self.l2:
            out = out + M.reduce_sum(M.square(x)) * self.l2
        return out

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1, "l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Penalise the mean absolute cosine between rows (``mode="rows"``) or columns of a 2-D weight.

    ``factor * 0.5 * sum(|N N^T - diag|) / (n (n - 1) / 2)`` with ``N`` the L2-normalised rows.

    >>> float(OrthogonalRegularizer(factor=1.0)(P.convert_to_tensor([[1.0, 0.0], [0.0, 1.0]])))
    0.0
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows") -> None:
        self.factor = _check(factor, "factor")
        if mode not in {"rows", "columns"}:
            raise ValueError(
                f'Invalid value for argument `mode`. Expected one of {{"rows", "columns"}}. '
                f"Received: mode={mode}"
            )
        self.mode = mode

    def __call__(self, inputs: Any) -> Tensor:
        from tensorflux.ops.array_ops import eye, transpose

        x = inputs if isinstance(inputs, Tensor) else P.convert_to_tensor(inputs)
        if x.ndim != 2:
            raise ValueError(
                f"Inputs to OrthogonalRegularizer must have rank 2. Received: inputs.shape={tuple(x.shape)}"
            )
        axis = 1 if self.mode == "rows" else 0
        sq = M.reduce_sum(M.square(x), axis=axis, keepdims=True)
        from tensorflux.framework.config import epsilon

        n = x * M.minimum(M.rsqrt(sq), 1.0 / epsilon())
        product = n @ transpose(n) if self.mode == "rows" else transpose(n) @ n
        size = x.shape[0] if self.mode == "rows" else x.shape[1]
        off = product * (1.0 - eye(size, dtype=x.dtype))
        pairs = size * (size - 1.0) / 2.0
        return M.reduce_sum(M.abs(off)) * (self.factor * 0.5 / pairs)

    def get_config(self) -> dict[str, Any]:
        return {"factor": self.factor, "mode": self.mode}


l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

_CLASSES = (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)
ALL_OBJECTS_DICT: dict[str, Any] = {c.__name__: c for c in _CLASSES}
ALL_OBJECTS_DICT.update({to_snake_case(c.__name__): c for c in _CLASSES})
ALL_OBJECTS_DICT.update({"l1": L1, "l2": L2, "l1_l2": L1L2})


def serialize(regularizer: Any) -> Any:
    from tensorflux.keras.utils.serialization import serialize_keras_object

    return serialize_keras_object(regularizer)


def deserialize(config: Any, custom_objects: Any = None) -> Any:
    from tensorflux.keras.utils.serialization import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects=custom_objects, module_objects=ALL_OBJECTS_DICT)


def get(identifier: Any) -> Any:
    """A regularizer from a name (``"l2"``), a config dict, an instance or a callable.

    >>> get("l2")
    L2(l2=0.01)
    """
    from tensorflux.keras.utils.serialization import get_registered_object

    if identifier is None:
        return None
    if isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier) or get_registered_object(identifier)
        if obj is None:
            raise ValueError(
                f"Unknown regularizer: {identifier!r}. Valid names are: l1, l2, l1_l2, "
                "orthogonal_regularizer."
            )
        return obj() if isinstance(obj, type) else obj
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret regularizer identifier: {identifier!r}")
