"""SpectralNormalization: divide a wrapped layer's kernel by its spectral norm (Miyato et al., 2018)."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.keras import initializers
from tensorflux.keras.layers.core.wrapper import Wrapper
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.ops import array_ops, math_ops


def _l2_normalize_all(x: Any) -> Any:
    # Keras' normalize(axis=None): x * min(rsqrt(sum(x**2)), 1 / epsilon), epsilon 1e-7; clamping the
    # sum at epsilon**2 first is the same and never divides by zero
    return x * P.unary(P.rsqrt, math_ops.maximum(math_ops.reduce_sum(P.unary(P.square, x)), 1e-14))


class SpectralNormalization(Wrapper):
    """Keep the wrapped layer's kernel at spectral norm 1, estimated by power iteration in training.

    Each training call runs ``power_iterations`` steps of ``v = normalize(u W^T)``,
    ``u = normalize(v W)`` on the kernel reshaped to ``W (-1, units)``, stores ``u`` in the
    non-trainable ``vector_u``, and assigns ``kernel / (v W u^T)`` to the kernel before calling the
    layer (an all-zero kernel is left as it is).  At inference the layer runs on its kernel as it is.

    Args:
        layer: a layer with a ``kernel`` (Dense, Conv2D, ...) or ``embeddings`` (Embedding) weight.
        power_iterations: the number of power-iteration steps per training call (> 0).

    >>> import tensorflux as tf
    >>> from tensorflux.keras.layers.core.dense import Dense
    >>> SpectralNormalization(Dense(4))(tf.ones((2, 3)), training=True).shape
    TensorShape([2, 4])
    """

    def __init__(self, layer: Any, power_iterations: int = 1, **kwargs: Any) -> None:
        super().__init__(layer, **kwargs)
        if (
            isinstance(power_iterations, bool)
            or not isinstance(power_iterations, int)
            or power_iterations <= 0
        ):
            raise ValueError(
                "`power_iterations` should be greater than zero. Received: "
                f"`power_iterations={power_iterations!r}`"
            )
        self.power_iterations = power_iterations

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        if getattr(self.layer, "kernel", None) is not None:
            kernel = self.layer.kernel
        elif getattr(self.layer, "embeddings", None) is not None:
            kernel = self.layer.embeddings
        else:
            raise ValueError(
                f"SpectralNormalization: {type(self.layer).__name__} object has no attribute 'kernel' nor "
                "'embeddings': wrap a layer such as Dense, Conv2D or Embedding."
            )
        self.kernel = kernel
        self.kernel_shape = tuple(kernel.shape)
        self.vector_u = self.add_weight(
            name="vector_u",
            shape=(1, self.kernel_shape[-1]),
            initializer=initializers.TruncatedNormal(stddev=0.02),
            trainable=False,
            dtype=kernel.dtype,
        )

    def normalized_weights(self) -> tuple[Any, Any]:
        """The new ``vector_u`` and the kernel divided by its estimated spectral norm."""
        kernel = self.kernel
        w = P.unary(P.reshape, kernel, shape=(-1, self.kernel_shape[-1]))
        w_t = array_ops.transpose(w)
        u = self.vector_u
        v = None
        for _ in range(self.power_iterations):
            v = _l2_normalize_all(P.binary(P.matmul, u, w_t))
            u = _l2_normalize_all(P.binary(P.matmul, v, w))
        u = array_ops.stop_gradient(u)
        v = array_ops.stop_gradient(v)
        sigma = P.binary(P.matmul, P.binary(P.matmul, v, w), array_ops.transpose(u))  # (1, 1)
        return u, sigma

    def call(self, inputs: Any, training: Any = False) -> Any:
        if training:
            kernel = self.kernel
            u, sigma = self.normalized_weights()
            # Keras skips the update for an all-zero kernel (sigma would be 0)
            zero = math_ops.reduce_all(math_ops.equal(kernel, 0.0))
            sigma = array_ops.reshape(sigma, ())
            safe = array_ops.where(zero, array_ops.ones_like(sigma), sigma)
            self.vector_u.assign(array_ops.where(zero, self.vector_u, u))
            kernel.assign(kernel / safe)
        output = self.layer(inputs)
        if output.dtype != inputs.dtype:
            output = array_ops.cast(output, inputs.dtype)
        return output

    def compute_output_shape(self, input_shape: Any) -> Any:
        return self.layer.compute_output_shape(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "power_iterations": self.power_iterations}
