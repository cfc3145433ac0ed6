"""Cropping3D: remove slices from the borders of volumes along their three spatial axes."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.convolutional import _args
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.keras.layers.reshaping.zero_padding3d import pairs_3d, spatial_start


class Cropping3D(Layer):
    """Crop the depth, height and width of volumes.

    Args:
        cropping: an int, 3 ints (symmetric per axis) or 3 pairs ``((d0, d1), (h0, h1), (w0, w1))``
            (default 1 on every side).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> Cropping3D((1, 0, 2))(tf.ones((1, 4, 4, 6, 3))).shape
    TensorShape([1, 2, 4, 2, 3])
    """

    def __init__(
        self, cropping: Any = ((1, 1), (1, 1), (1, 1)), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.data_format = _args.standardize_data_format(data_format)
        self.cropping = pairs_3d(cropping, "cropping", "Cropping3D")
        self.input_spec = InputSpec(ndim=5)

    def _cropped(self, shape: Any) -> list[Any]:
        """The cropped spatial sizes (None stays None); a ValueError when a crop eats a whole axis."""
        first = spatial_start(self.data_format)
        sizes = []
        for size, crop in zip(tuple(shape)[first : first + 3], self.cropping):
            if size is not None and sum(crop) >= size:
                raise ValueError(
                    f"Cropping3D layer '{self.name}': values in `cropping` should be smaller than the "
                    f"corresponding spatial dimension of the input. Received: input_shape={tuple(shape)}, "
                    f"cropping={self.cropping}"
                )
            sizes.append(None if size is None else size - sum(crop))
        return sizes

    def call(self, inputs: Tensor) -> Tensor:
        self._cropped(inputs.shape)
        spatial = tuple(slice(a, -b if b else None) for a, b in self.cropping)
        if self.data_format == "channels_last":
            return inputs[(slice(None), *spatial, slice(None))]
        return inputs[(slice(None), slice(None), *spatial)]

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        s = list(input_shape)
        first = spatial_start(self.data_format)
        s[first : first + 3] = self._cropped(input_shape)
        return tuple(s)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}
