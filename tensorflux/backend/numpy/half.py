"""float16 products computed in float32: NumPy has no float16 BLAS.

NumPy multiplies float16 matrices with its own unblocked loops, ~270x slower than float32
through BLAS (128x784 @ 784x512: 419 ms against 1.6 ms), which made ``mixed_float16`` models
unusable.  The kernels built on products (matmul, convolution, recurrent sequences) therefore run
in float32 when given float16 arrays and round their results back to float16, as GPUs' half
precision units accumulate in float32 too.  The float32 path pays one dtype check per call.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

_F16 = np.dtype(np.float16)


def _is_half(args: tuple[Any, ...]) -> bool:
    """Whether the first array argument is float16 (arrays share one dtype; an output gradient
    may be None, einsum's first argument is its equation). An identity test on NumPy's dtype
    singleton: ~0.3 us, where comparing the dtypes of the first four arguments took ~1.6 us on
    each conv and matmul call."""
    for a in args[:4]:
        dtype = getattr(a, "dtype", None)  # None for an equation string or an absent gradient
        if dtype is not None:
            return dtype is _F16
    return False


def _up(a: Any) -> Any:
    return a.astype(np.float32) if getattr(a, "dtype", None) == _F16 else a


def _down(r: Any, keep: int) -> Any:
    if isinstance(r, tuple):
        n = len(r) - keep
        return tuple(_down(v, 0) if i < n else v for i, v in enumerate(r))
    if isinstance(r, np.ndarray) and r.dtype == np.float32:
        return r.astype(_F16)
    return r


def float32_inside(fn: Callable[..., Any] | None = None, *, keep_last: int = 0) -> Any:
    """Decorator: when the first array argument is float16, run ``fn`` on float32 copies of its float16
    arguments and round its float32 results back (all but the last ``keep_last`` of a tuple: a
    workspace the backward kernel reads again stays float32).

    >>> mm = float32_inside(np.matmul)
    >>> mm(np.ones((2, 3), np.float16), np.ones((3, 2), np.float16)).dtype
    dtype('float16')
    """

    def wrap(f: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(f)
        def run(*args: Any, **kwargs: Any) -> Any:
            if not _is_half(args):
                return f(*args, **kwargs)
            up = [_up(a) for a in args]
            return _down(f(*up, **{k: _up(v) for k, v in kwargs.items()}), keep_last)

        return run

    return wrap if fn is None else wrap(fn)


__all__: list[str] = []
