"""``PyDataset`` (alias ``Sequence``): a Python object that returns one batch per index."""

from __future__ import annotations

from typing import Any


class PyDataset:
    """Base class for datasets that compute batch ``i`` in ``__getitem__(i)``.

    Implement ``__len__`` (the number of batches) and ``__getitem__`` returning ``(x, y)`` or
    ``(x, y, sample_weight)``; ``on_epoch_end`` runs after each epoch (shuffle there).
    ``workers``, ``use_multiprocessing`` and ``max_queue_size`` are accepted for compatibility;
    batches are produced in order in the calling thread.

    >>> import numpy as np
    >>> class Halves(PyDataset):
    ...     def __len__(self):
    ...         return 2
    ...     def __getitem__(self, i):
    ...         return np.full((3, 1), i, "float32"), np.zeros((3, 1), "float32")
    >>> ds = Halves()
    >>> ds.num_batches, ds[1][0].ravel().tolist()
    (2, [1.0, 1.0, 1.0])
    """

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10) -> None:
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    @property
    def workers(self) -> int:
        return getattr(self, "_workers", 1)

    @workers.setter
    def workers(self, value: int) -> None:
        self._workers = value

    @property
    def use_multiprocessing(self) -> bool:
        return getattr(self, "_use_multiprocessing", False)

    @use_multiprocessing.setter
    def use_multiprocessing(self, value: bool) -> None:
        self._use_multiprocessing = value

    @property
    def max_queue_size(self) -> int:
        return getattr(self, "_max_queue_size", 10)

    @max_queue_size.setter
    def max_queue_size(self, value: int) -> None:
        self._max_queue_size = value

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__(index).")

    def __len__(self) -> int:
        raise NotImplementedError(
            f"{type(self).__name__} must implement __len__() (or the num_batches property)."
        )

    @property
    def num_batches(self) -> int | None:
        """The number of batches (``len(self)``), or None for an endless dataset."""
        try:
            return len(self)
        except NotImplementedError:
            return None

    def on_epoch_begin(self) -> None:
        """Called at the start of every epoch."""

    def on_epoch_end(self) -> None:
        """Called at the end of every epoch."""


Sequence = PyDataset
