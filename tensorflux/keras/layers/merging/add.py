"""Add: elementwise sum of a list of inputs."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.merging.base_merge import Merge


class Add(Merge):
    """Sum a list of inputs of the same (or broadcastable) shape.

    >>> import tensorflux as tf
    >>> Add()([tf.constant([[1.0, 2.0]]), tf.constant([[3.0, 4.0]])]).numpy().tolist()
    [[4.0, 6.0]]
    """

    def _merge_function(self, inputs: list[Tensor]) -> Tensor:
        output = inputs[0]
        for x in inputs[1:]:
            output = output + x
        return output


def add(inputs: list[Any], **kwargs: Any) -> Tensor:
    """Functional interface to the ``Add`` layer: ``Add(**kwargs)(inputs)``.

    >>> import tensorflux as tf
    >>> add([tf.constant([[1.0, 2.0]]), tf.constant([[3.0, 4.0]])]).numpy().tolist()
    [[4.0, 6.0]]
    """
    return Add(**kwargs)(inputs)
