"""Multiply: elementwise product of a list of inputs."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine.masking import get_keras_mask, set_keras_mask
from tensorflux.keras.layers.merging.base_merge import Merge
from tensorflux.ops import array_ops, math_ops


class Multiply(Merge):
    """Multiply a list of inputs elementwise; masked positions count as 1 (0 where all are masked).

    >>> import tensorflux as tf
    >>> Multiply()([tf.constant([[1.0, 2.0]]), tf.constant([[3.0, 4.0]])]).numpy().tolist()
    [[3.0, 8.0]]
    """

    def _merge_function(self, inputs: list[Tensor]) -> Tensor:
        masks = [get_keras_mask(x) for x in inputs]
        all_masked = all(m is not None for m in masks)
        output: Any = None
        output_mask: Any = None
        for x, mask in zip(inputs, masks):
            if mask is not None:
                mask = P.unary(P.broadcast_to, array_ops.expand_dims(mask, -1), shape=tuple(x.shape))
                x = array_ops.where(mask, x, array_ops.ones_like(x))
                if all_masked:
                    output_mask = mask if output_mask is None else math_ops.logical_or(output_mask, mask)
            output = x if output is None else output * x
        if all_masked:
            output = array_ops.where(output_mask, output, array_ops.zeros_like(output))
            set_keras_mask(output, math_ops.reduce_any(output_mask, axis=-1))
        return output


def multiply(inputs: list[Any], **kwargs: Any) -> Tensor:
    """Functional interface to the ``Multiply`` layer: ``Multiply(**kwargs)(inputs)``.

    >>> import tensorflux as tf
    >>> multiply([tf.constant([[1.0, 2.0]]), tf.constant([[3.0, 4.0]])]).numpy().tolist()
    [[3.0, 8.0]]
    """
    return Multiply(**kwargs)(inputs)
