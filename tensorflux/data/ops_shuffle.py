"""shuffle: TensorFlow's buffer algorithm, seeded per pass."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from tensorflux.data import _seed
from tensorflux.data.dataset import Dataset, _RandomAccess

_END = object()
_MASK64 = (1 << 64) - 1


class _Draws:
    """Uniform random indices below a changing bound, drawn from ``rng`` in chunks (cheap per draw)."""

    __slots__ = ("_rng", "_chunk", "_pos")

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._chunk: list[float] = []
        self._pos = 0

    def below(self, n: int) -> int:
        if self._pos == len(self._chunk):
            self._chunk = self._rng.random(4096).tolist()
            self._pos = 0
        u = self._chunk[self._pos]
        self._pos += 1
        j = int(u * n)
        return j if j < n else n - 1  # u * n can round up to n for large n


def buffer_shuffle(items: Iterable[Any], buffer_size: int, rng: np.random.Generator) -> Iterator[Any]:
    """Yield ``items`` in the order of a shuffle buffer of ``buffer_size``.

    The buffer holds the first ``buffer_size`` items; each output is a uniformly chosen buffer
    slot, which is then refilled with the next item (or, once the input ends, with the last
    slot). An output is yielded before the next item is read, as in TensorFlow.
    """
    it = iter(items)
    draws = _Draws(rng)
    buf: list[Any] = []
    try:
        for x in it:
            buf.append(x)
            if len(buf) >= buffer_size:
                break
        exhausted = len(buf) < buffer_size
        while buf:
            j = draws.below(len(buf))
            yield buf[j]
            nxt = _END if exhausted else next(it, _END)
            if nxt is _END:
                exhausted = True
                buf[j] = buf[-1]
                buf.pop()
            else:
                buf[j] = nxt
    finally:
        close = getattr(it, "close", None)
        if close is not None:
            close()


def _shuffled_order(n: int, buffer_size: int, rng: np.random.Generator) -> np.ndarray:
    """The order in which a shuffle buffer emits the indices ``0 .. n-1`` of a random-access input.

    A buffer holding the whole input emits a uniform permutation, drawn in one call. A smaller
    buffer runs the buffer algorithm on plain ints (a tight loop, no element copies).
    """
    if buffer_size >= n:
        return rng.permutation(n).astype(np.int64, copy=False)
    if buffer_size <= 1:
        return np.arange(n, dtype=np.int64)
    u = rng.random(n).tolist()
    buf = list(range(buffer_size))
    nxt = buffer_size
    out = [0] * n
    for k in range(n):
        size = len(buf)
        j = int(u[k] * size)
        if j >= size:
            j = size - 1
        out[k] = buf[j]
        if nxt < n:
            buf[j] = nxt
            nxt += 1
        else:
            buf[j] = buf[-1]
            buf.pop()
    return np.asarray(out, dtype=np.int64)


class ShuffleDataset(Dataset):
    """Elements in a random order from a shuffle buffer; a new order each pass unless told not to."""

    def __init__(
        self,
        input_dataset: Dataset,
        buffer_size: int,
        seed: int | None,
        reshuffle_each_iteration: bool | None,
    ) -> None:
        super().__init__((input_dataset,))
        b = int(buffer_size)
        if b != buffer_size or b <= 0:
            raise ValueError(
                f"`buffer_size` must be a positive integer; received buffer_size={buffer_size!r}."
            )
        self._input = input_dataset
        self._buffer_size = b
        material = _seed.op_seed(seed)
        if material is None:  # no op seed and no global seed: fresh entropy for this dataset
            material = (int(np.random.SeedSequence().entropy) & _MASK64,)
        self._seed_material = tuple(int(m) & _MASK64 for m in material)
        self._reshuffle = True if reshuffle_each_iteration is None else bool(reshuffle_each_iteration)
        self._passes = itertools.count()
        self._lock = threading.Lock()

    def _rng(self) -> np.random.Generator:
        """The generator for a new pass: pass k of a seeded dataset always gets the same one."""
        if self._reshuffle:
            with self._lock:
                k = next(self._passes)
        else:
            k = 0
        return np.random.default_rng([*self._seed_material, k])

    def _cardinality(self) -> int:
        return self._input._cardinality()

    def _compute_spec(self) -> Any:
        return self._input.element_spec

    def _iter(self) -> Iterator[Any]:
        if self._input._has_random_access():
            return super()._iter()  # through _random_access: the same order as batch() sees
        return buffer_shuffle(self._input._iter(), self._buffer_size, self._rng())

    def _has_random_access(self) -> bool:
        return self._input._has_random_access()

    def _random_access(self) -> _RandomAccess:
        ra = self._input._random_access()
        order = _shuffled_order(ra.n, self._buffer_size, self._rng())
        return _RandomAccess(ra.n, lambda key: ra.take(order[key]))
