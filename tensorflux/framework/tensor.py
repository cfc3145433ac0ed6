"""Tensor: an immutable array with a dtype, a shape and Python operators.

A Tensor wraps one backend array (``_value``).  Every operator goes through a primitive
(``framework.primitives``), so it is recorded by active tapes and differentiable.
"""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import dtypes as _dt
from tensorflux.framework.shape import TensorShape


class Tensor:
    """An immutable multi-dimensional array.

    >>> import tensorflux as tf
    >>> tf.constant([[1.0, 2.0]]) * 2
    <tf.Tensor: shape=(1, 2), dtype=float32, numpy=array([[2., 4.]], dtype=float32)>
    """

    __slots__ = ("_value", "__weakref__")
    __array_priority__ = 100

    def __init__(self, value: Any) -> None:
        self._value = value

    # -- metadata ---------------------------------------------------------------------------
    @property
    def shape(self) -> TensorShape:
        # a backend shape is already a tuple of Python ints: no per-dimension conversion needed
        return tuple.__new__(TensorShape, self._value.shape)

    def get_shape(self) -> TensorShape:
        return tuple.__new__(TensorShape, self._value.shape)

    @property
    def dtype(self) -> _dt.DType:
        return _dt.from_native(self._value.dtype)

    @property
    def ndim(self) -> int:
        return self._value.ndim

    @property
    def device(self) -> str:
        return "/job:localhost/replica:0/task:0/device:CPU:0"

    def numpy(self) -> Any:
        """The value as a NumPy array (a copy is not made; do not write to it)."""
        if P.TRACERS:
            P.TRACERS[-1].check_read(self, "numpy")
        return B.to_numpy(self._value)

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        if P.TRACERS:
            P.TRACERS[-1].check_read(self, "array")
        a = B.to_numpy(self._value)
        if dtype is not None and a.dtype != dtype:
            return a.astype(dtype)
        return a.copy() if copy else a

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        # ndarray (op) Tensor gives a Tensor for the arithmetic operators; other NumPy
        # functions see the Tensor as an array and return arrays, as with TensorFlow.
        if method == "__call__" and not kwargs and len(inputs) == 2:
            name = _UFUNC_PRIMS.get(ufunc.__name__)
            if name is not None:
                return P.binary(P.REGISTRY[name], *inputs)
        arrays = [B.to_numpy(i._value) if isinstance(i, Tensor) else i for i in inputs]
        return getattr(ufunc, method)(*arrays, **kwargs)

    def ref(self) -> _Ref:
        return _Ref(self)

    experimental_ref = ref

    # -- python protocol ---------------------------------------------------------------------
    def __len__(self) -> int:
        if self._value.ndim == 0:
            raise TypeError("len is not well defined for a rank-0 (scalar) Tensor.")
        return self._value.shape[0]

    def __iter__(self) -> Any:
        if self._value.ndim == 0:
            raise TypeError("Cannot iterate over a scalar tensor.")
        for i in range(self._value.shape[0]):
            yield self[i]

    def __bool__(self) -> bool:
        if P.TRACERS:
            P.TRACERS[-1].check_read(self, "bool")
        if self._value.size != 1:
            raise ValueError(
                f"The truth value of a Tensor of shape {tuple(self._value.shape)} is ambiguous; "
                "use tf.reduce_any or tf.reduce_all."
            )
        return bool(self._value)

    def __float__(self) -> float:
        return float(self._scalar("float"))

    def __int__(self) -> int:
        return int(self._scalar("int"))

    def _scalar(self, what: str) -> Any:
        if P.TRACERS:
            P.TRACERS[-1].check_read(self, what)
        if self._value.ndim != 0:
            raise TypeError(
                f"{what}() needs a scalar (rank-0) tensor; this one has shape {tuple(self._value.shape)}. "
                "Index it or reduce it first."
            )
        return self._value.item()

    def __index__(self) -> int:
        if not self.dtype.is_integer:
            raise TypeError(
                f"Only integer scalar tensors can be used as an index; this one is {self.dtype.name}."
            )
        return int(self._scalar("index"))

    def __hash__(self) -> int:
        raise TypeError("Tensor is unhashable. Instead, use tensor.ref() as the key.")

    def __repr__(self) -> str:
        text = _numpy_text(self._value, True)
        return f"<tf.Tensor: shape={self.shape}, dtype={self.dtype.name}, numpy={text}>"

    def __str__(self) -> str:
        return f"tf.Tensor({_numpy_text(self._value, False)}, shape={self.shape}, dtype={self.dtype.name})"

    def __format__(self, spec: str) -> str:
        if self._value.ndim == 0:
            return format(self._value.item(), spec)
        return str(self)

    # -- operators (each one primitive) ------------------------------------------------------
    def __add__(self, o: Any) -> Tensor:
        return P.binary(P.add, self, o)

    def __radd__(self, o: Any) -> Tensor:
        return P.binary(P.add, o, self)

    def __sub__(self, o: Any) -> Tensor:
        return P.binary(P.subtract, self, o)

    def __rsub__(self, o: Any) -> Tensor:
        return P.binary(P.subtract, o, self)

    def __mul__(self, o: Any) -> Tensor:
        return P.binary(P.multiply, self, o)

    def __rmul__(self, o: Any) -> Tensor:
        return P.binary(P.multiply, o, self)

    def __truediv__(self, o: Any) -> Tensor:
        return P.binary(P.divide, self, o)

    def __rtruediv__(self, o: Any) -> Tensor:
        return P.binary(P.divide, o, self)

    def __floordiv__(self, o: Any) -> Tensor:
        return P.binary(P.floor_divide, self, o)

    def __rfloordiv__(self, o: Any) -> Tensor:
        return P.binary(P.floor_divide, o, self)

    def __mod__(self, o: Any) -> Tensor:
        return P.binary(P.floormod, self, o)

    def __rmod__(self, o: Any) -> Tensor:
        return P.binary(P.floormod, o, self)

    def __pow__(self, o: Any) -> Tensor:
        return P.binary(P.power, self, o)

    def __rpow__(self, o: Any) -> Tensor:
        return P.binary(P.power, o, self)

    def __matmul__(self, o: Any) -> Tensor:
        return P.binary(P.matmul, self, o)

    def __rmatmul__(self, o: Any) -> Tensor:
        return P.binary(P.matmul, o, self)

    def __neg__(self) -> Tensor:
        return P.unary(P.negative, self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return P.unary(P.abs, self)

    def __invert__(self) -> Tensor:
        return P.unary(P.logical_not if self._value.dtype.kind == "b" else P.invert, self)

    def __and__(self, o: Any) -> Tensor:
        return P.binary(P.logical_and if self._value.dtype.kind == "b" else P.bitwise_and, self, o)

    def __rand__(self, o: Any) -> Tensor:
        return P.binary(P.logical_and if self._value.dtype.kind == "b" else P.bitwise_and, o, self)

    def __or__(self, o: Any) -> Tensor:
        return P.binary(P.logical_or if self._value.dtype.kind == "b" else P.bitwise_or, self, o)

    def __ror__(self, o: Any) -> Tensor:
        return P.binary(P.logical_or if self._value.dtype.kind == "b" else P.bitwise_or, o, self)

    def __xor__(self, o: Any) -> Tensor:
        return P.binary(P.logical_xor if self._value.dtype.kind == "b" else P.bitwise_xor, self, o)

    def __rxor__(self, o: Any) -> Tensor:
        return P.binary(P.logical_xor if self._value.dtype.kind == "b" else P.bitwise_xor, o, self)

    def __lt__(self, o: Any) -> Tensor:
        return P.binary(P.less, self, o)

    def __le__(self, o: Any) -> Tensor:
        return P.binary(P.less_equal, self, o)

    def __gt__(self, o: Any) -> Tensor:
        return P.binary(P.greater, self, o)

    def __ge__(self, o: Any) -> Tensor:
        return P.binary(P.greater_equal, self, o)

    def __eq__(self, o: Any) -> Tensor:  # type: ignore[override]
        if o is None:
            return False  # type: ignore[return-value]
        return P.binary(P.equal, self, o)

    def __ne__(self, o: Any) -> Tensor:  # type: ignore[override]
        if o is None:
            return True  # type: ignore[return-value]
        return P.binary(P.not_equal, self, o)

    def __getitem__(self, index: Any) -> Tensor:
        return P.getitem(self, index)

    # -- a few TensorFlow tensor methods -----------------------------------------------------
    def set_shape(self, shape: Any) -> None:
        if not TensorShape(shape).is_compatible_with(self.shape):
            raise ValueError(f"Tensor's shape {self.shape} is not compatible with supplied shape {shape}.")


class _Ref:
    """A hashable reference to a tensor (``tensor.ref()``)."""

    __slots__ = ("_t",)

    def __init__(self, t: Tensor) -> None:
        self._t = t

    def deref(self) -> Tensor:
        return self._t

    def __hash__(self) -> int:
        return id(self._t)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Ref) and other._t is self._t


