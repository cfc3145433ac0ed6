"""``tf.math``: arithmetic, elementwise functions, reductions, comparisons and logic."""

from __future__ import annotations

from typing import Any, NamedTuple

from tensorflux.framework import dtypes as _dt
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.ops._util import axis_arg, static, t


def _u(prim: P.Primitive) -> Any:
    def op(x: Any, name: Any = None) -> Tensor:
        return P.unary(prim, x)

    op.__name__ = prim.name
    op.__doc__ = f"Elementwise ``{prim.name}``."
    return op


def _b(prim: P.Primitive) -> Any:
    def op(x: Any, y: Any, name: Any = None) -> Tensor:
        return P.binary(prim, x, y)

    op.__name__ = prim.name
    op.__doc__ = f"Elementwise ``{prim.name}`` with broadcasting."
    return op


add = _b(P.add)
subtract = _b(P.subtract)
multiply = _b(P.multiply)
divide = truediv = realdiv = _b(P.divide)
floordiv = floor_divide = _b(P.floor_divide)
floormod = mod = _b(P.floormod)
pow = _b(P.power)  # noqa: A001
maximum = _b(P.maximum)
minimum = _b(P.minimum)
atan2 = _b(P.arctan2)
equal = _b(P.equal)
not_equal = _b(P.not_equal)
less = _b(P.less)
less_equal = _b(P.less_equal)
greater = _b(P.greater)
greater_equal = _b(P.greater_equal)
logical_and = _b(P.logical_and)
logical_or = _b(P.logical_or)
logical_xor = _b(P.logical_xor)

negative = _u(P.negative)
abs = _u(P.abs)  # noqa: A001
sign = _u(P.sign)
exp = _u(P.exp)
log = _u(P.log)
log1p = _u(P.log1p)
expm1 = _u(P.expm1)
sqrt = _u(P.sqrt)
rsqrt = _u(P.rsqrt)
square = _u(P.square)
reciprocal = _u(P.reciprocal)
sin = _u(P.sin)
cos = _u(P.cos)
tan = _u(P.tan)
asin = _u(P.arcsin)
acos = _u(P.arccos)
atan = _u(P.arctan)
sinh = _u(P.sinh)
cosh = _u(P.cosh)
tanh = _u(P.tanh)
sigmoid = _u(P.sigmoid)
softplus = _u(P.softplus)
erf = _u(P.erf)
floor = _u(P.floor)
ceil = _u(P.ceil)
round = _u(P.round)  # noqa: A001
logical_not = _u(P.logical_not)
is_nan = _u(P.isnan)
is_inf = _u(P.isinf)
is_finite = _u(P.isfinite)


def multiply_no_nan(x: Any, y: Any, name: Any = None) -> Tensor:
    x, y = t(x), t(y)
    return P.bind(P.where, (P.binary(P.equal, y, 0), P.constant_like(0, x), x * y), {})


def divide_no_nan(x: Any, y: Any, name: Any = None) -> Tensor:
    x, y = t(x), t(y)
    zero = P.binary(P.equal, y, 0)
    safe = P.bind(P.where, (zero, P.constant_like(1, y), y), {})
    return P.bind(P.where, (zero, P.constant_like(0, x), x / safe), {})


def squared_difference(x: Any, y: Any, name: Any = None) -> Tensor:
    d = P.binary(P.subtract, x, y)
    return d * d


def log_sigmoid(x: Any, name: Any = None) -> Tensor:
    return -P.unary(P.softplus, -t(x))


def xlogy(x: Any, y: Any, name: Any = None) -> Tensor:
    x, y = t(x), t(y)
    zero = P.binary(P.equal, x, 0)
    safe = P.bind(P.where, (zero, P.constant_like(1, y), y), {})
    return P.bind(P.where, (zero, P.constant_like(0, x), x * P.unary(P.log, safe)), {})


def add_n(inputs: Any, name: Any = None) -> Tensor:
    inputs = list(inputs)
    out = t(inputs[0])
    for i in inputs[1:]:
        out = P.binary(P.add, out, i)
    return out


