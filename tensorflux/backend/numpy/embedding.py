"""Embedding lookup on NumPy: gather rows, and the scatter-add of row gradients."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["embedding_lookup", "embedding_lookup_grad"]


def _check_ids(ids: Any, vocab_size: int) -> None:
    if ids.dtype.kind not in "iu":
        raise TypeError(f"ids must be integers; received dtype {ids.dtype.name}.")
    if ids.size == 0:
        return
    lo, hi = ids.min(), ids.max()
    if lo < 0 or hi >= vocab_size:
        bad = np.argwhere((ids < 0) | (ids >= vocab_size))[0]
        where = ", ".join(str(int(i)) for i in bad)
        raise IndexError(
            f"ids[{where}] = {int(ids[tuple(bad)])} is not in [0, {vocab_size}): the vocabulary (first "
            f"dimension of params) has {vocab_size} rows; every id must be below that."
        )


def embedding_lookup(params: Any, ids: Any) -> Any:
    """Rows ``params[ids]``: shape ``ids.shape + params.shape[1:]``."""
    _check_ids(ids, params.shape[0])
    return np.take(params, ids, axis=0)


def embedding_lookup_grad(g: Any, ids: Any, vocab_size: int) -> Any:
    """Scatter-add the row gradients ``g`` (shape ``ids.shape + row``) into ``(vocab_size,) + row``."""
    row = g.shape[ids.ndim :]
    out = np.zeros((vocab_size,) + row, g.dtype)
    np.add.at(out, ids.reshape(-1), g.reshape((-1,) + row))
    return out
