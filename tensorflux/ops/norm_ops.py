"""Normalization: ``tf.nn.moments``, ``tf.nn.batch_normalization`` and the fused kernels Keras layers use."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import nn_primitives as NP
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.ops._util import axis_arg, t


def moments(
    x: Any, axes: Any, shift: Any = None, keepdims: bool = False, name: Any = None
) -> tuple[Tensor, Tensor]:
    """Mean and (biased) variance of ``x`` over ``axes``.

    >>> import tensorflux as tf
    >>> mean, var = tf.nn.moments(tf.constant([1.0, 2.0, 3.0, 4.0]), axes=[0])
    >>> float(mean), float(var)
    (2.5, 1.25)
    """
    x = t(x)
    axes = axis_arg(axes)
    mean = P.unary(P.reduce_mean, x, axis=axes, keepdims=True)
    # the variance's gradient through the mean is zero; stop_gradient saves recording that path
    diff = x - P.unary(P.stop_gradient, mean)
    var = P.unary(P.reduce_mean, diff * diff, axis=axes, keepdims=keepdims)
    if not keepdims:
        mean = P.unary(P.reshape, mean, shape=var._value.shape)
    return mean, var


def batch_normalization(
    x: Any, mean: Any, variance: Any, offset: Any, scale: Any, variance_epsilon: float, name: Any = None
) -> Tensor:
    """``(x - mean) * scale / sqrt(variance + variance_epsilon) + offset`` (offset, scale may be None).

    >>> import tensorflux as tf
    >>> tf.nn.batch_normalization(tf.constant([1.0, 3.0]), 2.0, 1.0, None, None, 0.0).numpy()
    array([-1.,  1.], dtype=float32)
    """
    x = t(x)
    inv = P.unary(P.rsqrt, t(variance) + variance_epsilon)
    if scale is not None:
        inv = inv * scale
    shift = -t(mean) * inv
    if offset is not None:
        shift = shift + offset
    return x * inv + shift


def fused_batch_norm(
    x: Any,
    scale: Any,
    offset: Any,
    mean: Any = None,
    variance: Any = None,
    epsilon: float = 1e-3,
    axis: int = -1,
    training: bool = True,
) -> tuple[Tensor, Tensor, Tensor]:
    """Batch normalization over every axis but ``axis``, as the Keras BatchNormalization layer does.

    Training: normalizes with the batch statistics (biased variance) and returns them,
    ``(y, batch_mean, batch_variance)``, with a fused backward.  Inference: normalizes with the
    given moving ``mean`` and ``variance`` and returns ``(y, mean, variance)``.

    >>> import tensorflux as tf
    >>> y, m, v = fused_batch_norm(tf.constant([[1.0], [3.0]]), tf.ones(1), tf.zeros(1))
    >>> [round(float(a), 4) for a in (y[0, 0], m[0], v[0])]
    [-0.9995, 2.0, 1.0]
    """
    x = t(x)
    nd = x._value.ndim
    ax = int(axis)
    if not -nd <= ax < nd:
        raise ValueError(
            f"fused_batch_norm: axis={axis} is out of range for an input of shape {tuple(x._value.shape)}."
        )
    c = x._value.shape[ax]
    scale, offset = t(scale), t(offset)
    for nm, v in (("scale", scale), ("offset", offset)):
        if tuple(v._value.shape) != (c,):
            raise ValueError(
                f"fused_batch_norm: {nm} must have shape ({c},) to match axis {axis} of the input "
                f"{tuple(x._value.shape)}; received {tuple(v._value.shape)}."
            )
    if training:
        return P.bind(NP.fused_batch_norm, (x, scale, offset), {"epsilon": float(epsilon), "axis": ax % nd})
    if mean is None or variance is None:
        raise ValueError("fused_batch_norm: inference (training=False) needs the moving mean and variance.")
    mean, variance = t(mean), t(variance)
    shape = [1] * nd
    shape[ax] = c
    a = P.unary(P.rsqrt, variance + float(epsilon)) * scale
    b = offset - mean * a
    y = x * P.unary(P.reshape, a, shape=tuple(shape)) + P.unary(P.reshape, b, shape=tuple(shape))
    return y, mean, variance


def layer_norm(x: Any, gamma: Any, beta: Any, axes: Any = -1, epsilon: float = 1e-3) -> Tensor:
    """Layer normalization over ``axes`` with a fused backward (Keras LayerNormalization).

    ``gamma`` and ``beta`` have the sizes of ``axes`` (or broadcast to them); either may be None.

    >>> import tensorflux as tf
    >>> layer_norm(tf.constant([[1.0, 3.0]]), None, None, epsilon=0.0).numpy()
    array([[-1.,  1.]], dtype=float32)
    """
    x = t(x)
    nd = x._value.ndim
    ax = axis_arg(axes)
    ax = tuple(sorted({int(a) % nd for a in (ax if isinstance(ax, tuple) else (ax,))}))
    bshape = tuple(x._value.shape[i] if i in ax else 1 for i in range(nd))
    params = []
    for nm, v, fill in (("gamma", gamma, 1), ("beta", beta, 0)):
        if v is None:
            params.append(P._wrap(_full(bshape, fill, x)))
            continue
        v = t(v)
        if v._value.size != _prod(bshape) and v._value.size != 1:
            raise ValueError(
                f"layer_norm: {nm} of shape {tuple(v._value.shape)} does not match the normalized axes {ax} "
                f"of the input {tuple(x._value.shape)} (expected {_prod(bshape)} values)."
            )
        params.append(
            P.unary(
                P.broadcast_to,
                P.unary(P.reshape, v, shape=bshape if v._value.size > 1 else (1,) * nd),
                shape=bshape,
            )
        )  # noqa: E501
    return P.bind(NP.layer_norm, (x, params[0], params[1]), {"axes": ax, "epsilon": float(epsilon)})


def _prod(shape: Any) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


def _full(shape: Any, value: float, like: Tensor) -> Any:
    from tensorflux.backend import ops as B

    return B.full(shape, value, like._value.dtype)
