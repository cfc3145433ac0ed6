"""CIFAR-100: 50,000 training and 10,000 test colour images, 32x32, 100 classes in 20 superclasses."""

from __future__ import annotations

import os

import numpy as np

from tensorflux.keras.datasets import cifar

_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
_SHA256 = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"


def load_data(
    label_mode: str = "fine", path: str | None = None
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load CIFAR-100 as Keras does: ``(x_train, y_train), (x_test, y_test)``.

    ``x_train`` is uint8 ``(50000, 32, 32, 3)``, ``y_train`` uint8 ``(50000, 1)`` with labels
    0-99 (``label_mode="fine"``) or 0-19 (``"coarse"``); the test arrays hold 10,000 samples.

    Args:
        label_mode: ``"fine"`` or ``"coarse"``.
        path: optional local copy: the ``cifar-100-python.tar.gz`` archive, or the extracted
            ``cifar-100-python`` folder (or its parent).

    Returns:
        Tuple of NumPy arrays ``(x_train, y_train), (x_test, y_test)``.

    Example:

    >>> (x_train, y_train), _ = load_data(label_mode="coarse")  # doctest: +SKIP
    >>> int(y_train.max())  # doctest: +SKIP
    19
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f'`label_mode` must be one of "fine", "coarse". Received: label_mode={label_mode}.')
    folder = cifar.batches_folder(path, "cifar-100-python-target", _ORIGIN, _SHA256, "cifar-100-python")
    key = label_mode + "_labels"
    x_train, y_train = cifar.load_batch(os.path.join(folder, "train"), label_key=key)
    x_test, y_test = cifar.load_batch(os.path.join(folder, "test"), label_key=key)
    return cifar.to_keras_layout(x_train, y_train), cifar.to_keras_layout(x_test, y_test)
