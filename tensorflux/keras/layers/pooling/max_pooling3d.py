"""MaxPooling3D: max pooling over volumes."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.layers.pooling.base_pooling import BasePooling


class MaxPooling3D(BasePooling):
    """Max pooling of 3-D volumes: the largest value of each window.

    Args:
        pool_size: an int or 3 ints (default (2, 2, 2)).
        strides: an int, 3 ints, or None (default) for ``pool_size``.
        padding: ``"valid"`` (default) or ``"same"``.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> MaxPooling3D()(tf.ones((1, 4, 4, 4, 2))).shape
    TensorShape([1, 2, 2, 2, 2])
    """

    def __init__(
        self,
        pool_size: Any = (2, 2, 2),
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            pool_size,
            strides,
            pool_dimensions=3,
            pool_mode="max",
            padding=padding,
            data_format=data_format,
            name=name,
            **kwargs,
        )
