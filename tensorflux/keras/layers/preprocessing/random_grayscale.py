"""RandomGrayscale: turn each image of a batch to grayscale with probability ``factor`` (in training)."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.preprocessing.image_augmentation import _uniform
from tensorflux.keras.layers.preprocessing.image_preprocessing_base import _TrainingImageLayer

# ITU-R 601 luma weights, as tf.image.rgb_to_grayscale
_RGB_WEIGHTS = (0.2989, 0.5870, 0.1140)


def _grayscale_sampler(rng: Any, x: Any, factor: float) -> Any:
    n = x.shape[0]
    apply = B.reshape(B.less(_uniform(rng, n, 0.0, 1.0), factor), (n, 1, 1, 1))
    if x.shape[-1] == 1:
        return x
    weights = B.cast(B.asarray(_RGB_WEIGHTS), x.dtype)
    gray = B.sum(B.multiply(x, weights), axis=-1, keepdims=True)
    return B.where(apply, B.broadcast_to(gray, x.shape), x)


class RandomGrayscale(_TrainingImageLayer):
    """Convert each image to grayscale with probability ``factor`` while training.

    The gray value ``0.2989 R + 0.5870 G + 0.1140 B`` is repeated over the 3 channels, so the
    shape stays the same; single-channel images pass through. Outside training the images pass
    through unchanged (in the compute dtype).

    Args:
        factor: the probability, in [0, 1], that an image is converted (default 0.5).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        seed: integer seed for repeatable draws.

    >>> import tensorflux as tf
    >>> RandomGrayscale(1.0)(tf.constant([[[[0.0, 1.0, 2.0]]]])).shape
    TensorShape([1, 1, 1, 3])
    """

    def __init__(
        self, factor: float = 0.5, data_format: str | None = None, seed: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0 <= factor <= 1:
            raise ValueError(
                f"RandomGrayscale: `factor` should be between 0 and 1. Received: factor={factor!r}"
            )
        self.factor = factor

    def _augment(self, x: Tensor) -> Tensor:
        if x.shape[-1] not in (1, 3):
            raise ValueError(
                f"RandomGrayscale layer '{self.name}': expected 3 (RGB) or 1 (grayscale) channels. "
                f"Received images with {x.shape[-1]} channels (data_format={self.data_format!r})."
            )
        return self._draw(_grayscale_sampler, x, float(self.factor))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": self.factor}
