"""Attention: dot-product (Luong-style) attention over a query, a value and an optional key."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import array_ops, dropout_ops, math_ops


class Attention(Layer):
    """``softmax(scores(query, key)) @ value`` for query ``(batch, Tq, dim)``, value ``(batch, Tv, dim)``.

    ``score_mode="dot"``: ``scores = query @ key^T`` (times a learned scalar ``scale`` with
    ``use_scale``); ``"concat"``: ``scores = concat_score_weight * sum(tanh(scale * (q + k)))`` over
    the features.  A value mask hides padded keys; a query mask zeroes the padded queries' outputs
    (and is the output mask).

    Args:
        use_scale: learn a scalar ``scale`` (initially 1) multiplying the scores.
        score_mode: ``"dot"`` (default) or ``"concat"``.
        dropout: dropout rate on the attention weights in training.
        seed: seed of the dropout.

    Call arguments: ``inputs`` = ``[query, value]`` or ``[query, value, key]``; ``mask`` =
    ``[query_mask, value_mask]``; ``training``; ``return_attention_scores``; ``use_causal_mask``.

    >>> import tensorflux as tf
    >>> Attention()([tf.ones((2, 3, 4)), tf.ones((2, 5, 4))]).shape
    TensorShape([2, 3, 4])
    """

    def __init__(
        self,
        use_scale: bool = False,
        score_mode: str = "dot",
        dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(
                "Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. "
                f"Received: score_mode={score_mode!r}"
            )
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout <= 1:
            raise ValueError(f"Attention: `dropout` must be a float in [0, 1]. Received: dropout={dropout!r}")
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode
        self.dropout = float(dropout)
        self.seed = seed
        self.supports_masking = True
        self.scale = self.concat_score_weight = None

    def _validate(self, inputs: Any, mask: Any = None) -> None:
        name = type(self).__name__
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"{name} layer '{self.name}' must be called on a list of inputs, namely [query, value] or "
                f"[query, value, key]. Received: inputs={inputs!r}."
            )
        if not 2 <= len(inputs) <= 3:
            raise ValueError(
                f"{name} layer '{self.name}' accepts inputs list of length 2 or 3, namely [query, value] or "
                f"[query, value, key]. Received length: {len(inputs)}."
            )
        if mask is not None and (not isinstance(mask, (list, tuple)) or not 2 <= len(mask) <= 3):
            raise ValueError(
                f"{name} layer '{self.name}' mask must be a list [query_mask, value_mask]. Received: "
                f"mask={mask!r}."
            )

    def build(self, input_shape: Any) -> None:
        self._validate(input_shape)
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(
                name="concat_score_weight", shape=(), initializer="ones"
            )

    def _calculate_scores(self, query: Tensor, key: Tensor) -> Tensor:
        if self.score_mode == "dot":
            scores = P.binary(P.matmul, query, array_ops.transpose(key, (0, 2, 1)))
            return scores * self.scale if self.scale is not None else scores
        # concat: (B, Tq, 1, d) + (B, 1, Tv, d)
        q = array_ops.expand_dims(query, -2)
        k = array_ops.expand_dims(key, -3)
        s = q + k
        if self.scale is not None:
            s = s * self.scale
        return self.concat_score_weight * math_ops.reduce_sum(P.unary(P.tanh, s), axis=-1)

    def call(
        self,
        inputs: Any,
        mask: Any = None,
        training: Any = False,
        return_attention_scores: bool = False,
        use_causal_mask: bool = False,
    ) -> Any:
        self._validate(inputs, mask)
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) > 2 else v
        q_mask = mask[0] if mask else None
        v_mask = mask[1] if mask else None
        scores = self._calculate_scores(q, k)
        keep = None
        if v_mask is not None:
            keep = array_ops.expand_dims(array_ops.cast(v_mask, "bool"), -2)
        if use_causal_mask:
            tq, tv = scores.shape[-2], scores.shape[-1]
            causal = math_ops.greater_equal(
                array_ops.reshape(array_ops.range(tq), (1, tq, 1)),
                array_ops.reshape(array_ops.range(tv), (1, 1, tv)),
            )
            keep = causal if keep is None else math_ops.logical_and(keep, causal)
        if keep is not None:
            # Keras subtracts 1e9 where the key is hidden, which softmax turns into 0
            keep = P.unary(P.broadcast_to, keep, shape=tuple(scores.shape))
            scores = array_ops.where(keep, scores, scores - 1e9)
        weights = P.unary(P.softmax, scores, axis=-1)
        attended = weights
        if training and self.dropout > 0:
            attended = (
                dropout_ops.dropout(weights, self.dropout, seed=self.seed)
                if self.dropout < 1
                else weights * 0.0
            )
        output = P.binary(P.matmul, attended, v)
        if q_mask is not None:
            qm = P.unary(
                P.broadcast_to,
                array_ops.expand_dims(array_ops.cast(q_mask, "bool"), -1),
                shape=tuple(output.shape),
            )
            output = array_ops.where(qm, output, array_ops.zeros_like(output))
        return (output, weights) if return_attention_scores else output

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None or not isinstance(mask, (list, tuple)) or mask[0] is None:
            return None
        return mask[0]

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        self._validate(input_shape)
        q, v = tuple(input_shape[0]), tuple(input_shape[1])
        return (*q[:-1], v[-1])

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("return_attention_scores"):
            from tensorflux.keras.engine.symbolic import trial_spec

            return trial_spec(self, args, kwargs)
        return super().compute_output_spec(*args, **kwargs)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "use_scale": self.use_scale,
            "score_mode": self.score_mode,
            "dropout": self.dropout,
            "seed": self.seed,
        }
