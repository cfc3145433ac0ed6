"""Reading the CIFAR-10/100 "python version" batch files (shared by cifar10 and cifar100)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from tensorflux.keras.datasets import _common
from tensorflux.keras.utils.file_utils import get_file


def load_batch(fpath: str, label_key: str = "labels") -> tuple[np.ndarray, list[int]]:
    """Read one CIFAR batch file: ``(data (n, 3, 32, 32) uint8, labels)``.

    The file is a pickled dict with bytes keys; only arrays and plain containers are unpickled.
    """
    with open(fpath, "rb") as f:
        d = _common.load_pickle(f, encoding="bytes")
    d = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in d.items()}
    data = np.asarray(d["data"], dtype=np.uint8)
    return data.reshape(data.shape[0], 3, 32, 32), d[label_key]


def batches_folder(path: str | None, fname: str, origin: str, sha256: str, inner: str) -> str:
    """The folder holding a CIFAR variant's batch files, from ``path`` or the cache/download.

    ``path`` may be that folder, a folder containing it (``inner``), or the downloaded
    ``.tar.gz`` archive, which is then extracted beside itself.
    """
    if path is None:
        return os.path.join(get_file(fname=fname, origin=origin, extract=True, file_hash=sha256), inner)
    path = os.fspath(path)
    if os.path.isfile(path):
        folder = get_file(
            fname=os.path.basename(path),
            origin=origin,
            extract=True,
            cache_subdir=os.path.dirname(os.path.abspath(path)),
        )
        return os.path.join(folder, inner)
    if os.path.isdir(os.path.join(path, inner)):
        return os.path.join(path, inner)
    if os.path.isdir(path):
        return path
    raise FileNotFoundError(f"{path} is neither a CIFAR archive nor a folder of CIFAR batch files.")


def to_keras_layout(x: np.ndarray, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """NCHW batches to Keras' channels-last uint8 images and uint8 ``(n, 1)`` labels."""
    x = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
    y = np.asarray(y, dtype=np.uint8).reshape(-1, 1)
    return x, y
