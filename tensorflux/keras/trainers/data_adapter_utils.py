"""Helpers shared by the data adapters: packing ``(x, y, sample_weight)``, class weights, splits.

The adapters keep the user's data on the host as NumPy arrays (plain data, as the data
pipeline does) and hand each batch to the model as tensors.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tensorflux.framework import nest
from tensorflux.framework.config import floatx
from tensorflux.framework.tensor import Tensor


def unpack_x_y_sample_weight(data: Any) -> tuple[Any, Any, Any]:
    """``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` -> ``(x, y, sample_weight)`` with Nones.

    >>> unpack_x_y_sample_weight((1, 2))
    (1, 2, None)
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, found: "
        f"a tuple of {len(data)} elements."
    )


def pack_x_y_sample_weight(x: Any, y: Any = None, sample_weight: Any = None) -> Any:
    """The shortest tuple holding the values given: ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``.

    >>> pack_x_y_sample_weight(1, 2)
    (1, 2)
    """
    if y is None:
        return (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def is_array_like(x: Any) -> bool:
    """NumPy arrays, tensors, pandas objects and (nested) Python lists of numbers."""
    if isinstance(x, (np.ndarray, Tensor)):
        return True
    return hasattr(x, "to_numpy") or hasattr(x, "__array__")


def is_array_structure(data: Any) -> bool:
    """Whether every leaf of ``data`` (a dict, list or tuple of arrays) is array-like."""
    if data is None:
        return True
    if isinstance(data, dict):
        return all(is_array_structure(v) for v in data.values())
    if isinstance(data, (list, tuple)):
        if data and all(isinstance(v, (int, float, bool)) for v in nest.flatten(data)):
            return True  # a plain Python list of numbers is one array
        return all(is_array_structure(v) for v in data)
    return is_array_like(x=data)


def to_host_array(x: Any) -> Any:
    """A NumPy array from an array-like; floats that are not ``floatx()`` become ``floatx()``."""
    if x is None:
        return None
    if isinstance(x, Tensor):
        a = np.asarray(x.numpy())
    elif hasattr(x, "to_numpy"):
        a = x.to_numpy()
    else:
        a = np.asarray(x)
    if a.dtype.kind == "f" and a.dtype != np.dtype(floatx()):
        a = a.astype(floatx())
    return a


def to_host_structure(data: Any) -> Any:
    if data is None:
        return None
    if isinstance(data, dict):
        return {k: to_host_structure(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)) and not (
        data and all(isinstance(v, (int, float, bool)) for v in nest.flatten(data))
    ):
        return type(data)(to_host_structure(v) for v in data) if not hasattr(data, "_fields") else data
    return to_host_array(data)


def check_data_cardinality(data: Any) -> int:
    """The number of samples shared by every array of ``(x, y, sample_weight)``; an error if they differ."""
    sizes: dict[str, list[int]] = {}
    for label, part in zip(("x", "y", "sample_weight"), data):
        leaves = [v for v in nest.flatten(part) if v is not None]
        if leaves:
            sizes[label] = [int(v.shape[0]) if getattr(v, "ndim", 1) else 1 for v in leaves]
    distinct = {n for ns in sizes.values() for n in ns}
    if len(distinct) > 1:
        detail = ", ".join(f"{label} has {' and '.join(map(str, ns))} samples" for label, ns in sizes.items())
        raise ValueError(
            f"Data cardinality is ambiguous: {detail}. Make sure all arrays contain the same number of "
            "samples "
            "(the first dimension of x, y and sample_weight must be equal)."
        )
    return distinct.pop() if distinct else 0


def class_weight_to_sample_weights(y: Any, class_weight: dict[int, float]) -> Any:
    """Per-sample weights looked up from ``class_weight`` by each sample's class (argmax for one-hot)."""
    y = np.asarray(y)
    if y.ndim > 1:
        y = np.argmax(y, axis=-1) if y.shape[-1] != 1 else np.squeeze(y, axis=-1)
    y = np.round(y).astype("int64")
    table = np.ones(int(max(max(class_weight), int(y.max(initial=0)))) + 1, floatx())
    for k, w in class_weight.items():
        table[int(k)] = w
    return table[y]


def train_validation_split(arrays: Any, validation_split: float) -> tuple[Any, Any]:
    """Split ``(x, y, sample_weight)``: the last ``validation_split`` fraction (unshuffled) validates."""
    if not is_array_structure(arrays):
        kinds = sorted(
            {type(v).__name__ for v in nest.flatten(arrays) if v is not None and not is_array_like(v)}
        )
        raise ValueError(
            "Argument `validation_split` is only supported for NumPy arrays and tensors; received "
            f"{', '.join(kinds)}. Pass `validation_data=` with a separate dataset or generator instead."
        )
    leaves = [v for v in nest.flatten(arrays) if v is not None]
    if not leaves:
        return arrays, arrays
    n = int(leaves[0].shape[0])
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"Training data contains {n} samples, which is not sufficient to split it into a validation and "
            f"training set as specified by `validation_split={validation_split}`: the "
            f"{'training' if split_at == 0 else 'validation'} set would be empty. Either provide more "
            "data, or a "
            "different value for the `validation_split` argument."
        )

    def part(start: int, stop: int) -> Any:
        return _map(lambda v: None if v is None else v[start:stop], arrays)

    return part(0, split_at), part(split_at, n)


def _map(fn: Any, data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _map(fn, v) for k, v in data.items()}
    if isinstance(data, (list, tuple)) and not hasattr(data, "shape"):
        return type(data)(_map(fn, v) for v in data)
    return fn(data)
