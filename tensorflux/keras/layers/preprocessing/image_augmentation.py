"""Random image augmentation layers (Keras 3): flips, crops, affine warps, contrast and brightness.

Each layer changes images in training: ``fit``, a call of the layer (or of a model holding it)
without ``training``, and ``training=True``, as Keras 3's image preprocessing layers do; with
``training=False`` (``predict``, ``evaluate``) the input passes through (cast to the compute
dtype). Every image of a batch gets its own random parameters (RandomCrop: one window for the
whole batch, as in Keras). The whole augmentation runs inside one random primitive, so a traced
training step draws new parameters on every replay; ``seed`` makes the sequence repeatable
under TensorFlow's seeding rule (``tf.random.set_seed`` plus the op seed). No gradient flows
through the random layers.
"""

from __future__ import annotations

import math
from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.layer import Layer
from tensorflux.keras.layers.preprocessing.image_resizing import (
    _check_rank,
    _crop_to_aspect,
    _data_format,
    _from_nhwc,
    _output_shape,
    _positive_int,
    _resize,
    _to_nhwc,
)
from tensorflux.ops.random_ops import _draw

_FILL_MODES = ("reflect", "wrap", "constant", "nearest")
_INTERPOLATIONS = ("bilinear", "nearest")


def _uniform(rng: Any, n: int, lo: float, hi: float) -> Any:
    return B.uniform(rng, (n,), lo, hi, B.native_dtype("float64"))


def _factor_pair(
    factor: Any, arg: str, layer: str, bounds: tuple[float, float] = (-1.0, 1.0)
) -> tuple[float, float]:
    """Keras' rule: a number ``f`` means ``(-|f|, |f|)`` clipped to ``bounds``; a pair is sorted."""
    msg = (
        f"{layer}: `{arg}` must be a number or a pair of numbers in [{bounds[0]}, {bounds[1]}]; "
        f"received {arg}={factor!r}."
    )
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in factor
        ):
            raise ValueError(msg)
        lo, hi = sorted(float(v) for v in factor)
        if lo < bounds[0] or hi > bounds[1]:
            raise ValueError(msg)
        return lo, hi
    if (
        isinstance(factor, bool)
        or not isinstance(factor, (int, float))
        or not bounds[0] <= factor <= bounds[1]
    ):
        raise ValueError(msg)
    f = abs(float(factor))
    return max(-f, bounds[0]), f


def _check_choice(value: Any, choices: tuple[str, ...], arg: str, layer: str) -> str:
    if value not in choices:
        raise ValueError(f"{layer}: {arg}={value!r} is not supported; use one of {list(choices)}.")
    return str(value)


def _value_range(value_range: Any, layer: str) -> tuple[float, float]:
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2 or value_range[0] > value_range[1]:
        raise ValueError(
            f"{layer}: value_range must be a pair (low, high); received value_range={value_range!r}."
        )
    return float(value_range[0]), float(value_range[1])


class _RandomImageLayer(Layer):
    """Shared plumbing: compute-dtype cast, NHWC view, identity outside training, one random primitive."""

    def __init__(self, seed: int | None = None, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seed = seed
        self.data_format = _data_format(data_format, type(self).__name__)

    def _augment(self, x: Tensor) -> Tensor:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def _inference(self, x: Tensor) -> Tensor:
        return x

    def call(self, inputs: Tensor, training: Any = True) -> Tensor:
        x, single = _to_nhwc(inputs, self.data_format, type(self).__name__, self.compute_dtype)
        y = self._augment(x) if training else self._inference(x)
        return _from_nhwc(y, self.data_format, single)

    def _draw(self, sampler: Any, x: Tensor, *args: Any) -> Tensor:
        return _draw(sampler, self.seed, *args, inputs=(x,))

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(_check_rank(input_shape, type(self).__name__))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "seed": self.seed, "data_format": self.data_format}


# -- samplers: run inside the random primitive on backend arrays (NHWC) ------------------------------
def _flip_sampler(rng: Any, x: Any, rows: bool, cols: bool) -> Any:
    n = x.shape[0]
    flip_rows = B.less(_uniform(rng, n, 0.0, 1.0), 0.5) if rows else B.zeros((n,), B.native_dtype("bool"))
    flip_cols = B.less(_uniform(rng, n, 0.0, 1.0), 0.5) if cols else B.zeros((n,), B.native_dtype("bool"))
    return B.random_flip(x, flip_rows, flip_cols)


