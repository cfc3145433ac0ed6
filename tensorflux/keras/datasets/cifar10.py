"""CIFAR-10: 50,000 training and 10,000 test colour images, 32x32, 10 classes.

Labels: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship, 9 truck.
"""

from __future__ import annotations

import os

import numpy as np

from tensorflux.keras.datasets import cifar

_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"


def load_data(path: str | None = None) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load CIFAR-10 as Keras does: ``(x_train, y_train), (x_test, y_test)``.

    ``x_train`` is uint8 ``(50000, 32, 32, 3)`` (channels last), ``y_train`` uint8 ``(50000, 1)``
    with labels 0-9; the test arrays hold 10,000 samples.

    Args:
        path: optional local copy: the ``cifar-10-python.tar.gz`` archive, or the extracted
            ``cifar-10-batches-py`` folder (or its parent). By default the archive is downloaded
            once from the CIFAR site (sha256 checked) and extracted in the cache.

    Returns:
        Tuple of NumPy arrays ``(x_train, y_train), (x_test, y_test)``.

    Example:

    >>> (x_train, y_train), _ = load_data()  # doctest: +SKIP
    >>> x_train.shape, y_train.shape  # doctest: +SKIP
    ((50000, 32, 32, 3), (50000, 1))
    """
    folder = cifar.batches_folder(path, "cifar-10-batches-py-target", _ORIGIN, _SHA256, "cifar-10-batches-py")
    parts = [cifar.load_batch(os.path.join(folder, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([p[0] for p in parts])
    y_train = np.concatenate([np.asarray(p[1], dtype=np.uint8) for p in parts])
    x_test, y_test = cifar.load_batch(os.path.join(folder, "test_batch"))
    return cifar.to_keras_layout(x_train, y_train), cifar.to_keras_layout(x_test, y_test)
