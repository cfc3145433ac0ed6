"""Helpers of the attention composite on NumPy."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["causal_mask"]


def causal_mask(q_len: int, kv_len: int) -> Any:
    """``(q_len, kv_len)`` booleans: query ``i`` may attend to keys ``j <= i`` (aligned top-left)."""
    return np.tri(q_len, kv_len, dtype=bool)
