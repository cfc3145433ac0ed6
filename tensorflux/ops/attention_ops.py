"""Scaled dot-product attention, the core of ``MultiHeadAttention``, composed from primitives.

Layout: ``(batch, seq, heads, dim)``, the layout of Keras' ``MultiHeadAttention`` after its
einsum projections and of ``keras.ops.dot_product_attention``; a rank-3 ``(batch, seq, dim)``
input is one head.  The scores are ``(batch, heads, q_seq, kv_seq)``.  Every step is a
primitive with a gradient rule (matmul, softmax, where), so the composite is differentiable to
any order; the two products are batched GEMMs.
"""

from __future__ import annotations

import math
from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.ops import random_ops
from tensorflux.ops._util import t

_TO_HEADS_FIRST = (0, 2, 1, 3)  # (B, T, N, H) <-> (B, N, T, H); the permutation is its own inverse


def _large_negative(dtype: Any) -> float:
    # what Keras' masked softmax adds to dropped positions: exp() of it is exactly 0 in float32
    return -3e4 if dtype.itemsize <= 2 else -1e9


def _one_head(x: Tensor) -> Tensor:
    s = tuple(x._value.shape)
    return P.unary(P.reshape, x, shape=s[:2] + (1,) + s[2:])


def _check(query: Tensor, key: Tensor, value: Tensor) -> None:
    q, k, v = (a._value.shape for a in (query, key, value))
    if len(q) != 4 or len(k) != 4 or len(v) != 4:
        raise ValueError(
            "scaled_dot_product_attention: query, key and value must have shape (batch, seq, heads, dim) "
            f"(or (batch, seq, dim) for one head); received {tuple(q)}, {tuple(k)} and {tuple(v)}."
        )
    if q[-1] != k[-1] or q[2] != k[2] or k[:3] != v[:3] or q[0] != k[0]:
        raise ValueError(
            "scaled_dot_product_attention: query and key must share batch, heads and dim, and key and "
            f"value batch, seq and heads; received query {tuple(q)}, key {tuple(k)}, value {tuple(v)}."
        )
    dtypes = {a._value.dtype for a in (query, key, value)}
    if len(dtypes) != 1 or next(iter(dtypes)).kind != "f":
        raise TypeError(
            "scaled_dot_product_attention: query, key and value must be float tensors of one dtype; received "
            f"{', '.join(a._value.dtype.name for a in (query, key, value))}."
        )


def _mask_to_scores(mask: Tensor, scores_shape: tuple[int, ...]) -> Tensor:
    """Bring a mask to rank 4 the way MultiHeadAttention does: (B, T, S) gains a heads axis."""
    nd = mask._value.ndim
    if nd == 3:
        mask = P.unary(P.reshape, mask, shape=(mask._value.shape[0], 1) + tuple(mask._value.shape[1:]))
    elif nd not in (2, 4):
        raise ValueError(
            f"scaled_dot_product_attention: mask must have rank 2 (q_seq, kv_seq), 3 (batch, q_seq, kv_seq) "
            f"or 4 (batch, heads, q_seq, kv_seq); received shape {tuple(mask._value.shape)}."
        )
    try:
        B.broadcast_shapes(tuple(mask._value.shape), scores_shape)
    except ValueError:
        raise ValueError(
            f"scaled_dot_product_attention: mask of shape {tuple(mask._value.shape)} does not broadcast to "
            f"the scores' shape (batch, heads, q_seq, kv_seq) = {scores_shape}."
        ) from None
    return mask


