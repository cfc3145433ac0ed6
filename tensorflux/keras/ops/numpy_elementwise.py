"""``keras.ops`` elementwise math missing from the core set: logs, hyperbolics, rounding, comparisons.

Float results follow Keras: integer inputs give floatx, float inputs keep their dtype.  The
differentiable ones are compositions of primitives that have gradient rules.
"""

from __future__ import annotations

import math as _math
from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.config import floatx
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine.op_layer import symbolic_op
from tensorflux.keras.ops import _numpy_kernels as K
from tensorflux.keras.ops.core import convert_to_tensor
from tensorflux.keras.ops.numpy import _pair, _t
from tensorflux.keras.ops.numpy_complex import conjugate as _conjugate
from tensorflux.keras.ops.numpy_complex import imag_part as _imag_part
from tensorflux.keras.ops.numpy_complex import real_part as _real_part
from tensorflux.ops import array_ops as A
from tensorflux.ops import math_ops as M

__all__ = [
    "allclose",
    "angle",
    "arccosh",
    "arcsinh",
    "arctanh",
    "cbrt",
    "conj",
    "conjugate",
    "deg2rad",
    "divide_no_nan",
    "exp2",
    "fabs",
    "fmax",
    "fmin",
    "fmod",
    "gcd",
    "heaviside",
    "i0",
    "imag",
    "isclose",
    "isin",
    "isneginf",
    "isposinf",
    "isreal",
    "lcm",
    "ldexp",
    "log10",
    "log2",
    "logaddexp2",
    "nextafter",
    "rad2deg",
    "real",
    "signbit",
    "sinc",
    "trunc",
]


def _f(x: Any) -> Tensor:
    """``x`` as a float tensor (integers and bools become floatx)."""
    x = _t(x)
    return x if x.dtype.is_floating else A.cast(x, floatx())


def _tpair(x1: Any, x2: Any) -> tuple[Tensor, Tensor]:
    """Both operands as tensors: a Python scalar takes the tensor's dtype, as in ``_pair``."""
    a, b = _pair(x1, x2)
    if isinstance(a, Tensor) and not isinstance(b, Tensor):
        return a, convert_to_tensor(b, a.dtype)
    if isinstance(b, Tensor) and not isinstance(a, Tensor):
        return convert_to_tensor(a, b.dtype), b
    return _t(a), _t(b)


def _fpair(x1: Any, x2: Any) -> tuple[Tensor, Tensor]:
    a, b = _tpair(x1, x2)
    return _pair(_f(a), _f(b))


def _c(value: float, like: Tensor) -> Tensor:
    return P.constant_like(value, like)


@symbolic_op
def arcsinh(x: Any) -> Tensor:
    """Inverse hyperbolic sine.

    >>> round(float(arcsinh(1.0)), 4)
    0.8814
    """
    x = _f(x)
    ax = M.abs(x)
    # the odd form keeps precision for large negative x, where x + sqrt(x^2 + 1) cancels
    return M.sign(x) * M.log(ax + M.sqrt(ax * ax + _c(1, x)))


@symbolic_op
def arccosh(x: Any) -> Tensor:
    """Inverse hyperbolic cosine (NaN below 1).

    >>> float(arccosh(1.0))
    0.0
    """
    x = _f(x)
    return M.log(x + M.sqrt(x - _c(1, x)) * M.sqrt(x + _c(1, x)))


@symbolic_op
def arctanh(x: Any) -> Tensor:
    """Inverse hyperbolic tangent.

    >>> float(arctanh(0.0))
    0.0
    """
    x = _f(x)
    return _c(0.5, x) * (M.log1p(x) - M.log1p(-x))


@symbolic_op
def angle(x: Any) -> Tensor:
    """The argument of ``x`` as a complex number: pi for negative reals, 0 otherwise.

    Complex inputs give ``atan2(imag, real)`` in float32 (Keras takes complex128 to complex64 first).

    >>> round(float(angle(-2.0)), 4)
    3.1416
    """
    x = _t(x)
    if x.dtype.is_complex:
        z = A.cast(x, "complex64")
        return M.atan2(_imag_part(z), _real_part(z))
    x = _f(x)
    return A.where(x < _c(0, x), A.fill(tuple(x.shape), _c(_math.pi, x)), A.zeros_like(x))


