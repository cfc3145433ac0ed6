"""Reshape: give each sample a new shape."""

from __future__ import annotations

import math
from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.keras.layers.layer import Layer


class Reshape(Layer):
    """Reshape each sample to ``target_shape`` (the batch axis is kept; one entry may be -1).

    >>> Reshape((2, 3))(__import__("numpy").ones((4, 6))).shape
    TensorShape([4, 2, 3])
    """

    def __init__(self, target_shape: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(target_shape, int):
            target_shape = (target_shape,)
        try:
            target = tuple(int(d) for d in target_shape)
        except (TypeError, ValueError):
            raise ValueError(
                f"Reshape: `target_shape` must be a tuple of integers. Received: "
                f"target_shape={target_shape!r}"
            ) from None
        if target.count(-1) > 1 or any(d == 0 or d < -1 for d in target):
            raise ValueError(
                "Reshape: `target_shape` must hold positive integers and at most one -1. "
                f"Received: target_shape={target_shape!r}"
            )
        self.target_shape = target

    def _resolve(self, sample_shape: tuple[Any, ...]) -> tuple[Any, ...]:
        target = self.target_shape
        if any(d is None for d in sample_shape):
            return tuple(None if d == -1 else d for d in target)
        n = math.prod(sample_shape)
        known = math.prod(d for d in target if d != -1)
        if -1 in target:
            if n % known:
                raise ValueError(self._mismatch(sample_shape))
            return tuple(n // known if d == -1 else d for d in target)
        if known != n:
            raise ValueError(self._mismatch(sample_shape))
        return target

    def _mismatch(self, sample_shape: tuple[Any, ...]) -> str:
        return (
            f"Reshape layer '{self.name}': cannot reshape samples of shape {sample_shape} "
            f"({math.prod(sample_shape)} values) into target_shape {self.target_shape}: the number of values "
            "must stay the same."
        )

    def call(self, inputs: Any) -> Any:
        shape = tuple(inputs.shape)
        return P.unary(P.reshape, inputs, shape=(shape[0],) + self._resolve(shape[1:]))

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        shape = tuple(input_shape)
        return (shape[0],) + self._resolve(shape[1:])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "target_shape": self.target_shape}
