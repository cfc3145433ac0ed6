"""TensorSpec: the shape and dtype of one leaf of a dataset element."""

from __future__ import annotations

from typing import Any

import numpy as np

from tensorflux.data import _convert


def _as_shape(shape: Any) -> Any:
    """A TensorShape for ``shape``; ``None`` stays ``None`` (unknown rank)."""
    if shape is None:
        return None
    if hasattr(shape, "as_list") and not isinstance(shape, tuple):
        shape = shape.as_list()
    if isinstance(shape, int):
        shape = (shape,)
    dims = tuple(None if d is None or (isinstance(d, int) and d < 0) else int(d) for d in shape)
    try:
        from tensorflux.framework.shape import TensorShape
    except ImportError:  # the core may not import yet; a plain tuple compares the same way
        return dims
    return TensorShape(dims)


class TensorSpec:
    """Describes a tensor: its shape (``None`` for an unknown dimension) and dtype.

    ``shape`` is ``None`` when even the rank is unknown (``from_generator`` without shapes).

    Example:

    >>> spec = TensorSpec(shape=(None, 28, 28), dtype="uint8")
    >>> spec.is_compatible_with(np.zeros((64, 28, 28), np.uint8))
    True

    Args:
        shape: a tuple/list of dimensions (``None`` where unknown) or ``None``.
        dtype: a tensorflux DType, a NumPy dtype or a dtype name; defaults to float32.
        name: an optional name.
    """

    __slots__ = ("_shape", "_dtype", "_name")

    def __init__(self, shape: Any, dtype: Any = "float32", name: str | None = None) -> None:
        self._shape = _as_shape(shape)
        self._dtype = _convert.framework_dtype(_convert.numpy_dtype(dtype))
        self._name = name

    @classmethod
    def from_tensor(cls, tensor: Any, name: str | None = None) -> TensorSpec:
        """The spec of a concrete tensor or array."""
        arr = _convert.to_numpy(tensor)
        return cls(arr.shape, arr.dtype, name)

    @property
    def shape(self) -> Any:
        return self._shape

    @property
    def dtype(self) -> Any:
        return self._dtype

    @property
    def name(self) -> str | None:
        return self._name

    @property
    def _numpy_dtype(self) -> np.dtype:
        return _convert.numpy_dtype(self._dtype)

    def is_compatible_with(self, other: Any) -> bool:
        """Whether ``other`` (a spec, a tensor or an array) fits this spec's dtype and shape."""
        if isinstance(other, TensorSpec):
            o_shape, o_dtype = other._shape, other._numpy_dtype
        else:
            arr = _convert.to_numpy(other)
            o_shape, o_dtype = arr.shape, arr.dtype
        if not _dtypes_match(self._numpy_dtype, o_dtype):
            return False
        return shapes_compatible(self._shape, o_shape)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TensorSpec):
            return NotImplemented
        return (
            _shape_key(self._shape) == _shape_key(other._shape)
            and _dtypes_match(self._numpy_dtype, other._numpy_dtype)
            and self._name == other._name
        )

    def __hash__(self) -> int:
        return hash((_shape_key(self._shape), self._numpy_dtype.kind, self._name))

    def __repr__(self) -> str:
        shape = "<unknown>" if self._shape is None else _shape_str(self._shape)
        dtype = self._dtype if not isinstance(self._dtype, np.dtype) else f"np.{self._dtype}"
        return f"TensorSpec(shape={shape}, dtype={dtype!r}, name={self._name!r})"


def _shape_key(shape: Any) -> Any:
    return None if shape is None else tuple(shape)


def _shape_str(shape: Any) -> str:
    dims = ["None" if d is None else str(d) for d in shape]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def _dtypes_match(a: np.dtype, b: np.dtype) -> bool:
    # All string dtypes are one "string" dtype whatever their NumPy item size.
    if a.kind in "US" and b.kind in "US":
        return True
    return a == b


def shapes_compatible(a: Any, b: Any) -> bool:
    """Whether two shapes (``None`` = unknown rank, ``None`` dims = unknown) can describe one value."""
    if a is None or b is None:
        return True
    if len(a) != len(b):
        return False
    return all(x is None or y is None or x == y for x, y in zip(a, b))


def most_specific_common_shape(a: Any, b: Any) -> Any:
    """The shape that covers both ``a`` and ``b`` (dimensions that differ become ``None``)."""
    if a is None or b is None or len(a) != len(b):
        return None
    return tuple(x if x == y else None for x, y in zip(a, b))
