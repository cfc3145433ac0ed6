"""File plumbing shared by the savers: atomic writes, format sniffing and file-naming errors."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable
from typing import Any

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
H5_MAGIC = b"\x89HDF\r\n\x1a\n"


class FileFormatError(ValueError):
    """A model or weights file that cannot be read; the message names the file and the problem."""


def file_error(path: Any, problem: str) -> FileFormatError:
    return FileFormatError(f"Cannot load '{os.fspath(path)}': {problem}")


def sniff(path: str) -> str:
    """``"zip"``, ``"h5"``, ``"empty"`` or ``"unknown"`` from the first bytes of the file."""
    with open(path, "rb") as f:
        head = f.read(8)
        if not head:
            return "empty"
        if head[:4] in ZIP_MAGIC:
            return "zip"
        if head == H5_MAGIC:
            return "h5"
        # HDF5 allows a user block before the superblock: 512, 1024, 2048, ... bytes.
        size = os.fstat(f.fileno()).st_size
        offset = 512
        while offset + 8 <= size:
            f.seek(offset)
            if f.read(8) == H5_MAGIC:
                return "h5"
            offset *= 2
    return "unknown"


def describe_unknown(path: str, kind: str) -> str:
    if kind == "empty":
        return "the file is empty (an interrupted copy or save?)."
    with open(path, "rb") as f:
        head = f.read(16)
    return (
        f"it is neither a .keras archive (a zip file) nor an HDF5 file (it starts with bytes {head!r}). "
        "The file may be corrupted, truncated, or not a Keras model at all."
    )


def check_overwrite(path: str, overwrite: bool) -> bool:
    """Whether to write ``path``: always when ``overwrite``; otherwise ask, as Keras does, on a terminal."""
    if overwrite or not os.path.exists(path):
        return True
    if sys.stdin is None or not sys.stdin.isatty():
        raise FileExistsError(
            f"'{path}' already exists and overwrite=False. Pass overwrite=True to replace it."
        )
    answer = input(f"[WARNING] {path} already exists - overwrite? [y/n] ").strip().lower()
    while answer not in ("y", "n"):
        answer = input('Enter "y" (overwrite) or "n" (cancel). ').strip().lower()
    return answer == "y"


def atomic_write(path: str, write: Callable[[str], None]) -> None:
    """Run ``write(tmp_path)`` on a temporary file beside ``path``, then rename it over ``path``.

    The rename (``os.replace``) is atomic on POSIX and Windows, so a crash or an exception while
    writing leaves any previous file at ``path`` untouched; the temporary file is removed.
    """
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, _mode_for(path))  # mkstemp makes 0600 files; keep what a plain open() would give
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


def _mode_for(path: str) -> int:
    if os.path.exists(path):
        return os.stat(path).st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
