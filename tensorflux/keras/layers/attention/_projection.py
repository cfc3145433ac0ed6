"""MultiHeadAttention's projections: Keras' EinsumDense weight layouts, computed as one GEMM each."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras import activations, constraints, initializers, regularizers
from tensorflux.keras.layers.layer import Layer


def _prod(dims: Any) -> int:
    n = 1
    for d in dims:
        n *= int(d)
    return n


class HeadProjection(Layer):
    """Contract the last ``bound_dims`` axes of the input with a kernel of shape ``in_dims + out_dims``.

    ``bound_dims=1``: ``(..., dim) -> (..., heads, key_dim)`` (query, key, value; Keras' equation
    ``abc,cde->abde``).  ``bound_dims=2``: ``(..., heads, value_dim) -> (..., dim)`` (the output;
    ``abcd,cde->abe``).  The bias has shape ``out_dims``.  One GEMM on the flattened arrays.
    """

    def __init__(
        self,
        out_dims: Any,
        bound_dims: int,
        use_bias: bool = True,
        activation: Any = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.out_dims = tuple(int(d) for d in out_dims)
        self.bound_dims = int(bound_dims)
        self.use_bias = bool(use_bias)
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape: Any) -> None:
        in_dims = tuple(input_shape)[-self.bound_dims :]
        if None in in_dims:
            raise ValueError(
                f"{self.name}: the projected input dimensions must be known; received {input_shape}."
            )
        self.kernel = self.add_weight(
            name="kernel",
            shape=in_dims + self.out_dims,
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=self.out_dims,
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def call(self, inputs: Tensor) -> Tensor:
        shape = tuple(inputs.shape)
        expected = tuple(self.kernel.shape[: self.bound_dims])
        if shape[-self.bound_dims :] != expected:
            raise ValueError(
                f"Layer '{self.name}' was built for inputs ending in {expected}, but received inputs of "
                f"shape {shape}. "
                "Call the attention layer on tensors with the feature sizes it was first called with."
            )
        lead = shape[: -self.bound_dims]
        k_in, k_out = _prod(shape[-self.bound_dims :]), _prod(self.out_dims)
        x = P.unary(P.reshape, inputs, shape=(_prod(lead), k_in))
        y = P.binary(P.matmul, x, P.unary(P.reshape, self.kernel, shape=(k_in, k_out)))
        if self.bias is not None:
            y = y + P.unary(P.reshape, self.bias, shape=(k_out,))
        y = P.unary(P.reshape, y, shape=lead + self.out_dims)
        if self.activation is not activations.linear:
            y = self.activation(y)
        return y

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        return tuple(input_shape)[: -self.bound_dims] + self.out_dims
