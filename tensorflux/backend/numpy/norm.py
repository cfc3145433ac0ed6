"""Fused batch and layer normalization on NumPy (forward and backward in few passes).

Batch-norm statistics over a channels-last array are column sums of an ``(M, C)`` matrix;
they are taken as a ones-vector GEMM, several times faster than ``sum(axis=0)`` here.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _rows(x: Any, axis: int) -> Any:
    """``x`` as ``(M, C)`` with the channel axis last (a view when ``axis`` is already last)."""
    if axis != x.ndim - 1:
        x = np.moveaxis(x, axis, -1)
    return x.reshape(-1, x.shape[-1])


def _unrows(y2: Any, shape: Any, axis: int) -> Any:
    if axis == len(shape) - 1:
        return y2.reshape(shape)
    moved = tuple(s for i, s in enumerate(shape) if i != axis) + (shape[axis],)
    return np.ascontiguousarray(np.moveaxis(y2.reshape(moved), -1, axis))


def _colsum(a: Any) -> Any:
    return (np.ones((1, a.shape[0]), a.dtype) @ a)[0]


def fused_batch_norm(x: Any, scale: Any, offset: Any, epsilon: float, axis: int) -> tuple[Any, Any, Any]:
    """Training batch norm: ``(y, batch_mean, batch_variance)``, the variance biased (Keras)."""
    axis %= x.ndim
    x2 = _rows(x, axis)
    m = x2.shape[0]
    inv_m = np.asarray(1.0 / max(m, 1), x.dtype)
    mean = _colsum(x2) * inv_m
    xc = x2 - mean
    var = _colsum(xc * xc) * inv_m
    a = scale * (1.0 / np.sqrt(var + np.asarray(epsilon, x.dtype)))
    xc *= a
    xc += offset
    return _unrows(xc, x.shape, axis), mean, var


def fused_batch_norm_grad(
    dy: Any, x: Any, scale: Any, mean: Any, var: Any, dmean: Any, dvar: Any, epsilon: float, axis: int
) -> tuple[Any, Any, Any]:
    """``(dx, dscale, doffset)`` of training batch norm, including any gradient of the batch stats."""
    axis %= x.ndim
    x2 = _rows(x, axis)
    dy2 = _rows(dy, axis)
    m = x2.shape[0]
    inv_m = np.asarray(1.0 / max(m, 1), x.dtype)
    inv = 1.0 / np.sqrt(var + np.asarray(epsilon, x.dtype))
    xhat = x2 - mean
    xhat *= inv
    doffset = _colsum(dy2)
    dscale = _colsum(dy2 * xhat)
    # dx = scale*inv/m * (m*dy - sum(dy) - xhat*sum(dy*xhat)), plus the batch statistics' own terms
    k = scale * inv
    dx = dy2 * k
    dx -= xhat * (k * dscale * inv_m - 2.0 * dvar * inv_m / inv)
    dx -= k * doffset * inv_m - dmean * inv_m
    return _unrows(dx, x.shape, axis), dscale, doffset


def layer_norm(x: Any, gamma: Any, beta: Any, axes: Any, epsilon: float) -> Any:
    """``(x - mean) / sqrt(var + eps) * gamma + beta`` with the statistics over ``axes``."""
    mean = x.mean(axis=axes, keepdims=True)
    xc = x - mean
    var = np.mean(xc * xc, axis=axes, keepdims=True)
    xc *= 1.0 / np.sqrt(var + np.asarray(epsilon, x.dtype))
    xc *= gamma
    xc += beta
    return xc


def layer_norm_grad(dy: Any, x: Any, gamma: Any, axes: Any, epsilon: float) -> tuple[Any, Any, Any]:
    """``(dx, dgamma, dbeta)`` of ``layer_norm``; the parameter gradients keep ``gamma``'s shape."""
    mean = x.mean(axis=axes, keepdims=True)
    xhat = x - mean
    inv = 1.0 / np.sqrt(np.mean(xhat * xhat, axis=axes, keepdims=True) + np.asarray(epsilon, x.dtype))
    xhat *= inv
    other = tuple(i for i in range(x.ndim) if i not in axes)
    dbeta = dy.sum(axis=other, keepdims=True).reshape(gamma.shape)
    dgamma = (dy * xhat).sum(axis=other, keepdims=True).reshape(gamma.shape)
    d = dy * gamma
    dx = d - d.mean(axis=axes, keepdims=True)
    dx -= xhat * np.mean(d * xhat, axis=axes, keepdims=True)
    dx *= inv
    return dx, dgamma, dbeta


__all__ = ["fused_batch_norm", "fused_batch_norm_grad", "layer_norm", "layer_norm_grad"]
