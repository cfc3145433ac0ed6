"""Dense: ``activation(inputs @ kernel + bias)``."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras import activations, constraints, initializers, regularizers
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer


def _positive_int(value: Any, name: str, layer: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(
            f"{layer}: received an invalid value for `{name}`, expected a positive integer. Received: "
            f"{name}={value!r}"
        )
    return value


class Dense(Layer):
    """A densely-connected layer: ``activation(dot(inputs, kernel) + bias)``.

    Inputs of rank > 2 are multiplied along their last axis: ``(batch, d0, in)`` gives ``(batch, d0, units)``.

    Args:
        units: the output dimension (a positive integer).
        activation: activation function or name; None means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer: default ``"glorot_uniform"``.
        bias_initializer: default ``"zeros"``.
        kernel_regularizer, bias_regularizer, activity_regularizer: optional penalties.
        kernel_constraint, bias_constraint: optional projections applied after updates.

    >>> layer = Dense(4, activation="relu")
    >>> layer([[1.0, 2.0, 3.0]]).shape
    TensorShape([1, 4])
    """

    def __init__(
        self,
        units: int,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        lora_rank: int | None = None,
        lora_alpha: Any = None,
        quantization_config: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if quantization_config is not None:
            raise NotImplementedError("Dense: quantization_config is not supported; it must be None.")
        self.units = _positive_int(units, "units", "Dense")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        if lora_rank:
            raise NotImplementedError("Dense: LoRA (lora_rank) is not supported.")
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape: Any) -> None:
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"Dense layer '{self.name}': the last dimension of the inputs must be known to create the "
                "kernel. "
                f"Received: input_shape={tuple(input_shape)}"
            )
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_dim, self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})

    def call(self, inputs: Tensor) -> Tensor:
        if inputs._value.dtype.kind not in "fc":
            # integer inputs (a lookup's counts): Keras' matmul promotes them to the kernel's dtype
            inputs = P.unary(P.cast, inputs, dtype=self.kernel._value.dtype)
        shape = inputs._value.shape
        if len(shape) == 2:
            x = P.binary(P.matmul, inputs, self.kernel)
        else:
            # one GEMM over all leading dimensions
            flat = P.unary(P.reshape, inputs, shape=(-1, shape[-1]))
            x = P.unary(
                P.reshape, P.binary(P.matmul, flat, self.kernel), shape=tuple(shape[:-1]) + (self.units,)
            )
        if self.bias is not None:
            x = P.binary(P.add, x, self.bias)
        act = self.activation
        if act is activations.relu:
            x = P.unary(P.relu, x)  # what activations.relu binds, without its wrappers
        elif act is not activations.linear:
            x = act(x)
        return x

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        return tuple(input_shape)[:-1] + (self.units,)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }
