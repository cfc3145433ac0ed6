"""Keep freed large arrays in the process heap instead of returning them to the OS.

glibc hands allocations above its mmap threshold back to the kernel on free, so every new
activation or gradient buffer of a training step page-faults again on first touch; on the
seed CNN that was a third of an eager step. Raising the thresholds once at import makes
those buffers reuse warm heap memory. Opt out with TENSORFLUX_MALLOC_TUNING=0.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

_M_TRIM_THRESHOLD = -1
_M_TOP_PAD = -2
_M_MMAP_THRESHOLD = -3


def tune() -> bool:
    """Apply the settings on glibc Linux; report whether they took effect."""
    if not sys.platform.startswith("linux") or os.environ.get("TENSORFLUX_MALLOC_TUNING", "1") == "0":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False  # not glibc (musl, macOS): nothing to tune
    ok = mallopt(_M_MMAP_THRESHOLD, 32 * 1024 * 1024)  # glibc's maximum on 64-bit
    ok &= mallopt(_M_TRIM_THRESHOLD, 1024 * 1024 * 1024)
    ok &= mallopt(_M_TOP_PAD, 64 * 1024 * 1024)
    return bool(ok)


TUNED = tune()