@symbolic_op
def cbrt(x: Any) -> Tensor:
    """Cube root (real, so negative inputs give negative roots).

    >>> float(cbrt(-8.0))
    -2.0
    """
    x = _f(x)
    return M.sign(x) * M.pow(M.abs(x), _c(1 / 3, x))


@symbolic_op
def conj(x: Any) -> Tensor:
    """Complex conjugate (``x`` itself for real tensors).

    >>> complex(conj(convert_to_tensor([1 + 2j])).numpy()[0])
    (1-2j)
    """
    x = _t(x)
    if x.dtype.is_complex:
        return _conjugate(x)
    return A.identity(x)


conjugate = conj


@symbolic_op
def real(x: Any) -> Tensor:
    """Real part (float32 for complex64, float64 for complex128; ``x`` itself for real tensors).

    >>> real(convert_to_tensor([1 + 2j])).numpy().tolist()
    [1.0]
    """
    x = _t(x)
    if x.dtype.is_complex:
        return _real_part(x)
    return A.identity(x)


@symbolic_op
def imag(x: Any) -> Tensor:
    """Imaginary part (zeros for real tensors).

    >>> imag(convert_to_tensor([1 + 2j])).numpy().tolist()
    [2.0]
    """
    x = _t(x)
    if x.dtype.is_complex:
        return _imag_part(x)
    return A.zeros_like(x)


@symbolic_op
def isreal(x: Any) -> Tensor:
    """Whether each element has a zero imaginary part (all True for real tensors).

    >>> isreal(convert_to_tensor([1 + 0j, 1j])).numpy().tolist()
    [True, False]
    """
    x = _t(x)
    if x.dtype.is_complex:
        im = _imag_part(x)
        return M.equal(im, P.constant_like(0, im))
    return A.ones_like(x, "bool")


@symbolic_op
def deg2rad(x: Any) -> Tensor:
    """Degrees to radians.

    >>> round(float(deg2rad(180)), 5)
    3.14159
    """
    x = _f(x)
    return x * _c(_math.pi / 180, x)


@symbolic_op
def rad2deg(x: Any) -> Tensor:
    """Radians to degrees."""
    x = _f(x)
    return x * _c(180 / _math.pi, x)


@symbolic_op
def divide_no_nan(x1: Any, x2: Any) -> Tensor:
    """``x1 / x2``, with 0 where ``x2`` is 0.

    >>> divide_no_nan([1.0, 1.0], [2.0, 0.0]).numpy().tolist()
    [0.5, 0.0]
    """
    a, b = _fpair(x1, x2)
    return M.divide_no_nan(a, b)


@symbolic_op
def exp2(x: Any) -> Tensor:
    """``2 ** x``.

    >>> exp2(3).numpy().item()
    8.0
    """
    x = _f(x)
    return M.exp(x * _c(_math.log(2), x))


@symbolic_op
def fabs(x: Any) -> Tensor:
    """Absolute value as a float."""
    return M.abs(_f(x))


def _nan_aware(a: Tensor, b: Tensor, pick: Tensor) -> Tensor:
    if not a.dtype.is_floating:
        return pick
    return A.where(M.is_nan(a), b, A.where(M.is_nan(b), a, pick))


@symbolic_op
def fmax(x1: Any, x2: Any) -> Tensor:
    """Elementwise maximum that ignores NaN (NaN only where both are NaN).

    >>> fmax([1.0, float("nan")], [float("nan"), 2.0]).numpy().tolist()
    [1.0, 2.0]
    """
    a, b = _tpair(x1, x2)
    a, b = A.broadcast_to(a, _bshape(a, b)), A.broadcast_to(b, _bshape(a, b))
    return _nan_aware(a, b, M.maximum(a, b))


@symbolic_op
def fmin(x1: Any, x2: Any) -> Tensor:
    """Elementwise minimum that ignores NaN (NaN only where both are NaN)."""
    a, b = _tpair(x1, x2)
    a, b = A.broadcast_to(a, _bshape(a, b)), A.broadcast_to(b, _bshape(a, b))
    return _nan_aware(a, b, M.minimum(a, b))


def _bshape(a: Tensor, b: Tensor) -> tuple[int, ...]:
    return tuple(A.broadcast_static_shape(a.shape, b.shape))


