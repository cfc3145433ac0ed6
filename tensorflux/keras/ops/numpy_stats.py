"""``keras.ops`` statistics: NaN-ignoring reductions, quantiles, ptp, corrcoef, correlate, trapezoid.

Quantiles sort along the reduced axes and gather (``take_along_axis``), so gradients reach the
inputs through the sort; NaN-ignoring reductions replace NaN by the reduction's neutral value.
"""

from __future__ import annotations

import builtins
import math as _math
from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.config import floatx
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine.op_layer import symbolic_op
from tensorflux.keras.ops.core import convert_to_tensor
from tensorflux.keras.ops.numpy import _axis, _t, argmax, argmin, cumprod, cumsum
from tensorflux.keras.ops.numpy_elementwise import _f
from tensorflux.keras.ops.numpy_shape import _slice
from tensorflux.ops import array_ops as A
from tensorflux.ops import linalg_ops as L
from tensorflux.ops import math_ops as M

__all__ = [
    "corrcoef",
    "correlate",
    "median",
    "nanargmax",
    "nanargmin",
    "nancumprod",
    "nancumsum",
    "nanmax",
    "nanmean",
    "nanmedian",
    "nanmin",
    "nanpercentile",
    "nanprod",
    "nanquantile",
    "nanstd",
    "nansum",
    "nanvar",
    "percentile",
    "ptp",
    "quantile",
    "trapezoid",
]


def _fill(x: Tensor, value: float) -> Tensor:
    return A.fill(tuple(x.shape), P.constant_like(value, x))


def _nan_to(x: Tensor, value: float) -> Tensor:
    """``x`` with NaN replaced by ``value`` (integers have none)."""
    if not x.dtype.is_floating:
        return x
    return A.where(M.is_nan(x), _fill(x, value), x)


def _safe_divide(total: Tensor, count: Tensor) -> Tensor:
    """``total / count``, NaN where ``count`` is 0 (an all-NaN slice) without a 0/0 warning."""
    empty = count == P.constant_like(0, count)
    out = total / A.where(empty, A.ones_like(count), count)
    return A.where(empty, _fill(out, _math.nan), out)


def _count(x: Tensor, axis: Any, keepdims: bool) -> Tensor:
    """The number of non-NaN elements reduced over ``axis``, in ``x``'s float dtype."""
    return M.reduce_sum(A.cast(~M.is_nan(x), x.dtype), axis, keepdims)


