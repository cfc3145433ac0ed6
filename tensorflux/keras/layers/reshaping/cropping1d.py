"""Cropping1D: remove steps from the start and end of sequences."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.convolutional import _args
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer


class Cropping1D(Layer):
    """Crop ``(batch, steps, features)`` along the steps axis.

    Args:
        cropping: an int (both ends) or 2 ints ``(start, end)`` (default ``(1, 1)``).

    >>> import tensorflux as tf
    >>> Cropping1D((1, 2))(tf.ones((1, 6, 2))).shape
    TensorShape([1, 3, 2])
    """

    def __init__(self, cropping: Any = (1, 1), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cropping = _args.standardize_tuple(cropping, 2, "cropping", allow_zero=True)
        self.input_spec = InputSpec(ndim=3)

    def _check(self, steps: Any, shape: Any) -> None:
        if steps is not None and sum(self.cropping) >= steps:
            raise ValueError(
                f"Cropping1D layer '{self.name}': `cropping` must be smaller than the input length. "
                f"Received: input_shape={tuple(shape)}, cropping={self.cropping}"
            )

    def call(self, inputs: Tensor) -> Tensor:
        self._check(inputs.shape[1], inputs.shape)
        start, end = self.cropping
        return inputs[:, start : (-end if end else None), :]

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        self._check(input_shape[1], input_shape)
        steps = None if input_shape[1] is None else input_shape[1] - sum(self.cropping)
        return (input_shape[0], steps, input_shape[2])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "cropping": self.cropping}
