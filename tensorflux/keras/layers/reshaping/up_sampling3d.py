"""UpSampling3D: repeat the slices of volumes along depth, height and width."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.convolutional import _args
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.keras.layers.reshaping.up_sampling1d import repeat_axis
from tensorflux.keras.layers.reshaping.zero_padding3d import spatial_start


class UpSampling3D(Layer):
    """Repeat every voxel ``size`` times along each spatial axis (nearest-neighbour upsampling).

    Args:
        size: an int or 3 ints, the factors for depth, height and width (default ``(2, 2, 2)``).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> UpSampling3D((2, 1, 3))(tf.ones((1, 2, 2, 2, 4))).shape
    TensorShape([1, 4, 2, 6, 4])
    """

    def __init__(self, size: Any = (2, 2, 2), data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = _args.standardize_data_format(data_format)
        self.size = _args.standardize_tuple(size, 3, "size")
        self.input_spec = InputSpec(ndim=5)

    def call(self, inputs: Tensor) -> Tensor:
        first = spatial_start(self.data_format)
        x = inputs
        for i, factor in enumerate(self.size):
            x = repeat_axis(x, factor, first + i)
        return x

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        s = list(input_shape)
        first = spatial_start(self.data_format)
        for i, factor in enumerate(self.size):
            s[first + i] = None if s[first + i] is None else s[first + i] * factor
        return tuple(s)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}
