"""ELU layer."""

from __future__ import annotations

from typing import Any

from tensorflux.keras import activations
from tensorflux.keras.layers.layer import Layer


class ELU(Layer):
    """``x`` for ``x > 0`` else ``alpha * (exp(x) - 1)``; ``alpha=1.0``.

    >>> ELU()([[0.0, 2.0]]).numpy().tolist()
    [[0.0, 2.0]]
    """

    def __init__(self, alpha: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.alpha = alpha
        self.supports_masking = True

    def call(self, inputs: Any) -> Any:
        return activations.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "alpha": self.alpha}
