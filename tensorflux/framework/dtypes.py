"""TensorFlow-named dtypes over the backend's native dtypes."""

from __future__ import annotations

import builtins
from typing import Any

from tensorflux.backend import ops as B


class DType:
    """A tensor element type with TensorFlow's name (``tf.float32``, ``tf.int64``, ...)."""

    __slots__ = ("name", "_native")

    def __init__(self, name: str) -> None:
        self.name = name
        self._native = B.native_dtype(name)

    @property
    def as_numpy_dtype(self) -> Any:
        return self._native.type

    @property
    def is_floating(self) -> builtins.bool:
        return self.name.startswith(("float", "bfloat"))

    @property
    def is_integer(self) -> builtins.bool:
        return self.name.startswith(("int", "uint"))

    @property
    def is_unsigned(self) -> builtins.bool:
        return self.name.startswith("uint")

    @property
    def is_bool(self) -> builtins.bool:
        return self.name == "bool"

    @property
    def is_complex(self) -> builtins.bool:
        return self.name.startswith("complex")

    @property
    def base_dtype(self) -> DType:
        return self

    @property
    def min(self) -> Any:
        import numpy as np  # limits only; no computation on tensors

        return np.finfo(self._native).min if self.is_floating else np.iinfo(self._native).min

    @property
    def max(self) -> Any:
        import numpy as np

        return np.finfo(self._native).max if self.is_floating else np.iinfo(self._native).max

    def __eq__(self, other: object) -> builtins.bool:
        if isinstance(other, DType):
            return other.name == self.name
        try:
            return as_dtype(other).name == self.name  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"tf.{self.name}"

    def __str__(self) -> str:
        return f"<dtype: '{self.name}'>"


_NAMES = (
    "float16",
    "bfloat16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "bool",
    "complex64",
    "complex128",
)
_BY_NAME: dict[str, DType] = {n: DType(n) for n in _NAMES}
_BY_NATIVE: dict[Any, DType] = {}
for _n in _NAMES:
    if _n != "bfloat16":
        _BY_NATIVE[_BY_NAME[_n]._native] = _BY_NAME[_n]
_ALIASES = {"float": "float32", "double": "float64", "half": "float16", "int": "int32", "long": "int64"}

float16 = _BY_NAME["float16"]
bfloat16 = _BY_NAME["bfloat16"]
float32 = _BY_NAME["float32"]
float64 = _BY_NAME["float64"]
int8 = _BY_NAME["int8"]
int16 = _BY_NAME["int16"]
int32 = _BY_NAME["int32"]
int64 = _BY_NAME["int64"]
uint8 = _BY_NAME["uint8"]
uint16 = _BY_NAME["uint16"]
uint32 = _BY_NAME["uint32"]
uint64 = _BY_NAME["uint64"]
bool = _BY_NAME["bool"]  # noqa: A001
complex64 = _BY_NAME["complex64"]
complex128 = _BY_NAME["complex128"]
half = float16
double = float64


def as_dtype(value: Any) -> DType:
    """Convert a DType, a name (``"float32"``), a NumPy dtype or a Python type to a DType."""
    if isinstance(value, DType):
        return value
    if value is None:
        raise TypeError("Expected a dtype, received None.")
    if isinstance(value, str):
        name = _ALIASES.get(value, value)
        if name in _BY_NAME:
            return _BY_NAME[name]
        raise TypeError(f"Unknown dtype {value!r}; valid names are {', '.join(_NAMES)}.")
    if value is float:
        return float32
    if value is int:
        return int32
    if value is builtins.bool:
        return bool
    try:
        native = B.native_dtype(B.asarray([], value).dtype.name)
    except Exception as e:  # noqa: BLE001
        raise TypeError(f"Cannot interpret {value!r} as a dtype.") from e
    return _BY_NATIVE[native]


def from_native(native: Any) -> DType:
    """The DType of a backend array dtype (fast path used by ``Tensor.dtype``)."""
    return _BY_NATIVE[native]
