"""Structural transformations: zip, concatenate, repeat, take, skip, enumerate, with_options."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from tensorflux.data import _nest
from tensorflux.data.dataset import (
    INFINITE_CARDINALITY,
    UNKNOWN_CARDINALITY,
    Dataset,
    _RandomAccess,
)
from tensorflux.data.options import Options
from tensorflux.data.spec import TensorSpec, _dtypes_match, most_specific_common_shape


def _close(it: Any) -> None:
    close = getattr(it, "close", None)
    if close is not None:
        close()


def _shift(key: Any, offset: int, n: int) -> Any:
    """Move an index key (int, slice within ``range(n)``, or int array) by ``offset``."""
    if offset == 0:
        return key
    if isinstance(key, slice):
        start, stop, step = key.indices(n)
        return slice(start + offset, stop + offset, step)
    return key + offset


class _Passthrough(Dataset):
    """A dataset with the elements of its input (subclasses change something else)."""

    def __init__(self, input_dataset: Dataset) -> None:
        super().__init__((input_dataset,))
        self._input = input_dataset

    def _iter(self) -> Iterator[Any]:
        return self._input._iter()

    def _cardinality(self) -> int:
        return self._input._cardinality()

    def _compute_spec(self) -> Any:
        return self._input.element_spec

    def _has_random_access(self) -> bool:
        return self._input._has_random_access()

    def _random_access(self) -> _RandomAccess:
        return self._input._random_access()


class _OptionsDataset(_Passthrough):
    def __init__(self, input_dataset: Dataset, options: Options) -> None:
        super().__init__(input_dataset)
        if not isinstance(options, Options):
            raise TypeError(f"`options` must be a tf.data.Options, got {type(options).__name__}.")
        self._options = self._options.merge(options)


class ZipDataset(Dataset):
    """Tuples (or dicts) of the elements of several datasets, up to the shortest."""

    def __init__(self, structure: Any) -> None:
        datasets = _nest.flatten(structure)
        for d in datasets:
            if not isinstance(d, Dataset):
                raise TypeError(
                    f"`Dataset.zip` takes datasets (or a tuple/dict of them); got {type(d).__name__}."
                )
        super().__init__(tuple(datasets))
        self._structure = structure
        self._datasets = datasets

    def _cardinality(self) -> int:
        cards = [d._cardinality() for d in self._datasets]
        finite = [c for c in cards if c >= 0]
        if finite and min(finite) == 0:
            return 0
        if UNKNOWN_CARDINALITY in cards:
            return UNKNOWN_CARDINALITY
        return min(finite) if finite else INFINITE_CARDINALITY

    def _compute_spec(self) -> Any:
        return _nest.pack_as(self._structure, [d.element_spec for d in self._datasets])

    def _iter(self) -> Iterator[Any]:
        its = [d._iter() for d in self._datasets]
        try:
            while True:
                parts = []
                for it in its:
                    try:
                        parts.append(next(it))
                    except StopIteration:
                        return
                yield _nest.pack_as(self._structure, parts)
        finally:
            for it in its:
                _close(it)

    def _has_random_access(self) -> bool:
        return all(d._has_random_access() for d in self._datasets)

    def _random_access(self) -> _RandomAccess:
        ras = [d._random_access() for d in self._datasets]
        n = min(r.n for r in ras)
        return _RandomAccess(n, lambda key: _nest.pack_as(self._structure, [r.take(key) for r in ras]))


class ConcatenateDataset(Dataset):
    """The elements of one dataset followed by those of another."""

    def __init__(self, first: Dataset, second: Dataset) -> None:
        if not isinstance(second, Dataset):
            raise TypeError(f"`concatenate` takes a Dataset, got {type(second).__name__}.")
        super().__init__((first, second))
        self._first, self._second = first, second
        a, b = first.element_spec, second.element_spec
        try:
            _nest.assert_same_structure(a, b)
        except ValueError as e:
            raise TypeError(f"Incompatible dataset elements for `concatenate`: {a} vs. {b} ({e}).") from None
        for sa, sb in zip(_nest.flatten(a), _nest.flatten(b)):
            if not _dtypes_match(sa._numpy_dtype, sb._numpy_dtype):
                raise TypeError(f"Incompatible dataset elements for `concatenate`: {a} vs. {b}.")

    def _cardinality(self) -> int:
        a, b = self._first._cardinality(), self._second._cardinality()
        if INFINITE_CARDINALITY in (a, b):
            return INFINITE_CARDINALITY
        if UNKNOWN_CARDINALITY in (a, b):
            return UNKNOWN_CARDINALITY
        return a + b

    def _compute_spec(self) -> Any:
        return _nest.map_structure(
            lambda x, y: TensorSpec(most_specific_common_shape(x.shape, y.shape), x.dtype),
            self._first.element_spec,
            self._second.element_spec,
        )

    def _iter(self) -> Iterator[Any]:
        yield from self._first._iter()
        yield from self._second._iter()


class RepeatDataset(Dataset):
    """The input repeated ``count`` times (``-1``: forever)."""

    def __init__(self, input_dataset: Dataset, count: int) -> None:
        super().__init__((input_dataset,))
        self._input = input_dataset
        self._count = count

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        if self._count == 0 or n == 0:
            return 0
        if self._count < 0:
            return INFINITE_CARDINALITY
        if n < 0:
            return n
        return n * self._count

    def _compute_spec(self) -> Any:
        return self._input.element_spec

    def _iter(self) -> Iterator[Any]:
        done = 0
        while self._count < 0 or done < self._count:
            produced = False
            for element in self._input._iter():
                produced = True
                yield element
            if not produced:
                return  # an empty input would otherwise make `repeat()` spin forever
            done += 1


class TakeDataset(Dataset):
    """The first ``count`` elements."""

    def __init__(self, input_dataset: Dataset, count: int) -> None:
        super().__init__((input_dataset,))
        self._input = input_dataset
        self._count = count

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        if self._count < 0:
            return n
        if n == INFINITE_CARDINALITY:
            return self._count
        if n == UNKNOWN_CARDINALITY:
            return UNKNOWN_CARDINALITY
        return min(n, self._count)

    def _compute_spec(self) -> Any:
        return self._input.element_spec

    def _iter(self) -> Iterator[Any]:
        if self._count == 0:
            return
        it = self._input._iter()
        try:
            for i, element in enumerate(it):
                yield element
                if self._count >= 0 and i + 1 >= self._count:
                    return
        finally:
            _close(it)

    def _has_random_access(self) -> bool:
        return self._input._has_random_access()

    def _random_access(self) -> _RandomAccess:
        ra = self._input._random_access()
        n = ra.n if self._count < 0 else min(ra.n, self._count)
        return _RandomAccess(n, ra.take)


class SkipDataset(Dataset):
    """All but the first ``count`` elements."""

    def __init__(self, input_dataset: Dataset, count: int) -> None:
        super().__init__((input_dataset,))
        self._input = input_dataset
        self._count = count

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        if self._count < 0:
            return 0
        if n < 0:
            return n
        return max(n - self._count, 0)

    def _compute_spec(self) -> Any:
        return self._input.element_spec

    def _iter(self) -> Iterator[Any]:
        if self._count < 0:
            return
        it = self._input._iter()
        try:
            for i, element in enumerate(it):
                if i >= self._count:
                    yield element
        finally:
            _close(it)

    def _has_random_access(self) -> bool:
        return self._input._has_random_access()

    def _random_access(self) -> _RandomAccess:
        ra = self._input._random_access()
        skip = ra.n if self._count < 0 else min(ra.n, self._count)
        n = ra.n - skip
        return _RandomAccess(n, lambda key: ra.take(_shift(key, skip, n)))


class EnumerateDataset(Dataset):
    """``(index, element)`` pairs with int64 indices from ``start``."""

    def __init__(self, input_dataset: Dataset, start: int) -> None:
        super().__init__((input_dataset,))
        self._input = input_dataset
        self._start = start

    def _cardinality(self) -> int:
        return self._input._cardinality()

    def _compute_spec(self) -> Any:
        return (TensorSpec((), np.int64), self._input.element_spec)

    def _iter(self) -> Iterator[Any]:
        it = self._input._iter()
        try:
            for i, element in enumerate(it, self._start):
                yield (np.asarray(i, dtype=np.int64), element)
        finally:
            _close(it)

    def _has_random_access(self) -> bool:
        return self._input._has_random_access()

    def _random_access(self) -> _RandomAccess:
        ra = self._input._random_access()
        start, n = self._start, ra.n

        def take(key: Any) -> Any:
            if isinstance(key, (int, np.integer)):
                index = np.asarray(start + int(key), dtype=np.int64)
            elif isinstance(key, slice):
                index = np.arange(*key.indices(n), dtype=np.int64) + start
            else:
                index = np.asarray(key, dtype=np.int64) + start
            return (index, ra.take(key))

        return _RandomAccess(n, take)
