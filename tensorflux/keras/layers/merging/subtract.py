"""Subtract: the difference of exactly two inputs."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.merging.base_merge import Merge


class Subtract(Merge):
    """``inputs[0] - inputs[1]`` for exactly two inputs.

    >>> import tensorflux as tf
    >>> Subtract()([tf.constant([[5.0, 2.0]]), tf.constant([[3.0, 4.0]])]).numpy().tolist()
    [[2.0, -2.0]]
    """

    def build(self, input_shape: Any) -> None:
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError(
                "A `Subtract` layer should be called on exactly 2 inputs. Received: "
                f"input_shape={input_shape}"
            )

    def _merge_function(self, inputs: list[Tensor]) -> Tensor:
        if len(inputs) != 2:
            raise ValueError(
                f"A `Subtract` layer should be called on exactly 2 inputs. Received {len(inputs)} inputs."
            )
        return inputs[0] - inputs[1]


def subtract(inputs: list[Any], **kwargs: Any) -> Tensor:
    """Functional interface to the ``Subtract`` layer: ``Subtract(**kwargs)(inputs)``.

    >>> import tensorflux as tf
    >>> subtract([tf.constant([[5.0, 2.0]]), tf.constant([[3.0, 4.0]])]).numpy().tolist()
    [[2.0, -2.0]]
    """
    return Subtract(**kwargs)(inputs)
