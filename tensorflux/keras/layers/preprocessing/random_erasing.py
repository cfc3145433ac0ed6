"""RandomErasing: fill a random rectangle of some images with noise or a constant (in training)."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.preprocessing.image_augmentation import _uniform
from tensorflux.keras.layers.preprocessing.image_preprocessing_base import _TrainingImageLayer, keras_factor


def _span(rng: Any, n: int, length: int, fraction: Any) -> tuple[Any, Any]:
    """Start and end (floats) of a window covering ``fraction`` of ``length``, placed uniformly."""
    size = B.multiply(fraction, float(length))
    start = B.multiply(_uniform(rng, n, 0.0, 1.0), B.subtract(float(length), size))
    return start, B.add(start, size)


def _erasing_sampler(rng: Any, x: Any, factor: tuple, scale: tuple, fill: Any, value_range: tuple) -> Any:
    n, h, w, c = x.shape
    f64 = B.native_dtype("float64")
    sides = B.sqrt(B.uniform(rng, (n, 2), scale[0], scale[1], f64))  # side fractions: area in [scale]
    x0, x1 = _span(rng, n, w, sides[:, 0])
    y0, y1 = _span(rng, n, h, sides[:, 1])
    cols = B.reshape(B.arange(0, w, 1, f64), (1, 1, w))
    rows = B.reshape(B.arange(0, h, 1, f64), (1, h, 1))

    def inside(lo: Any, hi: Any, grid: Any) -> Any:
        return B.logical_and(
            B.greater_equal(grid, B.reshape(lo, (n, 1, 1))), B.less(grid, B.reshape(hi, (n, 1, 1)))
        )

    box = B.logical_and(inside(x0, x1, cols), inside(y0, y1, rows))
    probability = _uniform(rng, n, factor[0], factor[1])
    apply = B.less(_uniform(rng, n, 0.0, 1.0), probability)
    mask = B.reshape(B.logical_and(box, B.reshape(apply, (n, 1, 1))), (n, h, w, 1))
    if fill is None:
        values = B.multiply(B.normal(rng, x.shape, 0.0, 1.0, f64), float(value_range[1]))
    else:
        values = B.broadcast_to(B.asarray(fill, dtype=f64), x.shape)
    values = B.cast(B.minimum(B.maximum(values, float(value_range[0])), float(value_range[1])), x.dtype)
    return B.where(mask, values, x)


class RandomErasing(_TrainingImageLayer):
    """Erase a random rectangle of each selected image while training (Zhong et al., 2017).

    Per image: the rectangle's width and height are ``sqrt(s) * width`` and ``sqrt(s') * height``
    with ``s, s'`` drawn from ``scale``, at a uniform position; the image is erased when a
    uniform draw falls below a probability drawn from ``factor``. The rectangle is filled with
    ``fill_value`` (a number, or one value per channel), or with Gaussian noise times
    ``value_range[1]`` when it is None, clipped to ``value_range``. Outside training images
    pass through.

    Args:
        factor: a number ``f`` in [0, 1] (the range ``(0, f)``) or a pair; default 1.0.
        scale: the range of the erased fraction of each side squared (default ``(0.02, 0.33)``).
        fill_value: None (noise), a number, or a list of 3 numbers (one per channel).
        value_range: the ``(low, high)`` range of the pixel values (default ``(0, 255)``).
        seed: integer seed for repeatable draws.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> RandomErasing((1.0, 1.0), scale=(1.0, 1.0), fill_value=0.0)(tf.ones((1, 2, 2, 3))).numpy().tolist()
    [[[[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]]]
    """

    def __init__(
        self,
        factor: Any = 1.0,
        scale: Any = (0.02, 0.33),
        fill_value: Any = None,
        value_range: Any = (0, 255),
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = keras_factor(factor, "factor", "RandomErasing")
        self.scale = keras_factor(scale, "scale", "RandomErasing")
        if not (
            fill_value is None
            or (isinstance(fill_value, (int, float)) and not isinstance(fill_value, bool))
            or (isinstance(fill_value, (tuple, list)) and len(fill_value) == 3)
        ):
            raise ValueError(
                "RandomErasing: the `fill_value` argument should be a number (or a list of three numbers). "
                f"Received: fill_value={fill_value!r}"
            )
        self.fill_value = fill_value
        self.value_range = value_range

    def _augment(self, x: Tensor) -> Tensor:
        fill = self.fill_value
        if isinstance(fill, (tuple, list)):
            if x.shape[-1] != 3:
                raise ValueError(
                    f"RandomErasing layer '{self.name}': a `fill_value` of 3 numbers needs 3-channel images. "
                    f"Received images with {x.shape[-1]} channels."
                )
            fill = tuple(float(v) for v in fill)
        elif fill is not None:
            fill = float(fill)
        return self._draw(
            _erasing_sampler,
            x,
            tuple(float(v) for v in self.factor),
            tuple(float(v) for v in self.scale),
            fill,
            (float(self.value_range[0]), float(self.value_range[1])),
        )

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "factor": self.factor,
            "scale": self.scale,
            "fill_value": self.fill_value,
            "value_range": self.value_range,
        }
