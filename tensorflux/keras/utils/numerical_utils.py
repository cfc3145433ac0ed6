"""``to_categorical`` and ``normalize``."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework.tensor import Tensor


def to_categorical(x: Any, num_classes: int | None = None) -> Any:
    """One-hot rows for integer class labels (a trailing axis of size 1 is dropped first).

    Returns a float32 NumPy array for array input (Keras returns float64; float32 is what
    training uses anyway), and a tensor for tensor input.

    >>> to_categorical([0, 2], 3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    from tensorflux.ops.array_ops import one_hot, reshape

    if isinstance(x, Tensor):
        shape = tuple(x.shape)
        if len(shape) > 1 and shape[-1] == 1:
            x = reshape(x, shape[:-1])
        if num_classes is None:
            num_classes = int(B.to_numpy(x._value).max()) + 1
        return one_hot(x, num_classes)
    a = B.to_numpy(B.asarray(x)).astype("int64")
    shape = a.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    flat = a.reshape(-1)
    if flat.size and (flat.min() < 0 or (num_classes is not None and flat.max() >= num_classes)):
        raise ValueError(
            f"to_categorical: class values must be in [0, {num_classes}); received values from "
            f"{int(flat.min())} "
            f"to {int(flat.max())}."
        )
    if num_classes is None:
        num_classes = int(flat.max()) + 1 if flat.size else 0
    out = B.to_numpy(B.zeros((flat.shape[0], int(num_classes)), B.native_dtype("float32")))
    out[B.to_numpy(B.arange(0, flat.shape[0], 1, B.native_dtype("int64"))), flat] = 1.0
    return out.reshape(tuple(shape) + (int(num_classes),))


def normalize(x: Any, axis: int = -1, order: int = 2) -> Any:
    """``x`` scaled to unit ``order``-norm along ``axis`` (rows of norm 0 are left as they are).

    >>> normalize([[3.0, 4.0]]).tolist()
    [[0.6, 0.8]]
    """
    if isinstance(x, Tensor):
        from tensorflux.keras.ops.nn import normalize as _n

        return _n(x, axis=axis, order=order)
    a = B.to_numpy(B.asarray(x))
    if a.dtype.kind != "f":
        a = a.astype("float32")
    norm = (abs(a) ** order).sum(axis=axis, keepdims=True) ** (1.0 / order)
    norm[norm == 0] = 1
    return a / norm