def scaled_dot_product_attention(
    query: Any,
    key: Any,
    value: Any,
    mask: Any = None,
    scale: float | None = None,
    bias: Any = None,
    is_causal: bool = False,
    dropout_rate: float = 0.0,
    seed: Any = None,
    return_attention_scores: bool = False,
) -> Any:
    """``softmax(query . key * scale + bias, masked) . value`` over ``(batch, seq, heads, dim)`` tensors.

    Args:
        query: ``(batch, q_seq, heads, dim)`` (or ``(batch, q_seq, dim)`` for a single head).
        key: ``(batch, kv_seq, heads, dim)``.
        value: ``(batch, kv_seq, heads, value_dim)``.
        mask: a boolean mask (True = attend, as Keras) or a float mask added to the scores. Rank 4
            broadcasts against the scores ``(batch, heads, q_seq, kv_seq)``; rank 3
            ``(batch, q_seq, kv_seq)`` applies to every head (as ``MultiHeadAttention``'s
            ``attention_mask``); rank 2 ``(q_seq, kv_seq)`` to every batch item and head.
        scale: multiplies the scores; default ``1 / sqrt(dim)``.
        bias: an optional float tensor added to the scores (as ``keras.ops.dot_product_attention``).
        is_causal: query ``i`` attends only to keys ``j <= i``.
        dropout_rate: drop attention probabilities with this rate (scaled by ``1 / (1 - rate)``).
        seed: op seed for the dropout.
        return_attention_scores: also return the probabilities ``(batch, heads, q_seq, kv_seq)``.

    Returns:
        The attended values in the query's layout, and the probabilities if asked.

    A query whose keys are all masked gets a uniform distribution, as in Keras.

    >>> import tensorflux as tf
    >>> q = tf.ones((2, 3, 4, 8))
    >>> scaled_dot_product_attention(q, q, q).shape
    TensorShape([2, 3, 4, 8])
    """
    q, k, v = t(query), t(key), t(value)
    single_head = q._value.ndim == 3
    if single_head:
        q, k, v = (_one_head(a) for a in (q, k, v))
    _check(q, k, v)
    dim = q._value.shape[-1]
    if scale is None:
        scale = 1.0 / math.sqrt(dim)
    # scale the query: it is smaller than the scores whenever dim < kv_seq
    qh = P.unary(P.transpose, q * float(scale), perm=_TO_HEADS_FIRST)
    kt = P.unary(P.transpose, k, perm=(0, 2, 3, 1))
    vh = P.unary(P.transpose, v, perm=_TO_HEADS_FIRST)
    scores = P.binary(P.matmul, qh, kt)
    shape = tuple(scores._value.shape)
    dt = scores._value.dtype
    if bias is not None:
        scores = scores + _mask_to_scores(t(bias), shape)
    keep = None
    if mask is not None:
        m = _mask_to_scores(t(mask), shape)
        if m._value.dtype.kind == "b":
            keep = m
        else:
            scores = scores + m
    if is_causal:
        tq, ts = shape[-2:]
        causal = Tensor(B.causal_mask(tq, ts))
        keep = causal if keep is None else P.binary(P.logical_and, keep, causal)
    if keep is not None:
        keep = P.unary(P.broadcast_to, keep, shape=shape)
        scores = P.bind(P.where, (keep, scores, Tensor(B.full((), _large_negative(dt), dt))), {})
    probs = P.unary(P.softmax, scores, axis=-1)
    weights = probs
    if dropout_rate:
        if not 0 <= dropout_rate < 1:
            raise ValueError(
                f"scaled_dot_product_attention: dropout_rate must be in [0, 1); received {dropout_rate}."
            )
        u = random_ops._draw(B.uniform, seed, shape, 0.0, 1.0, dt)
        kept = P.binary(P.greater_equal, u, dropout_rate)
        weights = P.bind(P.where, (kept, probs * (1.0 / (1.0 - dropout_rate)), Tensor(B.zeros((), dt))), {})
    out = P.unary(P.transpose, P.binary(P.matmul, weights, vh), perm=_TO_HEADS_FIRST)
    if single_head:
        out = P.unary(P.reshape, out, shape=tuple(out._value.shape[:2]) + (out._value.shape[3],))
    return (out, probs) if return_attention_scores else out


dot_product_attention = scaled_dot_product_attention
