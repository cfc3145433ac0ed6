"""ZeroPadding1D: add zeros at the start and end of the steps axis."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.convolutional import _args
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import array_ops


class ZeroPadding1D(Layer):
    """Pad the steps of ``(batch, steps, features)`` with zeros.

    Args:
        padding: an int (both sides) or 2 ints ``(left, right)`` (default 1).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> ZeroPadding1D((1, 2))(tf.ones((1, 3, 2))).shape
    TensorShape([1, 6, 2])
    """

    def __init__(self, padding: Any = 1, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = _args.standardize_data_format(data_format)
        self.padding = _args.standardize_tuple(padding, 2, "padding", allow_zero=True)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs: Tensor) -> Tensor:
        pads = [[0, 0], list(self.padding), [0, 0]]
        if self.data_format == "channels_first":
            pads = [[0, 0], [0, 0], list(self.padding)]
        return array_ops.pad(inputs, pads)

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        s = list(input_shape)
        i = 2 if self.data_format == "channels_first" else 1
        if s[i] is not None:
            s[i] += sum(self.padding)
        return tuple(s)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}
