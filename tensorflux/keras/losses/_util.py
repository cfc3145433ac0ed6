"""Small tensor helpers shared by the loss and metric functions."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import primitives as P
from tensorflux.framework.config import epsilon, floatx
from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.keras.losses.loss import squeeze_or_expand_to_same_rank


def to_tensor(x: Any, dtype: Any = None) -> Tensor:
    """``x`` as a tensor (TensorFlow's conversion rules), cast to ``dtype`` when given."""
    t = x if isinstance(x, Tensor) else convert_to_tensor(x)
    if dtype is not None and t._value.dtype != dtype:
        return P.unary(P.cast, t, dtype=dtype)
    return t


def pred_true(y_true: Any, y_pred: Any, squeeze: bool = True) -> tuple[Tensor, Tensor]:
    """``y_pred`` as a float tensor, ``y_true`` cast to its dtype, ranks matched as Keras does."""
    y_pred = to_tensor(y_pred)
    if y_pred._value.dtype.kind != "f":
        y_pred = P.unary(P.cast, y_pred, dtype=B.native_dtype(floatx()))
    y_true = to_tensor(y_true, y_pred._value.dtype)
    if squeeze:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return y_true, y_pred


def mean(x: Tensor, axis: Any = -1, keepdims: bool = False) -> Tensor:
    return P.unary(P.reduce_mean, x, axis=axis, keepdims=keepdims)


def total(x: Tensor, axis: Any = -1, keepdims: bool = False) -> Tensor:
    return P.unary(P.reduce_sum, x, axis=axis, keepdims=keepdims)


def clip(x: Tensor, lo: float, hi: float) -> Tensor:
    return P.binary(P.minimum, P.binary(P.maximum, x, lo), hi)


def l2_normalize(x: Tensor, axis: int = -1) -> Tensor:
    """``x * min(rsqrt(sum(x^2)), 1 / epsilon)`` along ``axis`` (Keras 3's ``ops.normalize``)."""
    sq = total(x * x, axis, keepdims=True)
    inv = P.binary(P.minimum, P.unary(P.rsqrt, sq), 1.0 / epsilon())
    return x * inv


def all_true(x: Tensor) -> bool:
    return bool(B.all(x._value, None, False))


def shape_str(t: Tensor) -> str:
    return str(tuple(t._value.shape))


def as_int_labels(y: Tensor) -> Tensor:
    if y._value.dtype.kind in "iu":
        return y
    return P.unary(P.cast, y, dtype=B.native_dtype("int64"))


def constant(value: Any, dtype: Any) -> Tensor:
    return convert_to_tensor(value, dtype=dtype)
