"""Equalization: histogram equalization of each channel (applied in training, as Keras 3)."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.preprocessing.image_preprocessing_base import _TrainingImageLayer


def _equalize_impl(x: Any, *, bins: int, value_range: tuple[float, float]) -> Any:
    """Equalize NHWC ``x``; each channel's histogram counts the whole batch, as Keras does."""
    n, h, w, c = x.shape
    i32, f32, f64 = B.native_dtype("int32"), B.native_dtype("float32"), B.native_dtype("float64")
    lo, hi = value_range
    scale = 255.0 / (hi - lo)
    chan = B.reshape(B.add(B.multiply(x, scale), -lo * scale), (n * h * w, c))  # into [0, 255]
    # histogram bins as Keras: truncate (v * (bins - 1)) / 255 in float32
    hidx = B.cast(B.divide(B.multiply(B.cast(chan, f32), float(bins - 1)), 255.0), i32)
    hidx = B.minimum(B.maximum(hidx, 0), bins - 1)
    cidx = B.broadcast_to(B.reshape(B.arange(0, c, 1, i32), (1, c)), hidx.shape)
    pairs = B.reshape(B.stack([cidx, hidx], axis=-1), (-1, 2))
    hist = B.scatter_nd(pairs, B.ones((n * h * w * c,), i32), (c, bins))
    cdf = B.cast(B.cumsum(hist, 1, False, False), f64)
    total = cdf[:, -1:]
    cdf_min = B.min(B.where(B.greater(cdf, 0), cdf, total), 1, True)
    denom = B.subtract(total, cdf_min)
    denom = B.where(B.equal(denom, 0), 1.0, denom)
    lut = B.minimum(
        B.maximum(B.round(B.divide(B.multiply(B.subtract(cdf, cdf_min), 255.0), denom)), 0.0), 255.0
    )
    lidx = B.cast(
        B.minimum(B.maximum(B.multiply(B.divide(chan, 255.0), float(bins - 1)), 0.0), bins - 1), i32
    )
    equalized = B.take_along_axis(B.transpose(lut, (1, 0)), lidx, 0)
    # a channel with a single occupied bin is left as is
    flat = B.less_equal(B.sum(B.cast(B.greater(hist, 0), i32), 1, False), 1)
    out = B.where(B.reshape(flat, (1, c)), chan, equalized)
    out = B.add(B.multiply(out, 1.0 / scale), lo)
    return B.cast(B.reshape(out, (n, h, w, c)), x.dtype)


# not differentiable (a piecewise constant lookup): no gradient rule
equalize = P.primitive("image_equalize", _equalize_impl)


class Equalization(_TrainingImageLayer):
    """Histogram-equalize each channel of the images, spreading the values over ``value_range``.

    Values are mapped to [0, 255], counted into ``bins`` bins per channel (over the whole batch,
    as Keras 3 does), remapped through the rounded normalized cumulative histogram and mapped
    back to ``value_range``; a channel whose values fall in one bin is left as is. As Keras' image
    preprocessing layers, it applies when called directly or with ``training=True`` and passes the
    images through with ``training=False`` (in the compute dtype).

    Args:
        value_range: the ``(low, high)`` range of the pixel values (default ``(0, 255)``).
        bins: number of histogram bins (default 256).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> Equalization()(tf.constant([[[[0.0], [64.0]], [[128.0], [255.0]]]])).shape
    TensorShape([1, 2, 2, 1])
    """

    def __init__(
        self, value_range: Any = (0, 255), bins: int = 256, data_format: str | None = None, **kwargs: Any
    ):
        super().__init__(data_format=data_format, **kwargs)
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError(
                "Equalization: `value_range` must be a pair (low, high). "
                f"Received: value_range={value_range!r}"
            )
        lo, hi = sorted(float(v) for v in value_range)
        if lo == hi:
            raise ValueError(
                f"Equalization: `value_range` must not be empty. Received: value_range={value_range!r}"
            )
        self.value_range = (lo, hi)
        if isinstance(bins, bool) or not isinstance(bins, int) or bins < 2:
            raise ValueError(f"Equalization: `bins` must be an integer >= 2. Received: bins={bins!r}")
        self.bins = bins

    def _augment(self, x: Tensor) -> Tensor:
        return P.bind(equalize, (x,), {"bins": self.bins, "value_range": self.value_range})

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "value_range": list(self.value_range), "bins": self.bins}
        config.pop("seed", None)
        return config