@symbolic_op
def fmod(x1: Any, x2: Any) -> Tensor:
    """Remainder of ``x1 / x2`` with the sign of ``x1`` (C's fmod; ``mod`` takes the divisor's sign).

    >>> fmod([-3, 3], 2).numpy().tolist()
    [-1, 1]
    """
    a, b = _tpair(x1, x2)
    r = M.floormod(a, b)
    zero = A.zeros_like(r)
    wrong_sign = (r != zero) & ((r < zero) != (a < A.zeros_like(a)))
    return A.where(wrong_sign, r - A.broadcast_to(b, tuple(r.shape)), r)


@symbolic_op
def heaviside(x1: Any, x2: Any) -> Tensor:
    """Step function: 0 for ``x1 < 0``, 1 for ``x1 > 0``, ``x2`` where ``x1 == 0``.

    >>> heaviside([-1.0, 0.0, 2.0], 0.5).numpy().tolist()
    [0.0, 0.5, 1.0]
    """
    a, b = _fpair(x1, x2)
    shape = _bshape(a, b)
    a, b = A.broadcast_to(a, shape), A.broadcast_to(b, shape)
    zero = A.zeros_like(a)
    return A.where(a < zero, zero, A.where(a > zero, A.ones_like(a), b))


@symbolic_op
def i0(x: Any) -> Tensor:
    """Modified Bessel function of the first kind, order 0.

    >>> round(float(i0(1.0)), 5)
    1.26607
    """
    x = _f(x)
    ax = M.abs(x)
    # power series up to 20 (terms fall below 1e-17 of the sum by k = 60), the asymptotic
    # expansion e^x / sqrt(2 pi x) * sum_k ((2k-1)!!)^2 / (k! (8x)^k) above (20 terms: < 1e-15)
    small = M.minimum(ax, _c(20.0, x))
    q = small * small * _c(0.25, x)
    term = A.ones_like(x)
    series = A.ones_like(x)
    for k in range(1, 61):
        term = term * q * _c(1.0 / (k * k), x)
        series = series + term
    big = M.maximum(ax, _c(20.0, x))
    inv8x = _c(1.0, x) / (_c(8.0, x) * big)
    term = A.ones_like(x)
    asym = A.ones_like(x)
    for k in range(1, 21):
        term = term * inv8x * _c((2 * k - 1) ** 2 / k, x)
        asym = asym + term
    asym = asym * M.exp(big) * M.rsqrt(_c(2 * _math.pi, x) * big)
    return A.where(ax <= _c(20.0, x), series, asym)


@symbolic_op
def isneginf(x: Any) -> Tensor:
    """Whether each element is negative infinity."""
    x = _t(x)
    if not x.dtype.is_floating:
        return A.zeros_like(x, "bool")
    return M.is_inf(x) & (x < A.zeros_like(x))


@symbolic_op
def isposinf(x: Any) -> Tensor:
    """Whether each element is positive infinity."""
    x = _t(x)
    if not x.dtype.is_floating:
        return A.zeros_like(x, "bool")
    return M.is_inf(x) & (x > A.zeros_like(x))


@symbolic_op
def ldexp(x1: Any, x2: Any) -> Tensor:
    """``x1 * 2 ** x2`` (``x2`` integer).

    >>> ldexp(3.0, 2).numpy().item()
    12.0
    """
    a = _f(x1)
    e = _t(x2)
    if e.dtype.is_floating:
        raise TypeError(f"ldexp: the exponent x2 must be an integer tensor. Received dtype {e.dtype.name}")
    return a * exp2(A.cast(e, a.dtype))


@symbolic_op
def log2(x: Any) -> Tensor:
    """Base-2 logarithm.

    >>> log2(8).numpy().item()
    3.0
    """
    x = _f(x)
    return M.log(x) * _c(1 / _math.log(2), x)


@symbolic_op
def log10(x: Any) -> Tensor:
    """Base-10 logarithm.

    >>> round(float(log10(1000.0)), 5)
    3.0
    """
    x = _f(x)
    return M.log(x) * _c(1 / _math.log(10), x)


@symbolic_op
def logaddexp2(x1: Any, x2: Any) -> Tensor:
    """``log2(2 ** x1 + 2 ** x2)`` without overflow.

    >>> logaddexp2(1.0, 1.0).numpy().item()
    2.0
    """
    a, b = _fpair(x1, x2)
    m = M.maximum(a, b)
    return m + log2(_c(1, m) + exp2(-M.abs(a - b)))


