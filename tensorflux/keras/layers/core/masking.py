"""Masking: mark timesteps whose features all equal ``mask_value`` as padding."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.keras.engine.masking import set_keras_mask
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import math_ops as M


class Masking(Layer):
    """Zero the timesteps whose features all equal ``mask_value`` and attach a mask that skips them.

    Input ``(batch, timesteps, features)``; the mask is ``(batch, timesteps)``.

    >>> out = Masking()([[[0.0, 0.0], [1.0, 2.0]]])
    >>> out.numpy().tolist()
    [[[0.0, 0.0], [1.0, 2.0]]]
    """

    def __init__(self, mask_value: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        return M.reduce_any(P.binary(P.not_equal, inputs, self.mask_value), axis=-1)

    def call(self, inputs: Any) -> Any:
        keep = M.reduce_any(P.binary(P.not_equal, inputs, self.mask_value), axis=-1, keepdims=True)
        outputs = inputs * P.unary(P.cast, keep, dtype=inputs._value.dtype)
        set_keras_mask(outputs, P.unary(P.reshape, keep, shape=tuple(keep.shape)[:-1]))
        return outputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mask_value": self.mask_value}
