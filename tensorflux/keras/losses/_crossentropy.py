"""The cross-entropy kernels behind the probabilistic losses and metrics.

From logits they use the fused kernels of ``tensorflux.ops.nn_loss_ops`` when that module
exists, and an equivalent composition of primitives otherwise.  From probabilities they keep
Keras' numerics: clip to ``[epsilon, 1 - epsilon]`` (categorical ones first renormalise so
each row sums to one), then take the log.
"""

from __future__ import annotations

import warnings
from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import primitives as P
from tensorflux.framework.config import epsilon
from tensorflux.framework.tensor import Tensor

_fused: dict[str, Any] = {}


def _nn_loss_ops() -> Any:
    """The fused kernels module, or None while it does not exist (looked up once)."""
    if "mod" not in _fused:
        try:
            from tensorflux.ops import nn_loss_ops
        except ImportError:
            nn_loss_ops = None
        _fused["mod"] = nn_loss_ops
    return _fused["mod"]


def _sum(x: Tensor, axis: Any, keepdims: bool = False) -> Tensor:
    return P.unary(P.reduce_sum, x, axis=axis, keepdims=keepdims)


def _clip(x: Tensor, lo: float, hi: float) -> Tensor:
    return P.binary(P.minimum, P.binary(P.maximum, x, lo), hi)


def sigmoid_xent_with_logits(labels: Tensor, logits: Tensor) -> Tensor:
    """max(x, 0) - x * z + log(1 + exp(-|x|)), elementwise."""
    k = _nn_loss_ops()
    if k is not None and hasattr(k, "sigmoid_cross_entropy_with_logits"):
        return k.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)
    return P.unary(P.relu, logits) - logits * labels + P.unary(P.softplus, -P.unary(P.abs, logits))


def softmax_xent_with_logits(labels: Tensor, logits: Tensor, axis: int = -1) -> Tensor:
    k = _nn_loss_ops()
    if k is not None and hasattr(k, "softmax_cross_entropy_with_logits"):
        return k.softmax_cross_entropy_with_logits(labels=labels, logits=logits, axis=axis)
    return -_sum(labels * P.unary(P.log_softmax, logits, axis=axis), axis)


def sparse_softmax_xent_with_logits(labels: Tensor, logits: Tensor) -> Tensor:
    """``labels`` are integer class indices of shape ``logits.shape[:-1]``."""
    k = _nn_loss_ops()
    if k is not None and hasattr(k, "sparse_softmax_cross_entropy_with_logits"):
        return k.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    logp = P.unary(P.log_softmax, logits, axis=-1)
    return -_pick(logp, labels)


def _pick(x: Tensor, labels: Tensor) -> Tensor:
    """``x[..., labels]`` along the last axis, one value per row."""
    idx = P.unary(P.reshape, labels, shape=labels._value.shape + (1,))
    picked = P.bind(P.take_along_axis, (x, idx), {"axis": -1})
    return P.unary(P.reshape, picked, shape=labels._value.shape)


def binary_xent_from_probs(target: Tensor, output: Tensor) -> Tensor:
    eps = epsilon()
    out = _clip(output, eps, 1.0 - eps)
    return -(target * P.unary(P.log, out) + (1.0 - target) * P.unary(P.log, 1.0 - out))


def categorical_xent_from_probs(target: Tensor, output: Tensor, axis: int = -1) -> Tensor:
    eps = epsilon()
    out = output / _sum(output, axis, keepdims=True)
    out = _clip(out, eps, 1.0 - eps)
    return -_sum(target * P.unary(P.log, out), axis)


def sparse_categorical_xent_from_probs(labels: Tensor, output: Tensor) -> Tensor:
    """Same value as one-hot categorical cross-entropy, but only the target column is logged.

    Renormalising, clipping and the log act elementwise, so picking the target probability
    first and normalising it by its row sum gives Keras' numbers in one pass over the array.
    """
    eps = epsilon()
    p = _pick(output, labels) / _sum(output, -1)
    return -P.unary(P.log, _clip(p, eps, 1.0 - eps))


_NOT_PROBS = (
    "binary_crossentropy: the model's outputs are not probabilities (values from {lo:.4g} to {hi:.4g} lie "
    "outside [0, 1]); as in Keras they are clipped to [1e-7, 1 - 1e-7], so the loss cannot train well. "
    "A sigmoid is probably missing on the last layer (e.g. Dense(1, activation='sigmoid')), or use "
    "keras.losses.BinaryCrossentropy(from_logits=True) if the outputs are logits."
)


def warn_if_not_probabilities(y_pred: Any) -> bool:
    """Warn when ``y_pred`` has values outside [0, 1]; return whether it warned (callers warn once)."""
    v = y_pred._value if isinstance(y_pred, Tensor) else B.asarray(y_pred)
    if v.size == 0:
        return False
    lo, hi = float(B.min(v, None, False)), float(B.max(v, None, False))
    if lo < 0.0 or hi > 1.0:
        warnings.warn(_NOT_PROBS.format(lo=lo, hi=hi), UserWarning, stacklevel=5)
        return True
    return False