def _crop_sampler(rng: Any, x: Any, height: int, width: int) -> Any:
    int64 = B.native_dtype("int64")
    top = int(B.uniform(rng, (), 0, x.shape[1] - height + 1, int64))
    left = int(B.uniform(rng, (), 0, x.shape[2] - width + 1, int64))
    return x[:, top : top + height, left : left + width, :]


def _affine_sampler(
    rng: Any, x: Any, kind: str, lo: tuple[float, ...], hi: tuple[float, ...], opts: tuple
) -> Any:
    """Draw one affine transform per image (rotation, translation or zoom) and resample."""
    n, h, w = x.shape[0], x.shape[1], x.shape[2]
    f64 = B.native_dtype("float64")
    one, zero = B.ones((n,), f64), B.zeros((n,), f64)
    cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
    if kind == "rotation":
        angle = B.multiply(_uniform(rng, n, lo[0] * 360.0, hi[0] * 360.0), math.pi / 180.0)
        cos, sin = B.cos(angle), B.sin(angle)
        a2 = cx - cx * cos + cy * sin
        b2 = cy - cx * sin - cy * cos
        rows = (cos, -sin, a2, sin, cos, b2)
    elif kind == "translation":
        ty = B.multiply(_uniform(rng, n, lo[0], hi[0]), float(h))
        tx = B.multiply(_uniform(rng, n, lo[1], hi[1]), float(w))
        rows = (one, zero, -tx, zero, one, -ty)
    else:  # zoom: zoom factors 1 + f, > 1 zooms out
        zy = _uniform(rng, n, 1.0 + lo[0], 1.0 + hi[0])
        zx = zy if len(lo) == 1 else _uniform(rng, n, 1.0 + lo[1], 1.0 + hi[1])
        rows = (zx, zero, cx * (1.0 - zx), zero, zy, cy * (1.0 - zy))
    transforms = B.stack(list(rows) + [zero, zero], axis=1)
    interpolation, fill_mode, fill_value = opts
    return B.affine_transform(x, transforms, interpolation, fill_mode, fill_value)


def _clip(x: Any, lo: float, hi: float) -> Any:
    return B.minimum(B.maximum(x, lo), hi)


def _contrast_sampler(rng: Any, x: Any, lo: float, hi: float, value_range: tuple[float, float]) -> Any:
    n = x.shape[0]
    factor = B.reshape(B.cast(_uniform(rng, n, lo, hi), x.dtype), (n, 1, 1, 1))
    mean = B.mean(x, axis=(1, 2), keepdims=True)
    return _clip(B.add(B.multiply(B.subtract(x, mean), factor), mean), value_range[0], value_range[1])


def _brightness_sampler(rng: Any, x: Any, lo: float, hi: float, value_range: tuple[float, float]) -> Any:
    n = x.shape[0]
    delta = B.multiply(_uniform(rng, n, lo, hi), value_range[1] - value_range[0])
    delta = B.reshape(B.cast(delta, x.dtype), (n, 1, 1, 1))
    return _clip(B.add(x, delta), value_range[0], value_range[1])


