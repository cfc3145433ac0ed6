"""MultiHeadAttention: attention with several heads and learned projections (Vaswani et al., 2017)."""

from __future__ import annotations

import math
from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras import constraints, initializers, regularizers
from tensorflux.keras.engine.masking import get_keras_mask
from tensorflux.keras.layers.attention._projection import HeadProjection
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import array_ops, attention_ops, math_ops


def _prod(dims: Any) -> int:
    n = 1
    for d in dims:
        n *= int(d)
    return n


def _unpack_shapes(query_shape: Any, value_shape: Any, key_shape: Any) -> tuple[Any, Any, Any]:
    """Accept the shapes as separate arguments or as one list ``[query, value(, key)]``."""
    if (
        value_shape is None
        and isinstance(query_shape, (list, tuple))
        and query_shape
        and isinstance(query_shape[0], (list, tuple))
    ):
        shapes = list(query_shape) + [None]
        return shapes[0], shapes[1], shapes[2]
    return query_shape, value_shape, key_shape


def _call_inputs(layer: Any, query: Any, value: Any, key: Any) -> tuple[Any, Any, Any]:
    """``(query, value, key)`` of an attention call: ``[query, value(, key)]`` accepted, key = value."""
    if value is None and isinstance(query, (list, tuple)):  # also accept [query, value(, key)]
        query, value, key = (list(query) + [None])[:3]
    if value is None:
        raise ValueError(
            f"{type(layer).__name__} layer '{layer.name}' needs `value` (and optionally `key`): call it as "
            "layer(query, value) — for self-attention layer(x, x)."
        )
    return query, value, value if key is None else key


def _call_mask(
    layer: Any,
    query: Any,
    value: Any,
    key: Any,
    query_mask: Any,
    value_mask: Any,
    key_mask: Any,
    attention_mask: Any,
    use_causal_mask: bool,
) -> Any:
    """The attention mask of a call: explicit masks, else the inputs' Keras masks, combined."""
    query_mask = get_keras_mask(query) if query_mask is None else query_mask
    value_mask = get_keras_mask(value) if value_mask is None else value_mask
    key_mask = get_keras_mask(key) if key_mask is None and key is not value else key_mask
    return layer._compute_attention_mask(
        query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask
    )


