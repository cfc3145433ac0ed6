"""Boston housing prices (StatLib): 506 samples of 13 features, target in k$.

The data set has an ethical problem (a feature built on racial self-segregation); Keras keeps it
for illustrating such issues and recommends against using it otherwise.
"""

from __future__ import annotations

import numpy as np

from tensorflux.keras.datasets import _common

_ORIGIN = _common.ORIGIN_FOLDER + "boston_housing.npz"
_SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(
    path: str = "boston_housing.npz", test_split: float = 0.2, seed: int = 113
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load the Boston housing data set as Keras does.

    Args:
        path: the cache file name, or the path of a local copy of ``boston_housing.npz``.
        test_split: the fraction of samples (after shuffling) kept for the test split.
        seed: seed of the shuffle.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``x`` of shape ``(n, 13)``, ``y`` of shape ``(n,)``.

    Example:

    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_train.shape, x_test.shape  # doctest: +SKIP
    ((404, 13), (102, 13))
    """
    with np.load(_common.locate(path, _ORIGIN, _SHA256), allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    return _common.shuffle_split(x, y, test_split, seed)
