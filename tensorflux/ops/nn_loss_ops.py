"""Losses of ``tf.nn`` computed from logits: stable forward kernels with fused gradients."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import nn_primitives as NP
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.ops._util import t


def _pair(labels: Any, logits: Any, op: str) -> tuple[Tensor, Tensor]:
    logits = t(logits)
    labels = t(labels)
    if logits._value.dtype.kind != "f":
        raise TypeError(f"{op}: logits must be floating point; received {logits.dtype.name}.")
    if labels._value.dtype != logits._value.dtype:
        labels = P.unary(P.cast, labels, dtype=logits._value.dtype)
    if labels._value.shape != logits._value.shape:
        raise ValueError(
            f"{op}: labels and logits must have the same shape; received labels.shape="
            f"{tuple(labels._value.shape)} and logits.shape={tuple(logits._value.shape)}."
        )
    return labels, logits


def softmax_cross_entropy_with_logits(labels: Any, logits: Any, axis: int = -1, name: Any = None) -> Tensor:
    """Cross-entropy between ``labels`` (a distribution per row) and ``softmax(logits)``.

    Labels get a gradient too (``-log_softmax(logits)``), as in TensorFlow.

    >>> import tensorflux as tf
    >>> float(tf.nn.softmax_cross_entropy_with_logits([[0.0, 1.0]], [[0.0, 0.0]])[0])  # doctest: +ELLIPSIS
    0.693...
    """
    labels, logits = _pair(labels, logits, "softmax_cross_entropy_with_logits")
    nd = logits._value.ndim
    if nd == 0:
        raise ValueError("softmax_cross_entropy_with_logits: logits must have rank >= 1; received a scalar.")
    ax = int(axis) % nd
    if ax != nd - 1:
        perm = tuple(i for i in range(nd) if i != ax) + (ax,)
        labels = P.unary(P.transpose, labels, perm=perm)
        logits = P.unary(P.transpose, logits, perm=perm)
    return P.bind(NP.softmax_cross_entropy, (labels, logits), {})


def sparse_softmax_cross_entropy_with_logits(labels: Any, logits: Any, name: Any = None) -> Tensor:
    """Cross-entropy of integer class ``labels`` (shape ``logits.shape[:-1]``) against ``softmax(logits)``.

    >>> import tensorflux as tf
    >>> float(tf.nn.sparse_softmax_cross_entropy_with_logits([1], [[0.0, 0.0]])[0])  # doctest: +ELLIPSIS
    0.693...
    """
    op = "sparse_softmax_cross_entropy_with_logits"
    logits = t(logits)
    labels = t(labels)
    if logits._value.dtype.kind != "f":
        raise TypeError(f"{op}: logits must be floating point; received {logits.dtype.name}.")
    if labels._value.dtype.kind not in "iu":
        raise TypeError(
            f"{op}: labels must be integer class indices; received {labels.dtype.name}. For one-hot or "
            "probability labels use softmax_cross_entropy_with_logits."
        )
    if logits._value.ndim == 0 or labels._value.shape != logits._value.shape[:-1]:
        raise ValueError(
            f"{op}: labels.shape must equal logits.shape except for the last dimension; "
            f"received labels.shape="
            f"{tuple(labels._value.shape)} and logits.shape={tuple(logits._value.shape)}."
        )
    return P.bind(NP.sparse_softmax_cross_entropy, (labels, logits), {})


def sigmoid_cross_entropy_with_logits(labels: Any = None, logits: Any = None, name: Any = None) -> Tensor:
    """Elementwise logistic loss ``max(x, 0) - x * z + log(1 + exp(-|x|))``, finite for any logits.

    >>> import tensorflux as tf
    >>> float(tf.nn.sigmoid_cross_entropy_with_logits(labels=[1.0], logits=[0.0])[0])  # doctest: +ELLIPSIS
    0.693...
    """
    if labels is None or logits is None:
        raise ValueError("sigmoid_cross_entropy_with_logits: both labels and logits must be given.")
    labels, logits = _pair(labels, logits, "sigmoid_cross_entropy_with_logits")
    return P.bind(NP.sigmoid_cross_entropy, (labels, logits), {})


def weighted_cross_entropy_with_logits(labels: Any, logits: Any, pos_weight: Any, name: Any = None) -> Tensor:
    """Logistic loss with the positive term weighted by ``pos_weight``.

    >>> import tensorflux as tf
    >>> float(tf.nn.weighted_cross_entropy_with_logits([1.0], [0.0], 2.0)[0])  # doctest: +ELLIPSIS
    1.386...
    """
    z, x = _pair(labels, logits, "weighted_cross_entropy_with_logits")
    q = pos_weight
    log_weight = (q - 1.0) * z + 1.0
    # log(1 + exp(-x)) = softplus(-x), which stays finite for any x
    return (1.0 - z) * x + log_weight * P.unary(P.softplus, -x)


def l2_loss(t_: Any, name: Any = None) -> Tensor:
    """``sum(t ** 2) / 2``.

    >>> import tensorflux as tf
    >>> float(tf.nn.l2_loss(tf.constant([1.0, 2.0])))
    2.5
    """
    x = t(t_)
    return P.unary(P.reduce_sum, x * x, axis=None, keepdims=False) * 0.5


def compute_average_loss(
    per_example_loss: Any, sample_weight: Any = None, global_batch_size: Any = None, name: Any = None
) -> Tensor:
    """Sum of the (weighted) per-example losses divided by the global batch size (one replica here).

    >>> import tensorflux as tf
    >>> float(tf.nn.compute_average_loss(tf.constant([1.0, 3.0])))
    2.0
    """
    loss = t(per_example_loss)
    if sample_weight is not None:
        loss = loss * sample_weight
    total = P.unary(P.reduce_sum, loss, axis=None, keepdims=False)
    n = global_batch_size
    if n is None:
        n = loss._value.shape[0] if loss._value.ndim else 1
    n = int(n._value) if isinstance(n, Tensor) else int(n)
    if n <= 0 and loss._value.size:
        raise ValueError(
            f"compute_average_loss: global_batch_size must be positive; received {global_batch_size}."
        )
    return total / float(max(n, 1))
