"""Keras 3's neural-network ops (``keras.ops.relu``, ``keras.ops.softmax``, ...)."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.config import floatx
from tensorflux.framework.tensor import Tensor
from tensorflux.keras import activations as _act
from tensorflux.keras.engine.op_layer import symbolic_op
from tensorflux.keras.ops.core import convert_to_tensor
from tensorflux.ops import activation_ops as AO
from tensorflux.ops import array_ops as A
from tensorflux.ops import math_ops as M


def _t(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


relu = _act.relu
relu6 = _act.relu6
sigmoid = _act.sigmoid
softplus = _act.softplus
softsign = _act.softsign
silu = swish = _act.silu
elu = _act.elu
selu = _act.selu
celu = _act.celu
glu = _act.glu
hard_sigmoid = _act.hard_sigmoid
hard_silu = hard_swish = _act.hard_silu
mish = _act.mish
log_sigmoid = _act.log_sigmoid


@symbolic_op
def leaky_relu(x: Any, negative_slope: float = 0.2) -> Tensor:
    return AO.leaky_relu(_t(x), alpha=negative_slope)


@symbolic_op
def gelu(x: Any, approximate: bool = True) -> Tensor:
    """GELU; ``keras.ops.gelu`` uses the tanh approximation by default (unlike the activation).

    >>> round(float(gelu([1.0])[0]), 4)
    0.8412
    """
    return AO.gelu(_t(x), approximate=approximate)


@symbolic_op
def softmax(x: Any, axis: int = -1) -> Tensor:
    return _act.softmax(x, axis=axis)


@symbolic_op
def log_softmax(x: Any, axis: int = -1) -> Tensor:
    return AO.log_softmax(_t(x), axis=axis)


@symbolic_op
def one_hot(x: Any, num_classes: int, axis: int = -1, dtype: Any = None, sparse: bool = False) -> Tensor:
    """One-hot vectors of ``num_classes`` (float32 by default).

    >>> one_hot([1], 3).numpy().tolist()
    [[0.0, 1.0, 0.0]]
    """
    x = _t(x)
    if not x.dtype.is_integer:
        x = A.cast(x, "int32")
    return A.one_hot(x, num_classes, axis=axis, dtype=dtype or floatx())


@symbolic_op
def multi_hot(inputs: Any, num_classes: int, axis: int = -1, dtype: Any = None) -> Tensor:
    x = _t(inputs)
    if x.ndim == 1:
        x = A.expand_dims(x, 0)
        return A.squeeze(M.reduce_max(one_hot(x, num_classes, dtype=dtype), axis=-2), 0)
    return M.reduce_max(one_hot(x, num_classes, dtype=dtype), axis=-2)


@symbolic_op
def normalize(x: Any, axis: int = -1, order: int = 2, epsilon: float | None = None) -> Tensor:
    """``x`` divided by its ``order``-norm along ``axis`` (Keras' formula, with a floor ``epsilon``)."""
    from tensorflux.framework.config import epsilon as _eps

    x = _t(x)
    eps = _eps() if epsilon is None else epsilon
    if order == 2:
        inv = M.rsqrt(M.reduce_sum(x * x, axis=axis, keepdims=True))
        return x * M.minimum(inv, 1.0 / eps)
    norm = M.reduce_sum(M.abs(x) ** float(order), axis=axis, keepdims=True) ** (1.0 / order)
    return x / M.maximum(norm, eps)


@symbolic_op
def moments(x: Any, axes: Any, keepdims: bool = False) -> tuple[Tensor, Tensor]:
    x = _t(x)
    axes = tuple(axes) if isinstance(axes, (list, tuple)) else (axes,)
    mean = M.reduce_mean(x, axes, keepdims=True)
    var = M.reduce_mean(M.square(x - mean), axes, keepdims=keepdims)
    return (mean if keepdims else A.squeeze(mean, axes)), var


@symbolic_op
def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    return M.reduce_logsumexp(_t(x), tuple(axis) if isinstance(axis, list) else axis, keepdims)


@symbolic_op
def binary_crossentropy(target: Any, output: Any, from_logits: bool = False) -> Tensor:
    """Elementwise binary cross-entropy (probabilities are clipped to [eps, 1 - eps])."""
    from tensorflux.framework.config import epsilon

    y, p = _t(target), _t(output)
    y = A.cast(y, p.dtype)
    if from_logits:
        return M.maximum(p, 0.0) - p * y + M.log1p(M.exp(-M.abs(p)))
    eps = epsilon()
    p = M.minimum(M.maximum(p, eps), 1.0 - eps)
    return -(y * M.log(p) + (1.0 - y) * M.log(1.0 - p))


@symbolic_op
def categorical_crossentropy(target: Any, output: Any, from_logits: bool = False, axis: int = -1) -> Tensor:
    """Cross-entropy against one-hot ``target`` (probabilities renormalised, then clipped)."""
    from tensorflux.framework.config import epsilon

    y, p = _t(target), _t(output)
    y = A.cast(y, p.dtype)
    if from_logits:
        return -M.reduce_sum(y * AO.log_softmax(p, axis=axis), axis=axis)
    p = p / M.reduce_sum(p, axis=axis, keepdims=True)
    eps = epsilon()
    p = M.minimum(M.maximum(p, eps), 1.0 - eps)
    return -M.reduce_sum(y * M.log(p), axis=axis)


@symbolic_op
def sparse_categorical_crossentropy(
    target: Any, output: Any, from_logits: bool = False, axis: int = -1
) -> Tensor:
    """Cross-entropy against integer class ``target``."""
    p = _t(output)
    y = _t(target)
    if y.ndim == p.ndim and y.shape[-1] == 1:
        y = A.squeeze(y, -1)
    return categorical_crossentropy(
        one_hot(A.cast(y, "int32"), p.shape[axis], axis=axis, dtype=p.dtype),
        p,
        from_logits=from_logits,
        axis=axis,
    )


@symbolic_op
def top_k(x: Any, k: int, sorted: bool = True) -> Any:  # noqa: A002
    return M.top_k(_t(x), k=k, sorted=sorted)


@symbolic_op
def in_top_k(targets: Any, predictions: Any, k: int) -> Tensor:
    return M.in_top_k(_t(targets), _t(predictions), k)
