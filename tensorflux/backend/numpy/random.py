"""Random number generation on NumPy: a Generator per seed, TensorFlow's seeding rules above."""

from __future__ import annotations

from typing import Any

import numpy as np


def generator(seed: Any) -> Any:
    """A NumPy Generator from an int or a tuple of ints (None: fresh entropy)."""
    return np.random.default_rng(seed)


def normal(rng: Any, shape: Any, mean: Any, stddev: Any, dtype: Any) -> Any:
    return (rng.standard_normal(shape, dtype=np.float64) * stddev + mean).astype(dtype)


def uniform(rng: Any, shape: Any, minval: Any, maxval: Any, dtype: Any) -> Any:
    if np.issubdtype(dtype, np.integer):
        return rng.integers(minval, maxval, size=shape, dtype=dtype)
    return (rng.random(shape, dtype=np.float64) * (maxval - minval) + minval).astype(dtype)


def truncated_normal(rng: Any, shape: Any, mean: Any, stddev: Any, dtype: Any) -> Any:
    out = rng.standard_normal(shape)
    bad = np.abs(out) > 2
    while bad.any():  # redraw values more than two standard deviations out, as TensorFlow does
        out[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(out) > 2
    return (out * stddev + mean).astype(dtype)


def bernoulli_mask(rng: Any, shape: Any, keep_prob: float) -> Any:
    return rng.random(shape, dtype=np.float32) < keep_prob


def permutation(rng: Any, n: int) -> Any:
    return rng.permutation(n)


def categorical(rng: Any, logits: Any, num_samples: int, dtype: Any) -> Any:
    z = logits - logits.max(axis=-1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=-1, keepdims=True)
    c = np.cumsum(p, axis=-1)
    u = rng.random((logits.shape[0], num_samples, 1))
    return (u > c[:, None, :]).sum(-1).clip(0, logits.shape[-1] - 1).astype(dtype)


def gamma(rng: Any, shape: Any, alpha: Any, beta: Any, dtype: Any) -> Any:
    return (rng.gamma(alpha, 1.0, size=shape) / beta).astype(dtype)


def poisson(rng: Any, shape: Any, lam: Any, dtype: Any) -> Any:
    return rng.poisson(lam, size=shape).astype(dtype)
