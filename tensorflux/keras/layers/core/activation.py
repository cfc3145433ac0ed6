"""Activation: apply an activation function."""

from __future__ import annotations

from typing import Any

from tensorflux.keras import activations
from tensorflux.keras.layers.layer import Layer


class Activation(Layer):
    """Applies ``activation`` (a name such as ``"relu"`` or a callable) to its input.

    >>> Activation("relu")([[-1.0, 2.0]]).numpy().tolist()
    [[0.0, 2.0]]
    """

    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs: Any) -> Any:
        return self.activation(inputs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "activation": activations.serialize(self.activation)}
