"""Cropping2D: remove rows and columns from the borders of images."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.convolutional import _args
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.keras.layers.reshaping.zero_padding2d import pairs_2d


class Cropping2D(Layer):
    """Crop the height and width of images.

    Args:
        cropping: an int, 2 ints ``(symmetric_height, symmetric_width)`` or
            ``((top, bottom), (left, right))`` (default no cropping).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> Cropping2D(((1, 1), (2, 0)))(tf.ones((1, 5, 5, 3))).shape
    TensorShape([1, 3, 3, 3])
    """

    def __init__(
        self, cropping: Any = ((0, 0), (0, 0)), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.data_format = _args.standardize_data_format(data_format)
        self.cropping = pairs_2d(cropping, "cropping", "Cropping2D")
        self.input_spec = InputSpec(ndim=4)

    def _spatial(self, shape: Any) -> tuple[Any, Any]:
        return (shape[1], shape[2]) if self.data_format == "channels_last" else (shape[2], shape[3])

    def _check(self, shape: Any) -> None:
        for size, crop in zip(self._spatial(shape), self.cropping):
            if size is not None and sum(crop) >= size:
                raise ValueError(
                    f"Cropping2D layer '{self.name}': values in `cropping` should be smaller than the "
                    "corresponding "
                    f"spatial dimension of the input. Received: input_shape={tuple(shape)}, "
                    f"cropping={self.cropping}"
                )

    def call(self, inputs: Tensor) -> Tensor:
        self._check(inputs.shape)
        (t, b), (left, r) = self.cropping
        rows, cols = slice(t, -b if b else None), slice(left, -r if r else None)
        if self.data_format == "channels_last":
            return inputs[:, rows, cols, :]
        return inputs[:, :, rows, cols]

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        self._check(input_shape)
        h, w = self._spatial(input_shape)
        h = None if h is None else h - sum(self.cropping[0])
        w = None if w is None else w - sum(self.cropping[1])
        if self.data_format == "channels_last":
            return (input_shape[0], h, w, input_shape[3])
        return (input_shape[0], input_shape[1], h, w)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}
