"""Activation functions of ``tf.nn`` (relu, gelu, softmax, ...), composed from primitives."""

from __future__ import annotations

import math
from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.ops._util import t


def relu(features: Any, name: Any = None) -> Tensor:
    return P.unary(P.relu, features)


def relu6(features: Any, name: Any = None) -> Tensor:
    return P.binary(P.minimum, P.unary(P.relu, features), 6)


def leaky_relu(features: Any, alpha: float = 0.2, name: Any = None) -> Tensor:
    x = t(features)
    return P.bind(P.where, (P.binary(P.greater, x, 0), x, x * alpha), {})


def elu(features: Any, name: Any = None) -> Tensor:
    x = t(features)
    neg = P.binary(P.minimum, x, 0)  # expm1 of the negative part only: no overflow for large x
    return P.bind(P.where, (P.binary(P.greater, x, 0), x, P.unary(P.expm1, neg)), {})


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(features: Any, name: Any = None) -> Tensor:
    x = t(features)
    neg = P.unary(P.expm1, P.binary(P.minimum, x, 0)) * _SELU_ALPHA
    return P.bind(P.where, (P.binary(P.greater, x, 0), x, neg), {}) * _SELU_SCALE


def gelu(features: Any, approximate: bool = False, name: Any = None) -> Tensor:
    x = t(features)
    if approximate:
        inner = (x + x * x * x * 0.044715) * math.sqrt(2.0 / math.pi)
        return x * 0.5 * (P.unary(P.tanh, inner) + 1.0)
    return x * 0.5 * (P.unary(P.erf, x * (1.0 / math.sqrt(2.0))) + 1.0)


def softplus(features: Any, name: Any = None) -> Tensor:
    return P.unary(P.softplus, features)


def softsign(features: Any, name: Any = None) -> Tensor:
    x = t(features)
    return x / (P.unary(P.abs, x) + 1.0)


def silu(features: Any, beta: float = 1.0, name: Any = None) -> Tensor:
    x = t(features)
    return x * P.unary(P.sigmoid, x * beta if beta != 1.0 else x)


swish = silu


def sigmoid(x: Any, name: Any = None) -> Tensor:
    return P.unary(P.sigmoid, x)


def tanh(x: Any, name: Any = None) -> Tensor:
    return P.unary(P.tanh, x)


def softmax(logits: Any, axis: Any = None, name: Any = None) -> Tensor:
    return P.unary(P.softmax, logits, axis=-1 if axis is None else int(axis))


def log_softmax(logits: Any, axis: Any = None, name: Any = None) -> Tensor:
    return P.unary(P.log_softmax, logits, axis=-1 if axis is None else int(axis))


def hard_sigmoid(x: Any) -> Tensor:
    """Keras 3's hard sigmoid: relu6(x + 3) / 6."""
    return relu6(t(x) + 3.0) * (1.0 / 6.0)


def hard_silu(x: Any) -> Tensor:
    x = t(x)
    return x * hard_sigmoid(x)


def mish(x: Any) -> Tensor:
    x = t(x)
    return x * P.unary(P.tanh, P.unary(P.softplus, x))


def exponential(x: Any) -> Tensor:
    return P.unary(P.exp, x)
