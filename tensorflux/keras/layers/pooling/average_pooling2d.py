"""AveragePooling2D: average pooling over images."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.layers.pooling.base_pooling import BasePooling


class AveragePooling2D(BasePooling):
    """Average pooling of 2-D images: the mean of each window.

    Args:
        pool_size: an int or 2 ints (default (2, 2)).
        strides: an int, 2 ints, or None (default) for ``pool_size``.
        padding: ``"valid"`` (default) or ``"same"``.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> AveragePooling2D()(tf.ones((1, 4, 4, 3))).shape
    TensorShape([1, 2, 2, 3])
    """

    def __init__(
        self,
        pool_size: Any = (2, 2),
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            pool_size,
            strides,
            pool_dimensions=2,
            pool_mode="average",
            padding=padding,
            data_format=data_format,
            name=name,
            **kwargs,
        )
