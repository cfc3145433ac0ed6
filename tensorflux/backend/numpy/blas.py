"""How many threads NumPy's BLAS uses, set through the OpenBLAS library NumPy loaded.

NumPy exposes no such setting; ``threadpoolctl`` does it by finding the loaded library and calling
its ``*_set_num_threads`` entry point, which is what this module does for OpenBLAS builds (NumPy's
wheels bundle one with a prefixed or suffixed symbol name). Other BLAS builds are left alone.
"""

from __future__ import annotations

import ctypes
import re
from typing import Any

__all__ = ["blas_get_num_threads", "blas_set_num_threads"]

_SUFFIXES = ("", "64_")
_PREFIXES = ("openblas", "scipy_openblas")
_lib: Any = None
_searched = False


def _openblas() -> Any:
    global _lib, _searched
    if _searched:
        return _lib
    _searched = True
    import numpy  # noqa: F401  (loads the library)

    try:
        with open("/proc/self/maps") as f:
            maps = f.read()
    except OSError:
        return None
    for path in sorted(set(re.findall(r"(/\S*openblas\S*\.so\S*)", maps))):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in _PREFIXES:
            for suffix in _SUFFIXES:
                setter = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                getter = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                if setter is not None and getter is not None:
                    _lib = (setter, getter)
                    return _lib
    return None


def blas_set_num_threads(n: int) -> bool:
    """Use ``n`` BLAS threads; report whether an OpenBLAS was found to take the setting."""
    lib = _openblas()
    if lib is None:
        return False
    lib[0](ctypes.c_int(int(n)))
    return True


def blas_get_num_threads() -> int | None:
    """The BLAS thread count, or None when the BLAS is not an OpenBLAS this module can reach."""
    lib = _openblas()
    return None if lib is None else int(lib[1]())
