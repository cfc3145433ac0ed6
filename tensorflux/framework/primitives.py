"""The primitive registry: every computation on tensors is one of these.

A primitive has a name, an implementation from the backend, and a gradient rule (set in
``framework.gradients``; ``None`` means not differentiable).  ``bind`` runs the
implementation on the inputs' arrays, wraps the result, and lets active tapes record it.
With no active tape the only cost above the kernel is the wrapping.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import dtypes as _dt
from tensorflux.framework.tensor import Tensor, _python_default_dtype, convert_to_tensor

# Tapes currently recording (pushed and popped by GradientTape); checked on every op.
ACTIVE_TAPES: list[Any] = []
# Graph tracers recording (pushed and popped by tensorflux.function); the innermost is last.
TRACERS: list[Any] = []


class Primitive:
    """One operation of the registry: ``impl`` on arrays, ``vjp`` for its gradient."""

    __slots__ = ("name", "impl", "vjp", "multiple_results")

    def __init__(self, name: str, impl: Callable[..., Any], multiple_results: bool = False) -> None:
        self.name = name
        self.impl = impl
        self.vjp: Callable[..., Any] | None = None
        self.multiple_results = multiple_results

    def __call__(self, *args: Any, **params: Any) -> Any:
        return bind(self, args, params)

    def __repr__(self) -> str:
        return f"Primitive({self.name})"


REGISTRY: dict[str, Primitive] = {}


def primitive(name: str, impl: Callable[..., Any] | None = None, multiple_results: bool = False) -> Primitive:
    """Register a primitive whose implementation is the backend function ``name``."""
    if name in REGISTRY:
        raise ValueError(f"Primitive {name!r} is already registered.")
    p = Primitive(name, impl if impl is not None else getattr(B, name), multiple_results)
    REGISTRY[name] = p
    return p


_new = object.__new__


def _wrap(value: Any) -> Tensor:
    t = _new(Tensor)
    t._value = value
    return t


def _shape_text(shape: Any) -> str:
    return str(tuple(shape))


def _error(prim: Primitive, arrays: Any, params: dict[str, Any], e: Exception) -> Exception:
    """The backend's error, re-raised with the primitive's name and the input shapes."""
    shapes = ", ".join(_shape_text(getattr(a, "shape", ())) for a in arrays)
    if prim.name == "getitem" and isinstance(e, IndexError):
        return IndexError(f"Index out of range for a tensor of shape {shapes}: {e}.")
    extra = "".join(f", {k}={v!r}" for k, v in params.items() if not B.is_array(v)) if params else ""
    msg = f"{prim.name}: {e} (input shapes {shapes}{extra})"
    if isinstance(e, IndexError):
        return IndexError(msg)
    if isinstance(e, TypeError):
        return TypeError(msg)
    return ValueError(msg)


def _broadcastable(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return all(x == y or x == 1 or y == 1 for x, y in zip(reversed(a), reversed(b)))


def _binary_error(prim: Primitive, xv: Any, yv: Any, e: Exception) -> Exception:
    """Name the op and both shapes, and say which rule the shapes break."""
    sx, sy = tuple(xv.shape), tuple(yv.shape)
    if prim is matmul:
        if len(sx) >= 1 and len(sy) >= 1 and sx[-1] != (sy[-2] if len(sy) >= 2 else sy[0]):
            return ValueError(
                f"matmul: inner dimensions do not match for shapes {sx} and {sy} (the last dimension of a, "
                f"{sx[-1]}, must equal the second-to-last of b, {sy[-2] if len(sy) >= 2 else sy[0]})."
            )
        if not _broadcastable(sx[:-2], sy[:-2]):
            return ValueError(
                f"matmul: the batch dimensions of shapes {sx} and {sy} cannot be broadcast together."
            )
    elif not _broadcastable(sx, sy):
        return ValueError(
            f"{prim.name}: incompatible shapes {sx} and {sy}: they cannot be broadcast together "
            "(trailing dimensions must be equal or 1)."
        )
    return _error(prim, (xv, yv), {}, e)


def bind(prim: Primitive, args: Any, params: dict[str, Any]) -> Any:
    """Apply ``prim`` to tensors ``args`` with static ``params``; return Tensor(s)."""
    inputs = tuple(a if isinstance(a, Tensor) else convert_to_tensor(a) for a in args)
    arrays = [a._value for a in inputs]
    try:
        out = prim.impl(*arrays, **params)
    except (ValueError, TypeError, IndexError) as e:
        raise _error(prim, arrays, params, e) from None
    if prim.multiple_results:
        outs = tuple(_wrap(o) for o in out)
        if ACTIVE_TAPES and prim.vjp is not None:
            _record(prim, inputs, outs, params)
        if TRACERS:
            TRACERS[-1].record(prim, inputs, outs, params)
        return outs
    t = _wrap(out)
    if ACTIVE_TAPES and prim.vjp is not None:
        _record(prim, inputs, (t,), params)
    if TRACERS:
        TRACERS[-1].record(prim, inputs, (t,), params)
    return t


def unary(prim: Primitive, x: Any, **params: Any) -> Tensor:
    """Fast path of ``bind`` for one tensor input and one output."""
    if not isinstance(x, Tensor):
        x = convert_to_tensor(x)
    try:
        out = prim.impl(x._value, **params)
    except (ValueError, TypeError, IndexError) as e:
        raise _error(prim, [x._value], params, e) from None
    t = _new(Tensor)
    t._value = out
    if ACTIVE_TAPES and prim.vjp is not None:
        _record(prim, (x,), (t,), params)
    if TRACERS:
        TRACERS[-1].record(prim, (x,), (t,), params)
    return t


def _convert_like(v: Any, like: Any, prim: Primitive) -> Tensor:
    """Convert a Python or NumPy operand to the dtype of the tensor it meets."""
    dtype = like.dtype
    if isinstance(v, float) and dtype.kind in "iub":
        raise TypeError(
            f"{prim.name}: cannot combine the Python float {v!r} with a {dtype.name} tensor; "
            "cast the tensor with tf.cast first."
        )
    return _wrap(B.asarray(v, dtype))


def binary(prim: Primitive, x: Any, y: Any) -> Tensor:
    """Fast path of ``bind`` for two inputs; operands that are not tensors take the other's dtype."""
    if isinstance(x, Tensor):
        if not isinstance(y, Tensor):
            y = _convert_like(y, x._value, prim)
    elif isinstance(y, Tensor):
        x = _convert_like(x, y._value, prim)
    else:
        x = convert_to_tensor(x)
        y = _convert_like(y, x._value, prim)
    xv = x._value
    yv = y._value
    if xv.dtype != yv.dtype:
        raise TypeError(
            f"{prim.name}: the inputs have different dtypes, {_dt.from_native(xv.dtype).name} and "
            f"{_dt.from_native(yv.dtype).name} (shapes {tuple(xv.shape)} and {tuple(yv.shape)}); "
            "use tf.cast to make them the same."
        )
    try:
        out = prim.impl(xv, yv)
    except (ValueError, TypeError) as e:
        raise _binary_error(prim, xv, yv, e) from None
    t = _new(Tensor)
    t._value = out
    if ACTIVE_TAPES and prim.vjp is not None:
        _record(prim, (x, y), (t,), {})
    if TRACERS:
        TRACERS[-1].record(prim, (x, y), (t,), {})
    return t


