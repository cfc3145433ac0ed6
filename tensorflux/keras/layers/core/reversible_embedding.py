"""ReversibleEmbedding: an Embedding that can also map vectors back to vocabulary logits."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.layers.core.embedding import Embedding
from tensorflux.ops.activation_ops import tanh
from tensorflux.ops.array_ops import cast, transpose
from tensorflux.ops.linalg_ops import matmul


class ReversibleEmbedding(Embedding):
    """An Embedding whose ``call(inputs, reverse=True)`` projects vectors onto the vocabulary.

    Forward (``reverse=False``) it is an :class:`Embedding`: ids of shape ``(..., )`` give
    ``(..., output_dim)``. In reverse, inputs of shape ``(..., output_dim)`` give logits
    ``(..., input_dim)``: ``inputs @ embeddings.T`` with tied weights, else ``inputs @
    reverse_embeddings`` with a separate ``(output_dim, input_dim)`` table (as used for a
    language model's input embedding and output head).

    Args:
        input_dim: vocabulary size (largest id + 1).
        output_dim: size of each vector.
        tie_weights: reuse the embedding table (transposed) in reverse (default True).
        embeddings_initializer, embeddings_regularizer, embeddings_constraint, mask_zero:
            as for Embedding; the untied reverse table uses the same initializer.
        reverse_dtype: dtype the reverse matmul runs in (inputs and table are cast to it);
            None (default) keeps the compute dtype.
        logit_soft_cap: if set, reverse logits become ``tanh(logits / cap) * cap``.

    >>> import tensorflux as tf
    >>> e = ReversibleEmbedding(10, 4)
    >>> e(e(tf.constant([[1, 2]])), reverse=True).shape
    TensorShape([1, 2, 10])
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        tie_weights: bool = True,
        embeddings_initializer: Any = "uniform",
        embeddings_regularizer: Any = None,
        embeddings_constraint: Any = None,
        mask_zero: bool = False,
        reverse_dtype: Any = None,
        logit_soft_cap: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            input_dim,
            output_dim,
            embeddings_initializer=embeddings_initializer,
            embeddings_regularizer=embeddings_regularizer,
            embeddings_constraint=embeddings_constraint,
            mask_zero=mask_zero,
            **kwargs,
        )
        self.tie_weights = bool(tie_weights)
        self.reverse_dtype = reverse_dtype
        if logit_soft_cap is not None and (
            isinstance(logit_soft_cap, bool)
            or not isinstance(logit_soft_cap, (int, float))
            or logit_soft_cap <= 0
        ):
            raise ValueError(
                f"ReversibleEmbedding: `logit_soft_cap` must be None or a positive number. "
                f"Received: logit_soft_cap={logit_soft_cap!r}"
            )
        self.logit_soft_cap = logit_soft_cap

    def build(self, input_shape: Any = None) -> None:
        super().build(input_shape)
        if not self.tie_weights and getattr(self, "reverse_embeddings", None) is None:
            self.reverse_embeddings = self.add_weight(
                name="reverse_embeddings",
                shape=(self.output_dim, self.input_dim),
                initializer=self.embeddings_initializer,
                trainable=True,
            )

    def call(self, inputs: Any, reverse: bool = False) -> Any:
        if not reverse:
            return super().call(inputs)
        if inputs.ndim < 1 or inputs.shape[-1] != self.output_dim:
            raise ValueError(
                f"ReversibleEmbedding layer '{self.name}': reverse=True expects inputs whose last axis is "
                f"output_dim={self.output_dim}; received shape {tuple(inputs.shape)}."
            )
        kernel = transpose(self.embeddings) if self.tie_weights else self.reverse_embeddings
        if self.reverse_dtype is not None:
            inputs, kernel = cast(inputs, self.reverse_dtype), cast(kernel, self.reverse_dtype)
        elif kernel.dtype.name != inputs.dtype.name:
            kernel = cast(kernel, inputs.dtype)
        logits = matmul(inputs, kernel)
        if self.logit_soft_cap is not None:
            cap = float(self.logit_soft_cap)
            logits = tanh(logits * (1.0 / cap)) * cap
        return logits

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        # reverse calls take float vectors and carry no mask (Keras masks forward outputs only)
        if inputs.dtype.is_floating:
            return None
        return super().compute_mask(inputs, previous_mask)

    def compute_output_shape(self, input_shape: Any, reverse: bool = False) -> tuple[Any, ...]:
        if reverse:
            return tuple(input_shape)[:-1] + (self.input_dim,)
        return super().compute_output_shape(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "tie_weights": self.tie_weights,
            "reverse_dtype": self.reverse_dtype,
            "logit_soft_cap": self.logit_soft_cap,
        }