# -- layers ------------------------------------------------------------------------------------------
class RandomFlip(_RandomImageLayer):
    """Mirror each image left-right and/or top-bottom, each with probability 1/2, in training.

    Args:
        mode: ``"horizontal"`` (left-right), ``"vertical"`` (top-bottom) or
            ``"horizontal_and_vertical"`` (default: each axis decided independently).
        seed: integer seed for repeatable draws.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the Keras config).

    >>> import tensorflux as tf
    >>> RandomFlip("horizontal")(tf.ones((2, 4, 4, 3))).shape
    TensorShape([2, 4, 4, 3])
    """

    _MODES = ("horizontal", "vertical", "horizontal_and_vertical")

    def __init__(
        self,
        mode: str = "horizontal_and_vertical",
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.mode = _check_choice(mode, self._MODES, "mode", "RandomFlip")

    def _augment(self, x: Tensor) -> Tensor:
        return self._draw(_flip_sampler, x, self.mode != "horizontal", self.mode != "vertical")

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mode": self.mode}


class RandomCrop(_RandomImageLayer):
    """Crop a random ``(height, width)`` window (the same for the whole batch) in training.

    At inference, and in training when the input is smaller than the target, the largest centred
    window with the target aspect ratio is cropped and resized (bilinear) to the target size.

    Args:
        height: output height.
        width: output width.
        seed: integer seed for repeatable draws.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the Keras config).

    >>> import tensorflux as tf
    >>> RandomCrop(3, 3, seed=1)(tf.ones((2, 5, 5, 1)), training=True).shape
    TensorShape([2, 3, 3, 1])
    """

    def __init__(
        self, height: int, width: int, seed: int | None = None, data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.height = _positive_int(height, "height", "RandomCrop")
        self.width = _positive_int(width, "width", "RandomCrop")

    def _inference(self, x: Tensor) -> Tensor:
        if (int(x.shape[1]), int(x.shape[2])) == (self.height, self.width):
            return x
        return _resize(_crop_to_aspect(x, self.height, self.width), self.height, self.width, "bilinear")

    def _augment(self, x: Tensor) -> Tensor:
        if int(x.shape[1]) < self.height or int(x.shape[2]) < self.width:
            return self._inference(x)
        return self._draw(_crop_sampler, x, self.height, self.width)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return _output_shape(input_shape, self.height, self.width, self.data_format, "RandomCrop")

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "height": self.height, "width": self.width}


class _AffineLayer(_RandomImageLayer):
    """Rotation, translation and zoom: one affine resampling per image with a fill mode."""

    _KIND = ""

    def __init__(
        self,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        self.fill_mode = _check_choice(fill_mode, _FILL_MODES, "fill_mode", name)
        self.interpolation = _check_choice(interpolation, _INTERPOLATIONS, "interpolation", name)
        self.fill_value = float(fill_value)

    def _bounds(self) -> tuple[tuple[float, ...], tuple[float, ...]]:  # pragma: no cover - subclasses
        raise NotImplementedError

    def _augment(self, x: Tensor) -> Tensor:
        lo, hi = self._bounds()
        opts = (self.interpolation, self.fill_mode, self.fill_value)
        return self._draw(_affine_sampler, x, self._KIND, lo, hi, opts)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "fill_mode": self.fill_mode,
            "interpolation": self.interpolation,
            "fill_value": self.fill_value,
        }


class RandomRotation(_AffineLayer):
    """Rotate each image about its centre by a random angle in training.

    Args:
        factor: a fraction of a full turn: a number ``f`` draws angles in ``[-f * 2pi, f * 2pi]``,
            a pair ``(lo, hi)`` in ``[lo * 2pi, hi * 2pi]``; positive angles turn counter-clockwise.
        fill_mode: ``"reflect"`` (default), ``"wrap"``, ``"constant"`` or ``"nearest"``.
        interpolation: ``"bilinear"`` (default) or ``"nearest"``.
        seed: integer seed for repeatable draws.
        fill_value: value outside the image for ``fill_mode="constant"``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the Keras config).

    >>> import tensorflux as tf
    >>> RandomRotation(0.1)(tf.ones((2, 4, 4, 3)), training=True).shape
    TensorShape([2, 4, 4, 3])
    """

    _KIND = "rotation"

    def __init__(
        self,
        factor: Any,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.factor = _factor_pair(factor, "factor", "RandomRotation")
        self._factor_arg = list(factor) if isinstance(factor, (tuple, list)) else factor

    def _bounds(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        return (self.factor[0],), (self.factor[1],)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": self._factor_arg}


class RandomTranslation(_AffineLayer):
    """Shift each image by a random fraction of its height and width in training.

    Args:
        height_factor: a number ``f`` shifts by ``[-f, f] * height`` (positive: down), a pair
            ``(lo, hi)`` by ``[lo, hi] * height``.
        width_factor: the same for the width (positive: right).
        fill_mode: ``"reflect"`` (default), ``"wrap"``, ``"constant"`` or ``"nearest"``.
        interpolation: ``"bilinear"`` (default) or ``"nearest"``.
        seed: integer seed for repeatable draws.
        fill_value: value outside the image for ``fill_mode="constant"``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the Keras config).

    >>> import tensorflux as tf
    >>> RandomTranslation(0.2, 0.2)(tf.ones((2, 4, 4, 3)), training=True).shape
    TensorShape([2, 4, 4, 3])
    """

    _KIND = "translation"

    def __init__(
        self,
        height_factor: Any,
        width_factor: Any,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self._h = _factor_pair(height_factor, "height_factor", "RandomTranslation")
        self._w = _factor_pair(width_factor, "width_factor", "RandomTranslation")

    def _bounds(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        return (self._h[0], self._w[0]), (self._h[1], self._w[1])

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
        }


class RandomZoom(_AffineLayer):
    """Zoom each image in or out about its centre by a random amount in training.

    Args:
        height_factor: a number ``f`` zooms by ``1 + [-f, f]`` vertically, a pair ``(lo, hi)`` by
            ``1 + [lo, hi]``; positive values zoom out (the content gets smaller).
        width_factor: the same horizontally; None (default) keeps the aspect ratio (the
            vertical factor is used).
        fill_mode: ``"reflect"`` (default), ``"wrap"``, ``"constant"`` or ``"nearest"``.
        interpolation: ``"bilinear"`` (default) or ``"nearest"``.
        seed: integer seed for repeatable draws.
        fill_value: value outside the image for ``fill_mode="constant"``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the Keras config).

    >>> import tensorflux as tf
    >>> RandomZoom(0.2)(tf.ones((2, 4, 4, 3)), training=True).shape
    TensorShape([2, 4, 4, 3])
    """

    _KIND = "zoom"

    def __init__(
        self,
        height_factor: Any,
        width_factor: Any = None,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self._h = _factor_pair(height_factor, "height_factor", "RandomZoom")
        self._w = None if width_factor is None else _factor_pair(width_factor, "width_factor", "RandomZoom")

    def _bounds(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        if self._w is None:
            return (self._h[0],), (self._h[1],)
        return (self._h[0], self._w[0]), (self._h[1], self._w[1])

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
        }


class RandomContrast(_RandomImageLayer):
    """Scale each image's deviation from its per-channel mean by a random factor in training.

    ``out = clip((x - mean) * c + mean, *value_range)`` with ``c`` drawn per image from
    ``[1 - lower, 1 + upper]``. As in Keras 3's code, a single number ``f`` gives
    ``(lower, upper) = (0, f)`` (factors in ``[1, 1 + f]``); pass a pair for a two-sided range.

    Args:
        factor: a number in [0, 1] or a pair ``(lower, upper)``.
        value_range: the ``(low, high)`` range of the pixel values; outputs are clipped to it.
        seed: integer seed for repeatable draws.

    >>> import tensorflux as tf
    >>> RandomContrast(0.5)(tf.ones((2, 4, 4, 3)), training=True).shape
    TensorShape([2, 4, 4, 3])
    """

    def __init__(
        self, factor: Any, value_range: Any = (0, 255), seed: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(seed=seed, **kwargs)
        self.factor = _factor_pair(factor, "factor", "RandomContrast", bounds=(0.0, 1.0))
        self._factor_arg = list(factor) if isinstance(factor, (tuple, list)) else factor
        self.value_range = _value_range(value_range, "RandomContrast")

    def _augment(self, x: Tensor) -> Tensor:
        return self._draw(_contrast_sampler, x, 1.0 - self.factor[0], 1.0 + self.factor[1], self.value_range)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": self._factor_arg, "value_range": list(self.value_range)}


class RandomBrightness(_RandomImageLayer):
    """Add a random offset to every pixel of each image in training, then clip to ``value_range``.

    The offset is drawn per image from ``[lower, upper] * (high - low)``: a number ``f`` gives
    ``[-f, f]``, a pair ``(lower, upper)`` is used as is (each in [-1, 1]).

    Args:
        factor: a number or a pair in [-1, 1], a fraction of the value range.
        value_range: the ``(low, high)`` range of the pixel values; outputs are clipped to it.
        seed: integer seed for repeatable draws.

    >>> import tensorflux as tf
    >>> RandomBrightness(0.2)(tf.ones((2, 4, 4, 3)), training=True).shape
    TensorShape([2, 4, 4, 3])
    """

    def __init__(
        self, factor: Any, value_range: Any = (0, 255), seed: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(seed=seed, **kwargs)
        self.factor = _factor_pair(factor, "factor", "RandomBrightness")
        self._factor_arg = list(factor) if isinstance(factor, (tuple, list)) else factor
        self.value_range = _value_range(value_range, "RandomBrightness")

    def _augment(self, x: Tensor) -> Tensor:
        return self._draw(_brightness_sampler, x, self.factor[0], self.factor[1], self.value_range)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": self._factor_arg, "value_range": list(self.value_range)}
