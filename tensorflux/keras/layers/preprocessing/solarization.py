"""Solarization: invert the pixels above a random threshold after adding a random offset (in training)."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.preprocessing.image_preprocessing_base import _TrainingImageLayer


def _to_range(x: Any, source: tuple[float, float], target: tuple[float, float]) -> Any:
    if tuple(source) == tuple(target):
        return x
    dt = x.dtype
    scaled = B.divide(
        B.subtract(x, B.cast(B.asarray(source[0]), dt)), B.cast(B.asarray(source[1] - source[0]), dt)
    )
    return B.add(
        B.multiply(scaled, B.cast(B.asarray(target[1] - target[0]), dt)), B.cast(B.asarray(target[0]), dt)
    )


def _solarize_sampler(rng: Any, x: Any, additions: tuple, thresholds: tuple, value_range: tuple) -> Any:
    n = x.shape[0]
    dt = x.dtype
    # Keras draws from [low, high * 255]: the lower bound is not scaled to the 0..255 range
    add = B.cast(
        B.uniform(rng, (n, 1, 1, 1), additions[0], additions[1] * 255, B.native_dtype("float64")), dt
    )
    thr = B.cast(
        B.uniform(rng, (n, 1, 1, 1), thresholds[0], thresholds[1] * 255, B.native_dtype("float64")), dt
    )
    y = _to_range(x, value_range, (0, 255))
    y = B.minimum(B.maximum(B.add(y, add), B.cast(B.asarray(0), dt)), B.cast(B.asarray(255), dt))
    y = B.where(B.less(y, thr), y, B.subtract(B.cast(B.asarray(255), dt), y))
    return _to_range(y, (0, 255), value_range)


def _solarization_factor(value: Any, arg: str) -> tuple[Any, Any]:
    msg = (
        "Solarization: the `addition_factor` and `threshold_factor` arguments should be a number (or a "
        f"list of two numbers) in the range [0, 1]. Received: {arg}={value!r}"
    )
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(msg)
        pair = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        pair = (0, value)
    else:
        raise ValueError(msg)
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1 for v in pair):
        raise ValueError(msg)
    lo, hi = sorted(pair)
    return lo, hi


class Solarization(_TrainingImageLayer):
    """Solarize images while training: ``y = clip(x + a, 0, 255)``, then ``255 - y`` where ``y >= t``.

    Pixel values are mapped from ``value_range`` to [0, 255] and back. Per image, the offset
    ``a`` is drawn from ``[addition_factor[0], addition_factor[1] * 255]`` and the threshold ``t``
    from ``[threshold_factor[0], threshold_factor[1] * 255]`` (Keras' ranges: only the upper
    bound is scaled). With the defaults (both 0) every pixel is inverted. Outside training
    images pass through.

    Args:
        addition_factor: a number ``f`` in [0, 1] (the range ``(0, f)``) or a pair.
        threshold_factor: a number ``f`` in [0, 1] (the range ``(0, f)``) or a pair.
        value_range: the ``(low, high)`` range of the pixel values (default ``(0, 255)``).
        seed: integer seed for repeatable draws.

    >>> import tensorflux as tf
    >>> Solarization(value_range=(0, 1))(tf.constant([[[[0.25]]]])).numpy().ravel().tolist()
    [0.75]
    """

    def __init__(
        self,
        addition_factor: Any = 0.0,
        threshold_factor: Any = 0.0,
        value_range: Any = (0, 255),
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, **kwargs)
        self.addition_factor = _solarization_factor(addition_factor, "addition_factor")
        self.threshold_factor = _solarization_factor(threshold_factor, "threshold_factor")
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError(
                "Solarization: the `value_range` argument should be a list of two numbers. "
                f"Received: value_range={value_range!r}"
            )
        self.value_range = sorted(value_range)

    def _augment(self, x: Tensor) -> Tensor:
        return self._draw(
            _solarize_sampler,
            x,
            tuple(float(v) for v in self.addition_factor),
            tuple(float(v) for v in self.threshold_factor),
            tuple(float(v) for v in self.value_range),
        )

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "addition_factor": self.addition_factor,
            "threshold_factor": self.threshold_factor,
        }
