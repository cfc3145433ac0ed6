"""``get_file``: download a file once, check its hash, keep it in a cache, extract archives.

Files are cached under ``~/.tensorflux/<cache_subdir>`` (``$TENSORFLUX_HOME`` replaces
``~/.tensorflux``). A file that Keras already downloaded to ``~/.keras/<cache_subdir>``
(``$KERAS_HOME``) is used in place instead of being fetched again.

Downloads are atomic: bytes go to a temporary file in the cache folder, which is renamed to the
final name only once it is complete and its hash matches. An interrupted or corrupted download
never leaves a file behind that a later call could mistake for a good one.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from typing import Any

_CHUNK = 1 << 16
_TIMEOUT_S = 60.0
_EXTRACTED_MARKER = ".tensorflux_extracted"


def tensorflux_home() -> str:
    """The cache root: ``$TENSORFLUX_HOME``, else ``~/.tensorflux``."""
    return os.path.expanduser(os.environ.get("TENSORFLUX_HOME") or os.path.join("~", ".tensorflux"))


def _keras_home() -> str:
    return os.path.expanduser(os.environ.get("KERAS_HOME") or os.path.join("~", ".keras"))


# -- hashing ------------------------------------------------------------------------------------
def _resolve_hasher(algorithm: str, file_hash: str | None = None) -> Any:
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None and len(file_hash) == 64):
        return hashlib.sha256()
    if algorithm in ("md5", "auto"):
        return hashlib.md5()
    raise ValueError(f"Unknown hash algorithm {algorithm!r}; use 'sha256', 'md5' or 'auto'.")


def _algorithm_name(algorithm: str, file_hash: str | None) -> str:
    return _resolve_hasher(algorithm, file_hash).name


def hash_file(fpath: str, algorithm: str = "sha256", chunk_size: int = 65535) -> str:
    """The hex digest of a file (``"sha256"``, ``"md5"``, or ``"auto"`` meaning sha256).

    Example:

    >>> hash_file("/path/to/empty_file")  # doctest: +SKIP
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    """
    hasher = hashlib.sha256() if algorithm in ("sha256", "auto") else _resolve_hasher(algorithm)
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath: str, file_hash: str, algorithm: str = "auto", chunk_size: int = 65535) -> bool:
    """Whether the file's hash equals ``file_hash`` (sha256 for 64 hex digits, else md5 with "auto").

    Example:

    >>> validate_file("/path/to/file", "e3b0c442...")  # doctest: +SKIP
    False
    """
    hasher = _resolve_hasher(algorithm, file_hash)
    return hash_file(fpath, hasher.name, chunk_size) == str(file_hash).lower()


# -- archives -----------------------------------------------------------------------------------
def _inside(base: str, target: str) -> bool:
    base = os.path.realpath(base)
    target = os.path.realpath(target)
    return os.path.commonpath([base, target]) == base


def _check_tar_members(archive: tarfile.TarFile, dest: str, file_path: str) -> None:
    for m in archive.getmembers():
        target = os.path.join(dest, m.name)
        ok = not os.path.isabs(m.name) and _inside(dest, target)
        if ok and m.issym():
            ok = _inside(dest, os.path.join(os.path.dirname(target), m.linkname))
        elif ok and m.islnk():
            ok = _inside(dest, os.path.join(dest, m.linkname))
        if ok and (m.isdev() or m.isfifo()):
            ok = False
        if not ok:
            raise ValueError(
                f"Refusing to extract {file_path}: member {m.name!r} would be written outside {dest} "
                "(or is a device or link out of the folder). The archive may be corrupted or malicious."
            )


def _check_zip_members(archive: zipfile.ZipFile, dest: str, file_path: str) -> None:
    for name in archive.namelist():
        if os.path.isabs(name) or name.startswith(("/", "\\")) or not _inside(dest, os.path.join(dest, name)):
            raise ValueError(
                f"Refusing to extract {file_path}: member {name!r} would be written outside {dest}. "
                "The archive may be corrupted or malicious."
            )


def extract_archive(file_path: str, path: str = ".", archive_format: Any = "auto") -> bool:
    """Extract a tar (.tar, .tar.gz, .tar.bz2, .tar.xz) or zip archive into ``path``.

    Members that would land outside ``path`` (absolute names, ``..``, links out of the folder,
    device files) make the whole extraction fail before anything is written.

    Args:
        file_path: the archive.
        path: the folder to extract into (created if needed).
        archive_format: ``"auto"`` (tar, then zip), ``"tar"``, ``"zip"``, a list of those, or None.

    Returns:
        True if the file was an archive of an accepted format and was extracted, else False.

    Example:

    >>> extract_archive("data.tar.gz", "data")  # doctest: +SKIP
    True
    """
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else archive_format
    if isinstance(formats, str):
        formats = [formats]
    file_path, path = os.fspath(file_path), os.fspath(path)
    for fmt in formats:
        if fmt == "tar":
            if not tarfile.is_tarfile(file_path):
                continue
            os.makedirs(path, exist_ok=True)
            with tarfile.open(file_path) as archive:
                _check_tar_members(archive, path, file_path)
                if hasattr(tarfile, "data_filter"):
                    # Python's own "data" filter too: it also drops unsafe modes and ownership.
                    archive.extractall(path, filter="data")
                else:  # pragma: no cover  (Python < 3.10.12 / 3.11.4)
                    archive.extractall(path)
            return True
        if fmt == "zip":
            if not zipfile.is_zipfile(file_path):
                continue
            os.makedirs(path, exist_ok=True)
            with zipfile.ZipFile(file_path) as archive:
                _check_zip_members(archive, path, file_path)
                archive.extractall(path)
            return True
        raise ValueError(f"Unknown archive format {fmt!r}; use 'tar', 'zip', 'auto' or None.")
    return False


def _extract_once(archive_path: str, extraction_dir: str, archive_format: Any) -> None:
    """Extract into ``extraction_dir`` unless the same archive was already extracted there.

    Extraction happens in a temporary folder beside the target, renamed into place when done,
    so an interrupted extraction never looks complete.
    """
    st = os.stat(archive_path)
    stamp = f"{os.path.realpath(archive_path)} {st.st_size} {st.st_mtime_ns}"
    marker = os.path.join(extraction_dir, _EXTRACTED_MARKER)
    if os.path.exists(marker):
        with open(marker) as f:
            if f.read() == stamp:
                return
    parent = os.path.dirname(os.path.abspath(extraction_dir))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(
        prefix="." + os.path.basename(extraction_dir) + ".", suffix=".extracting", dir=parent
    )
    try:
        if not extract_archive(archive_path, tmp, archive_format):
            raise ValueError(
                f"Could not extract {archive_path}: it is not a {archive_format!r} archive "
                "(tar, tar.gz, tar.bz2 or zip). Delete it to download it again."
            )
        with open(os.path.join(tmp, _EXTRACTED_MARKER), "w") as f:
            f.write(stamp)
        if os.path.exists(extraction_dir):
            shutil.rmtree(extraction_dir)
        os.replace(tmp, extraction_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


# -- downloading --------------------------------------------------------------------------------
class _Progress:
    """A one-line byte counter on stderr, drawn only when stderr is a terminal."""

    def __init__(self, total: int | None) -> None:
        self.total = total
        self.enabled = hasattr(sys.stderr, "isatty") and sys.stderr.isatty()
        self.start = time.monotonic()
        self.last = 0.0

    def update(self, done: int, final: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not final and now - self.last < 0.1:
            return
        self.last = now
        elapsed = now - self.start
        if self.total:
            filled = int(20 * min(done, self.total) / self.total)
            bar = "━" * filled + " " * (20 - filled)
            line = f"\r{done}/{self.total} {bar} {elapsed:.0f}s"
        else:
            line = f"\r{done} bytes {elapsed:.0f}s"
        sys.stderr.write(line + ("\n" if final else ""))
        sys.stderr.flush()


def _fetch(origin: str, target: str, file_hash: str | None, algorithm: str) -> None:
    """Download ``origin`` to ``target`` atomically, checking length and hash before the rename."""
    folder = os.path.dirname(os.path.abspath(target))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(target) + ".", suffix=".part", dir=folder)
    hasher = _resolve_hasher(algorithm, file_hash) if file_hash is not None else None
    try:
        with os.fdopen(fd, "wb") as out:
            request = urllib.request.Request(origin, headers={"User-Agent": "tensorflux"})
            with urllib.request.urlopen(request, timeout=_TIMEOUT_S) as response:
                length = response.headers.get("Content-Length")
                expected = int(length) if length and length.isdigit() else None
                progress = _Progress(expected)
                done = 0
                while True:
                    chunk = response.read(_CHUNK)
                    if not chunk:
                        break
                    out.write(chunk)
                    if hasher is not None:
                        hasher.update(chunk)
                    done += len(chunk)
                    progress.update(done)
                progress.update(done, final=True)
        if expected is not None and done != expected:
            raise http.client.IncompleteRead(b"", expected - done)
        if hasher is not None and hasher.hexdigest() != str(file_hash).lower():
            raise ValueError(
                f"Incomplete or corrupted file detected: the {hasher.name} hash of the file downloaded "
                f"from {origin} is {hasher.hexdigest()}, but {file_hash} was expected. Nothing was saved."
            )
        os.chmod(tmp, 0o644 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fetch_error(
    origin: str, target: str, err: BaseException, file_hash: str | None, algorithm: str
) -> OSError:
    if isinstance(err, urllib.error.HTTPError):
        reason = f"HTTP {err.code} {err.reason}"
    elif isinstance(err, urllib.error.URLError):
        reason = str(err.reason)
    elif isinstance(err, http.client.IncompleteRead):
        reason = f"the connection closed early ({err.expected} bytes missing)"
    else:
        reason = f"{type(err).__name__}: {err}"
    check = f" (its {_algorithm_name(algorithm, file_hash)} hash must be {file_hash})" if file_hash else ""
    return OSError(
        f"URL fetch failure on {origin}: {reason}. No file was saved. If this machine is offline, "
        f"download {origin} on another machine and copy it to {target}{check}; it will then be used "
        "without downloading."
    )


def get_file(
    fname: str | None = None,
    origin: str | None = None,
    untar: bool = False,
    md5_hash: str | None = None,
    file_hash: str | None = None,
    cache_subdir: str = "datasets",
    hash_algorithm: str = "auto",
    extract: bool = False,
    archive_format: Any = "auto",
    cache_dir: str | None = None,
    force_download: bool = False,
) -> str:
    """Download a file from a URL unless it is already in the cache; return its local path.

    The file goes to ``<cache_dir>/<cache_subdir>/<fname>`` (``cache_dir`` defaults to
    ``~/.tensorflux``, or ``$TENSORFLUX_HOME``). A cached file is reused when its hash matches
    ``file_hash`` (or when no hash is given); a copy already in Keras' cache (``~/.keras``) is
    used in place. With ``extract=True`` archives are extracted (once) and the folder is returned.

    Args:
        fname: local file name; defaults to the last part of ``origin``'s path. With ``extract``,
            a name without a dot names the extraction folder (the archive is kept beside it as
            ``<fname>_archive``), a name with a dot names the archive (extracted into
            ``<stem>_extracted``).
        origin: the URL.
        untar: deprecated; like ``extract=True`` with ``archive_format="tar"``.
        md5_hash: deprecated; an md5 ``file_hash``.
        file_hash: the expected sha256 (64 hex digits) or md5 (32) of the file.
        cache_subdir: folder under ``cache_dir``; an absolute path is used as is.
        hash_algorithm: ``"auto"`` (by the hash length), ``"sha256"`` or ``"md5"``.
        extract: extract a tar or zip archive and return the folder.
        archive_format: ``"auto"``, ``"tar"``, ``"zip"``, a list of those, or None.
        cache_dir: the cache root.
        force_download: download even if a good copy is cached.

    Returns:
        The path of the file, or of the extraction folder when extracting.

    Raises:
        OSError: the download failed (the message says where to put the file by hand).
        ValueError: the downloaded file's hash does not match (nothing is saved).

    Example:

    >>> path = get_file(  # doctest: +SKIP
    ...     origin="https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
    ...     file_hash="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    ... )
    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    if file_hash is not None:
        _resolve_hasher(hash_algorithm, file_hash)  # reject an unknown algorithm before any I/O
    default_cache = cache_dir is None
    base = tensorflux_home() if default_cache else os.path.expanduser(os.fspath(cache_dir))
    datadir = os.path.join(base, cache_subdir)
    try:
        os.makedirs(datadir, exist_ok=True)
    except OSError:
        if not default_cache:
            raise
        # An unwritable home (containers, CI): fall back to the temp folder, as Keras does.
        base = os.path.join(tempfile.gettempdir(), ".tensorflux")
        datadir = os.path.join(base, cache_subdir)
        os.makedirs(datadir, exist_ok=True)

    given_name = bool(fname)
    fname = os.fspath(fname) if fname else os.path.basename(urllib.parse.urlsplit(origin).path)
    if not fname:
        raise ValueError(
            f"Can't parse the file name from the origin provided: '{origin}'. Please specify `fname`."
        )

    extraction_dir = None
    if extract or untar:
        if given_name and "." in os.path.basename(fname):
            stem = fname[: len(fname) - len(os.path.basename(fname))] + os.path.basename(fname).split(".")[0]
            rel_target, rel_extract = fname, f"{stem}_extracted"
        else:
            rel_target, rel_extract = f"{fname}_archive", fname
        extraction_dir = os.path.join(datadir, rel_extract)
    else:
        rel_target = fname
    target = os.path.join(datadir, rel_target)
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)

    def good(path: str) -> bool:
        return os.path.isfile(path) and (file_hash is None or validate_file(path, file_hash, hash_algorithm))

    source = None
    if not force_download:
        if good(target):
            source = target
        elif os.path.exists(target):
            print(
                f"A local file was found at {target}, but its {_algorithm_name(hash_algorithm, file_hash)} "
                f"hash does not match {file_hash}; downloading it again.",
                file=sys.stderr,
            )
        elif default_cache and not os.path.isabs(cache_subdir):
            keras_copy = os.path.join(_keras_home(), cache_subdir, rel_target)
            if good(keras_copy):
                source = keras_copy
    if source is None:
        print(f"Downloading data from {origin}", file=sys.stderr)
        try:
            _fetch(origin, target, file_hash, hash_algorithm)
        except ValueError:
            raise
        except (OSError, http.client.HTTPException) as e:
            raise _fetch_error(origin, target, e, file_hash, hash_algorithm) from e
        source = target

    if extraction_dir is not None:
        _extract_once(source, extraction_dir, "tar" if untar else archive_format)
        return extraction_dir
    return source
