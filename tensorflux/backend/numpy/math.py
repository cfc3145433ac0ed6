"""Elementwise math, reductions and linear algebra on NumPy."""

from __future__ import annotations

from typing import Any

import numpy as np

# Elementwise functions whose NumPy ufunc is the whole implementation.
add = np.add
subtract = np.subtract
multiply = np.multiply
floor_divide = np.floor_divide
floormod = np.mod
maximum = np.maximum
minimum = np.minimum
equal = np.equal
not_equal = np.not_equal
less = np.less
less_equal = np.less_equal
greater = np.greater
greater_equal = np.greater_equal
logical_and = np.logical_and
logical_or = np.logical_or
logical_xor = np.logical_xor
logical_not = np.logical_not
bitwise_and = np.bitwise_and
bitwise_or = np.bitwise_or
bitwise_xor = np.bitwise_xor
invert = np.invert
negative = np.negative
exp = np.exp
log = np.log
log1p = np.log1p
expm1 = np.expm1
sqrt = np.sqrt
square = np.square
sin = np.sin
cos = np.cos
tan = np.tan
arcsin = np.arcsin
arccos = np.arccos
arctan = np.arctan
sinh = np.sinh
cosh = np.cosh
tanh = np.tanh
abs = np.abs  # noqa: A001
sign = np.sign
floor = np.floor
ceil = np.ceil
round = np.round  # noqa: A001  (half to even, as tf.round)
arctan2 = np.arctan2
isnan = np.isnan
isinf = np.isinf
isfinite = np.isfinite


def divide(x: Any, y: Any) -> Any:
    return np.true_divide(x, y)


def power(x: Any, y: Any) -> Any:
    return np.power(x, y)


def rsqrt(x: Any) -> Any:
    return 1 / np.sqrt(x)


def reciprocal(x: Any) -> Any:
    return 1 / x


def sigmoid(x: Any) -> Any:
    # exp of a non-positive number never overflows; both branches computed stably
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def relu(x: Any) -> Any:
    return np.maximum(x, 0)


def softplus(x: Any) -> Any:
    return (np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))).astype(x.dtype, copy=False)


def softmax(x: Any, axis: int) -> Any:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    e /= e.sum(axis=axis, keepdims=True)
    return e


def log_softmax(x: Any, axis: int) -> Any:
    s = x - x.max(axis=axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))


def logsumexp(x: Any, axis: Any, keepdims: bool) -> Any:
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def erf(x: Any) -> Any:
    # Abramowitz-Stegun 7.1.26 is too coarse for gradient checks; use the exact series via math.erf
    return _erf_vec(x).astype(x.dtype, copy=False)


def _erf_scalar(v: float) -> float:
    import math as _m

    return _m.erf(v)


_erf_vec = np.vectorize(_erf_scalar, otypes=[np.float64])


def sum(x: Any, axis: Any, keepdims: bool) -> Any:  # noqa: A001
    return np.sum(x, axis=axis, keepdims=keepdims)


def mean(x: Any, axis: Any, keepdims: bool) -> Any:
    return np.mean(x, axis=axis, keepdims=keepdims)


def max(x: Any, axis: Any, keepdims: bool) -> Any:  # noqa: A001
    return np.max(x, axis=axis, keepdims=keepdims)


def min(x: Any, axis: Any, keepdims: bool) -> Any:  # noqa: A001
    return np.min(x, axis=axis, keepdims=keepdims)


def prod(x: Any, axis: Any, keepdims: bool) -> Any:
    return np.prod(x, axis=axis, keepdims=keepdims)


def any(x: Any, axis: Any, keepdims: bool) -> Any:  # noqa: A001
    return np.any(x, axis=axis, keepdims=keepdims)


def all(x: Any, axis: Any, keepdims: bool) -> Any:  # noqa: A001
    return np.all(x, axis=axis, keepdims=keepdims)


def argmax(x: Any, axis: int, dtype: Any) -> Any:
    return np.argmax(x, axis=axis).astype(dtype)


def argmin(x: Any, axis: int, dtype: Any) -> Any:
    return np.argmin(x, axis=axis).astype(dtype)


def cumsum(x: Any, axis: int, exclusive: bool, reverse: bool) -> Any:
    if reverse:
        x = np.flip(x, axis)
    out = np.cumsum(x, axis=axis, dtype=x.dtype)
    if exclusive:
        out = out - x
    return np.flip(out, axis) if reverse else out


def cumprod(x: Any, axis: int, exclusive: bool, reverse: bool) -> Any:
    if reverse:
        x = np.flip(x, axis)
    out = np.cumprod(x, axis=axis, dtype=x.dtype)
    if exclusive:
        shift = [(0, 0)] * x.ndim
        shift[axis] = (1, 0)
        sl = [slice(None)] * x.ndim
        sl[axis] = slice(0, -1)
        out = np.pad(out[tuple(sl)], shift, constant_values=1)
    return np.flip(out, axis) if reverse else out


def matmul(a: Any, b: Any) -> Any:
    return np.matmul(a, b)


def einsum(equation: str, *xs: Any) -> Any:
    return np.einsum(equation, *xs, optimize=len(xs) > 2)


def inv(x: Any) -> Any:
    return np.linalg.inv(x)


def det(x: Any) -> Any:
    return np.linalg.det(x)


def slogdet(x: Any) -> tuple[Any, Any]:
    return np.linalg.slogdet(x)


def svd(x: Any) -> tuple[Any, Any, Any]:
    return np.linalg.svd(x, full_matrices=False)


def qr(x: Any) -> tuple[Any, Any]:
    return np.linalg.qr(x)


def cholesky(x: Any) -> Any:
    return np.linalg.cholesky(x)


def solve(a: Any, b: Any) -> Any:
    return np.linalg.solve(a, b)


def trace(x: Any) -> Any:
    return np.trace(x, axis1=-2, axis2=-1)


def matrix_diag_part(x: Any) -> Any:
    return np.diagonal(x, axis1=-2, axis2=-1).copy()
