"""Primitives (no gradient) behind the integer, bit-level and search ops of ``keras.ops.numpy``.

They are primitives rather than code on ``Tensor._value`` so that ``tf.function`` records them:
an array computed outside a primitive would be frozen into the graph as a constant.  The kernels
use only backend functions and array methods/operators, which NumPy and CuPy arrays share.
"""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework.primitives import primitive


def _int_view(a: Any) -> Any:
    return a.view(f"int{a.dtype.itemsize * 8}")


def _signbit(a: Any) -> Any:
    if a.dtype.kind == "f":
        return _int_view(a) < 0
    return a < 0


def _nextafter(a: Any, b: Any) -> Any:
    shape = B.broadcast_shapes(a.shape, b.shape)
    a, b = B.broadcast_to(a, shape), B.broadcast_to(b, shape)
    bits = _int_view(a).copy()
    up = (b > a) == (a > 0)
    bits = B.where(up, bits + 1, bits - 1)
    out = bits.view(a.dtype)
    tiny = B.where(b > 0, B.full((), 1, bits.dtype), B.full((), -1, bits.dtype)).view(a.dtype)
    out = B.where(a == 0, tiny, out)
    out = B.where(a == b, b, out)
    return B.where((a != a) | (b != b), a + b, out)


def _gcd(a: Any, b: Any) -> Any:
    a, b = abs(a), abs(b)
    shape = B.broadcast_shapes(a.shape, b.shape)
    a, b = B.broadcast_to(a, shape).copy(), B.broadcast_to(b, shape).copy()
    while (b != 0).any():
        nz = b != 0
        safe = B.where(nz, b, B.full((), 1, b.dtype))
        a, b = B.where(nz, b, a), B.where(nz, a % safe, b)
    return a


def _lcm(a: Any, b: Any) -> Any:
    g = _gcd(a, b)
    safe = B.where(g == 0, B.full((), 1, g.dtype), g)
    return abs(a // safe * b)


def _searchsorted(seq: Any, values: Any, side: str) -> Any:
    return seq.searchsorted(values, side=side).astype("int32")


def _isin(x: Any, test: Any, invert: bool) -> Any:
    s = B.sort(test.reshape(-1), 0, False)
    if s.size == 0:
        found = B.zeros(x.shape, "bool")
    else:
        idx = s.searchsorted(x).clip(0, s.size - 1)
        found = s[idx] == x
    return ~found if invert else found


signbit = primitive("keras_signbit", _signbit)
nextafter = primitive("keras_nextafter", _nextafter)
gcd = primitive("keras_gcd", _gcd)
lcm = primitive("keras_lcm", _lcm)
left_shift = primitive("keras_left_shift", lambda a, b: a << b)
right_shift = primitive("keras_right_shift", lambda a, b: a >> b)
searchsorted = primitive("keras_searchsorted", _searchsorted)
isin = primitive("keras_isin", _isin)
view = primitive("keras_view", lambda a, dtype: a.view(dtype))
