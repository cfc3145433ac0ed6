"""Data adapters: one per kind of input ``fit``/``evaluate``/``predict`` accept.

Each adapter yields one epoch of batches as ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``
structures of tensors, and knows its number of batches when it can.

- ``ArrayDataAdapter``: NumPy arrays, tensors, pandas objects, and lists/dicts of them. Batches
  are cut with one fancy index per array (a fresh permutation each epoch when shuffling).
- ``PyDatasetAdapter``: a ``keras.utils.PyDataset`` (batch ``i`` is ``dataset[i]``).
- ``DatasetAdapter``: a ``tensorflux.data.Dataset`` (already batched by the user).
- ``GeneratorDataAdapter``: a Python generator or iterator (can be read only once).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tensorflux.framework import nest
from tensorflux.framework.config import floatx
from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.keras.trainers import data_adapter_utils as U


def _tensorize(data: Any) -> Any:
    """Every leaf as a tensor; containers and ``None`` kept."""
    if isinstance(data, Tensor) or data is None:
        return data
    if isinstance(data, dict):
        return {k: _tensorize(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        if data and all(isinstance(v, (int, float, bool)) for v in nest.flatten(data)):
            return convert_to_tensor(U.to_host_array(data))
        return type(data)(_tensorize(v) for v in data) if not hasattr(data, "_fields") else data
    if isinstance(data, (np.ndarray, np.generic)):
        if data.dtype.kind == "f" and data.dtype != np.dtype(floatx()):
            data = U.to_host_array(data)
        return convert_to_tensor(data)
    return convert_to_tensor(U.to_host_array(data)) if U.is_array_like(data) else data


class DataAdapter:
    """The interface the epoch iterator uses."""

    #: False for sources that can be read only once (Python generators)
    reiterable = True

    @property
    def num_batches(self) -> int | None:
        raise NotImplementedError

    @property
    def batch_size(self) -> int | None:
        return None

    def iterate(self, epoch: int) -> Any:
        """An iterator over one epoch of batches."""
        raise NotImplementedError

    def on_epoch_begin(self) -> None:
        pass

    def on_epoch_end(self) -> None:
        pass


class ArrayDataAdapter(DataAdapter):
    """Batches cut from in-memory arrays."""

    def __init__(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        batch_size: int | None = None,
        steps: int | None = None,
        shuffle: Any = False,
        class_weight: Any = None,
    ) -> None:
        x, y, sample_weight = (
            U.to_host_structure(x),
            U.to_host_structure(y),
            U.to_host_structure(sample_weight),
        )
        if class_weight is not None:
            if y is None or len(nest.flatten(y)) != 1:
                raise ValueError(
                    "`class_weight` is only supported for models with a single output and needs the "
                    "targets `y`; "
                    "for several outputs pass `sample_weight` instead."
                )
            cw = U.class_weight_to_sample_weights(nest.flatten(y)[0], class_weight)
            sample_weight = cw if sample_weight is None else sample_weight * cw
        self._num_samples = U.check_data_cardinality((x, y, sample_weight))
        structure = U.pack_x_y_sample_weight(x, y, sample_weight)
        self._leaves = nest.flatten(structure)
        self._structure = structure
        # ``(x, y)`` of two plain arrays is the common case: rebuild it without walking a structure
        self._flat_pair = isinstance(structure, tuple) and all(isinstance(s, np.ndarray) for s in structure)
        if batch_size is None:
            batch_size = 32 if steps is None else int(math.ceil(self._num_samples / steps))
        self._batch_size = int(batch_size)
        if self._batch_size <= 0:
            raise ValueError(f"`batch_size` must be a positive integer. Received: batch_size={batch_size}")
        self._num_batches = int(math.ceil(self._num_samples / self._batch_size)) if self._num_samples else 0
        if shuffle not in (True, False, "batch"):
            raise ValueError(f"`shuffle` must be True, False or 'batch'. Received: shuffle={shuffle!r}")
        self._shuffle = shuffle
        self._seed = int(np.random.randint(0, 2**31 - 1)) if shuffle else 0

    @property
    def num_batches(self) -> int:
        return self._num_batches

    @property
    def batch_size(self) -> int:
        return self._batch_size

    @property
    def num_samples(self) -> int:
        return self._num_samples

    def _pack(self, leaves: list[Any]) -> Any:
        if self._flat_pair:
            return tuple(leaves)
        return nest.pack_sequence_as(self._structure, leaves)

    def iterate(self, epoch: int) -> Any:
        n, bs = self._num_samples, self._batch_size
        # one generator per (fit, epoch): resuming at epoch k reshuffles exactly as the uninterrupted run did
        rng = np.random.default_rng((self._seed, epoch)) if self._shuffle else None
        perm = rng.permutation(n) if self._shuffle is True else None
        leaves = self._leaves
        wrap = convert_to_tensor  # hands host arrays to the active backend (a no-op copy-wise on NumPy)
        for i in range(self._num_batches):
            start, stop = i * bs, min(n, (i + 1) * bs)
            if perm is not None:
                idx: Any = perm[start:stop]
            elif rng is not None:
                idx = rng.permutation(stop - start) + start
            else:
                idx = slice(start, stop)
            yield self._pack([wrap(a[idx]) for a in leaves])


class PyDatasetAdapter(DataAdapter):
    """Batches from a ``PyDataset`` (or any object with ``__len__`` and ``__getitem__``)."""

    def __init__(self, dataset: Any, class_weight: Any = None) -> None:
        self._ds = dataset
        self._class_weight = class_weight

    @property
    def num_batches(self) -> int | None:
        n = getattr(self._ds, "num_batches", None)
        if n is None:
            try:
                n = len(self._ds)
            except (TypeError, NotImplementedError):
                return None
        return n

    def iterate(self, epoch: int) -> Any:
        n = self.num_batches
        for i in range(n) if n is not None else _count():
            try:
                item = self._ds[int(i)]
            except IndexError:
                if n is None:
                    return
                raise
            yield _with_class_weight(_standardize(item), self._class_weight)

    def on_epoch_begin(self) -> None:
        hook = getattr(self._ds, "on_epoch_begin", None)
        if hook is not None:
            hook()

    def on_epoch_end(self) -> None:
        hook = getattr(self._ds, "on_epoch_end", None)
        if hook is not None:
            hook()


class DatasetAdapter(DataAdapter):
    """Batches from a ``tensorflux.data.Dataset`` (iterated afresh every epoch)."""

    def __init__(self, dataset: Any, class_weight: Any = None) -> None:
        self._ds = dataset
        self._class_weight = class_weight

    @property
    def num_batches(self) -> int | None:
        try:
            n = int(self._ds.cardinality())
        except (TypeError, ValueError, AttributeError):
            return None
        return n if n >= 0 else None

    def iterate(self, epoch: int) -> Any:
        for item in self._ds:
            yield _with_class_weight(_standardize(item), self._class_weight)


class GeneratorDataAdapter(DataAdapter):
    """Batches from a Python generator or iterator; it is read once, across all epochs."""

    reiterable = False

    def __init__(self, generator: Any, class_weight: Any = None) -> None:
        self._it = iter(generator)
        self._class_weight = class_weight

    @property
    def num_batches(self) -> int | None:
        return None

    def iterate(self, epoch: int) -> Any:
        for item in self._it:
            yield _with_class_weight(_standardize(item), self._class_weight)


def _count() -> Any:
    i = 0
    while True:
        yield i
        i += 1


def _standardize(item: Any) -> Any:
    """A yielded element as tensors; tuples keep their ``(x, y, sample_weight)`` meaning."""
    if isinstance(item, list):
        item = tuple(item)
    return _tensorize(item)


def _with_class_weight(item: Any, class_weight: Any) -> Any:
    if not class_weight:
        return item
    x, y, sw = U.unpack_x_y_sample_weight(item)
    if y is None:
        raise ValueError("`class_weight` needs targets: the data must yield `(x, y)` pairs.")
    cw = Tensor(U.class_weight_to_sample_weights(np.asarray(y), class_weight))
    return (x, y, cw if sw is None else sw * cw)


def _is_dataset(x: Any) -> bool:
    return type(x).__module__.startswith("tensorflux.data") and hasattr(x, "cardinality")


def _is_py_dataset(x: Any) -> bool:
    from tensorflux.keras.utils.py_dataset import PyDataset

    return isinstance(x, PyDataset)


def get_data_adapter(
    x: Any,
    y: Any = None,
    sample_weight: Any = None,
    batch_size: int | None = None,
    steps_per_epoch: int | None = None,
    shuffle: Any = False,
    class_weight: Any = None,
) -> DataAdapter:
    """The adapter for ``x``; ``y``, ``sample_weight`` and ``batch_size`` only go with arrays."""
    if _is_py_dataset(x) or _is_dataset(x) or (hasattr(x, "__next__") and not U.is_array_like(x)):
        kind = (
            "a keras.utils.PyDataset"
            if _is_py_dataset(x)
            else ("a tensorflux.data.Dataset" if _is_dataset(x) else "a Python generator")
        )
        if y is not None:
            raise ValueError(f"When `x` is {kind}, `y` should not be passed: the targets come from `x`.")
        if sample_weight is not None:
            raise ValueError(
                f"When `x` is {kind}, `sample_weight` should not be passed: yield `(x, y, "
                "sample_weight)` instead."
            )
        if batch_size is not None:
            raise ValueError(
                f"When `x` is {kind}, `batch_size` should not be passed: the data comes batched."
            )
        if _is_py_dataset(x):
            return PyDatasetAdapter(x, class_weight=class_weight)
        if _is_dataset(x):
            return DatasetAdapter(x, class_weight=class_weight)
        return GeneratorDataAdapter(x, class_weight=class_weight)
    if x is None:
        raise ValueError("No data was given: pass the inputs as `x` (arrays, a dataset or a generator).")
    if not U.is_array_structure(x):
        raise TypeError(
            f"Unrecognized data type: x={type(x).__name__}. Expected NumPy arrays, tensors, lists or "
            "dicts of them, "
            "a keras.utils.PyDataset, a tensorflux.data.Dataset or a Python generator."
        )
    return ArrayDataAdapter(
        x,
        y,
        sample_weight,
        batch_size=batch_size,
        steps=steps_per_epoch,
        shuffle=shuffle,
        class_weight=class_weight,
    )