def _reduce(prim: P.Primitive) -> Any:
    def op(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None) -> Tensor:
        x = t(input_tensor)
        ax = axis_arg(axis)
        if isinstance(ax, tuple) and len(ax) == 0:
            return x
        return P.unary(prim, x, axis=ax, keepdims=bool(keepdims))

    op.__name__ = prim.name
    op.__doc__ = f"``{prim.name}`` over ``axis`` (all axes when None)."
    return op


reduce_sum = _reduce(P.reduce_sum)
reduce_max = _reduce(P.reduce_max)
reduce_min = _reduce(P.reduce_min)
reduce_prod = _reduce(P.reduce_prod)
reduce_any = _reduce(P.reduce_any)
reduce_all = _reduce(P.reduce_all)
reduce_logsumexp = _reduce(P.logsumexp)
_reduce_mean = _reduce(P.reduce_mean)


def reduce_mean(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None) -> Tensor:
    x = t(input_tensor)
    if x._value.dtype.kind in "iu":  # integer mean truncates toward zero, as in TensorFlow
        s = reduce_sum(x, axis, keepdims)
        n = x._value.size // max(s._value.size, 1)
        return P.binary(P.floor_divide, P.unary(P.abs, s), n) * P.unary(P.sign, s)
    return _reduce_mean(x, axis, keepdims)


def reduce_variance(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None) -> Tensor:
    x = t(input_tensor)
    m = reduce_mean(x, axis, keepdims=True)
    d = x - m
    return reduce_mean(d * d, axis, keepdims)


def reduce_std(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None) -> Tensor:
    return P.unary(P.sqrt, reduce_variance(input_tensor, axis, keepdims))


