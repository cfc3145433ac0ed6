"""RandAugment (Keras 3): a random sequence of the image augmentation layers, all at one strength.

The candidate operations are tensorflux's own augmentation layers (RandomShear, RandomTranslation,
RandomRotation, RandomBrightness, RandomColorDegeneration, RandomContrast, RandomSharpness,
RandomPosterization, Solarization, AutoContrast, Equalization), built with the arguments Keras gives
them; ``_augment_ops`` turns each into its backend sampler so that the whole sequence runs inside
one random primitive (a traced step draws new operations on every replay).
"""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.preprocessing.equalization import Equalization, _equalize_impl
from tensorflux.keras.layers.preprocessing.image_augmentation import (
    _INTERPOLATIONS,
    RandomBrightness,
    RandomContrast,
    RandomRotation,
    RandomTranslation,
    _affine_sampler,
    _brightness_sampler,
    _check_choice,
    _contrast_sampler,
)
from tensorflux.keras.layers.preprocessing.image_preprocessing_base import _TrainingImageLayer, keras_factor
from tensorflux.keras.layers.preprocessing.random_color import (
    RandomColorDegeneration,
    _degeneration_sampler,
    _pair,
)
from tensorflux.keras.layers.preprocessing.random_shear import RandomShear, _shear_sampler
from tensorflux.keras.layers.preprocessing.random_tone import (
    AutoContrast,
    RandomPosterization,
    RandomSharpness,
    _posterize_sampler,
    _sharpness_sampler,
)
from tensorflux.keras.layers.preprocessing.solarization import Solarization, _solarize_sampler, _to_range

# Keras' candidate list and order (RandAugment._AUGMENT_LAYERS)
_RAND_AUGMENT_OPS = (
    "random_shear",
    "random_translation",
    "random_rotation",
    "random_brightness",
    "random_color_degeneration",
    "random_contrast",
    "random_sharpness",
    "random_posterization",
    "solarization",
    "auto_contrast",
    "equalization",
)


def _auto_contrast_sampler(rng: Any, x: Any, value_range: tuple[float, float]) -> Any:
    """AutoContrast's stretch on backend arrays (deterministic; ``rng`` unused)."""
    y = _to_range(x, value_range, (0, 255))
    low = B.min(y, (1, 2), True)
    spread = B.subtract(B.max(y, (1, 2), True), low)
    flat = B.equal(spread, 0)
    scale = B.divide(B.cast(B.asarray(255.0), x.dtype), B.where(flat, B.ones(spread.shape, x.dtype), spread))
    out = B.minimum(B.maximum(B.multiply(B.subtract(y, low), scale), 0.0), 255.0)
    return B.where(flat, x, _to_range(B.cast(out, x.dtype), (0, 255), value_range))


def _equalize_sampler(rng: Any, x: Any, bins: int, value_range: tuple[float, float]) -> Any:
    return _equalize_impl(x, bins=bins, value_range=value_range)


def _floats(values: Any) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


def _augment_ops(
    names: tuple[str, ...], factor: tuple[float, float], value_range: Any, interpolation: str
) -> tuple[tuple[Any, tuple], ...]:
    """``(sampler, args)`` per named operation, from the layers Keras builds for RandAugment/AugMix.

    The layers check the arguments as they do on their own; their samplers then run on NHWC backend
    arrays as ``sampler(rng, x, *args)``.
    """
    f = list(factor)
    vr = list(value_range)
    recipes: dict[str, tuple[Any, tuple]] = {}
    for name in names:
        if name == "random_shear":
            layer: Any = RandomShear(x_factor=f, y_factor=f, interpolation=interpolation)
            opts = (layer.interpolation, layer.fill_mode, layer.fill_value)
            recipes[name] = (_shear_sampler, (layer.x_factor, layer.y_factor, opts))
        elif name in ("random_translation", "random_rotation"):
            if name == "random_translation":
                layer = RandomTranslation(height_factor=f, width_factor=f, interpolation=interpolation)
            else:
                layer = RandomRotation(factor=f, interpolation=interpolation)
            lo, hi = layer._bounds()
            opts = (layer.interpolation, layer.fill_mode, layer.fill_value)
            recipes[name] = (_affine_sampler, (layer._KIND, lo, hi, opts))
        elif name == "random_brightness":
            layer = RandomBrightness(factor=f, value_range=vr)
            recipes[name] = (_brightness_sampler, (*layer.factor, layer.value_range))
        elif name == "random_contrast":
            layer = RandomContrast(factor=f, value_range=vr)
            recipes[name] = (
                _contrast_sampler,
                (1.0 - layer.factor[0], 1.0 + layer.factor[1], layer.value_range),
            )
        elif name in ("random_color_degeneration", "random_sharpness"):
            cls, sampler = (
                (RandomColorDegeneration, _degeneration_sampler)
                if name == "random_color_degeneration"
                else (RandomSharpness, _sharpness_sampler)
            )
            layer = cls(factor=f, value_range=vr)
            recipes[name] = (sampler, (*_floats(layer.factor), _floats(layer.value_range)))
        elif name == "random_posterization":
            layer = RandomPosterization(factor=max(1, int(8 * factor[1])), value_range=vr)
            recipes[name] = (
                _posterize_sampler,
                (*(int(v) for v in layer.factor), _floats(layer.value_range)),
            )
        elif name == "solarization":
            layer = Solarization(addition_factor=f, threshold_factor=f, value_range=vr)
            args = (
                _floats(layer.addition_factor),
                _floats(layer.threshold_factor),
                _floats(layer.value_range),
            )
            recipes[name] = (_solarize_sampler, args)
        elif name == "auto_contrast":
            recipes[name] = (_auto_contrast_sampler, (_floats(AutoContrast(value_range=vr).value_range),))
        elif name == "equalization":
            layer = Equalization(value_range=vr)
            recipes[name] = (_equalize_sampler, (layer.bins, layer.value_range))
        else:  # pragma: no cover - the tables above name only these
            raise ValueError(f"unknown augmentation {name!r}")
    return tuple(recipes[name] for name in names)


