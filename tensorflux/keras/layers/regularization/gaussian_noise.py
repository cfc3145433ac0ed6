"""GaussianNoise and GaussianDropout: multiplicative/additive noise during training."""

from __future__ import annotations

import math
from typing import Any

from tensorflux.keras.layers.layer import Layer
from tensorflux.ops.random_ops import normal


def _check_unit(value: Any, name: str, layer: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(
            f"{layer}: invalid value received for argument `{name}`. Expected a float value between 0 "
            f"and 1. Received: {name}={value!r}"
        )
    return float(value)


class GaussianNoise(Layer):
    """Add zero-mean Gaussian noise of standard deviation ``stddev`` in training (identity at inference).

    >>> GaussianNoise(0.1)([[1.0]]).numpy().tolist()
    [[1.0]]
    """

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stddev = _check_unit(stddev, "stddev", "GaussianNoise")
        self.seed = seed
        self.supports_masking = True

    def call(self, inputs: Any, training: Any = False) -> Any:
        if training and self.stddev > 0:
            return inputs + normal(tuple(inputs.shape), 0.0, self.stddev, dtype=inputs.dtype, seed=self.seed)
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(Layer):
    """Multiply by Gaussian noise of mean 1 and ``stddev = sqrt(rate / (1 - rate))`` in training.

    >>> GaussianDropout(0.2)([[1.0]]).numpy().tolist()
    [[1.0]]
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rate = _check_unit(rate, "rate", "GaussianDropout")
        self.seed = seed
        self.supports_masking = True

    def call(self, inputs: Any, training: Any = False) -> Any:
        if training and 0 < self.rate < 1:
            stddev = math.sqrt(self.rate / (1.0 - self.rate))
            return inputs * normal(tuple(inputs.shape), 1.0, stddev, dtype=inputs.dtype, seed=self.seed)
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
