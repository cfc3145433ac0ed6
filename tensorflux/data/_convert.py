"""Conversions between user values, the NumPy arrays a pipeline holds, and tensors.

Inside a pipeline every leaf is a NumPy array (data code may use NumPy as plain data). Values
cross into tensors only where the user sees them: when iterating a dataset and when calling a
user function (``map``, ``filter``, ...), as TensorFlow hands its functions tensors.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tensorflux.data import _nest

_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1


def _first_leaf(value: Any) -> Any:
    while isinstance(value, (list, tuple)) and len(value) > 0:
        value = value[0]
    return value


def to_numpy(value: Any, dtype: Any = None) -> np.ndarray:
    """Convert one leaf to a NumPy array with TensorFlow's dtype rules.

    NumPy arrays and tensors keep their dtype. Python values follow ``tf.constant``: floats
    become float32, ints int32 (int64 when they do not fit), bools bool, strings str.

    Args:
        value: a NumPy array, a tensor (anything with ``.numpy()``), or a Python value.
        dtype: optional dtype to cast to (a NumPy dtype, a name, or a tensorflux DType).

    Returns:
        A NumPy array.
    """
    if isinstance(value, np.ndarray):
        arr = value
    elif isinstance(value, np.generic):
        arr = np.asarray(value)
    elif hasattr(value, "numpy") and callable(value.numpy):
        arr = np.asarray(value.numpy())
    else:
        first = _first_leaf(value)
        try:
            arr = np.asarray(value)
        except ValueError:
            arr = np.empty(0, dtype=object)
        if arr.dtype == object:
            raise ValueError(
                "Could not convert a value to a regular array (are the nested lists ragged, or are "
                f"different-shaped arrays in a list? Use a tuple to make a structure): {value!r:.200}"
            )
        # Only Python scalars take TF's narrow defaults; NumPy scalars inside a list keep theirs.
        if not isinstance(first, (np.generic, np.ndarray)) and not hasattr(first, "numpy"):
            if arr.dtype == np.float64:
                arr = arr.astype(np.float32)
            elif arr.dtype.kind == "i" and arr.dtype != np.int32:
                if arr.size == 0 or (arr.min() >= _INT32_MIN and arr.max() <= _INT32_MAX):
                    arr = arr.astype(np.int32)
    if dtype is not None:
        np_dtype = numpy_dtype(dtype)
        if arr.dtype != np_dtype:
            arr = arr.astype(np_dtype)
    return arr


def structure_to_numpy(structure: Any) -> Any:
    """Convert every leaf of a (tuple/dict) structure with :func:`to_numpy`."""
    return _nest.map_structure(to_numpy, structure)


def numpy_dtype(dtype: Any) -> np.dtype:
    """A NumPy dtype for a tensorflux DType, a NumPy dtype, a Python type or a name."""
    if isinstance(dtype, np.dtype):
        return dtype
    as_np = getattr(dtype, "as_numpy_dtype", None)
    if as_np is not None:
        return np.dtype(as_np)
    name = getattr(dtype, "name", None)
    if isinstance(name, str) and not isinstance(dtype, type):
        dtype = name
    if dtype is float:
        return np.dtype(np.float32)
    if dtype is int:
        return np.dtype(np.int32)
    if dtype == "string" or dtype is str or dtype is bytes:
        return np.dtype(np.str_)
    return np.dtype(dtype)


def framework_dtype(np_dtype: np.dtype) -> Any:
    """The tensorflux DType for a NumPy dtype, or the NumPy dtype when there is none.

    Strings have no tensor dtype here; their specs keep the NumPy dtype.
    """
    np_dtype = np.dtype(np_dtype)
    if np_dtype.kind in "USO":
        return np_dtype
    try:
        from tensorflux.framework import dtypes
    except ImportError:  # the core is not importable yet: specs fall back to NumPy dtypes
        return np_dtype
    try:
        return dtypes.as_dtype(np_dtype.name)
    except (TypeError, ValueError, KeyError):
        return np_dtype


_convert_fn: Any = None


def _converter() -> Any:
    """``convert_to_tensor`` from the framework, or ``None`` if the core does not import."""
    global _convert_fn
    if _convert_fn is None:
        try:
            from tensorflux.framework.tensor import convert_to_tensor
        except ImportError:
            # The framework is being written alongside the data layer; until it imports, a
            # pipeline hands out NumPy arrays instead of tensors (same values and dtypes).
            return None
        _convert_fn = convert_to_tensor
    return _convert_fn


def leaf_to_tensor(arr: np.ndarray) -> Any:
    """Wrap one NumPy leaf as a tensor (strings stay NumPy arrays: there is no string tensor)."""
    convert = _converter()
    if convert is None or arr.dtype.kind in "USO":
        return arr
    return convert(arr)


def structure_to_tensors(structure: Any) -> Any:
    """Wrap every NumPy leaf of an element as a tensor (what iteration and user functions see)."""
    convert = _converter()
    if convert is None:
        return structure
    if isinstance(structure, np.ndarray):  # the common single-leaf case, without the walk
        return structure if structure.dtype.kind in "USO" else convert(structure)
    return _nest.map_structure(leaf_to_tensor, structure)
