"""AveragePooling1D: average pooling over sequences."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.layers.pooling.base_pooling import BasePooling


class AveragePooling1D(BasePooling):
    """Average pooling of 1-D sequences: the mean of each window.

    Args:
        pool_size: an int or 1 ints (default 2).
        strides: an int, 1 ints, or None (default) for ``pool_size``.
        padding: ``"valid"`` (default) or ``"same"``.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> AveragePooling1D()(tf.ones((1, 6, 3))).shape
    TensorShape([1, 3, 3])
    """

    def __init__(
        self,
        pool_size: Any = 2,
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            pool_size,
            strides,
            pool_dimensions=1,
            pool_mode="average",
            padding=padding,
            data_format=data_format,
            name=name,
            **kwargs,
        )
