"""How many threads NumPy's BLAS uses, set through the OpenBLAS library NumPy loaded.

NumPy exposes no such setting; ``threadpoolctl`` does it by finding the loaded library and calling
its ``*_set_num_threads`` entry point, which is what this module does for OpenBLAS builds (NumPy's
wheels bundle one with a prefixed or suffixed symbol name). Other BLAS builds are left alone.
"""

from __future__ import annotations

import ctypes
import os
import re
from typing import Any

__all__ = ["blas_get_num_threads", "blas_quiet_idle_threads", "blas_set_num_threads"]

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
                    _lib = (setter, getter, lib)
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


# How long OpenBLAS's threads wait for the next product before they sleep, as a power of two of
# CPU cycles: 2**20 is ~0.4 ms at 2.4 GHz. OpenBLAS's default (2**28, ~0.1 s) keeps its threads
# spinning through all of a training step's elementwise work, on the cores that work could use
# (``threads.split_rows``): a 2M-element ReLU split over two threads after a product measured
# 1.25x slower than on one thread with the default, and 1.5x faster with a short wait. Shorter
# waits (2**16) train as fast but make one-sample inference wake a sleeping thread for each
# small product; sweep on the seed models, samples/s or us at 2**16 / 2**20 / 2**28:
# MLP 15140 / 14255 / 13072, CNN 2306 / 2172 / 1695, LSTM 4296 / 4404 / 4024, CNN model(x) on
# one sample 362 / 354 / 348 us.
IDLE_SPIN_LOG2_CYCLES = 20


def blas_quiet_idle_threads(log2_cycles: int = IDLE_SPIN_LOG2_CYCLES) -> bool:
    """Let OpenBLAS's idle threads sleep after ``2**log2_cycles`` cycles (OpenBLAS allows 4..30).

    Nothing changes when the user set ``OPENBLAS_THREAD_TIMEOUT`` or the BLAS is not an OpenBLAS
    this module can reach. OpenBLAS reads the setting when it starts its threads, so they are
    stopped here and start again with the next multi-threaded product. Call it only while no
    other thread is inside a BLAS call (tensorflux does at import). Returns whether it applied.
    """
    if "OPENBLAS_THREAD_TIMEOUT" in os.environ:
        return False
    lib = _openblas()
    if lib is None:
        return False
    read_env = getattr(lib[2], "openblas_read_env", None)
    shutdown = getattr(lib[2], "blas_thread_shutdown_", None)
    if read_env is None or shutdown is None:
        return False
    os.environ["OPENBLAS_THREAD_TIMEOUT"] = str(int(log2_cycles))
    read_env()
    shutdown()
    return True
