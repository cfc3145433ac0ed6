"""Minimum: elementwise minimum of a list of inputs."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.merging.base_merge import Merge
from tensorflux.ops import math_ops


class Minimum(Merge):
    """Elementwise minimum of a list of inputs (a masked position takes the other inputs' value).

    >>> import tensorflux as tf
    >>> Minimum()([tf.constant([[1.0, 5.0]]), tf.constant([[3.0, 4.0]])]).numpy().tolist()
    [[1.0, 4.0]]
    """

    def _merge_function(self, inputs: list[Tensor]) -> Tensor:
        return self._apply_merge_op_and_or_mask(math_ops.minimum, inputs)


def minimum(inputs: list[Any], **kwargs: Any) -> Tensor:
    """Functional interface to the ``Minimum`` layer: ``Minimum(**kwargs)(inputs)``.

    >>> import tensorflux as tf
    >>> minimum([tf.constant([[1.0, 5.0]]), tf.constant([[3.0, 4.0]])]).numpy().tolist()
    [[1.0, 4.0]]
    """
    return Minimum(**kwargs)(inputs)