def _numpy_text(value: Any, is_repr: bool) -> str:
    """The value as TensorFlow prints it: scalars as Python items, arrays as NumPy prints them."""
    a = B.to_numpy(value)
    if a.ndim == 0:
        text = repr(a.item()) if is_repr else str(a[()])
    else:
        text = repr(a) if is_repr else str(a)
    return "\n" + text if "\n" in text else text


_INT32_MIN = -(2**31)
_INT32_MAX = 2**31 - 1


def _python_default_dtype(value: Any) -> Any:
    """TensorFlow's rule: Python floats become float32 and Python ints int32."""
    native = B.default_dtype_of(value)
    kind = native.kind
    if kind == "f":
        return B.native_dtype("float32")
    if kind in "iu":
        return B.native_dtype("int32")
    return native


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:100] + " ... " + text[-15:]


def _first_leaf(value: Any) -> Any:
    while isinstance(value, (list, tuple)) and value:
        value = value[0]
    return value


def _from_python(value: Any) -> Any:
    """An array for a Python value with TensorFlow's dtype rules.

    Python floats become float32, Python ints int32 (int64 when a value does not fit), and a
    list of NumPy scalars or arrays keeps their dtype.
    """
    try:
        a = B.asarray(value)
    except ValueError as e:
        raise ValueError(f"Can't convert non-rectangular Python sequence to Tensor: {_short(value)}.") from e
    kind = a.dtype.kind
    if kind in "fiu":
        leaf = _first_leaf(value)
        if B.is_array(leaf) and leaf.dtype.kind == kind:
            # NumPy values and unwrapped tensors in a list set the dtype, as when TensorFlow packs them
            return B.cast(a, leaf.dtype)
        if kind == "f":
            return B.cast(a, B.native_dtype("float32"))
        if a.size == 0 or (_INT32_MIN <= a.min() and a.max() <= _INT32_MAX):
            return B.cast(a, B.native_dtype("int32"))
        return a
    if kind not in "bc":
        raise TypeError(
            f"Cannot convert {_short(value)} to a tensor: only numbers and booleans are supported "
            f"(received NumPy dtype {a.dtype})."
        )
    return a


