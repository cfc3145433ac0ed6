"""RepeatVector: repeat a vector ``n`` times along a new time axis."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer


class RepeatVector(Layer):
    """``(batch, features)`` -> ``(batch, n, features)``.

    >>> RepeatVector(3)([[1.0, 2.0]]).shape
    TensorShape([1, 3, 2])
    """

    def __init__(self, n: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
            raise ValueError(f"Argument `n` should be a positive integer. Received: n={n!r}")
        self.n = n
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs: Any) -> Any:
        shape = tuple(inputs.shape)
        x = P.unary(P.reshape, inputs, shape=(shape[0], 1, shape[1]))
        return P.unary(P.broadcast_to, x, shape=(shape[0], self.n, shape[1]))

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "n": self.n}
