"""ContrastLimitedAdaptiveHistogramEqualization (CLAHE): histogram equalization per image tile, with the
histograms clipped and the tile lookup tables blended bilinearly (Keras 3 semantics)."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.preprocessing.image_preprocessing_base import _TrainingImageLayer
from tensorflux.keras.layers.preprocessing.solarization import _to_range

_LEVELS = 256


def _tile_luts(bins: Any, n: int, grid: tuple[int, int], tile: tuple[int, int], clip_limit: float) -> Any:
    """The (n, gh + 2, gw + 2, c, 256) float32 lookup tables of the tiles, edge-replicated by one tile."""
    (gh, gw), (th, tw) = grid, tile
    c = bins.shape[3]
    f32, i64 = B.native_dtype("float32"), B.native_dtype("int64")
    # one flat histogram slot per (image, tile row, tile column, channel, level)
    ty = B.reshape(B.floor_divide(B.arange(0, gh * th, 1, i64), th), (1, -1, 1, 1))
    tx = B.reshape(B.floor_divide(B.arange(0, gw * tw, 1, i64), tw), (1, 1, -1, 1))
    b = B.reshape(B.arange(0, n, 1, i64), (-1, 1, 1, 1))
    ch = B.reshape(B.arange(0, c, 1, i64), (1, 1, 1, -1))
    slot = B.add(B.multiply(B.add(B.multiply(B.add(B.multiply(b, gh), ty), gw), tx), c), ch)
    slot = B.add(B.multiply(slot, _LEVELS), B.cast(bins, i64))
    hist = B.scatter_nd(
        B.reshape(slot, (-1, 1)), B.ones((n * gh * th * gw * tw * c,), f32), (n * gh * gw * c * _LEVELS,)
    )
    hist = B.reshape(hist, (n, gh, gw, c, _LEVELS))
    area = float(th * tw)
    if clip_limit > 0:
        clipped = B.minimum(hist, B.cast(B.asarray(clip_limit * area / _LEVELS), f32))
        excess = B.sum(B.subtract(hist, clipped), -1, True)
        hist = B.add(clipped, B.divide(excess, B.cast(B.asarray(float(_LEVELS)), f32)))
    cdf = B.cumsum(hist, -1, False, False)
    cdf_min = B.min(cdf, -1, True)
    denom = B.subtract(B.cast(B.asarray(area), f32), cdf_min)
    denom = B.where(B.equal(denom, 0), B.ones(denom.shape, f32), denom)
    lut = B.divide(B.multiply(B.subtract(cdf, cdf_min), B.cast(B.asarray(255.0), f32)), denom)
    lut = B.minimum(B.maximum(lut, B.cast(B.asarray(0.0), f32)), B.cast(B.asarray(255.0), f32))
    # border pixels blend with a copy of the outer tile: pad the tile grid by one on each side
    return B.pad(lut, [(0, 0), (1, 1), (1, 1), (0, 0), (0, 0)], "symmetric", 0)


def _axis_taps(size: int, tile: int, grid: int) -> tuple[Any, Any, Any]:
    """For every pixel row (or column): the two neighbouring padded tiles and the weight of the second."""
    f32, i64 = B.native_dtype("float32"), B.native_dtype("int64")
    pos = B.add(
        B.divide(B.subtract(B.arange(0, size, 1, f32), B.cast(B.asarray(tile / 2.0), f32)), float(tile)), 1.0
    )
    pos = B.cast(pos, f32)
    lo = B.floor(pos)
    weight = B.subtract(pos, lo)
    first = B.cast(B.minimum(B.maximum(lo, 0.0), grid + 1.0), i64)
    second = B.cast(B.minimum(B.maximum(B.add(lo, 1.0), 0.0), grid + 1.0), i64)
    return first, second, weight


def _clahe_impl(
    x: Any, *, clip_limit: float, tile_grid_size: tuple[int, int], value_range: tuple[float, float]
) -> Any:
    """CLAHE of NHWC ``x``, computed in float32 on values mapped to [0, 255] as Keras does."""
    n, h, w, c = x.shape
    f32, i64 = B.native_dtype("float32"), B.native_dtype("int64")
    img = _to_range(B.cast(x, f32), value_range, (0, 255))
    gh, gw = tile_grid_size
    th, tw = -(-h // gh), -(-w // gw)
    if th * gh != h or tw * gw != w:  # Keras pads the bottom and right edges symmetrically
        img = B.pad(img, [(0, 0), (0, th * gh - h), (0, tw * gw - w), (0, 0)], "symmetric", 0)
    # float -> int truncates, as the cast in Keras
    bins = B.cast(B.minimum(B.maximum(img, 0.0), 255.0), B.native_dtype("int32"))
    lut = B.reshape(_tile_luts(bins, n, (gh, gw), (th, tw), clip_limit), (-1,))
    y0, y1, wy = _axis_taps(th * gh, th, gh)
    x0, x1, wx = _axis_taps(tw * gw, tw, gw)
    stride_x = _LEVELS * c
    stride_y = stride_x * (gw + 2)
    b = B.reshape(B.multiply(B.arange(0, n, 1, i64), stride_y * (gh + 2)), (-1, 1, 1, 1))
    ch = B.reshape(B.multiply(B.arange(0, c, 1, i64), _LEVELS), (1, 1, 1, -1))
    base = B.add(B.add(b, ch), B.cast(bins, i64))
    rows = [B.reshape(B.multiply(r, stride_y), (1, -1, 1, 1)) for r in (y0, y1)]
    cols = [B.reshape(B.multiply(q, stride_x), (1, 1, -1, 1)) for q in (x0, x1)]
    wx = B.reshape(wx, (1, 1, -1, 1))
    wy = B.reshape(wy, (1, -1, 1, 1))
    one = B.cast(B.asarray(1.0), f32)

    def blend(row: Any) -> Any:
        left = B.gather(lut, B.add(B.add(base, row), cols[0]), 0)
        right = B.gather(lut, B.add(B.add(base, row), cols[1]), 0)
        return B.add(B.multiply(left, B.subtract(one, wx)), B.multiply(right, wx))

    out = B.add(B.multiply(blend(rows[0]), B.subtract(one, wy)), B.multiply(blend(rows[1]), wy))
    out = _to_range(out[:, :h, :w, :], (0, 255), value_range)
    return B.cast(out, x.dtype)


# a piecewise constant lookup: not differentiable, so no gradient rule
clahe = P.primitive("image_clahe", _clahe_impl)


class ContrastLimitedAdaptiveHistogramEqualization(_TrainingImageLayer):
    """Contrast Limited Adaptive Histogram Equalization (CLAHE) of each image and channel.

    The image (values mapped from ``value_range`` to [0, 255]) is split into a ``tile_grid_size``
    grid of tiles, padding the bottom and right edges symmetrically when the size does not divide.
    Each tile's 256-level histogram is clipped at ``clip_limit * tile_pixels / 256`` (the excess is
    spread evenly over all levels) and turned into a lookup table through its normalized cumulative
    sum; every pixel blends the tables of its four nearest tiles bilinearly. The layer is
    deterministic and, as in Keras, applies whether or not it is training.

    Args:
        value_range: the ``(low, high)`` range of the pixel values (default ``(0, 255)``).
        clip_limit: histogram clip factor; 0 or less disables clipping (default 4.0).
        tile_grid_size: the number of tiles ``(rows, columns)`` (default ``(8, 8)``).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> layer = ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2))
    >>> layer(tf.ones((1, 4, 4, 3)) * 128.0).shape
    TensorShape([1, 4, 4, 3])
    """

    def __init__(
        self,
        value_range: Any = (0, 255),
        clip_limit: float = 4.0,
        tile_grid_size: Any = (8, 8),
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        name = "ContrastLimitedAdaptiveHistogramEqualization"
        if (
            not isinstance(value_range, (tuple, list))
            or len(value_range) != 2
            or not float(value_range[0]) < float(value_range[1])
        ):
            raise ValueError(
                f"{name}: `value_range` must be a pair (low, high) with low < high. "
                f"Received: value_range={value_range!r}"
            )
        if isinstance(clip_limit, bool) or not isinstance(clip_limit, (int, float)):
            raise ValueError(f"{name}: `clip_limit` must be a number. Received: clip_limit={clip_limit!r}")
        if (
            not isinstance(tile_grid_size, (tuple, list))
            or len(tile_grid_size) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in tile_grid_size)
        ):
            raise ValueError(
                f"{name}: `tile_grid_size` must be a pair of positive integers (rows, columns). "
                f"Received: tile_grid_size={tile_grid_size!r}"
            )
        # tuples, as Keras' defaults, so that a config read back from JSON compares equal
        self.value_range = tuple(value_range)
        self.clip_limit = clip_limit
        self.tile_grid_size = tuple(tile_grid_size)

    def _augment(self, x: Tensor) -> Tensor:
        params = {
            "clip_limit": float(self.clip_limit),
            "tile_grid_size": (int(self.tile_grid_size[0]), int(self.tile_grid_size[1])),
            "value_range": (float(self.value_range[0]), float(self.value_range[1])),
        }
        return P.bind(clahe, (x,), params)

    _inference = _augment

    def get_config(self) -> dict[str, Any]:
        config = {
            **super().get_config(),
            "value_range": self.value_range,
            "clip_limit": self.clip_limit,
            "tile_grid_size": self.tile_grid_size,
        }
        config.pop("seed", None)
        return config
