"""SpatialDropout1D/2D/3D: drop whole feature maps (channels) instead of single values."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.config import image_data_format
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.regularization.dropout import Dropout


class _SpatialDropout(Dropout):
    _rank = 3

    def __init__(
        self, rate: float, data_format: str | None = None, seed: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = data_format or image_data_format()
        if self.data_format not in ("channels_last", "channels_first"):
            raise ValueError(
                f"{type(self).__name__}: data_format must be 'channels_last' or 'channels_first'. "
                f"Received: data_format={self.data_format!r}"
            )
        self.input_spec = InputSpec(ndim=self._rank)

    def _noise_shape(self, inputs: Any) -> Any:
        s = tuple(inputs.shape)
        ones = (1,) * (self._rank - 2)
        if self.data_format == "channels_first":
            return (s[0], s[1]) + ones
        return (s[0],) + ones + (s[-1],)

    def get_config(self) -> dict[str, Any]:
        cfg = {**super().get_config(), "data_format": self.data_format}
        cfg.pop("noise_shape", None)
        return cfg


class SpatialDropout1D(_SpatialDropout):
    """Dropout of whole channels of ``(batch, steps, channels)`` inputs.

    >>> SpatialDropout1D(0.5)([[[1.0, 2.0]]]).shape
    TensorShape([1, 1, 2])
    """

    _rank = 3

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(rate, data_format="channels_last", seed=seed, **kwargs)

    def get_config(self) -> dict[str, Any]:
        cfg = super().get_config()
        cfg.pop("data_format", None)
        return cfg


class SpatialDropout2D(_SpatialDropout):
    """Dropout of whole feature maps of ``(batch, rows, cols, channels)`` inputs.

    >>> SpatialDropout2D(0.5)(__import__("numpy").ones((1, 2, 2, 3))).shape
    TensorShape([1, 2, 2, 3])
    """

    _rank = 4


class SpatialDropout3D(_SpatialDropout):
    """Dropout of whole feature maps of ``(batch, d1, d2, d3, channels)`` inputs.

    >>> SpatialDropout3D(0.5)(__import__("numpy").ones((1, 2, 2, 2, 3))).shape
    TensorShape([1, 2, 2, 2, 3])
    """

    _rank = 5