def _check_kind(a: Any, value: Any) -> Any:
    if a.dtype.kind not in "biufc":
        raise TypeError(
            f"Cannot convert a value of NumPy dtype {a.dtype} to a tensor: only numbers and booleans are "
            "supported."
        )
    return a


def convert_to_tensor(value: Any, dtype: Any = None, dtype_hint: Any = None, name: Any = None) -> Tensor:
    """Convert a Python value, a NumPy array or a Tensor to a Tensor.

    Python floats become float32 and Python ints int32, as in TensorFlow; NumPy arrays keep
    their dtype.

    >>> convert_to_tensor([1.0, 2.0]).dtype
    tf.float32
    """
    if isinstance(value, Tensor):
        if dtype is not None and _dt.as_dtype(dtype) != _dt.from_native(value._value.dtype):
            raise ValueError(
                f"Tensor conversion requested dtype {_dt.as_dtype(dtype).name} for Tensor with dtype "
                f"{value.dtype.name}; use tf.cast to change the dtype."
            )
        return value if type(value) is Tensor else Tensor(value._value)
    if dtype is not None:
        want = _dt.as_dtype(dtype)
        value = _unwrap_nested(value)
        if not B.is_array(value):
            try:
                a = B.asarray(value)
            except ValueError as e:
                raise ValueError(
                    f"Can't convert non-rectangular Python sequence to Tensor: {_short(value)}."
                ) from e
            kind = a.dtype.kind
            if kind == "f" and want.is_integer or kind == "c" and not want.is_complex or kind not in "biufc":
                raise TypeError(
                    f"Cannot convert {_short(value)} to a tensor of dtype {want.name}; use tf.cast to "
                    "convert a tensor explicitly."
                )
            return Tensor(B.cast(a, want._native))
        return Tensor(B.asarray(value, want._native))
    if B.is_array(value):
        return Tensor(_check_kind(B.asarray(value), value))
    value = _unwrap_nested(value)
    a = _from_python(value)
    if dtype_hint is not None:
        hint = _dt.as_dtype(dtype_hint)
        # the hint is taken only where it does not change the kind of value (1.5 stays a float)
        if a.dtype.kind == hint._native.kind or a.dtype.kind in "iu" and hint.is_floating:
            return Tensor(B.cast(a, hint._native))
    return Tensor(a)


def _unwrap_nested(value: Any) -> Any:
    if isinstance(value, (list, tuple)) and any(isinstance(v, (Tensor, list, tuple)) for v in value):
        return [_unwrap_nested(v) for v in value]
    if isinstance(value, Tensor):
        return value._value
    return value


def _wrap_value(value: Any) -> Tensor:
    t = Tensor.__new__(Tensor)
    t._value = value
    return t


def is_tensor(x: Any) -> bool:
    return isinstance(x, Tensor)


from tensorflux.framework import primitives as P  # noqa: E402  (operators need the registry)

# NumPy ufunc name -> primitive name, for ``ndarray (op) Tensor`` and ``np.add(array, tensor)``
_UFUNC_PRIMS = {
    "add": "add",
    "subtract": "subtract",
    "multiply": "multiply",
    "true_divide": "divide",
    "divide": "divide",
    "floor_divide": "floor_divide",
    "remainder": "floormod",
    "power": "power",
    "matmul": "matmul",
    "maximum": "maximum",
    "minimum": "minimum",
    "less": "less",
    "less_equal": "less_equal",
    "greater": "greater",
    "greater_equal": "greater_equal",
    "equal": "equal",
    "not_equal": "not_equal",
}
