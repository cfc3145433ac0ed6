"""Shared pieces of the Keras 3 image preprocessing layers added with RandomGrayscale, RandomInvert,
Solarization and RandomErasing: the ``training=True`` call default and Keras' factor rule."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.preprocessing.image_augmentation import _RandomImageLayer


class _TrainingImageLayer(_RandomImageLayer):
    """A random image layer whose ``call`` defaults to ``training=True``, as Keras 3's
    ``BaseImagePreprocessingLayer.call``: called on its own it augments; ``predict``/``evaluate``
    (and any outer call with ``training=False``) pass the images through."""

    def call(self, inputs: Tensor, training: Any = True) -> Tensor:
        return super().call(inputs, training=training)


def keras_factor(value: Any, arg: str, layer: str, bounds: tuple[float, float] = (0, 1)) -> tuple[Any, Any]:
    """Keras' ``_set_factor``: a number ``f`` in ``bounds`` gives ``(max(-|f|, low), |f|)``; a pair is
    sorted (rejected only when it lies wholly outside ``bounds``)."""
    msg = (
        f"{layer}: the `{arg}` argument should be a number (or a list of two numbers) in the range "
        f"[{bounds[0]}, {bounds[1]}]. Received: {arg}={value!r}"
    )
    if isinstance(value, (tuple, list)):
        if len(value) != 2 or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            raise ValueError(msg)
        if value[0] > bounds[1] or value[1] < bounds[0]:
            raise ValueError(msg)
        lo, hi = sorted(value)
        return lo, hi
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not bounds[0] <= value <= bounds[1]:
        raise ValueError(msg)
    f = abs(value)
    return max(-f, bounds[0]), f
