"""Dropout: randomly zero inputs during training."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.layers.layer import Layer
from tensorflux.ops.array_ops import zeros_like

try:
    from tensorflux.ops.dropout_ops import dropout as _dropout
except ImportError:  # pragma: no cover
    _dropout = None


def _check_rate(rate: Any, layer: str) -> float:
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
        raise ValueError(
            f"{layer}: invalid value received for argument `rate`. Expected a float value between 0 and 1. "
            f"Received: rate={rate!r}"
        )
    return float(rate)


def _fallback_dropout(x: Any, rate: float, noise_shape: Any, seed: Any) -> Any:
    from tensorflux.backend import ops as B
    from tensorflux.framework import primitives as P
    from tensorflux.ops.random_ops import _rng

    keep = B.bernoulli_mask(_rng(seed), tuple(noise_shape or x.shape), 1.0 - rate)
    scale = B.multiply(B.cast(keep, x._value.dtype), B.asarray(1.0 / (1.0 - rate), x._value.dtype))
    return P.binary(P.multiply, x, P._wrap(scale))


def apply_dropout(x: Any, rate: float, noise_shape: Any = None, seed: Any = None) -> Any:
    """Inverted dropout of ``x`` (kept values scaled by ``1 / (1 - rate)``)."""
    if rate >= 1.0:
        return zeros_like(x)
    if _dropout is not None:
        return _dropout(x, rate, noise_shape=noise_shape, seed=seed)
    return _fallback_dropout(x, rate, noise_shape, seed)


class Dropout(Layer):
    """Zero each input with probability ``rate`` in training, scaling the rest by ``1 / (1 - rate)``.

    At inference (the default, ``training=None``) the input passes unchanged.

    Args:
        rate: fraction of the inputs to drop, in [0, 1].
        noise_shape: shape of the keep/drop mask, broadcast to the input (None entries take the
            input's size), e.g. ``(batch, 1, features)`` to drop the same features at every step.
        seed: integer seed for repeatable masks.

    >>> Dropout(0.5)([[1.0, 2.0]]).numpy().tolist()
    [[1.0, 2.0]]
    """

    def __init__(self, rate: float, noise_shape: Any = None, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rate = _check_rate(rate, "Dropout")
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self.supports_masking = True

    def _noise_shape(self, inputs: Any) -> Any:
        if self.noise_shape is None:
            return None
        shape = tuple(inputs.shape)
        return tuple(shape[i] if d is None else d for i, d in enumerate(self.noise_shape))

    def call(self, inputs: Any, training: Any = False) -> Any:
        if training and self.rate > 0:
            return apply_dropout(inputs, self.rate, self._noise_shape(inputs), self.seed)
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}
