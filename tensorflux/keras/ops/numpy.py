"""Keras 3's NumPy-like ops (``keras.ops.add``, ``keras.ops.sum``, ...) on tensorflux tensors."""

from __future__ import annotations

import builtins
from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.config import floatx
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine.op_layer import symbolic_op
from tensorflux.keras.ops.core import convert_to_tensor
from tensorflux.ops import array_ops as A
from tensorflux.ops import clip_ops as C
from tensorflux.ops import linalg_ops as L
from tensorflux.ops import math_ops as M


def _t(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


def _pair(x1: Any, x2: Any) -> tuple[Any, Any]:
    # Python scalars take the other operand's dtype; tensors of different dtypes are promoted.
    if isinstance(x1, Tensor) and isinstance(x2, Tensor) and x1.dtype != x2.dtype:
        if x1.dtype.is_floating and not x2.dtype.is_floating:
            x2 = A.cast(x2, x1.dtype)
        elif x2.dtype.is_floating and not x1.dtype.is_floating:
            x1 = A.cast(x1, x2.dtype)
        elif x1.dtype.is_floating and x2.dtype.is_floating:
            wide = x1.dtype if x1.dtype.name > x2.dtype.name else x2.dtype
            x1, x2 = A.cast(x1, wide), A.cast(x2, wide)
    if isinstance(x1, Tensor) and isinstance(x2, float) and not x1.dtype.is_floating:
        x1 = A.cast(x1, floatx())
    if isinstance(x2, Tensor) and isinstance(x1, float) and not x2.dtype.is_floating:
        x2 = A.cast(x2, floatx())
    return x1, x2


def _binary(prim: Any, name: str) -> Any:
    def op(x1: Any, x2: Any) -> Tensor:
        a, b = _pair(x1, x2)
        return P.binary(prim, a, b)

    op.__name__ = name
    op.__doc__ = f"Elementwise ``{name}`` with broadcasting."
    return symbolic_op(op)


def _unary(fn: Any, name: str) -> Any:
    def op(x: Any) -> Tensor:
        return fn(_t(x))

    op.__name__ = name
    op.__doc__ = f"Elementwise ``{name}``."
    return symbolic_op(op)


add = _binary(P.add, "add")
subtract = _binary(P.subtract, "subtract")
multiply = _binary(P.multiply, "multiply")
divide = true_divide = _binary(P.divide, "divide")
floor_divide = _binary(P.floor_divide, "floor_divide")
mod = _binary(P.floormod, "mod")
power = _binary(P.power, "power")
maximum = _binary(P.maximum, "maximum")
minimum = _binary(P.minimum, "minimum")
equal = _binary(P.equal, "equal")
not_equal = _binary(P.not_equal, "not_equal")
greater = _binary(P.greater, "greater")
greater_equal = _binary(P.greater_equal, "greater_equal")
less = _binary(P.less, "less")
less_equal = _binary(P.less_equal, "less_equal")
logical_and = _binary(P.logical_and, "logical_and")
logical_or = _binary(P.logical_or, "logical_or")
logical_xor = _binary(P.logical_xor, "logical_xor")
arctan2 = _binary(P.arctan2, "arctan2")

abs = absolute = _unary(M.abs, "absolute")  # noqa: A001
negative = _unary(M.negative, "negative")
sign = _unary(M.sign, "sign")
exp = _unary(M.exp, "exp")
expm1 = _unary(M.expm1, "expm1")
log = _unary(M.log, "log")
log1p = _unary(M.log1p, "log1p")
sqrt = _unary(M.sqrt, "sqrt")
rsqrt = _unary(M.rsqrt, "rsqrt")
square = _unary(M.square, "square")
reciprocal = _unary(M.reciprocal, "reciprocal")
sin = _unary(M.sin, "sin")
cos = _unary(M.cos, "cos")
tan = _unary(M.tan, "tan")
arcsin = _unary(M.asin, "arcsin")
arccos = _unary(M.acos, "arccos")
arctan = _unary(M.atan, "arctan")
sinh = _unary(M.sinh, "sinh")
cosh = _unary(M.cosh, "cosh")
tanh = _unary(M.tanh, "tanh")
floor = _unary(M.floor, "floor")
ceil = _unary(M.ceil, "ceil")
logical_not = _unary(M.logical_not, "logical_not")
isnan = _unary(M.is_nan, "isnan")
isinf = _unary(M.is_inf, "isinf")
isfinite = _unary(M.is_finite, "isfinite")


@symbolic_op
def round(x: Any, decimals: int = 0) -> Tensor:  # noqa: A001
    x = _t(x)
    if decimals == 0:
        return M.round(x)
    f = 10.0**decimals
    return M.round(x * f) / f


def _axis(axis: Any) -> Any:
    return tuple(axis) if isinstance(axis, list) else axis


@symbolic_op
def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Sum over ``axis`` (all axes when None).

    >>> sum([[1.0, 2.0]], axis=1).numpy().tolist()
    [3.0]
    """
    return M.reduce_sum(_t(x), _axis(axis), keepdims)


@symbolic_op
def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Mean over ``axis``; integer inputs give a float result as in NumPy.

    >>> mean([1, 2]).numpy().item()
    1.5
    """
    x = _t(x)
    if not x.dtype.is_floating:
        x = A.cast(x, floatx())
    return M.reduce_mean(x, _axis(axis), keepdims)


@symbolic_op
def max(x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> Tensor:  # noqa: A001
    out = M.reduce_max(_t(x), _axis(axis), keepdims)
    return out if initial is None else M.maximum(out, initial)


@symbolic_op
def min(x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> Tensor:  # noqa: A001
    out = M.reduce_min(_t(x), _axis(axis), keepdims)
    return out if initial is None else M.minimum(out, initial)


amax = max
amin = min


@symbolic_op
def prod(x: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None) -> Tensor:
    return M.reduce_prod(_t(x) if dtype is None else A.cast(_t(x), dtype), _axis(axis), keepdims)


@symbolic_op
def var(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    return M.reduce_variance(_t(x), _axis(axis), keepdims)


@symbolic_op
def std(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    return M.reduce_std(_t(x), _axis(axis), keepdims)


@symbolic_op
def all(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    return M.reduce_all(A.cast(_t(x), "bool"), _axis(axis), keepdims)


@symbolic_op
def any(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    return M.reduce_any(A.cast(_t(x), "bool"), _axis(axis), keepdims)


@symbolic_op
def cumsum(x: Any, axis: Any = None, dtype: Any = None) -> Tensor:
    x = _t(x)
    if axis is None:
        x = A.reshape(x, (-1,))
        axis = 0
    return M.cumsum(x if dtype is None else A.cast(x, dtype), axis)


@symbolic_op
def cumprod(x: Any, axis: Any = None, dtype: Any = None) -> Tensor:
    x = _t(x)
    if axis is None:
        x = A.reshape(x, (-1,))
        axis = 0
    return M.cumprod(x if dtype is None else A.cast(x, dtype), axis)


@symbolic_op
def average(x: Any, axis: Any = None, weights: Any = None) -> Tensor:
    x = _t(x)
    if weights is None:
        return mean(x, axis)
    w = A.cast(_t(weights), x.dtype)
    if axis is not None and w.ndim == 1 and x.ndim > 1:
        shape = [1] * x.ndim
        shape[axis] = -1
        w = A.reshape(w, shape)
    return M.reduce_sum(x * w, axis) / M.reduce_sum(w * A.ones_like(x), axis)


@symbolic_op
def matmul(x1: Any, x2: Any) -> Tensor:
    """NumPy's matmul: vectors are treated as a row (first) or a column (second).

    >>> matmul([1.0, 2.0], [[3.0], [4.0]]).numpy().tolist()
    [11.0]
    """
    a, b = _pair(_t(x1), _t(x2))
    va, vb = a.ndim == 1, b.ndim == 1
    if va:
        a = A.expand_dims(a, 0)
    if vb:
        b = A.expand_dims(b, -1)
    out = L.matmul(a, b)
    if va:
        out = A.squeeze(out, -2)
    if vb:
        out = A.squeeze(out, -1)
    return out


@symbolic_op
def dot(x1: Any, x2: Any) -> Tensor:
    """NumPy's dot: a product over the last axis of ``x1`` and the second-to-last of ``x2``."""
    a, b = _pair(_t(x1), _t(x2))
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if b.ndim == 1:
        return L.tensordot(a, b, [[a.ndim - 1], [0]])
    return L.tensordot(a, b, [[a.ndim - 1], [b.ndim - 2]])


@symbolic_op
def tensordot(x1: Any, x2: Any, axes: Any = 2) -> Tensor:
    return L.tensordot(_t(x1), _t(x2), axes)


@symbolic_op
def einsum(subscripts: str, *operands: Any) -> Tensor:
    return L.einsum(subscripts, *[_t(o) for o in operands])


@symbolic_op
def outer(x1: Any, x2: Any) -> Tensor:
    a, b = _t(x1), _t(x2)
    return A.reshape(a, (-1, 1)) * A.reshape(b, (1, -1))


@symbolic_op
def reshape(x: Any, newshape: Any) -> Tensor:
    return A.reshape(_t(x), (newshape,) if isinstance(newshape, int) else tuple(newshape))


@symbolic_op
def transpose(x: Any, axes: Any = None) -> Tensor:
    return A.transpose(_t(x), axes)


@symbolic_op
def swapaxes(x: Any, axis1: int, axis2: int) -> Tensor:
    x = _t(x)
    perm = list(range(x.ndim))
    perm[axis1], perm[axis2] = perm[axis2], perm[axis1]
    return A.transpose(x, perm)


@symbolic_op
def moveaxis(x: Any, source: int, destination: int) -> Tensor:
    x = _t(x)
    perm = list(range(x.ndim))
    perm.insert(destination % x.ndim, perm.pop(source % x.ndim))
    return A.transpose(x, perm)


@symbolic_op
def expand_dims(x: Any, axis: Any) -> Tensor:
    x = _t(x)
    for a in sorted(axis if isinstance(axis, (list, tuple)) else [axis]):
        x = A.expand_dims(x, a)
    return x


@symbolic_op
def squeeze(x: Any, axis: Any = None) -> Tensor:
    return A.squeeze(_t(x), axis)


@symbolic_op
def ravel(x: Any) -> Tensor:
    return A.reshape(_t(x), (-1,))


@symbolic_op
def concatenate(xs: Any, axis: int = 0) -> Tensor:
    return A.concat([_t(x) for x in xs], axis)


@symbolic_op
def stack(x: Any, axis: int = 0) -> Tensor:
    return A.stack([_t(v) for v in x], axis)


@symbolic_op
def split(x: Any, indices_or_sections: Any, axis: int = 0) -> list[Tensor]:
    """NumPy's split: a number of equal parts, or the indices where to cut."""
    x = _t(x)
    if isinstance(indices_or_sections, int):
        return A.split(x, indices_or_sections, axis)
    n = x.shape[axis]
    cuts = [0] + [int(i) for i in indices_or_sections] + [n]
    return A.split(x, [b - a for a, b in zip(cuts[:-1], cuts[1:])], axis)


@symbolic_op
def tile(x: Any, repeats: Any) -> Tensor:
    x = _t(x)
    reps = [repeats] if isinstance(repeats, int) else list(repeats)
    while len(reps) < x.ndim:
        reps.insert(0, 1)
    while x.ndim < len(reps):
        x = A.expand_dims(x, 0)
    return A.tile(x, reps)


@symbolic_op
def repeat(x: Any, repeats: int, axis: Any = None) -> Tensor:
    x = _t(x)
    if axis is None:
        x = A.reshape(x, (-1,))
        axis = 0
    axis = axis % x.ndim
    y = A.expand_dims(x, axis + 1)
    mult = [1] * y.ndim
    mult[axis + 1] = int(repeats)
    shape = list(x.shape)
    shape[axis] *= int(repeats)
    return A.reshape(A.tile(y, mult), shape)


@symbolic_op
def flip(x: Any, axis: Any = None) -> Tensor:
    x = _t(x)
    axes = tuple(range(x.ndim)) if axis is None else axis
    return A.reverse(x, axes if isinstance(axes, (list, tuple)) else [axes])


@symbolic_op
def pad(x: Any, pad_width: Any, mode: str = "constant", constant_values: Any = None) -> Tensor:
    x = _t(x)
    if isinstance(pad_width, int):
        pad_width = [[pad_width, pad_width]] * x.ndim
    return A.pad(x, pad_width, mode.upper(), 0 if constant_values is None else constant_values)


@symbolic_op
def where(condition: Any, x1: Any = None, x2: Any = None) -> Any:
    c = _t(condition)
    if x1 is None and x2 is None:
        idx = A.where(c)
        return tuple(idx[:, i] for i in builtins.range(c.ndim))
    a, b = _pair(x1 if isinstance(x1, Tensor) else x1, x2 if isinstance(x2, Tensor) else x2)
    return A.where(c, a, b)


@symbolic_op
def clip(x: Any, x_min: Any, x_max: Any) -> Tensor:
    return C.clip_by_value(_t(x), x_min, x_max)


@symbolic_op
def argmax(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    x = _t(x)
    if axis is None:
        out = M.argmax(A.reshape(x, (-1,)), 0, output_type="int32")
        return A.reshape(out, (1,) * x.ndim) if keepdims else out
    out = M.argmax(x, axis, output_type="int32")
    return A.expand_dims(out, axis) if keepdims else out


@symbolic_op
def argmin(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    x = _t(x)
    if axis is None:
        out = M.argmin(A.reshape(x, (-1,)), 0, output_type="int32")
        return A.reshape(out, (1,) * x.ndim) if keepdims else out
    out = M.argmin(x, axis, output_type="int32")
    return A.expand_dims(out, axis) if keepdims else out


@symbolic_op
def argsort(x: Any, axis: int = -1) -> Tensor:
    return A.argsort(_t(x), axis)


@symbolic_op
def sort(x: Any, axis: int = -1) -> Tensor:
    return A.sort(_t(x), axis)


@symbolic_op
def take(x: Any, indices: Any, axis: Any = None) -> Tensor:
    x = _t(x)
    if axis is None:
        x = A.reshape(x, (-1,))
        axis = 0
    idx = _t(indices)
    if not idx.dtype.is_integer:
        idx = A.cast(idx, "int32")
    return A.gather(x, idx, axis=axis)


@symbolic_op
def take_along_axis(x: Any, indices: Any, axis: Any = None) -> Tensor:
    x = _t(x)
    if axis is None:
        x = A.reshape(x, (-1,))
        axis = 0
    return P.bind(P.take_along_axis, (x, _t(indices)), {"axis": axis % x.ndim})


def ones(shape: Any, dtype: Any = None) -> Tensor:
    return A.ones(shape, dtype or floatx())


def zeros(shape: Any, dtype: Any = None) -> Tensor:
    return A.zeros(shape, dtype or floatx())


def full(shape: Any, fill_value: Any, dtype: Any = None) -> Tensor:
    return A.fill(shape, convert_to_tensor(fill_value, dtype=dtype or floatx()))


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Tensor:  # noqa: N803
    if k:
        raise NotImplementedError("eye: only the main diagonal (k=0) is supported.")
    return A.eye(N, M, dtype=dtype or floatx())


identity = eye


@symbolic_op
def ones_like(x: Any, dtype: Any = None) -> Tensor:
    return A.ones_like(_t(x), dtype)


@symbolic_op
def zeros_like(x: Any, dtype: Any = None) -> Tensor:
    return A.zeros_like(_t(x), dtype)


@symbolic_op
def full_like(x: Any, fill_value: Any, dtype: Any = None) -> Tensor:
    x = _t(x)
    return A.fill(tuple(x.shape), convert_to_tensor(fill_value, dtype=dtype or x.dtype))


def arange(start: Any, stop: Any = None, step: Any = 1, dtype: Any = None) -> Tensor:
    """Evenly spaced values in ``[start, stop)``: int32 for integers, floatx otherwise.

    >>> arange(3).numpy().tolist()
    [0, 1, 2]
    """
    if dtype is None:
        vals = [v for v in (start, stop, step) if v is not None]
        dtype = floatx() if builtins.any(isinstance(v, float) for v in vals) else "int32"
    return A.range(start, stop, step, dtype=dtype)


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None) -> Tensor:
    if not endpoint:
        stop = start + (stop - start) * (num - 1) / num
    return A.cast(A.linspace(float(start), float(stop), num), dtype or floatx())


@symbolic_op
def trace(x: Any) -> Tensor:
    return L.trace(_t(x))


@symbolic_op
def diagonal(x: Any) -> Tensor:
    return L.diag_part(_t(x))


@symbolic_op
def count_nonzero(x: Any, axis: Any = None) -> Tensor:
    return M.count_nonzero(_t(x), _axis(axis), dtype="int32")


@symbolic_op
def logaddexp(x1: Any, x2: Any) -> Tensor:
    a, b = _pair(_t(x1), _t(x2))
    m = M.maximum(a, b)
    return m + M.log1p(M.exp(-M.abs(a - b)))


@symbolic_op
def hypot(x1: Any, x2: Any) -> Tensor:
    a, b = _pair(_t(x1), _t(x2))
    return M.sqrt(a * a + b * b)


@symbolic_op
def nan_to_num(x: Any, nan: float = 0.0, posinf: Any = None, neginf: Any = None) -> Tensor:
    x = _t(x)
    out = A.where(M.is_nan(x), A.fill(tuple(x.shape), convert_to_tensor(nan, x.dtype)), x)
    big = x.dtype.max
    out = A.where(
        M.is_inf(out) & (out > 0),
        A.fill(tuple(x.shape), convert_to_tensor(big if posinf is None else posinf, x.dtype)),
        out,
    )
    return A.where(
        M.is_inf(out) & (out < 0),
        A.fill(tuple(x.shape), convert_to_tensor(-big if neginf is None else neginf, x.dtype)),
        out,
    )


# The rest of ``keras.ops.numpy``, grouped by theme (each module lists its names in ``__all__``).
from tensorflux.keras.ops.core import ndim, size  # noqa: E402,F401  (Keras lists them in keras.ops.numpy too)
from tensorflux.keras.ops.numpy_bitwise import *  # noqa: E402,F401,F403
from tensorflux.keras.ops.numpy_elementwise import *  # noqa: E402,F401,F403
from tensorflux.keras.ops.numpy_products import *  # noqa: E402,F401,F403
from tensorflux.keras.ops.numpy_search import *  # noqa: E402,F401,F403
from tensorflux.keras.ops.numpy_shape import *  # noqa: E402,F401,F403
from tensorflux.keras.ops.numpy_stats import *  # noqa: E402,F401,F403
from tensorflux.keras.ops.numpy_windows import *  # noqa: E402,F401,F403
