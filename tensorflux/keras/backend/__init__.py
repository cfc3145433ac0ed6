"""``keras.backend``: global numeric settings, names and small helpers."""

from __future__ import annotations

import gc
from typing import Any

from tensorflux.framework.config import (  # noqa: F401
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from tensorflux.keras.backend.dtype_promotion import result_type  # noqa: F401
from tensorflux.keras.engine.keras_tensor import KerasTensor, is_keras_tensor  # noqa: F401
from tensorflux.keras.engine.masking import get_keras_mask, set_keras_mask  # noqa: F401
from tensorflux.keras.engine.naming import get_uid, reset_uids  # noqa: F401  (get_uid is public)


def backend() -> str:
    """The name of the computation backend (``"tensorflux"``)."""
    return "tensorflux"


def clear_session(free_memory: bool = True) -> None:
    """Forget the global state: default layer names start again at ``dense``, ``dense_1``, ...

    >>> from tensorflux.keras import layers
    >>> clear_session(); layers.Dense(1).name
    'dense'
    """
    reset_uids()
    if free_memory:
        gc.collect()


def standardize_dtype(dtype: Any) -> str:
    """A dtype name (``"float32"``) from a DType, a NumPy dtype, a Python type or a name."""
    from tensorflux.framework import dtypes as _dt

    if dtype is None:
        return floatx()
    return _dt.as_dtype(getattr(dtype, "name", dtype) if not isinstance(dtype, type) else dtype).name


def is_float_dtype(dtype: Any) -> bool:
    return standardize_dtype(dtype).startswith(("float", "bfloat"))


def is_int_dtype(dtype: Any) -> bool:
    return standardize_dtype(dtype).startswith(("int", "uint"))


def int_shape(x: Any) -> tuple[Any, ...]:
    """The shape of a tensor or KerasTensor as a tuple."""
    return tuple(x.shape)


def is_tensor(x: Any) -> bool:
    from tensorflux.framework.tensor import Tensor

    return isinstance(x, Tensor)
