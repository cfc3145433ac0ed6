"""Reader for the IDX format of the original MNIST and Fashion-MNIST files (optionally gzipped).

An IDX file is: two zero bytes, a type code, the number of dimensions, one big-endian uint32 per
dimension, then the values in big-endian C order.
"""

from __future__ import annotations

import gzip
import os
import struct

import numpy as np

_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}

TRAIN_IMAGES = "train-images-idx3-ubyte"
TRAIN_LABELS = "train-labels-idx1-ubyte"
TEST_IMAGES = "t10k-images-idx3-ubyte"
TEST_LABELS = "t10k-labels-idx1-ubyte"
FILES = (TRAIN_LABELS, TRAIN_IMAGES, TEST_LABELS, TEST_IMAGES)


def _open(path: str):  # noqa: ANN202
    with open(path, "rb") as f:
        gz = f.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gz else open(path, "rb")


def read_idx(path: str) -> np.ndarray:
    """Read one IDX file (``.gz`` or raw) into a writable array in native byte order.

    Example:

    >>> read_idx("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz").shape  # doctest: +SKIP
    (10000,)
    """
    with _open(path) as f:
        header = f.read(4)
        if len(header) != 4 or header[:2] != b"\0\0" or header[2] not in _TYPES:
            raise ValueError(f"{path} is not an IDX file (bad magic number {header!r}).")
        ndim = header[3]
        dims = struct.unpack(f">{ndim}I", f.read(4 * ndim))
        dtype = np.dtype(_TYPES[header[2]])
        out = np.empty(dims, dtype=dtype)
        # Read straight into the array's memory: no intermediate bytes object to copy.
        view = memoryview(out.reshape(-1).view(np.uint8))
        got = 0
        while got < len(view):
            n = f.readinto(view[got:])
            if not n:
                break
            got += n
        if got != out.nbytes:
            raise ValueError(f"{path} is truncated: expected {out.nbytes} bytes of data, found {got}.")
    return out if dtype.itemsize == 1 else out.astype(dtype.newbyteorder("="))


def find_idx_files(folder: str) -> dict[str, str] | None:
    """Paths of the four standard files in ``folder`` (``.gz`` or not), or None if any is missing."""
    found = {}
    for name in FILES:
        for candidate in (name + ".gz", name):
            p = os.path.join(folder, candidate)
            if os.path.isfile(p):
                found[name] = p
                break
        else:
            return None
    return found


def load_idx_files(
    paths: dict[str, str],
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``(x_train, y_train), (x_test, y_test)`` from the four standard IDX files."""
    x_train, y_train = read_idx(paths[TRAIN_IMAGES]), read_idx(paths[TRAIN_LABELS])
    x_test, y_test = read_idx(paths[TEST_IMAGES]), read_idx(paths[TEST_LABELS])
    for x, y, which in ((x_train, y_train, "train"), (x_test, y_test, "test")):
        if len(x) != len(y):
            raise ValueError(f"The {which} images ({len(x)}) and labels ({len(y)}) do not match in number.")
    return (x_train, y_train), (x_test, y_test)