@symbolic_op
def nextafter(x1: Any, x2: Any) -> Tensor:
    """The next representable float after ``x1`` toward ``x2``."""
    a, b = _fpair(x1, x2)
    return P.bind(K.nextafter, (a, b), {})


@symbolic_op
def signbit(x: Any) -> Tensor:
    """Whether the sign bit is set (True for -0.0 and negative values).

    >>> signbit([-0.0, 0.0, -2.0]).numpy().tolist()
    [True, False, True]
    """
    return P.unary(K.signbit, _t(x))


@symbolic_op
def sinc(x: Any) -> Tensor:
    """Normalized sinc, ``sin(pi x) / (pi x)``, with 1 at 0.

    >>> sinc(0.0).numpy().item()
    1.0
    """
    x = _f(x)
    zero = x == A.zeros_like(x)
    # a safe denominator keeps the gradient of the unused branch finite at 0
    px = A.where(zero, A.ones_like(x), x) * _c(_math.pi, x)
    return A.where(zero, A.ones_like(x), M.sin(px) / px)


@symbolic_op
def trunc(x: Any) -> Tensor:
    """Rounded toward zero; integers are returned unchanged.

    >>> trunc([-1.5, 1.5]).numpy().tolist()
    [-1.0, 1.0]
    """
    x = _t(x)
    if not x.dtype.is_floating:
        return x
    return A.where(x < A.zeros_like(x), M.ceil(x), M.floor(x))


def _int_pair(x1: Any, x2: Any, name: str) -> tuple[Tensor, Tensor]:
    a, b = _tpair(x1, x2)
    if not (a.dtype.is_integer and b.dtype.is_integer):
        raise TypeError(
            f"{name}: the inputs must be integers. Received dtypes {a.dtype.name} and {b.dtype.name}"
        )
    if a.dtype != b.dtype:
        wide = a.dtype if a.dtype.max >= b.dtype.max else b.dtype
        a, b = A.cast(a, wide), A.cast(b, wide)
    return a, b


@symbolic_op
def gcd(x1: Any, x2: Any) -> Tensor:
    """Greatest common divisor of integers.

    >>> gcd(12, 18).numpy().item()
    6
    """
    a, b = _int_pair(x1, x2, "gcd")
    return P.bind(K.gcd, (a, b), {})


@symbolic_op
def lcm(x1: Any, x2: Any) -> Tensor:
    """Least common multiple of integers.

    >>> lcm(4, 6).numpy().item()
    12
    """
    a, b = _int_pair(x1, x2, "lcm")
    return P.bind(K.lcm, (a, b), {})


@symbolic_op
def isclose(x1: Any, x2: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    """Whether ``|x1 - x2| <= atol + rtol * |x2|`` elementwise (equal infinities are close).

    >>> isclose([1.0, 1.1], [1.0, 1.0]).numpy().tolist()
    [True, False]
    """
    a, b = _fpair(x1, x2)
    shape = _bshape(a, b)
    a, b = A.broadcast_to(a, shape), A.broadcast_to(b, shape)
    finite = M.is_finite(a) & M.is_finite(b)
    # infinities are compared by equality; zeroing them first keeps inf - inf out of the arithmetic
    fa, fb = A.where(finite, a, A.zeros_like(a)), A.where(finite, b, A.zeros_like(b))
    close = M.abs(fa - fb) <= _c(atol, a) + _c(rtol, a) * M.abs(fb)
    out = (finite & close) | (~finite & (a == b))
    if equal_nan:
        out = out | (M.is_nan(a) & M.is_nan(b))
    return out


@symbolic_op
def allclose(x1: Any, x2: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    """Whether all elements are close (a scalar bool tensor).

    >>> bool(allclose([1.0, 2.0], [1.0, 2.0]))
    True
    """
    return M.reduce_all(isclose(x1, x2, rtol, atol, equal_nan))


@symbolic_op
def isin(x1: Any, x2: Any, assume_unique: bool = False, invert: bool = False) -> Tensor:
    """Whether each element of ``x1`` occurs in ``x2`` (negated with ``invert=True``).

    >>> isin([1, 2, 3], [2]).numpy().tolist()
    [False, True, False]
    """
    a, b = _tpair(x1, x2)
    if a.dtype != b.dtype:
        a, b = A.cast(a, "float64"), A.cast(b, "float64")
    return P.bind(K.isin, (a, b), {"invert": bool(invert)})
