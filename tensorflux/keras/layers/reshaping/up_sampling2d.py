"""UpSampling2D: enlarge images by integer factors (nearest-neighbour repeat or bilinear resize)."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.convolutional import _args
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.keras.layers.reshaping.up_sampling1d import repeat_axis
from tensorflux.ops import image_ops


class UpSampling2D(Layer):
    """Repeat rows and columns by ``size`` (``"nearest"``) or resize by that factor (``"bilinear"``).

    Args:
        size: an int or 2 ints, the factors for height and width (default ``(2, 2)``).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        interpolation: ``"nearest"`` (default) or ``"bilinear"`` (TensorFlow's half-pixel sampling).

    >>> import tensorflux as tf
    >>> UpSampling2D((2, 3))(tf.ones((1, 2, 2, 4))).shape
    TensorShape([1, 4, 6, 4])
    """

    def __init__(
        self,
        size: Any = (2, 2),
        data_format: str | None = None,
        interpolation: str = "nearest",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.data_format = _args.standardize_data_format(data_format)
        self.size = _args.standardize_tuple(size, 2, "size")
        self.interpolation = str(interpolation).lower()
        if self.interpolation not in ("nearest", "bilinear"):
            raise ValueError(
                "UpSampling2D: `interpolation` must be 'nearest' or 'bilinear'. Received: "
                f"interpolation={interpolation!r}"
            )
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs: Tensor) -> Tensor:
        x = inputs
        first = self.data_format == "channels_first"
        if self.interpolation == "nearest":
            h_axis = 2 if first else 1
            return repeat_axis(repeat_axis(x, self.size[0], h_axis), self.size[1], h_axis + 1)
        if first:
            x = P.unary(P.transpose, x, perm=(0, 2, 3, 1))
        h, w = x._value.shape[1:3]
        x = image_ops.resize(x, (h * self.size[0], w * self.size[1]), method="bilinear")
        if first:
            x = P.unary(P.transpose, x, perm=(0, 3, 1, 2))
        return x

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        s = list(input_shape)
        h = 2 if self.data_format == "channels_first" else 1
        for i, f in ((h, self.size[0]), (h + 1, self.size[1])):
            s[i] = None if s[i] is None else s[i] * f
        return tuple(s)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "size": self.size,
            "data_format": self.data_format,
            "interpolation": self.interpolation,
        }
