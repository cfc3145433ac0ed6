"""``tf.data.experimental``: the cardinality constants and helpers that Keras code still uses."""

from __future__ import annotations

from typing import Any

from tensorflux.data.dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset
from tensorflux.data.options import AutoShardPolicy

__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "AutoShardPolicy", "cardinality"]


def cardinality(dataset: Dataset) -> Any:
    """``dataset.cardinality()``: the number of elements, or -1 (infinite) / -2 (unknown).

    Example:

    >>> int(cardinality(Dataset.range(4).repeat()))
    -1
    """
    return dataset.cardinality()
