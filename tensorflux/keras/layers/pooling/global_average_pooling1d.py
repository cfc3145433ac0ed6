"""GlobalAveragePooling1D: the mean over the steps of a sequence, skipping masked steps."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.pooling.base_global_pooling import BaseGlobalPooling
from tensorflux.ops import math_ops


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Global average pooling of ``(batch, steps, features)``: the mean over the steps, per feature.

    A mask ``(batch, steps)`` (from ``Embedding(mask_zero=True)`` or ``Masking``) restricts the mean
    to the unmasked steps; the output carries no mask.

    Args:
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        keepdims: keep the steps axis with size 1 (default False).

    >>> import tensorflux as tf
    >>> GlobalAveragePooling1D()(tf.ones((2, 6, 3))).shape
    TensorShape([2, 3])
    """

    supports_masking = True

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(pool_dimensions=1, data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs: Tensor, mask: Any = None) -> Tensor:
        axis = 1 if self.data_format == "channels_last" else 2
        if mask is None:
            return math_ops.reduce_mean(inputs, axis=axis, keepdims=self.keepdims)
        m = P.unary(P.cast, mask, dtype=inputs._value.dtype)
        shape = tuple(m._value.shape)
        m = P.unary(P.reshape, m, shape=shape + (1,) if axis == 1 else shape[:1] + (1,) + shape[1:])
        total = math_ops.reduce_sum(inputs * m, axis=axis, keepdims=self.keepdims)
        return total / math_ops.reduce_sum(m, axis=axis, keepdims=self.keepdims)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        return None
