"""prefetch (a background producer thread) and cache (memory or file)."""

from __future__ import annotations

import json
import os
import queue
import tempfile
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from tensorflux.data import _nest
from tensorflux.data.dataset import AUTOTUNE, Dataset, _RandomAccess

_ITEM, _DONE, _ERROR = 0, 1, 2
_AUTOTUNE_BUFFER = 4
_PUT_POLL_S = 0.05
_JOIN_TIMEOUT_S = 5.0


def _close(it: Any) -> None:
    close = getattr(it, "close", None)
    if close is not None:
        close()


class PrefetchDataset(Dataset):
    """The input's elements, produced up to ``buffer_size`` ahead by a background thread."""

    def __init__(self, input_dataset: Dataset, buffer_size: int) -> None:
        super().__init__((input_dataset,))
        b = int(buffer_size)
        if b != buffer_size or b < AUTOTUNE:
            raise ValueError(
                f"`buffer_size` must be a non-negative integer or tf.data.AUTOTUNE; got {buffer_size!r}."
            )
        self._input = input_dataset
        self._buffer_size = _AUTOTUNE_BUFFER if b == AUTOTUNE else b

    def _cardinality(self) -> int:
        return self._input._cardinality()

    def _compute_spec(self) -> Any:
        return self._input.element_spec

    def _iter(self) -> Iterator[Any]:
        if self._buffer_size == 0:  # prefetch(0) is a no-op, as in TensorFlow
            yield from self._input._iter()
            return
        q: queue.Queue[tuple[int, Any]] = queue.Queue(maxsize=self._buffer_size)
        stop = threading.Event()
        thread = threading.Thread(
            target=self._produce, args=(q, stop), name="tensorflux-prefetch", daemon=True
        )
        thread.start()
        try:
            while True:
                kind, payload = q.get()
                if kind == _ITEM:
                    yield payload
                elif kind == _DONE:
                    return
                else:
                    raise payload
        finally:
            # The consumer is done (exhausted, broke out of its loop, or failed): tell the
            # producer, let a blocked `put` fail over, and wait for the thread to close its input.
            stop.set()
            while True:
                try:
                    q.get_nowait()
                except queue.Empty:
                    break
            thread.join(_JOIN_TIMEOUT_S)

    def _produce(self, q: queue.Queue[tuple[int, Any]], stop: threading.Event) -> None:
        # Runs in the background thread: the input iterator is created, advanced and closed here
        # only, so that no generator is ever touched by two threads.
        it = None
        try:
            it = self._input._iter()
            for element in it:
                if not _put(q, stop, (_ITEM, element)):
                    return
            _put(q, stop, (_DONE, None))
        except BaseException as e:  # noqa: BLE001  (forwarded to the consumer, re-raised there)
            _put(q, stop, (_ERROR, e))
        finally:
            if it is not None:
                _close(it)


def _put(q: queue.Queue[tuple[int, Any]], stop: threading.Event, item: tuple[int, Any]) -> bool:
    """Put ``item`` unless the consumer has gone; ``False`` once it has."""
    while not stop.is_set():
        try:
            q.put(item, timeout=_PUT_POLL_S)
            return True
        except queue.Full:
            continue
    return False


