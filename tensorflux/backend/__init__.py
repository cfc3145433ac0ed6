"""The backend seam: plain array functions, one module per backend.

The backend is chosen once, at import, from ``TENSORFLUX_BACKEND`` (default ``numpy``).
Everything above this package computes through the functions re-exported here and never
imports numpy or cupy itself.  A new backend is a sibling folder with the same file names.
"""

from __future__ import annotations

import importlib
import os

_NAME = os.environ.get("TENSORFLUX_BACKEND", "numpy").lower()
_KNOWN = ("numpy",)
if _NAME not in _KNOWN:
    raise ImportError(
        f"TENSORFLUX_BACKEND={_NAME!r} is not a known backend; choose one of {', '.join(_KNOWN)}."
    )

ops = importlib.import_module(f"tensorflux.backend.{_NAME}")


def backend() -> str:
    """The name of the active backend (``"numpy"``)."""
    return _NAME
