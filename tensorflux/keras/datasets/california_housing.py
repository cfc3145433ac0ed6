"""California housing prices (1990 census): 20,640 block groups of 8 features, target in dollars."""

from __future__ import annotations

import numpy as np

from tensorflux.keras.datasets import _common

_ORIGIN = _common.ORIGIN_FOLDER + "california_housing.npz"
_SHA256 = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"


def load_data(
    version: str = "large", path: str = "california_housing.npz", test_split: float = 0.2, seed: int = 113
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load the California housing data set as Keras does.

    Features: MedInc, HouseAge, AveRooms, AveBedrms, Population, AveOccup, Latitude, Longitude.

    Args:
        version: ``"large"`` (20,640 samples) or ``"small"`` (the first 600).
        path: the cache file name, or the path of a local copy of ``california_housing.npz``.
        test_split: the fraction of samples (after shuffling) kept for the test split.
        seed: seed of the shuffle.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``x`` of shape ``(n, 8)``, ``y`` of shape ``(n,)``.

    Example:

    >>> (x_train, y_train), _ = load_data(version="small")  # doctest: +SKIP
    >>> x_train.shape  # doctest: +SKIP
    (480, 8)
    """
    if not 0 <= test_split < 1:
        raise ValueError(
            f"Invalid `test_split` argument: {test_split}. It must be between 0 and 1 (exclusive of 1)."
        )
    if version not in ("small", "large"):
        raise ValueError(f"Argument `version` must be one of 'small', 'large'. Received: version={version}")
    with np.load(_common.locate(path, _ORIGIN, _SHA256), allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    return _common.shuffle_split(x, y, test_split, seed)
