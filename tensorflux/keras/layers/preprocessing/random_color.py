"""Colour augmentations of Keras 3: RandomHue, RandomSaturation and RandomColorDegeneration.

Each image of a batch draws its own factor; the work runs on NHWC backend arrays inside one random
primitive (see image_augmentation.py), so a traced step draws again on every replay.
"""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.preprocessing.image_augmentation import _uniform
from tensorflux.keras.layers.preprocessing.image_preprocessing_base import _TrainingImageLayer, keras_factor
from tensorflux.keras.layers.preprocessing.solarization import _to_range

# ITU-R 601 luma weights, as tf.image.rgb_to_grayscale
_RGB_WEIGHTS = (0.2989, 0.5870, 0.1140)
# keras.config.epsilon(), used by RandomSaturation's factor mapping
_EPSILON = 1e-7


def _safe_divide(a: Any, b: Any) -> Any:
    nonzero = B.not_equal(b, 0)
    return B.where(nonzero, B.divide(a, B.where(nonzero, b, B.cast(B.asarray(1), b.dtype))), 0 * a)


def _rgb_to_hsv(x: Any) -> tuple[Any, Any, Any]:
    """TensorFlow's rgb_to_hsv on the last axis; returns the hue, saturation and value planes."""
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    value = B.maximum(B.maximum(r, g), b)
    spread = B.subtract(value, B.minimum(B.minimum(r, g), b))
    sat = _safe_divide(spread, value)
    sixth = _safe_divide(B.cast(B.asarray(1), x.dtype) + 0 * spread, B.multiply(spread, 6.0))
    hue = B.where(
        B.equal(r, value),
        B.multiply(B.subtract(g, b), sixth),
        B.where(
            B.equal(g, value),
            B.add(B.multiply(B.subtract(b, r), sixth), 2.0 / 6.0),
            B.add(B.multiply(B.subtract(r, g), sixth), 4.0 / 6.0),
        ),
    )
    hue = B.where(B.greater(spread, 0), hue, 0 * hue)
    hue = B.where(B.less(hue, 0), B.add(hue, 1.0), hue)
    return hue, sat, value


def _hsv_to_rgb(h: Any, s: Any, v: Any) -> Any:
    dh = B.multiply(h, 6.0)

    def ramp(t: Any) -> Any:
        return B.minimum(B.maximum(t, 0.0), 1.0)

    parts = (
        ramp(B.subtract(B.abs(B.subtract(dh, 3.0)), 1.0)),
        ramp(B.subtract(2.0, B.abs(B.subtract(dh, 2.0)))),
        ramp(B.subtract(2.0, B.abs(B.subtract(dh, 4.0)))),
    )
    return B.stack([B.multiply(v, B.add(B.subtract(1.0, s), B.multiply(s, p))) for p in parts], axis=-1)


def _per_image(values: Any, n: int, dtype: Any, rank: int = 3) -> Any:
    return B.reshape(B.cast(values, dtype), (n,) + (1,) * rank)


def _hue_sampler(rng: Any, x: Any, lo: float, hi: float, value_range: tuple[float, float]) -> Any:
    n = x.shape[0]
    # Keras: a coin flip picks the direction, the factor the size; half a turn at most
    sign = B.where(B.greater(_uniform(rng, n, 0.0, 1.0), 0.5), -1.0, 1.0)
    delta = _per_image(B.multiply(B.multiply(sign, _uniform(rng, n, lo, hi)), 0.5), n, x.dtype, 2)
    h, s, v = _rgb_to_hsv(_to_range(x, value_range, (0, 1)))
    h = B.add(h, delta)
    h = B.where(B.greater(h, 1.0), B.subtract(h, 1.0), h)
    h = B.where(B.less(h, 0.0), B.add(h, 1.0), h)
    y = B.minimum(B.maximum(_hsv_to_rgb(h, s, v), 0.0), 1.0)
    return _to_range(y, (0, 1), value_range)


