"""ZeroPadding2D: add rows and columns of zeros around images."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.convolutional import _args
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import array_ops


def pairs_2d(value: Any, name: str, layer: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """An int, 2 ints or 2 pairs as ``((top, bottom), (left, right))`` (Keras' padding/cropping forms)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"{layer}: `{name}` cannot be negative. Received: {name}={value}.")
        return (value, value), (value, value)
    if hasattr(value, "__len__") and len(value) == 2:
        first = _args.standardize_tuple(value[0], 2, f"1st entry of {name}", allow_zero=True)
        second = _args.standardize_tuple(value[1], 2, f"2nd entry of {name}", allow_zero=True)
        return first, second  # type: ignore[return-value]
    raise ValueError(
        f"{layer}: `{name}` should be either an int, a tuple of 2 ints (symmetric height, symmetric width), "
        f"or a tuple of 2 tuples of 2 ints ((top, bottom), (left, right)). Received: {name}={value!r}."
    )


class ZeroPadding2D(Layer):
    """Pad the height and width of images with zeros.

    Args:
        padding: an int, 2 ints ``(symmetric_height, symmetric_width)`` or
            ``((top, bottom), (left, right))`` (default ``(1, 1)``).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> ZeroPadding2D(((1, 0), (2, 2)))(tf.ones((1, 3, 3, 1))).shape
    TensorShape([1, 4, 7, 1])
    """

    def __init__(self, padding: Any = (1, 1), data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = _args.standardize_data_format(data_format)
        self.padding = pairs_2d(padding, "padding", "ZeroPadding2D")
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs: Tensor) -> Tensor:
        hw = [list(p) for p in self.padding]
        pads = [[0, 0], *hw, [0, 0]] if self.data_format == "channels_last" else [[0, 0], [0, 0], *hw]
        return array_ops.pad(inputs, pads)

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        s = list(input_shape)
        first = 2 if self.data_format == "channels_first" else 1
        for i, p in enumerate(self.padding):
            if s[first + i] is not None:
                s[first + i] += sum(p)
        return tuple(s)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}