class MultiHeadAttention(Layer):
    """Project query, key and value into ``num_heads`` heads, attend, and project back.

    Weights (Keras 3 layout, in order): ``query/kernel (dim, heads, key_dim)``, ``query/bias
    (heads, key_dim)``, the same for ``key`` and ``value`` (``value_dim``), then
    ``attention_output/kernel (heads, value_dim, dim)`` and ``attention_output/bias (dim,)``.
    Each projection is one GEMM; the attention is ``tf.nn``'s scaled dot-product kernel (scores
    scaled by ``1 / sqrt(key_dim)``, masked positions dropped).

    Masks: ``attention_mask (batch, Tq, Tv)`` (True = attend), the Keras masks of ``query``,
    ``value`` and ``key`` (e.g. from ``Embedding(mask_zero=True)``), ``use_causal_mask`` and
    ``sliding_window`` are combined.

    Args:
        num_heads: the number of heads.
        key_dim: the size of each query and key head.
        value_dim: the size of each value head (default ``key_dim``).
        dropout: dropout rate on the attention probabilities in training.
        use_bias: whether the projections have biases.
        output_shape: the output's last dimension(s) (default: the query's last dimension).
        attention_axes: the axes attention runs over (default: all but batch, heads and features).
        sliding_window: attend only to keys within this distance.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
            activity_regularizer, kernel_constraint, bias_constraint: for every projection.
        use_gate: a sigmoid gate on the attended values (Keras' gated attention).
        seed: seed of the dropout.

    >>> import tensorflux as tf
    >>> x = tf.ones((2, 5, 8))
    >>> out, scores = MultiHeadAttention(2, 4)(x, x, return_attention_scores=True)
    >>> out.shape, scores.shape
    (TensorShape([2, 5, 8]), TensorShape([2, 2, 5, 5]))
    """

    def __init__(
        self,
        num_heads: int,
        key_dim: int,
        value_dim: int | None = None,
        dropout: float = 0.0,
        use_bias: bool = True,
        output_shape: Any = None,
        attention_axes: Any = None,
        sliding_window: int | None = None,
        flash_attention: Any = None,
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
        for name, v in (("num_heads", num_heads), ("key_dim", key_dim)):
            if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
                raise ValueError(
                    f"Received an invalid value for argument `{name}`, expected a positive integer. "
                    f"Received: {name}={v!r}"
                )
        if value_dim is not None and (
            isinstance(value_dim, bool) or not isinstance(value_dim, int) or value_dim <= 0
        ):
            raise ValueError(
                "Received an invalid value for argument `value_dim`, expected a positive integer or `None`. "
                f"Received: value_dim={value_dim!r}"
            )
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
            raise ValueError(
                f"MultiHeadAttention: `dropout` must be a float in [0, 1). Received: dropout={dropout!r}"
            )
        if sliding_window is not None and (not isinstance(sliding_window, int) or sliding_window <= 0):
            raise ValueError(
                "`sliding_window` must be `None` or a positive integer. Received: "
                f"sliding_window={sliding_window!r}"
            )
        super().__init__(**kwargs)
        self.supports_masking = True
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim if value_dim else key_dim
        self._dropout = float(dropout)
        self._use_bias = bool(use_bias)
        self._use_gate = bool(use_gate)
        if output_shape:
            output_shape = (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        self._output_shape = output_shape or None
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(
                "`attention_axes` must be an int, list, or tuple. Received: "
                f"attention_axes={attention_axes!r}"
            )
        self._attention_axes = None if attention_axes is None else tuple(attention_axes)
        self._sliding_window = sliding_window
        self._flash_attention = flash_attention
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(key_dim))

    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)

    def _sublayer_kwargs(self) -> dict[str, Any]:
        # each projection gets its own copy of the initializers, as Keras does
        return {
            "kernel_initializer": type(self._kernel_initializer).from_config(
                self._kernel_initializer.get_config()
            ),
            "bias_initializer": type(self._bias_initializer).from_config(self._bias_initializer.get_config()),
            "kernel_regularizer": self._kernel_regularizer,
            "bias_regularizer": self._bias_regularizer,
            "kernel_constraint": self._kernel_constraint,
            "bias_constraint": self._bias_constraint,
            "activity_regularizer": self._activity_regularizer,
            "use_bias": self._use_bias,
            "dtype": self.dtype_policy,
        }

    def build(self, query_shape: Any, value_shape: Any = None, key_shape: Any = None) -> None:
        query_shape, value_shape, key_shape = _unpack_shapes(query_shape, value_shape, key_shape)
        query_shape = tuple(query_shape)
        value_shape = query_shape if value_shape is None else tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                "All dimensions of `value` and `key`, except the last one, must be equal. Received: "
                f"value_shape={value_shape} and key_shape={key_shape}"
            )
        heads = self._num_heads
        self._query_dense = HeadProjection((heads, self._key_dim), 1, name="query", **self._sublayer_kwargs())
        self._query_dense.build(query_shape)
        self._key_dense = HeadProjection((heads, self._key_dim), 1, name="key", **self._sublayer_kwargs())
        self._key_dense.build(key_shape)
        if self._use_gate:
            self._gate_dense = HeadProjection(
                (heads, self._value_dim), 1, name="gate", activation="sigmoid", **self._sublayer_kwargs()
            )
            self._gate_dense.build(query_shape)
        self._value_dense = HeadProjection(
            (heads, self._value_dim), 1, name="value", **self._sublayer_kwargs()
        )
        self._value_dense.build(value_shape)
        out = self._output_shape or (query_shape[-1],)
        self._output_dense = HeadProjection(out, 2, name="attention_output", **self._sublayer_kwargs())
        self._output_dense.build(query_shape[:-1] + (heads, self._value_dim))
        rank = len(query_shape) + 1  # after projection: (batch, *middle, heads, dim)
        if self._attention_axes is None:
            self._attention_axes = tuple(range(1, rank - 2))
        else:
            self._attention_axes = tuple(a if a >= 0 else rank - 1 + a for a in self._attention_axes)

    query_dense = property(lambda self: self._query_dense)
    key_dense = property(lambda self: self._key_dense)
    value_dense = property(lambda self: self._value_dense)
    output_dense = property(lambda self: self._output_dense)

    # -- masks ------------------------------------------------------------------------------------
    def _compute_attention_mask(
        self,
        query: Tensor,
        value: Tensor,
        query_mask: Any,
        value_mask: Any,
        key_mask: Any,
        attention_mask: Any,
        use_causal_mask: bool,
    ) -> Any:
        auto = None
        if query_mask is not None:
            auto = array_ops.expand_dims(array_ops.cast(query_mask, "bool"), -1)
        for m in (value_mask, key_mask):
            if m is not None:
                m = array_ops.expand_dims(array_ops.cast(m, "bool"), -2)
                auto = m if auto is None else math_ops.logical_and(auto, m)
        tq, tv = query.shape[1], value.shape[1]
        rows = array_ops.reshape(array_ops.range(tq), (1, tq, 1))
        cols = array_ops.reshape(array_ops.range(tv), (1, 1, tv))
        if use_causal_mask:
            m = math_ops.greater_equal(rows, cols)
            auto = m if auto is None else math_ops.logical_and(auto, m)
        if self._sliding_window is not None:
            m = math_ops.less(math_ops.abs(rows - cols), self._sliding_window)
            auto = m if auto is None else math_ops.logical_and(auto, m)
        if attention_mask is not None:
            attention_mask = array_ops.cast(attention_mask, "bool")
            return attention_mask if auto is None else math_ops.logical_and(attention_mask, auto)
        return auto

    # -- attention --------------------------------------------------------------------------------
    def _compute_attention(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        attention_mask: Any = None,
        training: Any = None,
        return_attention_scores: bool = False,
    ) -> tuple[Tensor, Any]:
        """Attention over ``attention_axes`` of projected ``(batch, *middle, heads, dim)`` tensors."""
        q_shape, k_shape, v_shape = tuple(query.shape), tuple(key.shape), tuple(value.shape)
        rank = len(q_shape)
        attn = self._attention_axes
        others = tuple(a for a in range(1, rank - 2) if a not in attn)
        perm = (0, *others, *attn, rank - 2, rank - 1)
        lead = (q_shape[0],) + tuple(q_shape[a] for a in others)
        bsz, tq, tk = _prod(lead), _prod(q_shape[a] for a in attn), _prod(k_shape[a] for a in attn)
        heads = q_shape[-2]

        def to_sequence(x: Tensor, steps: int) -> Tensor:
            if perm != tuple(range(rank)):
                x = P.unary(P.transpose, x, perm=perm)
            return P.unary(P.reshape, x, shape=(bsz, steps) + tuple(x.shape[-2:]))

        attn_q = tuple(q_shape[a] for a in attn)
        attn_k = tuple(k_shape[a] for a in attn)
        mask = None
        if attention_mask is not None:
            m = attention_mask
            target = lead + attn_q + attn_k
            if m.ndim == len(target) + 1 and len(target) == 3:
                mask = m  # per-head (batch, heads, Tq, Tv): the kernel broadcasts it as it is
            else:
                ms = tuple(m.shape)
                if len(ms) == 2 * len(attn):  # no batch axis
                    ms = (1,) * len(lead) + ms
                elif len(ms) == 1 + 2 * len(attn):  # batch but not the other middle axes
                    ms = ms[:1] + (1,) * (len(lead) - 1) + ms[1:]
                if len(ms) != len(target):
                    raise ValueError(
                        f"MultiHeadAttention layer '{self.name}': attention_mask of shape "
                        f"{tuple(m.shape)} does not "
                        f"match (batch, query positions, key positions) = {target}."
                    )
                m = P.unary(P.broadcast_to, P.unary(P.reshape, m, shape=ms), shape=target)
                mask = P.unary(P.reshape, m, shape=(bsz, tq, tk))
        rate = self._dropout if training else 0.0
        out = attention_ops.scaled_dot_product_attention(
            to_sequence(query, tq),
            to_sequence(key, tk),
            to_sequence(value, tk),
            mask=mask,
            scale=self._inverse_sqrt_key_dim,
            dropout_rate=rate,
            seed=self.seed,
            return_attention_scores=return_attention_scores,
        )
        out, scores = out if return_attention_scores else (out, None)
        # back to (batch, *middle, heads, value_dim) in the query's axis order
        out = P.unary(P.reshape, out, shape=lead + attn_q + (heads, v_shape[-1]))
        if perm != tuple(range(rank)):
            inverse = tuple(perm.index(i) for i in range(rank))
            out = P.unary(P.transpose, out, perm=inverse)
        if scores is not None:
            scores = P.unary(P.reshape, scores, shape=lead + (heads,) + attn_q + attn_k)
        return out, scores

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
        mask = _call_mask(
            self, query, value, key, query_mask, value_mask, key_mask, attention_mask, use_causal_mask
        )
        gate = self._gate_dense(query) if self._use_gate else None
        q = self._query_dense(query)
        k = self._key_dense(key)
        v = self._value_dense(value)
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
        if (
            value_shape is not None
            and key_shape is not None
            and tuple(value_shape)[1:-1] != tuple(key_shape)[1:-1]
        ):
            raise ValueError(
                "All dimensions of `value` and `key`, except the last one, must be equal. Received: "
                f"value_shape={tuple(value_shape)} and key_shape={tuple(key_shape)}"
            )
        if self._output_shape:
            return query_shape[:-1] + tuple(self._output_shape)
        return query_shape

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("return_attention_scores"):
            from tensorflux.keras.engine.symbolic import trial_spec

            return trial_spec(self, args, kwargs)
        return super().compute_output_spec(*args, **kwargs)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "num_heads": self._num_heads,
            "key_dim": self._key_dim,
            "value_dim": self._value_dim,
            "dropout": self._dropout,
            "use_bias": self._use_bias,
            "use_gate": self._use_gate,
            "output_shape": self._output_shape,
            "attention_axes": self._attention_axes,
            "sliding_window": self._sliding_window,
            "kernel_initializer": initializers.serialize(self._kernel_initializer),
            "bias_initializer": initializers.serialize(self._bias_initializer),
            "kernel_regularizer": regularizers.serialize(self._kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self._bias_regularizer),
            "activity_regularizer": regularizers.serialize(self._activity_regularizer),
            "kernel_constraint": constraints.serialize(self._kernel_constraint),
            "bias_constraint": constraints.serialize(self._bias_constraint),
            "seed": self.seed,
        }
