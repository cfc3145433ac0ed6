"""Permute: reorder the non-batch axes."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer


class Permute(Layer):
    """Permute the axes of each sample; ``dims`` counts from 1 (``(2, 1)`` swaps the two axes).

    >>> Permute((2, 1))(__import__("numpy").ones((4, 2, 3))).shape
    TensorShape([4, 3, 2])
    """

    def __init__(self, dims: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` must be "
                f"consecutive and start from 1. Received dims={dims}"
            )
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def call(self, inputs: Any) -> Any:
        return P.unary(P.transpose, inputs, perm=(0,) + self.dims)

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        shape = tuple(input_shape)
        return (shape[0],) + tuple(shape[d] for d in self.dims)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "dims": self.dims}
