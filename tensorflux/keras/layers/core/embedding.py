"""Embedding: turn integer ids into dense vectors."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.keras import constraints, initializers, regularizers
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops.array_ops import cast

try:  # the gather kernel with a sparse-friendly gradient, when present
    from tensorflux.ops.embedding_ops import embedding_lookup as _lookup
except ImportError:  # pragma: no cover
    from tensorflux.ops.array_ops import gather as _lookup  # type: ignore[assignment]


def _check_dim(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(
            f"`{name}` must be a positive integer. Received: {name}={value!r} "
            f"(of type {type(value).__name__})."
        )
    return value


class Embedding(Layer):
    """Maps ids in ``[0, input_dim)`` to rows of a ``(input_dim, output_dim)`` table.

    Args:
        input_dim: vocabulary size (largest id + 1).
        output_dim: size of each vector.
        embeddings_initializer: default ``"uniform"`` (uniform in [-0.05, 0.05]).
        embeddings_regularizer, embeddings_constraint, activity_regularizer: as for Dense.
        mask_zero: treat id 0 as padding: the output carries a mask that masking-aware layers
            (RNNs, attention, pooling) use.
        weights: an initial table (a list holding one array).

    >>> e = Embedding(10, 3)
    >>> e([[1, 2, 0]]).shape
    TensorShape([1, 3, 3])
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        embeddings_initializer: Any = "uniform",
        embeddings_regularizer: Any = None,
        embeddings_constraint: Any = None,
        mask_zero: bool = False,
        weights: Any = None,
        lora_rank: int | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("input_length", None)  # accepted for tf.keras 2 code, as Keras 3 does
        super().__init__(**kwargs)
        self.input_dim = _check_dim(input_dim, "input_dim")
        self.output_dim = _check_dim(output_dim, "output_dim")
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        if lora_rank:
            raise NotImplementedError("Embedding: LoRA (lora_rank) is not supported.")
        if weights is not None:
            self.build()
            if not (isinstance(weights, list) and len(weights) == 1):
                weights = [weights]
            self.set_weights(weights)

    def build(self, input_shape: Any = None) -> None:
        if getattr(self, "embeddings", None) is not None:
            return
        self.embeddings = self.add_weight(
            name="embeddings",
            shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
        )

    def call(self, inputs: Any) -> Any:
        if inputs._value.dtype.kind not in "iu":
            inputs = cast(inputs, "int32")
        out = _lookup(self.embeddings, inputs)
        if out.dtype.name != self.compute_dtype:
            out = cast(out, self.compute_dtype)
        return out

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        if not self.mask_zero:
            return None
        return P.binary(P.not_equal, inputs, 0)

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
        }
