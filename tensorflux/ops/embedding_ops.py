"""``tf.nn.embedding_lookup``: gather rows of an embedding table, with a scatter-add gradient.

The gradient with respect to the table is dense (rows scatter-added into zeros) when the table
is small, and an ``IndexedSlices`` (the looked-up rows' gradients and their ids) above
``rnn_primitives.DENSE_EMBEDDING_GRAD_LIMIT`` elements, so that a large vocabulary does not
cost a dense ``(vocab, dim)`` gradient per step where the consumer can apply rows sparsely.
"""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import primitives as P
from tensorflux.framework import rnn_primitives as R
from tensorflux.framework.tensor import Tensor
from tensorflux.ops._util import t


def _table(params: Any) -> Tensor:
    """One table from ``params``; a list of shards is joined in TensorFlow 2's "div" order."""
    if not isinstance(params, (list, tuple)):
        return t(params)
    shards = [t(p) for p in params]
    if not shards:
        raise ValueError("embedding_lookup: params is an empty list; pass the embedding table.")
    if len(shards) == 1:
        return shards[0]
    # "div": ids are split into contiguous ranges, the first (vocab % n) shards one row longer,
    # so the shards joined in order are the table in id order
    sizes = [s._value.shape[0] for s in shards]
    vocab, n = sum(sizes), len(shards)
    expected = [vocab // n + (1 if i < vocab % n else 0) for i in range(n)]
    if sizes != expected:
        raise ValueError(
            f"embedding_lookup: shards of sizes {sizes} do not follow the 'div' partition of {vocab} ids "
            f"over {n} shards ({expected}); pass one table or shards of those sizes."
        )
    return P.bind(P.concat, tuple(shards), {"axis": 0})


def embedding_lookup(params: Any, ids: Any, max_norm: float | None = None, name: Any = None) -> Tensor:
    """Rows of ``params`` selected by ``ids``: shape ``ids.shape + params.shape[1:]``.

    Args:
        params: the table ``(vocab, dim, ...)`` (a tensor or variable), or a list of shards split
            with TensorFlow 2's "div" strategy.
        ids: integer ids in ``[0, vocab)``; any shape.  An id out of range raises ``IndexError``
            naming the id, its position and the vocabulary size.
        max_norm: if given, each looked-up row whose L2 norm exceeds it is scaled down to it.

    >>> import tensorflux as tf
    >>> embedding_lookup(tf.constant([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]), [[2, 0]]).numpy()
    array([[[4., 5.],
            [0., 1.]]], dtype=float32)
    """
    table = _table(params)
    ids_t = t(ids)
    if table._value.ndim < 1:
        raise ValueError(
            f"embedding_lookup: params must have rank >= 1; received shape {tuple(table._value.shape)}."
        )
    if ids_t._value.dtype.kind not in "iu":
        raise TypeError(
            f"embedding_lookup: ids must be integers; received dtype {ids_t._value.dtype.name}. Use tf.cast."
        )
    out = P.bind(R.embedding_lookup, (table, ids_t), {})
    if max_norm is not None:
        out = _clip_rows(out, ids_t._value.ndim, float(max_norm))
    return out


def _clip_rows(x: Tensor, lead: int, max_norm: float) -> Tensor:
    """Scale each row (the axes after the ids' axes) to L2 norm at most ``max_norm``, as TensorFlow."""
    axes = tuple(range(lead, x._value.ndim))
    if not axes:
        return x
    sq = P.unary(P.reduce_sum, x * x, axis=axes, keepdims=True)
    # TensorFlow's clip_by_norm: x * max_norm / max(norm, max_norm), written without a sqrt of 0
    # on the branch that keeps the row
    one = Tensor(B.ones((), x._value.dtype))
    big = P.binary(P.greater, sq, max_norm * max_norm)
    safe = P.bind(P.where, (big, sq, one), {})
    factor = P.bind(P.where, (big, P.unary(P.rsqrt, safe) * max_norm, one), {})
    return x * factor
