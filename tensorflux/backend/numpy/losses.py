"""Cross-entropy losses from logits on NumPy, stable for any logit magnitude.

The forward kernels shift by the row maximum (softmax) or split on the sign (sigmoid), so
logits of 1e4 or -100 give finite values; the gradients are built above from the stable
``softmax`` and ``sigmoid`` kernels.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _log_softmax_last(logits: Any) -> Any:
    z = logits - logits.max(axis=-1, keepdims=True)
    z -= np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return z


def softmax_cross_entropy(labels: Any, logits: Any) -> Any:
    """``-sum(labels * log_softmax(logits))`` over the last axis."""
    logp = _log_softmax_last(logits)
    logp *= labels
    return -logp.sum(axis=-1)


def sparse_softmax_cross_entropy(labels: Any, logits: Any) -> Any:
    """``logsumexp(logits) - logits[label]`` over the last axis; labels are class indices."""
    k = logits.shape[-1]
    if labels.size:
        lo, hi = int(labels.min()), int(labels.max())
        if lo < 0 or hi >= k:
            bad = lo if lo < 0 else hi
            raise ValueError(f"Received a label value of {bad} which is outside the valid range of [0, {k}).")
    m = logits.max(axis=-1, keepdims=True)
    lse = np.log(np.exp(logits - m).sum(axis=-1)) + m[..., 0]
    picked = np.take_along_axis(logits, labels[..., None].astype(np.intp), axis=-1)[..., 0]
    return lse - picked


def sigmoid_cross_entropy(labels: Any, logits: Any) -> Any:
    """``max(x, 0) - x * z + log1p(exp(-|x|))``: the logistic loss without overflow."""
    out = np.maximum(logits, 0)
    out -= logits * labels
    out += np.log1p(np.exp(-np.abs(logits)))
    return out


__all__ = ["sigmoid_cross_entropy", "softmax_cross_entropy", "sparse_softmax_cross_entropy"]
