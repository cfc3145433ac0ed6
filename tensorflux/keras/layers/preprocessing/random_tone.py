"""Tone augmentations of Keras 3: RandomSharpness, RandomPosterization and AutoContrast."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.preprocessing.image_augmentation import _uniform
from tensorflux.keras.layers.preprocessing.image_preprocessing_base import _TrainingImageLayer, keras_factor
from tensorflux.keras.layers.preprocessing.random_color import _pair, _per_image
from tensorflux.keras.layers.preprocessing.solarization import _to_range

# Keras' smoothing kernel: 1/13 on the 8 neighbours, 5/13 at the centre
_EDGE, _CENTRE = 1.0 / 13.0, 5.0 / 13.0


def _smooth(x: Any) -> Any:
    """The 3x3 smoothing filter per channel with zero 'same' padding (Keras' depthwise conv)."""
    h, w = x.shape[1], x.shape[2]
    padded = B.pad(x, [(0, 0), (1, 1), (1, 1), (0, 0)], "constant", 0)
    total = padded[:, 0:h, 0:w, :]
    for i in range(3):
        for j in range(3):
            if i or j:
                total = B.add(total, padded[:, i : i + h, j : j + w, :])
    return B.add(B.multiply(total, _EDGE), B.multiply(x, _CENTRE - _EDGE))


def _sharpness_sampler(rng: Any, x: Any, lo: float, hi: float, value_range: tuple[float, float]) -> Any:
    n = x.shape[0]
    sharpness = _per_image(B.multiply(_uniform(rng, n, lo, hi), 2.0), n, x.dtype)
    y = B.add(x, B.multiply(B.subtract(1.0, sharpness), B.subtract(_smooth(x), x)))
    return B.minimum(B.maximum(y, value_range[0]), value_range[1])


def _posterize_sampler(rng: Any, x: Any, lo: int, hi: int, value_range: tuple[float, float]) -> Any:
    n = x.shape[0]
    if lo != hi:  # Keras draws the bit count from [lo, hi), the upper end excluded
        bits = B.uniform(rng, (n,), lo, hi, B.native_dtype("int64"))
    else:
        bits = B.add(B.zeros((n,), B.native_dtype("int64")), lo)
    step = _per_image(
        B.power(B.cast(B.asarray(2.0), x.dtype), B.cast(B.subtract(8, bits), x.dtype)), n, x.dtype
    )
    # Keras casts to uint8 (truncation) and shifts the low bits out
    y = B.floor(_to_range(x, value_range, (0, 255)))
    y = B.multiply(B.floor(B.divide(y, step)), step)
    return _to_range(y, (0, 255), value_range)


class RandomSharpness(_TrainingImageLayer):
    """Sharpen or blur each image by a random amount while training.

    Each image draws ``f`` from the ``factor`` range and becomes
    ``x + (1 - 2 f) * (smooth(x) - x)``, clipped to ``value_range``, where ``smooth`` is Keras'
    3x3 filter (5/13 centre, 1/13 neighbours, zero padding): ``f = 0.5`` keeps the image,
    0 blurs it and 1 sharpens it. Outside training images pass through.

    Args:
        factor: a number ``f`` in [0, 1] (the range ``(0, f)``) or a pair ``(low, high)``.
        value_range: the ``(low, high)`` range of the pixel values (default ``(0, 255)``).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        seed: integer seed for repeatable draws.

    >>> import tensorflux as tf
    >>> RandomSharpness((0.5, 0.5))(tf.fill((1, 3, 3, 1), 7.0)).numpy().ravel().tolist()[4]
    7.0
    """

    def __init__(
        self,
        factor: Any,
        value_range: Any = (0, 255),
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = keras_factor(factor, "factor", "RandomSharpness", (0, 1))
        self.value_range = _pair(value_range, "RandomSharpness")

    def _augment(self, x: Tensor) -> Tensor:
        return self._draw(
            _sharpness_sampler,
            x,
            float(self.factor[0]),
            float(self.factor[1]),
            (float(self.value_range[0]), float(self.value_range[1])),
        )

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


class RandomPosterization(_TrainingImageLayer):
    """Keep only the top bits of each 8-bit pixel value, a random count per image, while training.

    Pixels are mapped from ``value_range`` to [0, 255], truncated to integers, reduced to their
    top ``b`` bits and mapped back. ``b`` is drawn per image from ``[factor[0], factor[1])`` (the
    upper end excluded, as Keras' integer draw), or is ``factor[0]`` when both are equal; a number
    ``f`` gives the range ``(1, f)``. Outside training images pass through.

    Args:
        factor: a number in [1, 8] or a pair ``(low, high)`` of bit counts.
        value_range: the ``(low, high)`` range of the pixel values (default ``(0, 255)``).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        seed: integer seed for repeatable draws.

    >>> import tensorflux as tf
    >>> RandomPosterization((2, 2))(tf.constant([[[[200.0]]]])).numpy().ravel().tolist()
    [192.0]
    """

    def __init__(
        self,
        factor: Any,
        value_range: Any = (0, 255),
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = keras_factor(factor, "factor", "RandomPosterization", (1, 8))
        self.value_range = _pair(value_range, "RandomPosterization")

    def _augment(self, x: Tensor) -> Tensor:
        return self._draw(
            _posterize_sampler,
            x,
            int(self.factor[0]),
            int(self.factor[1]),
            (float(self.value_range[0]), float(self.value_range[1])),
        )

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


class AutoContrast(_TrainingImageLayer):
    """Stretch each channel of each image to the full ``value_range`` (not random).

    Per image and channel the minimum maps to ``value_range[0]`` and the maximum to
    ``value_range[1]``; a constant channel is left as it is. As Keras 3's layer, it applies in
    training and at inference alike.

    Args:
        value_range: the ``(low, high)`` range of the pixel values (default ``(0, 255)``).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> AutoContrast()(tf.constant([[[[50.0]], [[100.0]]]])).numpy().ravel().tolist()
    [0.0, 255.0]
    """

    def __init__(self, value_range: Any = (0, 255), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.value_range = _pair(value_range, "AutoContrast")

    def _augment(self, x: Tensor) -> Tensor:
        from tensorflux.ops import array_ops as A
        from tensorflux.ops import math_ops as M

        value_range = (float(self.value_range[0]), float(self.value_range[1]))
        y = _tensor_to_range(x, value_range, (0.0, 255.0))
        low = M.reduce_min(y, axis=(1, 2), keepdims=True)
        high = M.reduce_max(y, axis=(1, 2), keepdims=True)
        spread = high - low
        flat = M.equal(spread, 0.0)
        scale = 255.0 / A.where(flat, A.ones_like(spread), spread)
        out = M.minimum(M.maximum((y - low) * scale, 0.0), 255.0)
        return A.where(A.broadcast_to(flat, x.shape), x, _tensor_to_range(out, (0.0, 255.0), value_range))

    _inference = _augment

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "value_range": self.value_range}
        config.pop("seed", None)
        return config


def _tensor_to_range(x: Tensor, source: tuple[float, float], target: tuple[float, float]) -> Tensor:
    if source == target:
        return x
    return (x - source[0]) / (source[1] - source[0]) * (target[1] - target[0]) + target[0]
