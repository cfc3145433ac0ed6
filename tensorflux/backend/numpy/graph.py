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

from tensorflux.backend.numpy.threads import split_rows


def buffer_root(a: Any) -> tuple[Any, bool]:
    """The array that owns ``a``'s memory, and whether that memory may be written."""
    root = a
    while isinstance(getattr(root, "base", None), np.ndarray):
        root = root.base
    owned = isinstance(root, np.ndarray) and root.base is None and root.flags.writeable
    return root, bool(owned)


def is_dense(a: Any) -> bool:
    """Whether ``a`` is a writable C-contiguous array (a view that can take a result in place)."""
    return isinstance(a, np.ndarray) and bool(a.flags.c_contiguous and a.flags.writeable)


@contextlib.contextmanager
def ignore_fp_errors() -> Iterator[None]:
    """Silence floating-point warnings (a branch traced on data it will never run on)."""
    with np.errstate(all="ignore"):
        yield


def _threaded(kernel: Callable[..., Any]) -> Callable[..., Any]:
    """``kernel`` run over blocks of rows on all cores when the result is large (``split_rows``)."""

    def run(*operands: Any, out: Any = None, **params: Any) -> Any:
        if out is None:
            return kernel(*operands, out=None, **params)
        return split_rows(kernel, out, *operands, **params)

    return run


def _unary(f: Any) -> Callable[..., Any]:
    return _threaded(lambda x, out: f(x, out=out))


def _binary(f: Any) -> Callable[..., Any]:
    return _threaded(lambda x, y, out: f(x, y, out=out))


@_threaded
def _relu(x: Any, out: Any) -> Any:
    return np.maximum(x, 0, out=out)


@_threaded
def _reciprocal(x: Any, out: Any) -> Any:
    return np.true_divide(1, x, out=out)


@_threaded
def _rsqrt(x: Any, out: Any) -> Any:
    out = np.sqrt(x, out=out)
    return np.true_divide(1, out, out=out)


def _bias_add_kernel(x: Any, b: Any, out: Any, axis: int) -> Any:
    return np.add(x, b, out=out)


def _bias_add(x: Any, b: Any, out: Any = None, axis: int = -1) -> Any:
    axis %= x.ndim
    if axis != x.ndim - 1:
        b = b.reshape((-1,) + (1,) * (x.ndim - axis - 1))
    if out is None:
        return np.add(x, b)
    return split_rows(_bias_add_kernel, out, x, b, axis=axis)


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


_INT_OF_SIZE = {2: np.int16, 4: np.int32, 8: np.int64}


def where_into(cond: Any, x: Any, y: Any, out: Any, into: int) -> Any:
    """``where(cond, x, y)`` written over ``x`` (``into=1``) or ``y`` (``into=2``), which is ``out``.

    ``where(c, g, 0.0)`` (a ReLU's gradient) keeps or clears the bits of ``g`` with an integer mask:
    the same bits as ``np.where``, which is an order of magnitude slower on unpredictable masks.
    """
    if (
        into == 1
        and out.dtype.kind == "f"
        and getattr(y, "ndim", 1) == 0
        and y == 0
        and not np.signbit(y)
        and out.dtype.itemsize in _INT_OF_SIZE
    ):
        bits = out.view(_INT_OF_SIZE[out.dtype.itemsize])
        np.bitwise_and(bits, np.negative(cond.view(np.int8), dtype=bits.dtype), out=bits)
        return out
    if into == 2:
        np.copyto(out, x, where=cond)
    else:
        np.copyto(out, y, where=np.logical_not(cond))
    return out


def constant_key(a: Any, limit: int = 64) -> Any:
    """A hashable key equal for equal small arrays (None for large ones), to merge constants."""
    a = np.asarray(a)
    if a.size > limit:
        return None
    return (a.dtype.str, a.shape, a.tobytes())


def all_equal(a: Any, value: Any) -> bool:
    """Whether every element of ``a`` equals ``value``."""
    return bool(np.all(np.asarray(a) == value))


__all__ = [
    "INPLACE_KERNELS",
    "all_equal",
    "buffer_root",
    "constant_key",
    "ignore_fp_errors",
    "is_dense",
    "where_into",
]
