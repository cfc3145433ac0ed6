"""Softmax layer, with an optional mask of the positions to keep."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.keras import activations
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import math_ops as M


def _large_negative(dtype_name: str) -> float:
    return -3e4 if dtype_name == "float16" else -1e9


class Softmax(Layer):
    """Softmax over ``axis`` (an int or a tuple of axes); masked-out positions get probability 0.

    >>> Softmax()([[0.0, 0.0]]).numpy().tolist()
    [[0.5, 0.5]]
    """

    def __init__(self, axis: Any = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = tuple(axis) if isinstance(axis, list) else axis
        self.supports_masking = True

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if mask is not None:
            mask = P.convert_to_tensor(mask) if not hasattr(mask, "_value") else mask
            if len(mask.shape) > len(inputs.shape) or any(
                m != 1 and m != i for m, i in zip(tuple(mask.shape)[::-1], tuple(inputs.shape)[::-1])
            ):
                raise ValueError(
                    "The `mask` must be broadcastable to `inputs`: each mask dimension must be 1 or match "
                    "the "
                    f"input. Received: inputs.shape={tuple(inputs.shape)}, mask.shape={tuple(mask.shape)}"
                )
            if mask.dtype.name != "bool":
                mask = P.binary(P.greater, mask, 0.5)
            neg = P.constant_like(_large_negative(inputs.dtype.name), inputs)
            inputs = P.bind(P.where, (mask, inputs, neg), {})
        if isinstance(self.axis, (tuple, list)) and len(self.axis) > 1:
            axes = tuple(self.axis)
            outputs = M.exp(inputs - M.reduce_logsumexp(inputs, axis=axes, keepdims=True))
        else:
            axis = self.axis[0] if isinstance(self.axis, (tuple, list)) else self.axis
            outputs = activations.softmax(inputs, axis=axis)
        if mask is not None:
            outputs = P.bind(P.where, (mask, outputs, P.constant_like(0.0, outputs)), {})
        return outputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}