def reduce_euclidean_norm(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:
    x = t(input_tensor)
    return P.unary(P.sqrt, reduce_sum(x * x, axis, keepdims))


def count_nonzero(
    input: Any, axis: Any = None, keepdims: bool = False, dtype: Any = "int64", name: Any = None
) -> Tensor:  # noqa: A002,E501
    from tensorflux.ops.array_ops import cast

    return reduce_sum(cast(P.binary(P.not_equal, input, 0), dtype), axis, keepdims)


def argmax(input: Any, axis: Any = None, output_type: Any = "int64", name: Any = None) -> Tensor:  # noqa: A002
    return P.unary(
        P.argmax,
        input,
        axis=0 if axis is None else int(static(axis)),
        dtype=_dt.as_dtype(output_type)._native,
    )


def argmin(input: Any, axis: Any = None, output_type: Any = "int64", name: Any = None) -> Tensor:  # noqa: A002
    return P.unary(
        P.argmin,
        input,
        axis=0 if axis is None else int(static(axis)),
        dtype=_dt.as_dtype(output_type)._native,
    )


def cumsum(x: Any, axis: int = 0, exclusive: bool = False, reverse: bool = False, name: Any = None) -> Tensor:
    return P.unary(P.cumsum, x, axis=int(static(axis)), exclusive=exclusive, reverse=reverse)


def cumprod(
    x: Any, axis: int = 0, exclusive: bool = False, reverse: bool = False, name: Any = None
) -> Tensor:
    return P.unary(P.cumprod, x, axis=int(static(axis)), exclusive=exclusive, reverse=reverse)


class TopKV2(NamedTuple):
    """The result of ``top_k``: the values and their indices along the last axis."""

    values: Tensor
    indices: Tensor


def top_k(input: Any, k: int = 1, sorted: bool = True, index_type: Any = "int32", name: Any = None) -> Any:  # noqa: A002
    """The ``k`` largest entries of the last axis and their indices (``TopKV2(values, indices)``).

    >>> top_k([1.0, 3.0, 2.0], k=2).indices.numpy()
    array([1, 2], dtype=int32)
    """
    x = t(input)
    if not 0 <= int(k) <= x._value.shape[-1]:
        raise ValueError(
            f"top_k: k={k} must be in [0, {x._value.shape[-1]}] for input shape {tuple(x._value.shape)}."
        )
    values, indices = P.bind(P.top_k, (x,), {"k": int(k)})
    return TopKV2(values, indices)


def in_top_k(targets: Any, predictions: Any, k: int, name: Any = None) -> Tensor:
    p = t(predictions)._value
    tv = t(targets)._value
    target_scores = p[range(p.shape[0]), tv.astype("int64")]
    return convert_to_tensor((p > target_scores[:, None]).sum(-1) < k)


def l2_normalize(x: Any, axis: Any = None, epsilon: float = 1e-12, name: Any = None) -> Tensor:
    x = t(x)
    sq = reduce_sum(x * x, axis, keepdims=True)
    return x * P.unary(P.rsqrt, P.binary(P.maximum, sq, epsilon))


def bincount(
    arr: Any,
    weights: Any = None,
    minlength: Any = None,
    maxlength: Any = None,
    dtype: Any = "int32",
    name: Any = None,
) -> Tensor:  # noqa: E501
    from tensorflux.backend import ops as B

    a = t(arr)._value.reshape(-1).astype("int64")
    n = max(int(a.max()) + 1 if a.size else 0, int(minlength or 0))
    if maxlength is not None:
        n = min(n, int(maxlength))
        a = a[a < n]
    onehot = B.asarray(B.arange(0, n, 1, a.dtype)[:, None] == a[None, :])
    w = onehot.sum(-1) if weights is None else onehot @ t(weights)._value.reshape(-1)[: a.size]
    return convert_to_tensor(w, dtype=dtype if weights is None else None)


def confusion_matrix(
    labels: Any,
    predictions: Any,
    num_classes: Any = None,
    weights: Any = None,
    dtype: Any = "int32",
    name: Any = None,
) -> Tensor:  # noqa: E501
    from tensorflux.backend import ops as B

    lv = t(labels)._value.reshape(-1).astype("int64")
    pv = t(predictions)._value.reshape(-1).astype("int64")
    n = int(num_classes) if num_classes is not None else int(max(lv.max(), pv.max())) + 1
    w = B.ones(lv.shape, "float64") if weights is None else t(weights)._value.reshape(-1)
    m = B.scatter_nd(B.stack([lv, pv], -1), w.astype("float64"), (n, n))
    return convert_to_tensor(m, dtype=dtype)


def polyval(coeffs: Any, x: Any, name: Any = None) -> Tensor:
    out = t(coeffs[0]) * 0 + t(coeffs[0]) if coeffs else t(x) * 0
    for c in coeffs[1:]:
        out = out * x + c
    return out


# what ``from tensorflux.ops.math_ops import *`` (the ``tf.math`` namespace) exports
__all__ = [
    "abs",
    "acos",
    "add",
    "add_n",
    "argmax",
    "argmin",
    "asin",
    "atan",
    "atan2",
    "bincount",
    "ceil",
    "confusion_matrix",
    "cos",
    "cosh",
    "count_nonzero",
    "cumprod",
    "cumsum",
    "divide",
    "divide_no_nan",
    "equal",
    "erf",
    "exp",
    "expm1",
    "floor",
    "floor_divide",
    "floordiv",
    "floormod",
    "greater",
    "greater_equal",
    "in_top_k",
    "is_finite",
    "is_inf",
    "is_nan",
    "l2_normalize",
    "less",
    "less_equal",
    "log",
    "log1p",
    "log_sigmoid",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "maximum",
    "minimum",
    "mod",
    "multiply",
    "multiply_no_nan",
    "negative",
    "not_equal",
    "polyval",
    "pow",
    "realdiv",
    "reciprocal",
    "reduce_all",
    "reduce_any",
    "reduce_euclidean_norm",
    "reduce_logsumexp",
    "reduce_max",
    "reduce_mean",
    "reduce_min",
    "reduce_prod",
    "reduce_std",
    "reduce_sum",
    "reduce_variance",
    "round",
    "rsqrt",
    "sigmoid",
    "sign",
    "sin",
    "sinh",
    "softplus",
    "sqrt",
    "square",
    "squared_difference",
    "subtract",
    "tan",
    "tanh",
    "top_k",
    "truediv",
    "xlogy",
]
