"""Fashion-MNIST: 60,000 training and 10,000 test images of clothing, 28x28 grey, 10 classes.

Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker,
8 Bag, 9 Ankle boot.
"""

from __future__ import annotations

import os

import numpy as np

from tensorflux.keras.datasets import _common, _idx
from tensorflux.keras.utils.file_utils import get_file

# The folder of Debian's `dataset-fashion-mnist` package; $TENSORFLUX_FASHION_MNIST_DIR overrides.
SYSTEM_DIR = "/usr/share/datasets/fashion-mnist"
_ENV_VAR = "TENSORFLUX_FASHION_MNIST_DIR"
_CACHE_SUBDIR = os.path.join("datasets", "fashion-mnist")
_SHA256 = {
    "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
    "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
}


def _system_files() -> dict[str, str] | None:
    folder = os.environ.get(_ENV_VAR)
    if folder:
        files = _idx.find_idx_files(folder)
        if files is None:
            raise FileNotFoundError(
                f"${_ENV_VAR} is set to {folder!r}, but that folder does not hold the four Fashion-MNIST "
                f"files {[n + '.gz' for n in _idx.FILES]}. Fix the variable or unset it."
            )
        return files
    return _idx.find_idx_files(SYSTEM_DIR)


def load_data(path: str | None = None) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load Fashion-MNIST as Keras does: ``(x_train, y_train), (x_test, y_test)``.

    ``x_train`` is uint8 ``(60000, 28, 28)``, ``y_train`` uint8 ``(60000,)`` with labels 0-9; the
    test arrays hold 10,000 samples. The files are looked for, in order: in ``path`` if given;
    in ``$TENSORFLUX_FASHION_MNIST_DIR`` or else ``/usr/share/datasets/fashion-mnist`` (Debian's
    ``dataset-fashion-mnist``, available offline); in the cache (``~/.tensorflux`` or Keras'
    ``~/.keras``); and finally downloaded from Keras' origin with their sha256 checked.

    Args:
        path: optional folder holding the four IDX files (``.gz`` or not).

    Returns:
        Tuple of NumPy arrays ``(x_train, y_train), (x_test, y_test)``.

    Example:

    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_test.shape  # doctest: +SKIP
    (10000, 28, 28)
    """
    if path is not None:
        files = _idx.find_idx_files(os.fspath(path))
        if files is None:
            raise FileNotFoundError(
                f"{path} does not hold the four Fashion-MNIST IDX files {list(_idx.FILES)}."
            )
        return _idx.load_idx_files(files)
    files = _system_files()
    if files is None:
        files = {
            name[: -len(".gz")]: get_file(
                name, origin=_common.ORIGIN_FOLDER + name, cache_subdir=_CACHE_SUBDIR, file_hash=digest
            )
            for name, digest in _SHA256.items()
        }
    return _idx.load_idx_files(files)
