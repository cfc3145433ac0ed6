"""RandomInvert: replace images by ``value_range[1] - x`` at random (in training)."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.preprocessing.image_augmentation import _uniform
from tensorflux.keras.layers.preprocessing.image_preprocessing_base import _TrainingImageLayer, keras_factor


def _invert_sampler(rng: Any, x: Any, lo: float, hi: float, high: float) -> Any:
    n = x.shape[0]
    probability = _uniform(rng, n, lo, hi)
    apply = B.reshape(B.less(_uniform(rng, n, 0.0, 1.0), probability), (n, 1, 1, 1))
    return B.where(apply, B.subtract(B.cast(B.asarray(high), x.dtype), x), x)


class RandomInvert(_TrainingImageLayer):
    """Invert each image (``value_range[1] - x``) with a random probability while training.

    Each image draws a probability ``p`` uniformly from the ``factor`` range and is inverted when
    a second uniform draw falls below ``p``: ``factor=1.0`` (the default) inverts about half of
    the images, ``factor=(1.0, 1.0)`` all of them. Outside training images pass through.

    Args:
        factor: a number ``f`` in [0, 1] (the range ``(0, f)``) or a pair ``(low, high)``.
        value_range: the ``(low, high)`` range of the pixel values (default ``(0, 255)``).
        seed: integer seed for repeatable draws.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> RandomInvert((1.0, 1.0), value_range=(0, 1))(tf.constant([[[[0.25]]]])).numpy().ravel().tolist()
    [0.75]
    """

    def __init__(
        self,
        factor: Any = 1.0,
        value_range: Any = (0, 255),
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = keras_factor(factor, "factor", "RandomInvert")
        self.value_range = value_range

    def _augment(self, x: Tensor) -> Tensor:
        return self._draw(
            _invert_sampler, x, float(self.factor[0]), float(self.factor[1]), float(self.value_range[1])
        )

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}