@symbolic_op
def nansum(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Sum ignoring NaN.

    >>> nansum([1.0, float("nan"), 2.0]).numpy().item()
    3.0
    """
    return M.reduce_sum(_nan_to(_t(x), 0.0), _axis(axis), keepdims)


@symbolic_op
def nanprod(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Product ignoring NaN.

    >>> nanprod([2.0, float("nan"), 3.0]).numpy().item()
    6.0
    """
    return M.reduce_prod(_nan_to(_t(x), 1.0), _axis(axis), keepdims)


@symbolic_op
def nanmean(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Mean of the non-NaN elements (NaN where there are none).

    >>> nanmean([1.0, float("nan"), 2.0]).numpy().item()
    1.5
    """
    x = _f(x)
    axis = _axis(axis)
    return _safe_divide(M.reduce_sum(_nan_to(x, 0.0), axis, keepdims), _count(x, axis, keepdims))


@symbolic_op
def nanvar(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Variance of the non-NaN elements (population variance, as NumPy's default ``ddof=0``).

    >>> nanvar([1.0, float("nan"), 3.0]).numpy().item()
    1.0
    """
    x = _f(x)
    axis = _axis(axis)
    d = _nan_to(x - nanmean(x, axis, True), 0.0)
    return _safe_divide(M.reduce_sum(d * d, axis, keepdims), _count(x, axis, keepdims))


@symbolic_op
def nanstd(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Standard deviation of the non-NaN elements."""
    return M.sqrt(nanvar(x, axis, keepdims))


def _nan_extreme(x: Any, axis: Any, keepdims: bool, reduce: Any, fill: float) -> Tensor:
    x = _t(x)
    axis = _axis(axis)
    if not x.dtype.is_floating:
        return reduce(x, axis, keepdims)
    out = reduce(_nan_to(x, fill), axis, keepdims)
    all_nan = M.reduce_all(M.is_nan(x), axis, keepdims)
    return A.where(all_nan, _fill(out, _math.nan), out)


@symbolic_op
def nanmax(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Maximum ignoring NaN (NaN where all are NaN).

    >>> nanmax([1.0, float("nan")]).numpy().item()
    1.0
    """
    return _nan_extreme(x, axis, keepdims, M.reduce_max, -_math.inf)


@symbolic_op
def nanmin(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Minimum ignoring NaN (NaN where all are NaN)."""
    return _nan_extreme(x, axis, keepdims, M.reduce_min, _math.inf)


@symbolic_op
def nanargmax(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Index of the maximum ignoring NaN (int32).

    >>> nanargmax([float("nan"), 1.0, 3.0]).numpy().item()
    2
    """
    return argmax(_nan_to(_t(x), -_math.inf), axis, keepdims)


@symbolic_op
def nanargmin(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Index of the minimum ignoring NaN (int32)."""
    return argmin(_nan_to(_t(x), _math.inf), axis, keepdims)


@symbolic_op
def nancumsum(x: Any, axis: Any = None, dtype: Any = None) -> Tensor:
    """Cumulative sum treating NaN as 0.

    >>> nancumsum([1.0, float("nan"), 2.0]).numpy().tolist()
    [1.0, 1.0, 3.0]
    """
    return cumsum(_nan_to(_t(x), 0.0), axis, dtype)


@symbolic_op
def nancumprod(x: Any, axis: Any = None, dtype: Any = None) -> Tensor:
    """Cumulative product treating NaN as 1."""
    return cumprod(_nan_to(_t(x), 1.0), axis, dtype)


@symbolic_op
def ptp(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Range of values (maximum minus minimum) along ``axis``.

    >>> ptp([3, 1, 7]).numpy().item()
    6
    """
    x = _t(x)
    axis = _axis(axis)
    return M.reduce_max(x, axis, keepdims) - M.reduce_min(x, axis, keepdims)


_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(x: Any, q: Any, axis: Any, method: str, keepdims: bool, ignore_nan: bool, name: str) -> Tensor:
    if method not in _METHODS:
        raise ValueError(f"{name}: method must be one of {', '.join(_METHODS)}. Received: method={method!r}")
    x = _f(x)
    q = A.cast(q, x.dtype) if isinstance(q, Tensor) else convert_to_tensor(q, x.dtype)
    if q.ndim > 1:
        raise ValueError(f"{name}: q must be a scalar or 1-D. Received: shape={tuple(q.shape)}")
    nd = x.ndim
    if axis is None:
        axes = list(builtins.range(nd))
    else:
        axes = sorted({a % nd for a in (axis if isinstance(axis, (list, tuple)) else [axis])})
    kept = [i for i in builtins.range(nd) if i not in axes]
    kept_shape = [x.shape[i] for i in kept]
    n = 1
    for a in axes:
        n *= x.shape[a]
    if n == 0:
        raise ValueError(
            f"{name}: cannot take a quantile over an empty axis. Received: shape={tuple(x.shape)}"
        )
    flat = A.reshape(A.transpose(x, kept + axes), tuple(kept_shape) + (n,))
    s = A.sort(flat, -1)  # NaN sorts last
    nan = M.is_nan(flat)
    if ignore_nan:
        count = M.reduce_sum(A.cast(~nan, x.dtype), -1, keepdims=True)
    else:
        count = A.fill(tuple(kept_shape) + (1,), P.constant_like(n, x))
    qv = A.reshape(q, (-1,))
    pos = (count - P.constant_like(1, x)) * qv  # (..., nq)
    last = P.constant_like(n - 1, x)
    zero = P.constant_like(0, x)

    def at(p: Tensor) -> Tensor:
        idx = A.cast(M.minimum(M.maximum(p, zero), last), "int32")
        return P.bind(P.take_along_axis, (s, idx), {"axis": s.ndim - 1})

    lo, hi = M.floor(pos), M.ceil(pos)
    if method == "linear":
        a, b = at(lo), at(hi)
        t, one = pos - lo, P.constant_like(1, x)
        # interpolate from the nearer end, as NumPy, so results near 0 keep their precision
        out = A.where(t >= P.constant_like(0.5, x), b - (b - a) * (one - t), a + (b - a) * t)
    elif method == "lower":
        out = at(lo)
    elif method == "higher":
        out = at(hi)
    elif method == "midpoint":
        out = (at(lo) + at(hi)) * P.constant_like(0.5, x)
    else:
        out = at(M.round(pos))
    bad = (count == zero) if ignore_nan else M.reduce_any(nan, -1, keepdims=True)
    out = A.where(A.broadcast_to(bad, tuple(out.shape)), _fill(out, _math.nan), out)
    k = len(kept_shape)
    out = A.transpose(out, [k] + list(builtins.range(k)))  # the q axis first, as NumPy
    if keepdims:
        full = [1 if i in axes else x.shape[i] for i in builtins.range(nd)]
        out = A.reshape(out, (out.shape[0],) + tuple(full))
    if q.ndim == 0:
        out = A.reshape(out, tuple(out.shape[1:]))
    return out


@symbolic_op
def quantile(x: Any, q: Any, axis: Any = None, method: str = "linear", keepdims: bool = False) -> Tensor:
    """The ``q``-th quantile(s), ``q`` in [0, 1]; a 1-D ``q`` adds a leading axis.

    >>> quantile([1.0, 2.0, 3.0, 4.0], 0.5).numpy().item()
    2.5
    """
    return _quantile(x, q, axis, method, keepdims, False, "quantile")


@symbolic_op
def nanquantile(x: Any, q: Any, axis: Any = None, method: str = "linear", keepdims: bool = False) -> Tensor:
    """``quantile`` ignoring NaN."""
    return _quantile(x, q, axis, method, keepdims, True, "nanquantile")


def _percent(q: Any) -> Tensor:
    q = _f(q) if isinstance(q, Tensor) else convert_to_tensor(q, "float64")
    return q / 100.0


@symbolic_op
def percentile(x: Any, q: Any, axis: Any = None, method: str = "linear", keepdims: bool = False) -> Tensor:
    """The ``q``-th percentile(s), ``q`` in [0, 100].

    >>> percentile([1.0, 2.0, 3.0], 50).numpy().item()
    2.0
    """
    return _quantile(x, _percent(q), axis, method, keepdims, False, "percentile")


@symbolic_op
def nanpercentile(x: Any, q: Any, axis: Any = None, method: str = "linear", keepdims: bool = False) -> Tensor:
    """``percentile`` ignoring NaN."""
    return _quantile(x, _percent(q), axis, method, keepdims, True, "nanpercentile")


@symbolic_op
def median(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Median along ``axis`` (all axes when None).

    >>> median([3, 1, 2, 10]).numpy().item()
    2.5
    """
    return _quantile(x, 0.5, axis, "linear", keepdims, False, "median")


@symbolic_op
def nanmedian(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Median ignoring NaN."""
    return _quantile(x, 0.5, axis, "linear", keepdims, True, "nanmedian")


@symbolic_op
def corrcoef(x: Any) -> Tensor:
    """Pearson correlation coefficients between the rows of ``x`` (variables in rows).

    >>> corrcoef([[1.0, 2.0, 3.0], [2.0, 4.0, 7.0]]).shape
    TensorShape([2, 2])
    """
    x = _f(x)
    if x.ndim > 2:
        raise ValueError(f"corrcoef: x must be 1-D or 2-D. Received: shape={tuple(x.shape)}")
    one_row = x.ndim == 1
    if one_row:
        x = A.reshape(x, (1, -1))
    xm = x - M.reduce_mean(x, 1, keepdims=True)
    c = L.matmul(xm, A.transpose(xm))
    d = M.sqrt(L.diag_part(c))
    r = c / A.reshape(d, (-1, 1)) / A.reshape(d, (1, -1))
    r = M.minimum(M.maximum(r, P.constant_like(-1, r)), P.constant_like(1, r))
    return A.reshape(r, ()) if one_row else r


@symbolic_op
def correlate(x1: Any, x2: Any, mode: str = "valid") -> Tensor:
    """Cross-correlation of two 1-D sequences, ``c[k] = sum_n x1[n + k] * x2[n]``.

    >>> correlate([1.0, 2.0, 3.0], [0.0, 1.0, 0.5]).numpy().tolist()
    [3.5]
    """
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"correlate: mode must be 'valid', 'same' or 'full'. Received: mode={mode!r}")
    a, v = _f(x1), _f(x2)
    if a.dtype != v.dtype:
        a, v = A.cast(a, floatx()), A.cast(v, floatx())
    if a.ndim != 1 or v.ndim != 1:
        raise ValueError(
            f"correlate: both inputs must be 1-D. Received: shapes {tuple(a.shape)} and {tuple(v.shape)}"
        )
    n, m = a.shape[0], v.shape[0]
    if n == 0 or m == 0:
        raise ValueError(f"correlate: the inputs must not be empty. Received lengths {n} and {m}")
    length = n + m - 1
    padded = A.pad(a, [[m - 1, m - 1]])
    idx = A.reshape(A.range(0, length, 1, dtype="int32"), (-1, 1)) + A.reshape(
        A.range(0, m, 1, dtype="int32"), (1, -1)
    )
    windows = A.gather(padded, idx)  # (length, m)
    full = A.reshape(L.matmul(windows, A.reshape(v, (-1, 1))), (-1,))
    if mode == "full":
        return full
    short, long = builtins.min(n, m), builtins.max(n, m)
    if mode == "valid":
        return full[short - 1 : long]
    start = (m - 1) // 2 if m <= n else n // 2  # NumPy's centring of the 'same' window
    return full[start : start + long]


@symbolic_op
def trapezoid(y: Any, x: Any = None, dx: float = 1.0, axis: int = -1) -> Tensor:
    """Integral of ``y`` along ``axis`` by the trapezoidal rule (sample points ``x`` or spacing ``dx``).

    >>> trapezoid([1.0, 2.0, 3.0]).numpy().item()
    4.0
    """
    y = _f(y)
    axis = axis % y.ndim
    mid = (_slice(y, axis, 1, None) + _slice(y, axis, None, -1)) * P.constant_like(0.5, y)
    if x is None:
        return M.reduce_sum(mid, axis) * P.constant_like(dx, y)
    xt = A.cast(_t(x), y.dtype)
    if xt.ndim == 1:
        d = xt[1:] - xt[:-1]
        shape = [1] * y.ndim
        shape[axis] = -1
        d = A.reshape(d, tuple(shape))
    else:
        d = _slice(xt, axis % xt.ndim, 1, None) - _slice(xt, axis % xt.ndim, None, -1)
    return M.reduce_sum(mid * d, axis)
