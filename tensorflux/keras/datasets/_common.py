"""Helpers shared by the dataset loaders: where the file is, safe .npz reading, test splits."""

from __future__ import annotations

import codecs
import io
import os
import pickle
import zipfile
from typing import Any

import numpy as np

from tensorflux.keras.utils.file_utils import get_file

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def locate(path: str, origin: str, file_hash: str, cache_subdir: str = "datasets") -> str:
    """The local file for a loader's ``path`` argument, downloading it if needed.

    A bare name (``"mnist.npz"``, the default) is looked up in the cache and downloaded and
    hash-checked as Keras does. A path with a folder part that exists is the user's own copy and
    is read as is (no hash check: it may be a subset or a re-encoding); one that does not exist
    yet is where the download is saved.
    """
    path = os.fspath(path)
    folder, name = os.path.split(path)
    if not folder:
        return get_file(fname=name, origin=origin, file_hash=file_hash, cache_subdir=cache_subdir)
    if os.path.exists(path):
        return path
    return get_file(fname=name, origin=origin, file_hash=file_hash, cache_subdir=os.path.abspath(folder))


def _reconstruct() -> Any:
    try:
        from numpy._core.multiarray import _reconstruct  # NumPy >= 2
    except ImportError:  # pragma: no cover
        from numpy.core.multiarray import _reconstruct
    return _reconstruct


class _ArrayOnlyUnpickler(pickle.Unpickler):
    """Unpickles NumPy arrays (and plain Python containers) and nothing else.

    The IMDB/Reuters .npz files hold ragged object arrays and the CIFAR batches are pickles; a
    tampered file must not be able to run code through a pickled callable. Files written by old
    NumPy name ``numpy.core.multiarray``; that is mapped to the current module without importing
    the deprecated alias.
    """

    _ALLOWED = {("numpy", "ndarray"): None, ("numpy", "dtype"): None}

    def find_class(self, module: str, name: str) -> Any:
        if name == "_reconstruct" and module in ("numpy.core.multiarray", "numpy._core.multiarray"):
            return _reconstruct()
        if (module, name) in self._ALLOWED:
            return getattr(np, name)
        if (module, name) == ("_codecs", "encode"):
            # Protocol-2 pickles written by Python 3 spell bytes as encode(str, "latin1"): a pure
            # function, safe to allow.
            return codecs.encode
        raise pickle.UnpicklingError(
            f"Refusing to load `{module}.{name}` from a dataset file: only NumPy arrays are allowed. "
            "The file may be corrupted or malicious."
        )


def load_pickle(f: Any, encoding: str = "ASCII") -> Any:
    """Unpickle a dataset file that may contain only arrays, lists, dicts, numbers and strings."""
    return _ArrayOnlyUnpickler(f, encoding=encoding).load()


def _read_npy(raw: bytes) -> np.ndarray:
    fp = io.BytesIO(raw)
    try:
        return np.lib.format.read_array(fp, allow_pickle=False)
    except ValueError:
        # An object array (ragged sequences): skip the header, then unpickle with restrictions.
        fp.seek(0)
        major, _ = np.lib.format.read_magic(fp)
        if major == 1:
            np.lib.format.read_array_header_1_0(fp)
        else:
            np.lib.format.read_array_header_2_0(fp)  # 3.0 differs only in the header's encoding
        return load_pickle(fp, encoding="latin1")


def load_npz(path: str) -> dict[str, np.ndarray]:
    """Read every array of an .npz file; object arrays go through the array-only unpickler.

    Example:

    >>> load_npz("imdb.npz")["x_train"].dtype  # doctest: +SKIP
    dtype('O')
    """
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.filename.endswith(".npy"):
                with archive.open(info) as member:
                    arrays[info.filename[:-4]] = _read_npy(member.read())
    return arrays


def shuffle_split(x: np.ndarray, y: np.ndarray, test_split: float, seed: int) -> tuple[Any, Any]:
    """Shuffle with ``RandomState(seed)`` and cut off the last ``test_split`` fraction (Keras' order)."""
    if not 0 <= test_split < 1:
        raise ValueError(f"Invalid `test_split` argument: {test_split}. It must be in [0, 1).")
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x))
    rng.shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))