class CacheDataset(Dataset):
    """Elements of the first complete pass, replayed afterwards (from memory or a file).

    Once cached, elements whose leaves have one shape each are stacked into arrays, so later
    passes support random access (fast ``shuffle`` + ``batch``) like ``from_tensor_slices``.
    """

    def __init__(self, input_dataset: Dataset, filename: Any) -> None:
        super().__init__((input_dataset,))
        self._input = input_dataset
        self._filename = os.fspath(filename) if filename else ""
        self._elements: list[Any] | None = None
        self._stacked: tuple[Any, list[np.ndarray]] | None = None  # (structure, leaves)

    def _cache_path(self) -> str:
        return self._filename + ".tfxcache.npz"

    def _cardinality(self) -> int:
        if self._stacked is not None:
            return int(self._stacked[1][0].shape[0])
        if self._elements is not None:
            return len(self._elements)
        return self._input._cardinality()

    def _compute_spec(self) -> Any:
        return self._input.element_spec

    def _has_random_access(self) -> bool:
        if self._stacked is None and self._elements is None and self._filename:
            self._load_file()
        return self._stacked is not None or self._input._has_random_access()

    def _random_access(self) -> _RandomAccess:
        if self._stacked is None:
            return self._input._random_access()
        structure, leaves = self._stacked

        def take(key: Any) -> Any:
            if isinstance(key, (int, np.integer)):
                return _nest.pack_as(structure, [a[key, ...] for a in leaves])
            return _nest.pack_as(structure, [a[key] for a in leaves])

        return _RandomAccess(int(leaves[0].shape[0]), take)

    def _iter(self) -> Iterator[Any]:
        if self._stacked is None and self._elements is None and self._filename:
            self._load_file()
        if self._stacked is not None:
            yield from super()._iter()
            return
        if self._elements is not None:
            yield from self._elements
            return
        if self._filename:
            parent = os.path.dirname(os.path.abspath(self._filename))
            if not os.path.isdir(parent):
                raise FileNotFoundError(
                    f"Cannot cache to {self._filename!r}: the folder {parent!r} does not exist."
                )
        buf: list[Any] = []
        it = self._input._iter()
        try:
            for element in it:
                buf.append(element)
                yield element
        finally:
            _close(it)
        # Only a complete pass reaches this point; a partial one leaves the cache empty.
        self._finish(buf)

    def _finish(self, elements: list[Any]) -> None:
        stacked = _stack_uniform(elements)
        if stacked is not None:
            self._stacked = stacked
        else:
            self._elements = elements
        if self._filename:
            self._save_file(elements, stacked)

    # -- the file format: one .npz, leaves stacked (or ragged: flat values + shapes) -------------
    def _save_file(self, elements: list[Any], stacked: tuple[Any, list[np.ndarray]] | None) -> None:
        if not elements:
            return
        try:
            skeleton = _skeleton(elements[0])
        except TypeError:
            return  # non-string dict keys: keep the memory cache only
        arrays: dict[str, np.ndarray] = {"structure": np.asarray(json.dumps(skeleton))}
        if stacked is not None:
            for i, a in enumerate(stacked[1]):
                arrays[f"leaf{i}"] = a
        else:
            columns = list(zip(*[_nest.flatten(e) for e in elements]))
            for i, column in enumerate(columns):
                arrays[f"ragged{i}"] = np.concatenate([a.ravel() for a in column])
                arrays[f"shapes{i}"] = np.asarray([a.shape for a in column], dtype=np.int64)
        folder = os.path.dirname(os.path.abspath(self._cache_path()))
        fd, tmp = tempfile.mkstemp(prefix=".tfxcache-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, **arrays)
            os.replace(tmp, self._cache_path())
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise

    def _load_file(self) -> None:
        path = self._cache_path()
        if not os.path.exists(path):
            return
        with np.load(path, allow_pickle=False) as f:
            structure = _from_skeleton(json.loads(str(f["structure"])))
            n_leaves = len(_nest.flatten(structure))
            if "leaf0" in f:
                leaves = [f[f"leaf{i}"] for i in range(n_leaves)]
                for a in leaves:
                    a.flags.writeable = False
                self._stacked = (structure, leaves)
                return
            columns = []
            for i in range(n_leaves):
                flat, shapes = f[f"ragged{i}"], f[f"shapes{i}"]
                sizes = (
                    np.prod(shapes, axis=1, dtype=np.int64) if shapes.shape[1] else np.ones(len(shapes), int)
                )
                offsets = np.concatenate([[0], np.cumsum(sizes)])
                columns.append(
                    [flat[offsets[k] : offsets[k + 1]].reshape(shapes[k]) for k in range(len(shapes))]
                )
        self._elements = [_nest.pack_as(structure, list(parts)) for parts in zip(*columns)]


def _stack_uniform(elements: list[Any]) -> tuple[Any, list[np.ndarray]] | None:
    """Stack cached elements per leaf when every leaf has one shape and dtype; else ``None``."""
    if not elements:
        return None
    columns = list(zip(*[_nest.flatten(e) for e in elements]))
    for column in columns:
        shape, dtype = column[0].shape, column[0].dtype
        if any(a.shape != shape or a.dtype != dtype for a in column):
            return None
    leaves = [np.stack(column) for column in columns]
    for a in leaves:
        a.flags.writeable = False
    return elements[0], leaves


def _skeleton(structure: Any) -> Any:
    """A JSON-able description of an element's nesting; ``TypeError`` for non-string dict keys."""
    if isinstance(structure, Mapping):
        if not all(isinstance(k, str) for k in structure):
            raise TypeError("only string keys can be saved")
        return {"dict": {k: _skeleton(v) for k, v in structure.items()}}
    if isinstance(structure, tuple):
        return {"tuple": [_skeleton(s) for s in structure]}
    return "leaf"


def _from_skeleton(skeleton: Any) -> Any:
    if skeleton == "leaf":
        return np.zeros(0)
    if "dict" in skeleton:
        return {k: _from_skeleton(v) for k, v in skeleton["dict"].items()}
    return tuple(_from_skeleton(s) for s in skeleton["tuple"])
