"""What graph replay needs from NumPy: buffer identity, in-place elementwise kernels, quiet errors.

The in-place kernels compute exactly what the primitives' own kernels compute (the same ufuncs in
the same order), only into a given ``out`` buffer, so a replayed graph gives the same bits as
eager execution while allocating fewer arrays.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np


def buffer_root(a: Any) -> tuple[Any, bool]:
    """The array that owns ``a``'s memory, and whether that memory may be written."""
    root = a
    while isinstance(getattr(root, "base", None), np.ndarray):
        root = root.base
    owned = isinstance(root, np.ndarray) and root.base is None and root.flags.writeable
    return root, bool(owned)


@contextlib.contextmanager
def ignore_fp_errors() -> Iterator[None]:
    """Silence floating-point warnings (a branch traced on data it will never run on)."""
    with np.errstate(all="ignore"):
        yield


def _unary(f: Any) -> Callable[..., Any]:
    return lambda x, out: f(x, out=out)


def _binary(f: Any) -> Callable[..., Any]:
    return lambda x, y, out: f(x, y, out=out)


def _relu(x: Any, out: Any) -> Any:
    return np.maximum(x, 0, out=out)


def _reciprocal(x: Any, out: Any) -> Any:
    return np.true_divide(1, x, out=out)


def _rsqrt(x: Any, out: Any) -> Any:
    np.sqrt(x, out=out)
    return np.true_divide(1, out, out=out)


def _bias_add(x: Any, b: Any, out: Any, axis: int) -> Any:
    axis %= x.ndim
    if axis != x.ndim - 1:
        b = b.reshape((-1,) + (1,) * (x.ndim - axis - 1))
    return np.add(x, b, out=out)


_UNARY = (
    "negative exp log log1p expm1 sqrt square sin cos tan arcsin arccos arctan sinh cosh tanh abs sign "
    "floor ceil"
).split()
_BINARY = {
    "add": np.add,
    "subtract": np.subtract,
    "multiply": np.multiply,
    "divide": np.true_divide,
    "maximum": np.maximum,
    "minimum": np.minimum,
    "power": np.power,
    "floor_divide": np.floor_divide,
    "floormod": np.mod,
    "arctan2": np.arctan2,
}

# primitive name -> kernel(*arrays, out=buffer, **params): the primitive's result, written into ``out``
INPLACE_KERNELS: dict[str, Callable[..., Any]] = {
    **{name: _unary(getattr(np, name)) for name in _UNARY},
    **{name: _binary(f) for name, f in _BINARY.items()},
    "relu": _relu,
    "reciprocal": _reciprocal,
    "rsqrt": _rsqrt,
    "bias_add": _bias_add,
}


def where_into(cond: Any, x: Any, y: Any, out: Any, into: int) -> Any:
    """``where(cond, x, y)`` written over ``x`` (``into=1``) or ``y`` (``into=2``), which is ``out``."""
    if into == 2:
        np.copyto(out, x, where=cond)
    else:
        np.copyto(out, y, where=np.logical_not(cond))
    return out


__all__ = ["INPLACE_KERNELS", "buffer_root", "ignore_fp_errors", "where_into"]
