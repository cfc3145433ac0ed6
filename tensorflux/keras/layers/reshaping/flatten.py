"""Flatten: collapse every axis but the batch axis."""

from __future__ import annotations

import math
from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.config import image_data_format
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer


class Flatten(Layer):
    """``(batch, d1, d2, ...)`` -> ``(batch, d1 * d2 * ...)``; a rank-1 input becomes ``(batch, 1)``.

    With ``data_format="channels_first"``, channels are moved last first, so the order of the
    features matches a channels_last model.

    >>> Flatten()(__import__("numpy").ones((2, 3, 4))).shape
    TensorShape([2, 12])
    """

    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = data_format or image_data_format()
        if self.data_format not in ("channels_last", "channels_first"):
            raise ValueError(
                f"Flatten: data_format must be 'channels_last' or 'channels_first'. "
                f"Received: data_format={self.data_format!r}"
            )
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs: Any) -> Any:
        shape = tuple(inputs.shape)
        x = inputs
        if self.data_format == "channels_first" and len(shape) > 2:
            x = P.unary(P.transpose, x, perm=(0,) + tuple(range(2, len(shape))) + (1,))
        return P.unary(P.reshape, x, shape=(shape[0], math.prod(shape[1:])))

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        shape = tuple(input_shape)
        if len(shape) == 1:
            return (shape[0], 1)
        rest = shape[1:]
        return (shape[0], None if any(d is None for d in rest) else math.prod(rest))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format}
