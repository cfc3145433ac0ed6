"""Rescaling: ``inputs * scale + offset`` (e.g. pixels from [0, 255] to [0, 1])."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import config
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import array_ops


def _as_config_value(v: Any) -> Any:
    """Numbers stay numbers; arrays and tensors become nested lists (JSON-ready)."""
    if isinstance(v, (int, float)) or v is None:
        return v
    if isinstance(v, Tensor):
        return v.numpy().tolist()
    if hasattr(v, "tolist"):
        return v.tolist()
    return list(v) if isinstance(v, tuple) else v


class Rescaling(Layer):
    """Multiply inputs by ``scale`` and add ``offset``, in the layer's compute dtype (float32).

    Args:
        scale: a number, or per-channel values broadcast against the inputs.
        offset: a number or per-channel values (default 0).

    >>> import tensorflux as tf
    >>> Rescaling(1.0 / 255)(tf.constant([[0.0, 255.0]])).numpy().tolist()
    [[0.0, 1.0]]
    """

    def __init__(self, scale: Any, offset: Any = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True

    def call(self, inputs: Tensor) -> Tensor:
        dtype = self.compute_dtype
        x = inputs if inputs.dtype.name == dtype else array_ops.cast(inputs, dtype)
        scale = array_ops.cast(self.scale, dtype)
        offset = array_ops.cast(self.offset, dtype)
        if scale.ndim > 0 and config.image_data_format() == "channels_first":
            # per-channel values apply to axis -3 of (channels, height, width) images
            scale = P.unary(P.reshape, scale, shape=tuple(scale.shape) + (1,) * (3 - scale.ndim))
        return x * scale + offset

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "scale": _as_config_value(self.scale),
            "offset": _as_config_value(self.offset),
        }
