"""Small helpers shared by the op modules."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor, convert_to_tensor


def t(x: Any) -> Tensor:
    """``x`` as a Tensor (no copy when it already is one)."""
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


def static(x: Any) -> Any:
    """A Python value from a static argument that may be given as a tensor (axis, shape, ...)."""
    if isinstance(x, Tensor):
        v = x._value
        return v.item() if v.ndim == 0 else tuple(int(i) for i in v.reshape(-1))
    if isinstance(x, (list, tuple)):
        return tuple(static(i) for i in x)
    return x


def axis_arg(axis: Any) -> Any:
    """Normalise an ``axis`` argument: None, an int, or a tuple of ints."""
    axis = static(axis)
    if isinstance(axis, list):
        axis = tuple(axis)
    return axis
