"""``keras.ops`` window functions (bartlett, blackman, hamming, hanning, kaiser) and log/geometric ranges.

Windows take the length ``x`` (a Python int) and return floatx tensors, as Keras.
"""

from __future__ import annotations

import math as _math
from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.config import floatx
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.ops.numpy_elementwise import i0
from tensorflux.ops import array_ops as A
from tensorflux.ops import math_ops as M

__all__ = ["bartlett", "blackman", "geomspace", "hamming", "hanning", "kaiser", "logspace"]


def _length(x: Any, name: str) -> int:
    n = int(x)
    if n < 0:
        raise ValueError(f"{name}: the window length must be non-negative. Received: x={x}")
    return n


def _phase(n: int) -> Tensor:
    """``2 pi k / (n - 1)`` for ``k = 0 .. n-1``, in float64 (cast once at the end)."""
    k = A.range(0, n, 1, dtype="float64")
    return k * P.constant_like(2 * _math.pi / (n - 1), k)


def _window(x: Any, name: str, fn: Any) -> Tensor:
    n = _length(x, name)
    if n <= 1:
        return A.ones((n,), floatx())
    return A.cast(fn(n), floatx())


def _cosine_sum(*coeffs: float) -> Any:
    def fn(n: int) -> Tensor:
        p = _phase(n)
        out = A.fill((n,), P.constant_like(coeffs[0], p))
        for j, c in enumerate(coeffs[1:], 1):
            out = out + P.constant_like(c * (-1) ** j, p) * M.cos(p * P.constant_like(j, p))
        return out

    return fn


def bartlett(x: Any) -> Tensor:
    """The triangular Bartlett window of length ``x``.

    >>> bartlett(5).numpy().tolist()
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """

    def fn(n: int) -> Tensor:
        k = A.range(0, n, 1, dtype="float64")
        return P.constant_like(1, k) - M.abs(k * P.constant_like(2 / (n - 1), k) - P.constant_like(1, k))

    return _window(x, "bartlett", fn)


def blackman(x: Any) -> Tensor:
    """The Blackman window, ``0.42 - 0.5 cos(2 pi k/(M-1)) + 0.08 cos(4 pi k/(M-1))``."""
    return _window(x, "blackman", _cosine_sum(0.42, 0.5, 0.08))


def hamming(x: Any) -> Tensor:
    """The Hamming window, ``0.54 - 0.46 cos(2 pi k/(M-1))``.

    >>> [round(v, 2) for v in hamming(3).numpy().tolist()]
    [0.08, 1.0, 0.08]
    """
    return _window(x, "hamming", _cosine_sum(0.54, 0.46))


def hanning(x: Any) -> Tensor:
    """The Hann window, ``0.5 - 0.5 cos(2 pi k/(M-1))``."""
    return _window(x, "hanning", _cosine_sum(0.5, 0.5))


def kaiser(x: Any, beta: float) -> Tensor:
    """The Kaiser window, ``i0(beta sqrt(1 - (2k/(M-1) - 1)^2)) / i0(beta)``."""

    def fn(n: int) -> Tensor:
        k = A.range(0, n, 1, dtype="float64")
        r = k * P.constant_like(2 / (n - 1), k) - P.constant_like(1, k)
        arg = P.constant_like(float(beta), k) * M.sqrt(
            M.maximum(P.constant_like(1, k) - r * r, A.zeros_like(r))
        )
        return i0(arg) / i0(P.constant_like(float(beta), k))

    return _window(x, "kaiser", fn)


def logspace(
    start: Any,
    stop: Any,
    num: int = 50,
    endpoint: bool = True,
    base: float = 10,
    dtype: Any = None,
    axis: int = 0,
) -> Tensor:
    """``base ** t`` for ``num`` values ``t`` evenly spaced from ``start`` to ``stop``.

    >>> logspace(0, 2, 3).numpy().tolist()
    [1.0, 10.0, 100.0]
    """
    t = _linspace64(start, stop, num, endpoint, "logspace")
    out = M.exp(t * P.constant_like(_math.log(base), t))
    return A.cast(out, dtype or floatx())


def geomspace(
    start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None, axis: int = 0
) -> Tensor:
    """``num`` values from ``start`` to ``stop`` spaced evenly on a log scale (same-sign endpoints).

    >>> geomspace(1, 100, 3).numpy().tolist()
    [1.0, 10.0, 100.0]
    """
    start, stop = float(start), float(stop)
    if start == 0 or stop == 0:
        raise ValueError(f"geomspace: start and stop must be non-zero. Received: {start=}, {stop=}")
    if (start < 0) != (stop < 0):
        raise ValueError(f"geomspace: start and stop must have the same sign. Received: {start=}, {stop=}")
    sign = -1.0 if start < 0 else 1.0
    t = _linspace64(_math.log(abs(start)), _math.log(abs(stop)), num, endpoint, "geomspace")
    out = M.exp(t) * P.constant_like(sign, t)
    if num > 0:
        # the ends exactly, as NumPy
        ends = [sign * abs(start)] + ([sign * abs(stop)] if endpoint and num > 1 else [])
        fixed = A.concat([A.constant(ends[:1], "float64"), out[1 : num - len(ends) + 1]], 0)
        out = A.concat([fixed, A.constant(ends[1:], "float64")], 0) if len(ends) == 2 else fixed
    return A.cast(out, dtype or floatx())


def _linspace64(start: Any, stop: Any, num: int, endpoint: bool, name: str) -> Tensor:
    if not isinstance(start, (int, float)) or not isinstance(stop, (int, float)):
        raise TypeError(f"{name}: start and stop must be Python numbers. Received: {start!r}, {stop!r}")
    num = int(num)
    if num < 0:
        raise ValueError(f"{name}: num must be non-negative. Received: num={num}")
    div = (num - 1) if endpoint else num
    k = A.range(0, num, 1, dtype="float64")
    step = (float(stop) - float(start)) / div if div > 0 else 0.0
    out = P.constant_like(float(start), k) + k * P.constant_like(step, k)
    if endpoint and num > 1:
        out = A.concat([out[:-1], A.constant([float(stop)], "float64")], 0)
    return out
