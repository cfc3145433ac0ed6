"""Deterministic initializers: Zeros, Ones, Constant, Identity."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.keras.initializers.initializer import Initializer, _dtype, _shape


class Zeros(Initializer):
    """All zeros.

    >>> Zeros()((2,)).numpy().tolist()
    [0.0, 0.0]
    """

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        return Tensor(B.zeros(_shape(shape), _dtype(dtype)._native))


class Ones(Initializer):
    """All ones.

    >>> Ones()((2,)).numpy().tolist()
    [1.0, 1.0]
    """

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        return Tensor(B.ones(_shape(shape), _dtype(dtype)._native))


class Constant(Initializer):
    """Every entry equal to ``value`` (a scalar, or an array broadcast to the shape).

    >>> Constant(3.0)((2,)).numpy().tolist()
    [3.0, 3.0]
    """

    def __init__(self, value: Any = 0.0) -> None:
        self.value = value

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        v = convert_to_tensor(self.value)._value
        native = _dtype(dtype)._native
        return Tensor(B.array_copy(B.broadcast_to(B.asarray(v, native), _shape(shape))))

    def get_config(self) -> dict[str, Any]:
        v = self.value
        if isinstance(v, Tensor) or B.is_array(v):
            v = B.to_numpy(convert_to_tensor(v)._value).tolist()
        return {"value": v}


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only).

    >>> Identity()((2, 2)).numpy().tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        shape = _shape(shape)
        if len(shape) != 2:
            raise ValueError(
                "Identity matrix initializer can only be used for 2D matrices. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        native = _dtype(dtype)._native
        return Tensor(B.asarray(B.eye(shape[0], shape[1], native) * self.gain, native))

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain}
