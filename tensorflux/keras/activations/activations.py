"""Activation functions (Keras 3 formulas), usable on tensors and on symbolic KerasTensors."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine.op_layer import symbolic_op
from tensorflux.ops import activation_ops as A
from tensorflux.ops import math_ops as M
from tensorflux.ops._util import t


@symbolic_op
def relu(
    x: Any, negative_slope: float = 0.0, max_value: float | None = None, threshold: float = 0.0
) -> Tensor:
    """``max(x, 0)``, with an optional leak below ``threshold`` and a ceiling ``max_value``.

    >>> relu([-1.0, 2.0]).numpy().tolist()
    [0.0, 2.0]
    """
    x = t(x)
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return A.relu(x)
    if negative_slope != 0.0:
        if max_value is None and threshold == 0.0:
            return A.leaky_relu(x, alpha=negative_slope)
        negative_part = A.relu(-x + threshold) if threshold != 0.0 else A.relu(-x)
    clip_max = max_value is not None
    if threshold != 0.0:
        y = x * P.unary(P.cast, P.binary(P.greater, x, threshold), dtype=x._value.dtype)
    elif max_value == 6:
        y = A.relu6(x)
        clip_max = False
    else:
        y = A.relu(x)
    if clip_max:
        y = P.binary(P.minimum, P.binary(P.maximum, y, 0.0), float(max_value))  # type: ignore[arg-type]
    if negative_slope != 0.0:
        y = y - negative_slope * negative_part
    return y


@symbolic_op
def leaky_relu(x: Any, negative_slope: float = 0.2) -> Tensor:
    """``x`` for ``x > 0`` else ``negative_slope * x``.

    >>> leaky_relu([-1.0, 2.0]).numpy().tolist()
    [-0.2, 2.0]
    """
    return A.leaky_relu(x, alpha=negative_slope)


@symbolic_op
def relu6(x: Any) -> Tensor:
    """``min(max(x, 0), 6)``.

    >>> relu6([-1.0, 8.0]).numpy().tolist()
    [0.0, 6.0]
    """
    return A.relu6(x)


@symbolic_op
def softmax(x: Any, axis: int = -1) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``axis``.

    >>> softmax([[0.0, 0.0]]).numpy().tolist()
    [[0.5, 0.5]]
    """
    x = t(x)
    if x.ndim < 1:
        raise ValueError(f"softmax: the input must have rank >= 1. Received: x.shape={tuple(x.shape)}")
    if isinstance(axis, (tuple, list)):
        e = M.exp(x - M.reduce_max(x, axis=tuple(axis), keepdims=True))
        return e / M.reduce_sum(e, axis=tuple(axis), keepdims=True)
    return A.softmax(x, axis=axis)


@symbolic_op
def log_softmax(x: Any, axis: int = -1) -> Tensor:
    """``x - logsumexp(x)`` along ``axis``.

    >>> round(float(log_softmax([[0.0, 0.0]])[0, 0]), 4)
    -0.6931
    """
    return A.log_softmax(x, axis=axis)


@symbolic_op
def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """``x`` for ``x > 0`` else ``alpha * (exp(x) - 1)``.

    >>> round(float(elu([-1.0])[0]), 4)
    -0.6321
    """
    x = t(x)
    if alpha == 1.0:
        return A.elu(x)
    neg = P.unary(P.expm1, P.binary(P.minimum, x, 0.0)) * alpha
    return P.bind(P.where, (P.binary(P.greater, x, 0.0), x, neg), {})


@symbolic_op
def selu(x: Any) -> Tensor:
    """Scaled ELU (``scale=1.0507...``, ``alpha=1.6733...``).

    >>> round(float(selu([1.0])[0]), 4)
    1.0507
    """
    return A.selu(x)


@symbolic_op
def celu(x: Any, alpha: float = 1.0) -> Tensor:
    """``max(x, 0) + min(0, alpha * (exp(x / alpha) - 1))``.

    >>> round(float(celu([-1.0])[0]), 4)
    -0.6321
    """
    x = t(x)
    return A.relu(x) + P.binary(P.minimum, P.unary(P.expm1, P.binary(P.minimum, x, 0.0) / alpha) * alpha, 0.0)


@symbolic_op
def gelu(x: Any, approximate: bool = False) -> Tensor:
    """Gaussian error linear unit: ``x * Phi(x)`` (tanh approximation when ``approximate``).

    >>> round(float(gelu([1.0])[0]), 4)
    0.8413
    """
    return A.gelu(x, approximate=approximate)


@symbolic_op
def glu(x: Any, axis: int = -1) -> Tensor:
    """Gated linear unit: ``a * sigmoid(b)`` for the two halves of ``x`` along ``axis``.

    >>> glu([[1.0, 0.0]]).numpy().tolist()
    [[0.5]]
    """
    from tensorflux.ops.array_ops import split

    a, b = split(t(x), 2, axis=axis)
    return a * A.sigmoid(b)


@symbolic_op
def softplus(x: Any) -> Tensor:
    """``log(exp(x) + 1)``.

    >>> round(float(softplus([0.0])[0]), 4)
    0.6931
    """
    return A.softplus(x)


@symbolic_op
def softsign(x: Any) -> Tensor:
    """``x / (abs(x) + 1)``.

    >>> softsign([1.0]).numpy().tolist()
    [0.5]
    """
    return A.softsign(x)


@symbolic_op
def silu(x: Any) -> Tensor:
    """``x * sigmoid(x)`` (also called swish).

    >>> round(float(silu([1.0])[0]), 4)
    0.7311
    """
    return A.silu(x)


swish = silu


@symbolic_op
def tanh(x: Any) -> Tensor:
    """Hyperbolic tangent.

    >>> tanh([0.0]).numpy().tolist()
    [0.0]
    """
    return A.tanh(x)


@symbolic_op
def sigmoid(x: Any) -> Tensor:
    """``1 / (1 + exp(-x))``.

    >>> sigmoid([0.0]).numpy().tolist()
    [0.5]
    """
    return A.sigmoid(x)


@symbolic_op
def exponential(x: Any) -> Tensor:
    """``exp(x)``.

    >>> exponential([0.0]).numpy().tolist()
    [1.0]
    """
    return A.exponential(x)


@symbolic_op
def hard_sigmoid(x: Any) -> Tensor:
    """Keras 3's piecewise-linear sigmoid: ``relu6(x + 3) / 6``.

    >>> hard_sigmoid([0.0]).numpy().tolist()
    [0.5]
    """
    return A.hard_sigmoid(x)


@symbolic_op
def hard_silu(x: Any) -> Tensor:
    """``x * hard_sigmoid(x)`` (also called hard swish).

    >>> hard_silu([3.0]).numpy().tolist()
    [3.0]
    """
    return A.hard_silu(x)


hard_swish = hard_silu


@symbolic_op
def linear(x: Any) -> Any:
    """The identity (the activation of layers with ``activation=None``).

    >>> linear(2.0)
    2.0
    """
    return x


@symbolic_op
def mish(x: Any) -> Tensor:
    """``x * tanh(softplus(x))``.

    >>> round(float(mish([1.0])[0]), 4)
    0.8651
    """
    return A.mish(x)


@symbolic_op
def log_sigmoid(x: Any) -> Tensor:
    """``-softplus(-x)``.

    >>> round(float(log_sigmoid([0.0])[0]), 4)
    -0.6931
    """
    return M.log_sigmoid(x)