def _saturation_sampler(rng: Any, x: Any, lo: float, hi: float, value_range: tuple[float, float]) -> Any:
    n = x.shape[0]
    f = _uniform(rng, n, lo, hi)
    f = _per_image(B.divide(f, B.add(B.subtract(1.0, f), _EPSILON)), n, x.dtype, 2)
    # Keras converts the raw pixels (no value_range mapping) and clips the scaled saturation
    # to value_range, not to [0, 1]
    h, s, v = _rgb_to_hsv(x)
    s = B.minimum(B.maximum(B.multiply(s, f), value_range[0]), value_range[1])
    return _hsv_to_rgb(h, s, v)


def _degeneration_sampler(rng: Any, x: Any, lo: float, hi: float, value_range: tuple[float, float]) -> Any:
    n = x.shape[0]
    f = _per_image(_uniform(rng, n, lo, hi), n, x.dtype)
    gray = B.sum(B.multiply(x, B.cast(B.asarray(_RGB_WEIGHTS), x.dtype)), axis=-1, keepdims=True)
    y = B.add(x, B.multiply(f, B.subtract(gray, x)))
    return B.minimum(B.maximum(y, value_range[0]), value_range[1])


def _pair(value_range: Any, layer: str) -> list:
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError(
            f"{layer}: the `value_range` argument should be a list of two numbers. "
            f"Received: value_range={value_range!r}"
        )
    return sorted(value_range)


class _ColorLayer(_TrainingImageLayer):
    """A per-image factor applied to RGB images mapped through ``value_range``."""

    _BOUNDS: tuple[float, float] = (-1, 1)
    _SAMPLER: Any = None

    def __init__(
        self,
        factor: Any,
        value_range: Any = (0, 255),
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        self.factor = keras_factor(factor, "factor", name, self._BOUNDS)
        self.value_range = _pair(value_range, name)

    def _augment(self, x: Tensor) -> Tensor:
        if x.shape[-1] != 3:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': expected RGB images with 3 channels. "
                f"Received images of shape {tuple(x.shape)} (data_format={self.data_format!r}, "
                "shown channels_last)."
            )
        return self._draw(
            type(self)._SAMPLER,
            x,
            float(self.factor[0]),
            float(self.factor[1]),
            (float(self.value_range[0]), float(self.value_range[1])),
        )

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


class RandomHue(_ColorLayer):
    """Rotate the hue of each image by a random amount while training.

    Each image draws ``f`` from the ``factor`` range and a random sign; its hue (in turns) moves
    by ``±f / 2`` and wraps around. Pixels are mapped from ``value_range`` to [0, 1] and back.
    Outside training images pass through.

    Args:
        factor: a number ``f`` in [0, 1] (the range ``(0, f)``) or a pair ``(low, high)``.
        value_range: the ``(low, high)`` range of the pixel values (default ``(0, 255)``).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        seed: integer seed for repeatable draws.

    >>> import tensorflux as tf
    >>> y = RandomHue((1.0, 1.0), value_range=(0, 1))(tf.constant([[[[1.0, 0.0, 0.0]]]]))
    >>> [round(float(v), 4) for v in y.numpy().ravel()]
    [0.0, 1.0, 1.0]
    """

    _BOUNDS = (0, 1)
    _SAMPLER = staticmethod(_hue_sampler)


class RandomSaturation(_ColorLayer):
    """Scale the saturation of each image by a random amount while training.

    Each image draws ``f`` from the ``factor`` range and multiplies its HSV saturation by
    ``f / (1 - f)``: 0.5 keeps the image, 0 makes it gray, values near 1 saturate it fully. As in
    Keras the conversion runs on the raw pixel values and the scaled saturation is clipped to
    ``value_range``. Outside training images pass through.

    Args:
        factor: a number ``f`` in [0, 1] (the range ``(0, f)``) or a pair ``(low, high)``.
        value_range: the ``(low, high)`` range of the pixel values (default ``(0, 255)``).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        seed: integer seed for repeatable draws.

    >>> import tensorflux as tf
    >>> y = RandomSaturation((0.0, 0.0))(tf.constant([[[[200.0, 100.0, 0.0]]]]))
    >>> [round(float(v), 2) for v in y.numpy().ravel()]
    [200.0, 200.0, 200.0]
    """

    _SAMPLER = staticmethod(_saturation_sampler)


