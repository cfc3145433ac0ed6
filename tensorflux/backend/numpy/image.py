"""Image resizing on NumPy as two small interpolation matrices (height, then width).

Resizing is linear in the image, so ``y = A_h x A_w^T`` per image and channel; the gradient
uses the transposed matrices.  The matrices follow TensorFlow 2's ``tf.image.resize``
(half-pixel centers, no corner alignment) and are cached per (in, out, method).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np


@functools.lru_cache(maxsize=64)
def resize_matrix(n_in: int, n_out: int, method: str, dtype: str) -> Any:
    """``(n_out, n_in)`` matrix mapping one axis of the input to the output."""
    scale = n_in / n_out
    o = np.arange(n_out, dtype=np.float64)
    a = np.zeros((n_out, n_in), np.float64)
    if method == "nearest":
        src = np.minimum(np.floor((o + 0.5) * scale).astype(np.int64), n_in - 1)
        a[np.arange(n_out), np.maximum(src, 0)] = 1.0
    elif method == "bilinear":
        pos = (o + 0.5) * scale - 0.5
        low = np.floor(pos)
        frac = pos - low
        lo = np.clip(low, 0, n_in - 1).astype(np.int64)
        hi = np.clip(np.ceil(pos), 0, n_in - 1).astype(np.int64)
        np.add.at(a, (np.arange(n_out), lo), 1.0 - frac)
        np.add.at(a, (np.arange(n_out), hi), frac)
    else:
        raise ValueError(f"Unknown resize method {method!r}; expected 'nearest' or 'bilinear'.")
    a = a.astype(dtype)
    a.flags.writeable = False
    return a


def _apply(x: Any, ah: Any, aw: Any) -> Any:
    n, h, w, c = x.shape
    t = np.matmul(ah, x.reshape(n, h, w * c))  # (N, H', W*C)
    ho = ah.shape[0]
    return np.matmul(aw, t.reshape(n * ho, w, c)).reshape(n, ho, aw.shape[0], c)


def resize(x: Any, size: Any, method: str) -> Any:
    """Resize NHWC ``x`` to ``size = (height, width)``."""
    dt = x.dtype.name
    return _apply(
        x, resize_matrix(x.shape[1], size[0], method, dt), resize_matrix(x.shape[2], size[1], method, dt)
    )


def resize_grad(g: Any, in_size: Any, method: str) -> Any:
    """Adjoint of ``resize``: the gradient on the input image of size ``in_size``."""
    dt = g.dtype.name
    ah = resize_matrix(in_size[0], g.shape[1], method, dt)
    aw = resize_matrix(in_size[1], g.shape[2], method, dt)
    return _apply(g, ah.T, aw.T)


__all__ = ["resize", "resize_grad", "resize_matrix"]