def _record(prim: Any, inputs: Any, outputs: Any, params: dict[str, Any]) -> None:
    # the tape module imports this one; it is looked up once, on the first recorded op
    global _tape_record
    if _tape_record is None:
        from tensorflux.framework.tape import record

        _tape_record = record
    _tape_record(prim.vjp, inputs, outputs, params, prim.multiple_results)


_tape_record: Callable[..., None] | None = None


# -- indexing ---------------------------------------------------------------------------------
def _normalize_index(index: Any) -> tuple[Any, bool]:
    """Turn a Python index into one the backend takes; report whether it is basic slicing."""
    if not isinstance(index, tuple):
        index = (index,)
    out = []
    basic = True
    for i in index:
        if isinstance(i, Tensor):
            i = i._value
            if i.ndim == 0 and i.dtype.kind in "iu":
                i = int(i)
            else:
                basic = False
        elif isinstance(i, list):
            i = B.asarray(i)
            basic = False
        elif B.is_array(i):
            basic = False
        elif isinstance(i, slice):
            i = slice(*(int(v) if isinstance(v, Tensor) else v for v in (i.start, i.stop, i.step)))
        elif not (i is None or i is Ellipsis or isinstance(i, int)):
            raise TypeError(
                f"Only integers, slices, ellipsis, tf.newaxis and integer or boolean tensors are valid "
                f"indices; received {i!r}."
            )
        out.append(i)
    return tuple(out), basic


def getitem(x: Tensor, index: Any) -> Tensor:
    if TRACERS:  # a symbolic integer index stays an array the graph reads when it runs
        index = TRACERS[-1].dynamic_index(index)
    idx, basic = _normalize_index(index)
    return bind(_getitem, (x,), {"index": idx, "basic": basic})


def _getitem_impl(x: Any, index: Any, basic: bool) -> Any:
    return x[index]


def _getitem_grad_impl(g: Any, index: Any, basic: bool, shape: Any) -> Any:
    return B.getitem_grad(g, index, shape, basic)


def _cast_impl(x: Any, dtype: Any) -> Any:
    return B.cast(x, dtype)


def _identity_impl(x: Any) -> Any:
    return x


