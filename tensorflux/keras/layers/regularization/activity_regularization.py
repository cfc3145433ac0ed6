"""ActivityRegularization: add an L1/L2 penalty on the layer's input to the model's losses."""

from __future__ import annotations

from typing import Any

from tensorflux.keras import regularizers
from tensorflux.keras.layers.layer import Layer


class ActivityRegularization(Layer):
    """Identity in the forward pass; adds ``l1 * sum|x| + l2 * sum x^2`` (per sample) to ``losses``.

    >>> layer = ActivityRegularization(l1=1.0)
    >>> _ = layer([[1.0, -2.0]])
    >>> float(layer.losses[0])
    3.0
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs: Any) -> None:
        kwargs.pop("activity_regularizer", None)
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        cfg = {**super().get_config(), "l1": self.l1, "l2": self.l2}
        cfg.pop("activity_regularizer", None)
        return cfg
