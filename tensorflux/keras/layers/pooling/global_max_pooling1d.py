"""GlobalMaxPooling1D: the maximum over the steps of a sequence."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.layers.pooling.base_global_pooling import BaseGlobalPooling
from tensorflux.ops import math_ops


class GlobalMaxPooling1D(BaseGlobalPooling):
    """Global max pooling: the maximum over the steps of a sequence, per channel.

    Args:
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        keepdims: keep the spatial axes with size 1 (default False).

    >>> import tensorflux as tf
    >>> GlobalMaxPooling1D()(tf.ones((2, 6, 3))).shape
    TensorShape([2, 3])
    """

    _reduce = staticmethod(math_ops.reduce_max)

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(pool_dimensions=1, data_format=data_format, keepdims=keepdims, **kwargs)