# -- the primitives -------------------------------------------------------------------------
# Elementwise, two inputs
add = primitive("add")
subtract = primitive("subtract")
multiply = primitive("multiply")
divide = primitive("divide")
floor_divide = primitive("floor_divide")
floormod = primitive("floormod")
power = primitive("power")
maximum = primitive("maximum")
minimum = primitive("minimum")
arctan2 = primitive("arctan2")
equal = primitive("equal")
not_equal = primitive("not_equal")
less = primitive("less")
less_equal = primitive("less_equal")
greater = primitive("greater")
greater_equal = primitive("greater_equal")
logical_and = primitive("logical_and")
logical_or = primitive("logical_or")
logical_xor = primitive("logical_xor")
bitwise_and = primitive("bitwise_and")
bitwise_or = primitive("bitwise_or")
bitwise_xor = primitive("bitwise_xor")
# Elementwise, one input
negative = primitive("negative")
abs = primitive("abs")  # noqa: A001
sign = primitive("sign")
exp = primitive("exp")
log = primitive("log")
log1p = primitive("log1p")
expm1 = primitive("expm1")
sqrt = primitive("sqrt")
rsqrt = primitive("rsqrt")
square = primitive("square")
reciprocal = primitive("reciprocal")
sin = primitive("sin")
cos = primitive("cos")
tan = primitive("tan")
arcsin = primitive("arcsin")
arccos = primitive("arccos")
arctan = primitive("arctan")
sinh = primitive("sinh")
cosh = primitive("cosh")
tanh = primitive("tanh")
sigmoid = primitive("sigmoid")
relu = primitive("relu")
relu_grad = primitive("relu_grad")
softplus = primitive("softplus")
erf = primitive("erf")
floor = primitive("floor")
ceil = primitive("ceil")
round = primitive("round")  # noqa: A001
logical_not = primitive("logical_not")
invert = primitive("invert")
isnan = primitive("isnan")
isinf = primitive("isinf")
isfinite = primitive("isfinite")
cast = primitive("cast", _cast_impl)
identity = primitive("identity", _identity_impl)
stop_gradient = primitive("stop_gradient", _identity_impl)
# Along an axis
softmax = primitive("softmax")
log_softmax = primitive("log_softmax")
logsumexp = primitive("logsumexp")
# Reductions
reduce_sum = primitive("reduce_sum", B.sum)
reduce_mean = primitive("reduce_mean", B.mean)
reduce_max = primitive("reduce_max", B.max)
reduce_min = primitive("reduce_min", B.min)
reduce_prod = primitive("reduce_prod", B.prod)
reduce_any = primitive("reduce_any", B.any)
reduce_all = primitive("reduce_all", B.all)
argmax = primitive("argmax")
argmin = primitive("argmin")
cumsum = primitive("cumsum")
cumprod = primitive("cumprod")
# Shape and selection
reshape = primitive("reshape")
transpose = primitive("transpose")
broadcast_to = primitive("broadcast_to")
concat = primitive("concat", lambda *xs, axis: B.concat(xs, axis))
stack = primitive("stack", lambda *xs, axis: B.stack(xs, axis))
tile = primitive("tile")
pad = primitive("pad")
flip = primitive("flip")
_getitem = primitive("getitem", _getitem_impl)
getitem_grad = primitive("getitem_grad", _getitem_grad_impl)
gather = primitive("gather")
gather_grad = primitive("gather_grad")
gather_nd = primitive("gather_nd")
scatter_nd = primitive("scatter_nd")
tensor_scatter_nd_update = primitive("tensor_scatter_nd_update")
tensor_scatter_nd_add = primitive("tensor_scatter_nd_add")
where = primitive("where")
take_along_axis = primitive("take_along_axis")
put_along_axis_add = primitive(
    "put_along_axis_add", lambda idx, values, shape, axis: B.put_along_axis_add(shape, idx, values, axis)
)
one_hot = primitive("one_hot")
sort = primitive("sort")
argsort = primitive("argsort")
top_k = primitive("top_k", multiple_results=True)
unique = primitive("unique", multiple_results=True)
nonzero = primitive("nonzero")
boolean_mask = primitive("boolean_mask")
# Linear algebra
matmul = primitive("matmul")
einsum = primitive("einsum", lambda *xs, equation: B.einsum(equation, *xs))
inv = primitive("inv")
det = primitive("det")
slogdet = primitive("slogdet", multiple_results=True)
cholesky = primitive("cholesky")
solve = primitive("solve")
trace = primitive("trace")
matrix_diag_part = primitive("matrix_diag_part")


def constant_like(value: Any, like: Tensor) -> Tensor:
    """A tensor holding ``value`` with the dtype of ``like`` (no tape involvement)."""
    return _wrap(B.asarray(value, like._value.dtype))


__all__ = [
    "ACTIVE_TAPES",
    "Primitive",
    "REGISTRY",
    "bind",
    "unary",
    "binary",
    "primitive",
    "_python_default_dtype",
]
