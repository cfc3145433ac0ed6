"""Average: elementwise mean of a list of inputs."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.merging.base_merge import Merge


class Average(Merge):
    """Average a list of inputs elementwise.

    >>> import tensorflux as tf
    >>> Average()([tf.constant([[1.0, 2.0]]), tf.constant([[3.0, 4.0]])]).numpy().tolist()
    [[2.0, 3.0]]
    """

    def _merge_function(self, inputs: list[Tensor]) -> Tensor:
        output = inputs[0]
        for x in inputs[1:]:
            output = output + x
        return output / float(len(inputs))


def average(inputs: list[Any], **kwargs: Any) -> Tensor:
    """Functional interface to the ``Average`` layer: ``Average(**kwargs)(inputs)``.

    >>> import tensorflux as tf
    >>> average([tf.constant([[1.0, 2.0]]), tf.constant([[3.0, 4.0]])]).numpy().tolist()
    [[2.0, 3.0]]
    """
    return Average(**kwargs)(inputs)