def _check_rgb(x: Any, layer: Any) -> None:
    if x.shape[-1] != 3:
        raise ValueError(
            f"{type(layer).__name__} layer '{layer.name}': expected RGB images with 3 channels (its colour "
            f"operations need them). Received images of shape {tuple(x.shape)} (shown channels_last)."
        )


def _rand_augment_sampler(rng: Any, x: Any, ops: tuple, num_ops: int) -> Any:
    # as Keras, the operations are drawn once for the whole batch, and each operation's per-image
    # parameters once per call: an operation picked twice repeats the same draw, so each gets its
    # own generator, seeded once per call
    i64 = B.native_dtype("int64")
    picks = B.uniform(rng, (num_ops,), 0, len(ops), i64).tolist()
    seeds = B.uniform(rng, (len(ops),), 0, 2**31 - 1, i64).tolist()
    for k in picks:
        sampler, args = ops[k]
        x = sampler(B.generator(seeds[k]), x, *args)
    return x


class RandAugment(_TrainingImageLayer):
    """RandAugment: apply ``num_ops`` operations picked at random, at strength ``factor``, while training.

    The operations (one sequence per batch, each with its own per-image draws) come from RandomShear,
    RandomTranslation, RandomRotation, RandomBrightness, RandomColorDegeneration, RandomContrast,
    RandomSharpness, RandomPosterization (``max(1, int(8 * factor))`` bits), Solarization,
    AutoContrast and Equalization, each built with ``factor`` as Keras does; an operation picked
    twice repeats its draw, as in Keras. Outside training the images pass through (in the compute
    dtype).

    Args:
        value_range: the ``(low, high)`` range of the pixel values (default ``(0, 255)``).
        num_ops: how many operations to apply in sequence (default 2).
        factor: strength in [0, 1]: a number ``f`` means the range ``(0, f)`` (default 0.5).
        interpolation: ``"bilinear"`` (default) or ``"nearest"``, for the geometric operations.
        seed: integer seed for repeatable draws.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> RandAugment(seed=1)(tf.ones((2, 8, 8, 3)) * 100.0).shape
    TensorShape([2, 8, 8, 3])
    """

    _OPS = _RAND_AUGMENT_OPS

    def __init__(
        self,
        value_range: Any = (0, 255),
        num_ops: int = 2,
        factor: Any = 0.5,
        interpolation: str = "bilinear",
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if isinstance(num_ops, bool) or not isinstance(num_ops, int) or num_ops < 0:
            raise ValueError(f"RandAugment: `num_ops` must be an integer >= 0. Received: num_ops={num_ops!r}")
        self.value_range = _pair(value_range, "RandAugment")
        self.num_ops = num_ops
        self.factor = keras_factor(factor, "factor", "RandAugment")
        self.interpolation = _check_choice(interpolation, _INTERPOLATIONS, "interpolation", "RandAugment")
        self._ops = _augment_ops(self._OPS, self.factor, self.value_range, self.interpolation)

    def _augment(self, x: Tensor) -> Tensor:
        if self.num_ops == 0:
            return x
        _check_rgb(x, self)
        return self._draw(_rand_augment_sampler, x, self._ops, self.num_ops)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "num_ops": self.num_ops,
            "factor": self.factor,
            "interpolation": self.interpolation,
        }
