"""BaseGlobalPooling: reduce every spatial dimension (mean or max), optionally keeping them as size 1."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.convolutional import _args
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import math_ops


class BaseGlobalPooling(Layer):
    """Reduce the spatial axes of ``(batch, *spatial, channels)`` to one value a channel.

    Args:
        pool_dimensions: the number of spatial dimensions.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        keepdims: keep the spatial axes with size 1.

    >>> import tensorflux as tf
    >>> BaseGlobalPooling(2, keepdims=True)(tf.ones((2, 4, 4, 3))).shape
    TensorShape([2, 1, 1, 3])
    """

    _reduce = staticmethod(math_ops.reduce_mean)

    def __init__(
        self, pool_dimensions: int, data_format: str | None = None, keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.data_format = _args.standardize_data_format(data_format)
        self.keepdims = bool(keepdims)
        self.pool_dimensions = pool_dimensions
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)

    @property
    def _spatial_axes(self) -> tuple[int, ...]:
        first = 1 if self.data_format == "channels_last" else 2
        return tuple(range(first, first + self.pool_dimensions))

    def call(self, inputs: Tensor) -> Tensor:
        return type(self)._reduce(inputs, axis=self._spatial_axes, keepdims=self.keepdims)

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        input_shape = tuple(input_shape)
        n = len(input_shape) - 2
        if self.data_format == "channels_last":
            return (input_shape[0],) + (1,) * n * self.keepdims + (input_shape[-1],)
        return (input_shape[0], input_shape[1]) + (1,) * n * self.keepdims

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}