class RandomColorDegeneration(_ColorLayer):
    """Blend each image towards its grayscale version by a random amount while training.

    Each image draws ``f`` from the ``factor`` range and becomes ``x + f * (gray(x) - x)``,
    clipped to ``value_range``. Outside training images pass through.

    Args:
        factor: a number ``f`` in [0, 1] (the range ``(0, f)``) or a pair ``(low, high)``.
        value_range: the ``(low, high)`` range of the pixel values (default ``(0, 255)``).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        seed: integer seed for repeatable draws.

    >>> import tensorflux as tf
    >>> y = RandomColorDegeneration((1.0, 1.0))(tf.constant([[[[100.0, 100.0, 100.0]]]]))
    >>> [round(float(v), 2) for v in y.numpy().ravel()]
    [99.99, 99.99, 99.99]
    """

    _SAMPLER = staticmethod(_degeneration_sampler)


def _jitter_sampler(rng: Any, x: Any, steps: tuple, value_range: tuple[float, float]) -> Any:
    # Keras' order: brightness, contrast, saturation, hue; each image draws its own factors
    for sampler, lo, hi in steps:
        x = sampler(rng, x, lo, hi, value_range)
    return x


class RandomColorJitter(_TrainingImageLayer):
    """Random brightness, contrast, saturation and hue changes, applied in that order while training.

    Each factor left as ``None`` skips its step; the others follow RandomBrightness,
    RandomContrast, RandomSaturation and RandomHue with the shared ``value_range``. Outside
    training images pass through.

    Args:
        value_range: the ``(low, high)`` range of the pixel values (default ``(0, 255)``).
        brightness_factor: RandomBrightness' ``factor`` (a number or pair in [-1, 1]).
        contrast_factor: RandomContrast's ``factor`` (a number or pair in [0, 1]).
        saturation_factor: RandomSaturation's ``factor``.
        hue_factor: RandomHue's ``factor``.
        seed: integer seed for repeatable draws.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> RandomColorJitter(hue_factor=0.2, seed=1)(tf.ones((2, 4, 4, 3))).shape
    TensorShape([2, 4, 4, 3])
    """

    def __init__(
        self,
        value_range: Any = (0, 255),
        brightness_factor: Any = None,
        contrast_factor: Any = None,
        saturation_factor: Any = None,
        hue_factor: Any = None,
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        from tensorflux.keras.layers.preprocessing.image_augmentation import (
            _brightness_sampler,
            _contrast_sampler,
            _factor_pair,
        )

        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = value_range
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        layer = "RandomColorJitter"
        vr = _pair(value_range, layer)
        self._range = (float(vr[0]), float(vr[1]))
        steps = []
        if brightness_factor is not None:
            lo, hi = _factor_pair(brightness_factor, "brightness_factor", layer)
            steps.append((_brightness_sampler, lo, hi))
        if contrast_factor is not None:
            lo, hi = _factor_pair(contrast_factor, "contrast_factor", layer, bounds=(0.0, 1.0))
            steps.append((_contrast_sampler, 1.0 - lo, 1.0 + hi))
        if saturation_factor is not None:
            lo, hi = keras_factor(saturation_factor, "saturation_factor", layer, (-1, 1))
            steps.append((_saturation_sampler, float(lo), float(hi)))
        if hue_factor is not None:
            lo, hi = keras_factor(hue_factor, "hue_factor", layer, (0, 1))
            steps.append((_hue_sampler, float(lo), float(hi)))
        self._steps = tuple(steps)

    def _augment(self, x: Tensor) -> Tensor:
        if not self._steps:
            return x
        if x.shape[-1] != 3 and (self.saturation_factor is not None or self.hue_factor is not None):
            raise ValueError(
                f"RandomColorJitter layer '{self.name}': saturation and hue need RGB images with 3 "
                f"channels. Received images of shape {tuple(x.shape)} (shown channels_last)."
            )
        return self._draw(_jitter_sampler, x, self._steps, self._range)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "brightness_factor": self.brightness_factor,
            "contrast_factor": self.contrast_factor,
            "saturation_factor": self.saturation_factor,
            "hue_factor": self.hue_factor,
        }
