"""AdditiveAttention: Bahdanau-style attention, ``scores = sum(scale * tanh(query + key))``."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.attention.attention import Attention
from tensorflux.ops import array_ops, math_ops


class AdditiveAttention(Attention):
    """Additive (Bahdanau) attention over a query ``(batch, Tq, dim)`` and a value ``(batch, Tv, dim)``.

    ``scores[b, i, j] = sum_d scale[d] * tanh(query[b, i, d] + key[b, j, d])``, then the softmax over
    the keys weights the values, as in ``Attention`` (same masks, dropout, causal mask and
    ``return_attention_scores``).  With ``use_scale`` (the default) ``scale`` is a learned vector of
    size ``dim`` (Glorot-uniform initialised); without it the scale is 1.

    Args:
        use_scale: learn the ``scale`` vector (default True).
        dropout: dropout rate on the attention weights in training.

    Call arguments: ``inputs`` = ``[query, value]`` or ``[query, value, key]``; ``mask`` =
    ``[query_mask, value_mask]``; ``training``; ``return_attention_scores``; ``use_causal_mask``.

    >>> import tensorflux as tf
    >>> AdditiveAttention()([tf.ones((2, 3, 4)), tf.ones((2, 5, 4))]).shape
    TensorShape([2, 3, 4])
    """

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, **kwargs: Any) -> None:
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape: Any) -> None:
        if not isinstance(input_shape, (list, tuple)) or not all(
            isinstance(s, (list, tuple)) or hasattr(s, "as_list") for s in input_shape
        ):
            raise ValueError(
                f"AdditiveAttention layer '{self.name}' must be called on a list of inputs, namely "
                f"[query, value] or [query, value, key]. Received: input_shape={input_shape!r}."
            )
        self._validate(input_shape)
        q_dim = input_shape[0][-1]
        k_dim = (input_shape[2] if len(input_shape) > 2 else input_shape[1])[-1]
        if q_dim is not None and k_dim is not None and q_dim != k_dim:
            raise ValueError(
                f"AdditiveAttention layer '{self.name}': query and key must have the same last dimension "
                f"(the scores add them). Received: query dim {q_dim}, key dim {k_dim}."
            )
        self.scale = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(q_dim,), initializer="glorot_uniform")

    def _calculate_scores(self, query: Tensor, key: Tensor) -> Tensor:
        q = array_ops.expand_dims(query, -2)  # (batch, Tq, 1, dim)
        k = array_ops.expand_dims(key, -3)  # (batch, 1, Tv, dim)
        s = P.unary(P.tanh, q + k)
        if self.scale is not None:
            s = s * self.scale
        return math_ops.reduce_sum(s, axis=-1)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["score_mode"]
        return config
