"""GroupedQueryAttention: groups of query heads share key/value heads (Ainslie et al., 2023)."""

from __future__ import annotations

import math
from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras import constraints, initializers, regularizers
from tensorflux.keras.layers.attention.multi_head_attention import (
    MultiHeadAttention,
    _call_inputs,
    _call_mask,
    _unpack_shapes,
)
from tensorflux.keras.layers.core.einsum_dense import EinsumDense
from tensorflux.keras.layers.layer import Layer
from tensorflux.keras.layers.regularization.dropout import apply_dropout
from tensorflux.ops import array_ops, attention_ops

_NEG = -1e9  # what Keras' Softmax puts at masked positions


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(
            f"GroupedQueryAttention: `{name}` must be a positive integer. Received: {name}={value!r}"
        )
    return value


class GroupedQueryAttention(Layer):
    """Multi-head attention whose ``num_query_heads`` query heads share fewer key/value heads.

    Query, key and value are projected to ``(batch, seq, heads, head_dim)`` (Keras' EinsumDense
    layouts ``query/kernel (dim, num_query_heads, head_dim)``, ``key`` and ``value`` with
    ``num_key_value_heads``), each key/value head is repeated for its group of
    ``num_query_heads // num_key_value_heads`` query heads, scaled dot-product attention runs per
    head, and ``attention_output/kernel (num_query_heads, head_dim, dim)`` projects back to the
    query's feature size.  ``num_key_value_heads=1`` is multi-query attention and
    ``num_key_value_heads=num_query_heads`` is multi-head attention.

    Args:
        head_dim: the size of each head.
        num_query_heads: the number of query heads.
        num_key_value_heads: the number of key and value heads (divides ``num_query_heads``).
        dropout: dropout rate on the attention probabilities in training.
        use_bias: whether the projections have biases.
        sliding_window: attend only to keys less than this distance away.
        flash_attention: None or False (flash attention is not available here).
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
            activity_regularizer, kernel_constraint, bias_constraint: for every projection.
        use_gate: gate the attended values with ``sigmoid(query projection)`` before the output.
        seed: seed of the dropout.

    Call arguments: ``query (batch, Tq, dim)``, ``value (batch, Tv, dim)``, ``key`` (default
    ``value``), ``query_mask``, ``value_mask``, ``key_mask``, ``attention_mask (batch, Tq, Tv)``
    (True = attend), ``return_attention_scores`` (then also the probabilities ``(batch,
    num_query_heads, Tq, Tv)``), ``training``, ``use_causal_mask``.

    >>> import tensorflux as tf
    >>> layer = GroupedQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)
    >>> layer(tf.ones((2, 3, 8)), tf.ones((2, 5, 8))).shape
    TensorShape([2, 3, 8])
    """

    def __init__(
        self,
        head_dim: int,
        num_query_heads: int,
        num_key_value_heads: int,
        dropout: float = 0.0,
        use_bias: bool = True,
        sliding_window: int | None = None,
        flash_attention: bool | None = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        use_gate: bool = False,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.head_dim = _positive_int(head_dim, "head_dim")
        self.num_query_heads = _positive_int(num_query_heads, "num_query_heads")
        self.num_key_value_heads = _positive_int(num_key_value_heads, "num_key_value_heads")
        if num_query_heads % num_key_value_heads != 0:
            raise ValueError(
                "`num_query_heads` must be divisible by `num_key_value_heads`. Received: "
                f"num_query_heads={num_query_heads}, num_key_value_heads={num_key_value_heads}"
            )
        self.num_repeats = num_query_heads // num_key_value_heads
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
            raise ValueError(
                f"GroupedQueryAttention: `dropout` must be a float in [0, 1). Received: dropout={dropout!r}"
            )
        if sliding_window is not None and (
            isinstance(sliding_window, bool) or not isinstance(sliding_window, int) or sliding_window <= 0
        ):
            raise ValueError(
                "`sliding_window` must be `None` or a positive integer. Received: "
                f"sliding_window={sliding_window}"
            )
        if flash_attention:
            raise NotImplementedError(
                "GroupedQueryAttention: flash attention is not available in tensorflux; use "
                f"flash_attention=None or False. Received: flash_attention={flash_attention!r}"
            )
        self.dropout = float(dropout)
        self.use_bias = bool(use_bias)
        self.use_gate = bool(use_gate)
        self.sliding_window = self._sliding_window = sliding_window
        self._flash_attention = False
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(self.head_dim))

    def _sublayer_kwargs(self) -> dict[str, Any]:
        # each projection gets its own copy of the initializers, as Keras does
        return {
            "kernel_regularizer": self.kernel_regularizer,
            "bias_regularizer": self.bias_regularizer,
            "activity_regularizer": self.activity_regularizer,
            "kernel_constraint": self.kernel_constraint,
            "bias_constraint": self.bias_constraint,
            "dtype": self.dtype_policy,
            "kernel_initializer": type(self.kernel_initializer).from_config(
                self.kernel_initializer.get_config()
            ),
            "bias_initializer": type(self.bias_initializer).from_config(self.bias_initializer.get_config()),
        }

    def _projection(self, equation: str, heads: int, bias: str, name: str, **extra: Any) -> EinsumDense:
        return EinsumDense(
            equation,
            output_shape=(None, heads, self.head_dim),
            bias_axes=bias if self.use_bias else None,
            name=name,
            **extra,
            **self._sublayer_kwargs(),
        )

    def build(self, query_shape: Any, value_shape: Any = None, key_shape: Any = None) -> None:
        if isinstance(query_shape, dict) and value_shape is None:
            # Keras' build config {"shapes_dict": {"query_shape": ..., "value_shape": ...}}
            shapes = query_shape
            query_shape, value_shape = shapes.get("query_shape"), shapes.get("value_shape")
            key_shape = shapes.get("key_shape")
        query_shape, value_shape, key_shape = _unpack_shapes(query_shape, value_shape, key_shape)
        query_shape = tuple(query_shape)
        if value_shape is None:
            raise ValueError(
                f"GroupedQueryAttention layer '{self.name}' needs `value` (and optionally `key`): call it "
                "as layer(query, value), build it with build(query_shape, value_shape)."
            )
        value_shape = tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        for what, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 3:
                raise ValueError(
                    f"GroupedQueryAttention layer '{self.name}' expects {what} of rank 3 (batch, seq, dim). "
                    f"Received: {what}_shape={shape}"
                )
        self.feature_dim = query_shape[-1]
        self._query_dense = self._projection("bqm,muh->bquh", self.num_query_heads, "uh", "query")
        self._query_dense.build(query_shape)
        self._key_dense = self._projection("bkm,mvh->bkvh", self.num_key_value_heads, "vh", "key")
        self._key_dense.build(key_shape)
        if self.use_gate:
            self._gate_dense = self._projection(
                "bqm,muh->bquh", self.num_query_heads, "uh", "gate", activation="sigmoid"
            )
            self._gate_dense.build(query_shape)
        self._value_dense = self._projection("bkm,mvh->bkvh", self.num_key_value_heads, "vh", "value")
        self._value_dense.build(value_shape)
        self._output_dense = EinsumDense(
            "bquh,uhm->bqm",
            output_shape=(None, self.feature_dim),
            bias_axes="m" if self.use_bias else None,
            name="attention_output",
            **self._sublayer_kwargs(),
        )
        self._output_dense.build((None, None, self.num_query_heads, self.head_dim))

    query_dense = property(lambda self: self._query_dense)
    key_dense = property(lambda self: self._key_dense)
    value_dense = property(lambda self: self._value_dense)
    output_dense = property(lambda self: self._output_dense)

    # the same mask combination as MultiHeadAttention (query/value/key masks, causal, sliding window)
    _compute_attention_mask = MultiHeadAttention._compute_attention_mask

    def _repeat_heads(self, x: Tensor) -> Tensor:
        """``(batch, seq, kv_heads, dim) -> (batch, seq, query_heads, dim)``, each head repeated in place."""
        if self.num_repeats == 1:
            return x
        b, s, h, d = tuple(x.shape)
        x = P.unary(P.reshape, x, shape=(b, s, h, 1, d))
        x = P.unary(P.broadcast_to, x, shape=(b, s, h, self.num_repeats, d))
        return P.unary(P.reshape, x, shape=(b, s, h * self.num_repeats, d))

    def _compute_attention(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        attention_mask: Any = None,
        training: Any = None,
        return_attention_scores: bool = False,
    ) -> tuple[Tensor, Any]:
        mask = attention_mask
        if mask is not None:
            mask = array_ops.cast(mask, "bool")
            while mask.ndim < 4:  # (batch, Tq, Tv) -> (batch, 1, Tq, Tv): the same for every head
                mask = array_ops.expand_dims(mask, -3)
        if not (self.dropout > 0 or return_attention_scores):
            out = attention_ops.scaled_dot_product_attention(
                query, key, value, mask=mask, scale=self._inverse_sqrt_head_dim
            )
            return out, None
        # Keras' explicit path: masked positions get probability 0, even where a query sees no key
        qh = P.unary(P.transpose, query * self._inverse_sqrt_head_dim, perm=(0, 2, 1, 3))
        kt = P.unary(P.transpose, key, perm=(0, 2, 3, 1))
        scores = P.binary(P.matmul, qh, kt)  # (batch, heads, Tq, Tv)
        if mask is not None:
            mask = P.unary(P.broadcast_to, mask, shape=tuple(scores.shape))
            scores = array_ops.where(mask, scores, array_ops.ones_like(scores) * _NEG)
        probs = P.unary(P.softmax, scores, axis=-1)
        if mask is not None:
            probs = array_ops.where(mask, probs, array_ops.zeros_like(probs))
        attended = probs
        if training and self.dropout > 0:
            attended = apply_dropout(probs, self.dropout, seed=self.seed)
        out = P.binary(P.matmul, attended, P.unary(P.transpose, value, perm=(0, 2, 1, 3)))
        return P.unary(P.transpose, out, perm=(0, 2, 1, 3)), probs

    def call(
        self,
        query: Tensor,
        value: Tensor | None = None,
        key: Tensor | None = None,
        query_mask: Any = None,
        value_mask: Any = None,
        key_mask: Any = None,
        attention_mask: Any = None,
        return_attention_scores: bool = False,
        training: Any = None,
        use_causal_mask: bool = False,
    ) -> Any:
        query, value, key = _call_inputs(self, query, value, key)
        for what, x in (("query", query), ("value", value), ("key", key)):
            if len(x.shape) != 3:
                raise ValueError(
                    f"GroupedQueryAttention layer '{self.name}' expects {what} of rank 3 (batch, seq, dim). "
                    f"Received: {what}.shape={tuple(x.shape)}"
                )
        if tuple(key.shape)[:2] != tuple(value.shape)[:2]:
            raise ValueError(
                f"GroupedQueryAttention layer '{self.name}': key and value must have the same batch and "
                f"sequence sizes. Received: key.shape={tuple(key.shape)}, value.shape={tuple(value.shape)}"
            )
        mask = _call_mask(
            self, query, value, key, query_mask, value_mask, key_mask, attention_mask, use_causal_mask
        )
        gate = self._gate_dense(query) if self.use_gate else None
        q = self._query_dense(query)
        k = self._repeat_heads(self._key_dense(key))
        v = self._repeat_heads(self._value_dense(value))
        attended, scores = self._compute_attention(q, k, v, mask, training, return_attention_scores)
        if gate is not None:
            attended = attended * gate
        output = self._output_dense(attended)
        return (output, scores) if return_attention_scores else output

    def compute_output_shape(
        self, query_shape: Any, value_shape: Any = None, key_shape: Any = None
    ) -> tuple[Any, ...]:
        query_shape, value_shape, key_shape = _unpack_shapes(query_shape, value_shape, key_shape)
        query_shape = tuple(query_shape)
        value_shape = query_shape if value_shape is None else tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if query_shape[-1] != value_shape[-1]:
            raise ValueError(
                "The last dimension of `query_shape` and `value_shape` must be equal, but are "
                f"{query_shape[-1]}, {value_shape[-1]}. Received: query_shape={query_shape}, "
                f"value_shape={value_shape}"
            )
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                "All dimensions of `value` and `key`, except the last one, must be equal. Received: "
                f"value_shape={value_shape} and key_shape={key_shape}"
            )
        return query_shape

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("return_attention_scores"):
            from tensorflux.keras.engine.symbolic import trial_spec

            return trial_spec(self, args, kwargs)
        return super().compute_output_spec(*args, **kwargs)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "head_dim": self.head_dim,
            "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "use_bias": self.use_bias,
            "use_gate": self.use_gate,
            "sliding_window": self.sliding_window,
            "dropout": self.dropout,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "seed": self.seed,
        }


# the name ``keras.layers`` exports it under
GroupQueryAttention = GroupedQueryAttention
