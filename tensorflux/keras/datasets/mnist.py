"""MNIST handwritten digits: 60,000 training and 10,000 test images, 28x28 grey, 10 classes."""

from __future__ import annotations

import os

import numpy as np

from tensorflux.keras.datasets import _common, _idx

_ORIGIN = _common.ORIGIN_FOLDER + "mnist.npz"
_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path: str = "mnist.npz") -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load MNIST as Keras does: ``(x_train, y_train), (x_test, y_test)``.

    ``x_train`` is uint8 ``(60000, 28, 28)`` with values 0-255, ``y_train`` uint8 ``(60000,)``
    with labels 0-9; the test arrays hold 10,000 samples.

    Args:
        path: the cache file name (relative to ``~/.tensorflux/datasets``, downloaded from Keras'
            origin with its sha256 checked), or the path of a local copy: an ``.npz`` file in
            Keras' format, or a folder with the four original IDX files (``.gz`` or not).

    Returns:
        Tuple of NumPy arrays ``(x_train, y_train), (x_test, y_test)``.

    Example:

    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_train.shape, y_train.dtype  # doctest: +SKIP
    ((60000, 28, 28), dtype('uint8'))
    """
    if os.path.isdir(path):
        files = _idx.find_idx_files(path)
        if files is None:
            raise FileNotFoundError(f"{path} does not hold the four MNIST IDX files {list(_idx.FILES)}.")
        return _idx.load_idx_files(files)
    local = _common.locate(path, _ORIGIN, _SHA256)
    with np.load(local, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
