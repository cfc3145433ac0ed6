"""Dataset helpers of ``keras.utils``: ``timeseries_dataset_from_array`` and ``split_dataset``."""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from tensorflux.data import AUTOTUNE, Dataset, _nest
from tensorflux.data._convert import to_numpy
from tensorflux.data.dataset import _RandomAccess
from tensorflux.data.ops_batch import BatchDataset, PaddedBatchDataset
from tensorflux.data.ops_misc import _OptionsDataset
from tensorflux.data.ops_prefetch import PrefetchDataset
from tensorflux.data.spec import TensorSpec


class _WindowDataset(Dataset):
    """Windows ``data[p + offsets]`` (and targets ``targets[p]``) for start positions ``p``.

    Random access, so that shuffling and batching gather whole batches of windows at once.
    """

    def __init__(
        self, data: np.ndarray, targets: np.ndarray | None, starts: np.ndarray, offsets: np.ndarray
    ) -> None:
        super().__init__()
        self._data, self._targets, self._starts, self._offsets = data, targets, starts, offsets

    def _cardinality(self) -> int:
        return len(self._starts)

    def _compute_spec(self) -> Any:
        x = TensorSpec((len(self._offsets), *self._data.shape[1:]), self._data.dtype)
        if self._targets is None:
            return x
        return (x, TensorSpec(self._targets.shape[1:], self._targets.dtype))

    def _has_random_access(self) -> bool:
        return True

    def _take(self, key: Any) -> Any:
        pos = self._starts[key]
        if isinstance(key, (int, np.integer)):
            x = self._data[pos + self._offsets]
            y = None if self._targets is None else self._targets[pos, ...]
        else:
            x = self._data[pos[:, None] + self._offsets]
            y = None if self._targets is None else self._targets[pos]
        return x if y is None else (x, y)

    def _random_access(self) -> _RandomAccess:
        return _RandomAccess(len(self._starts), self._take)


def timeseries_dataset_from_array(
    data: Any,
    targets: Any,
    sequence_length: int,
    sequence_stride: int = 1,
    sampling_rate: int = 1,
    batch_size: int | None = 128,
    shuffle: bool = False,
    seed: int | None = None,
    start_index: int | None = None,
    end_index: int | None = None,
) -> Dataset:
    """A dataset of sliding windows over a time series, as Keras builds it.

    Window ``i`` holds ``data[s_i], data[s_i + r], ..., data[s_i + (sequence_length - 1) * r]``
    with ``r = sampling_rate`` and start ``s_i = start_index + i * sequence_stride``; its target
    is ``targets[s_i]``. Windows that would run past ``end_index`` are not produced.

    Args:
        data: array (or tensor) of time steps along axis 0.
        targets: per-step targets (``targets[i]`` belongs to the window starting at ``i``), or None.
        sequence_length: number of steps per window.
        sequence_stride: steps between the starts of consecutive windows.
        sampling_rate: steps between the elements of one window.
        batch_size: windows per batch, or None for unbatched windows.
        shuffle: shuffle the windows (globally, then within a buffer as Keras does).
        seed: seed of the shuffle.
        start_index: first step used (inclusive).
        end_index: last step used (exclusive).

    Returns:
        A Dataset of ``(windows, targets)`` (or just windows when ``targets`` is None).

    Example:

    >>> ds = timeseries_dataset_from_array(np.arange(10), None, sequence_length=3, batch_size=2)
    >>> [b.tolist() for b in ds.as_numpy_iterator()][0]
    [[0, 1, 2], [1, 2, 3]]
    """
    data = to_numpy(data)
    n = len(data)
    if start_index:
        if start_index < 0:
            raise ValueError(f"`start_index` must be 0 or greater. Received: start_index={start_index}")
        if start_index >= n:
            raise ValueError(
                "`start_index` must be lower than the length of the data. "
                f"Received: start_index={start_index}, for data of length {n}"
            )
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(
                "`end_index` must be higher than `start_index`. Received: "
                f"start_index={start_index}, and end_index={end_index} "
            )
        if end_index >= n:
            raise ValueError(
                f"`end_index` must be lower than the length of the data. Received: end_index={end_index}, "
                f"for data of length {n}"
            )
        if end_index <= 0:
            raise ValueError(f"`end_index` must be higher than 0. Received: end_index={end_index}")
    if sampling_rate <= 0 or sampling_rate >= n:
        raise ValueError(
            f"`sampling_rate` must be higher than 0 and lower than the length of the data ({n}). "
            f"Received: sampling_rate={sampling_rate}"
        )
    if sequence_stride <= 0 or sequence_stride >= n:
        raise ValueError(
            f"`sequence_stride` must be higher than 0 and lower than the length of the data ({n}). "
            f"Received: sequence_stride={sequence_stride}"
        )
    start = start_index or 0
    end = n if end_index is None else end_index
    num_seqs = end - start - (sequence_length - 1) * sampling_rate
    target_arr = None
    if targets is not None:
        target_arr = to_numpy(targets)
        num_seqs = min(num_seqs, len(target_arr))
        target_arr = target_arr[start:end]
    starts = np.arange(0, max(num_seqs, 0), sequence_stride, dtype=np.int64)
    if shuffle:
        if seed is None:
            seed = np.random.randint(1_000_000)
        np.random.RandomState(seed).shuffle(starts)
    offsets = np.arange(0, sequence_length * sampling_rate, sampling_rate, dtype=np.int64)
    ds: Dataset = _WindowDataset(data[start:end], target_arr, starts, offsets)
    if batch_size is not None:
        if shuffle:
            ds = ds.shuffle(buffer_size=batch_size * 8, seed=seed)
        return ds.batch(batch_size)
    if shuffle:
        ds = ds.shuffle(buffer_size=1024, seed=seed)
    return ds


# -- split_dataset ------------------------------------------------------------------------------
def _batch_size_of(dataset: Dataset) -> int | None:
    """The batch size if ``dataset`` is a batched dataset (under prefetch/options), else None."""
    d: Any = dataset
    while isinstance(d, (PrefetchDataset, _OptionsDataset)):
        d = d._input
    if isinstance(d, (BatchDataset, PaddedBatchDataset)):
        return d._batch_size
    return None


def _as_columns(dataset: Any) -> tuple[Any, int, int | None]:
    """``(structure of stacked arrays, number of samples, batch size)`` for any accepted input."""
    if isinstance(dataset, Dataset):
        batch_size = _batch_size_of(dataset)
        source = dataset.unbatch() if batch_size is not None else dataset
        elements = list(source.as_numpy_iterator())
        if not elements:
            raise ValueError("Received an empty dataset. Argument `dataset` must be a non-empty dataset.")
        template = elements[0]
        columns = [
            np.stack([np.asarray(x) for x in col]) for col in zip(*[_nest.flatten(e) for e in elements])
        ]
        return _nest.pack_as(template, columns), len(elements), batch_size
    if isinstance(dataset, (list, tuple)):
        if not dataset:
            raise ValueError("Received an empty list dataset. Please provide a non-empty list of arrays.")
        arrays = tuple(to_numpy(a) for a in dataset)
        lengths = {len(a) for a in arrays}
        if len(lengths) != 1:
            raise ValueError(
                f"Received a {type(dataset).__name__} of NumPy arrays with different lengths: "
                f"{[len(a) for a in arrays]}. Please provide arrays of the same length."
            )
        return arrays, len(arrays[0]), None
    if isinstance(dataset, np.ndarray) or hasattr(dataset, "numpy"):
        arr = to_numpy(dataset)
        return arr, len(arr), None
    raise TypeError(
        "The `dataset` argument must be either a `tf.data.Dataset` or a list/tuple of arrays (or one "
        f"array). Received: dataset={dataset!r:.100} of type {type(dataset)}"
    )


def _split_sizes(left_size: Any, right_size: Any, total: int) -> tuple[int, int]:
    """Keras' rules: ints are counts, floats fractions; the missing side is the complement."""
    for name, size in (("left_size", left_size), ("right_size", right_size)):
        if size is not None and type(size) not in (int, float):
            raise TypeError(
                f"Invalid `{name}` Type. Expected: int or float or None, Received: type={type(size)}."
            )
        if type(size) is int and not 0 < size < total or type(size) is float and not 0 < size < 1:
            raise ValueError(
                f"`{name}` should be either a positive integer smaller than {total}, or a float within "
                f"the range `[0, 1]`. Received: {name}={size}"
            )
    if left_size is None and right_size is None:
        raise ValueError(
            "At least one of the `left_size` or `right_size` must be specified. Received: left_size=None "
            "and right_size=None"
        )
    if type(left_size) is float and type(right_size) is float and left_size + right_size > 1:
        raise ValueError(
            "The sum of `left_size` and `right_size` is greater than 1. It must be less than or equal to 1."
        )
    left = round(left_size * total) if type(left_size) is float else left_size
    right = round(right_size * total) if type(right_size) is float else right_size
    if left is None:
        left = total - right
    elif right is None:
        right = total - left
    if left + right > total:
        raise ValueError(
            f"The sum of `left_size` and `right_size` should be smaller than the {total}. "
            f"Received: left_size + right_size = {left + right} and total_length = {total}"
        )
    for split, side in ((left, "left"), (right, "right")):
        if split == 0:
            raise ValueError(
                f"With `dataset` of length={total}, `left_size`={left_size} and `right_size`={right_size}. "
                f"Resulting {side} side dataset split will be empty. "
                "Adjust any of the aforementioned parameters"
            )
    return int(left), int(right)


def split_dataset(
    dataset: Any,
    left_size: Any = None,
    right_size: Any = None,
    shuffle: bool = False,
    seed: int | None = None,
) -> tuple[Dataset, Dataset]:
    """Split a dataset or arrays into a left and a right Dataset (e.g. train / validation).

    The left part is the first ``left_size`` samples, the right part the last ``right_size``
    (after an optional shuffle). A batched dataset is split by sample and both parts are batched
    again with the same batch size.

    Args:
        dataset: a Dataset, a NumPy array, or a list/tuple of arrays of the same length.
        left_size: int (count) or float in (0, 1) (fraction); default: the complement of right.
        right_size: int or float; default: the complement of left.
        shuffle: shuffle the samples before splitting.
        seed: seed of the shuffle.

    Returns:
        ``(left_dataset, right_dataset)``.

    Example:

    >>> left, right = split_dataset(np.random.random((1000, 4)), left_size=0.8)
    >>> int(left.cardinality()), int(right.cardinality())
    (800, 200)
    """
    columns, total, batch_size = _as_columns(dataset)
    left, right = _split_sizes(left_size, right_size, total)
    order = np.arange(total)
    if shuffle:
        if seed is None:
            seed = random.randint(0, int(1e6))
        perm = list(range(total))
        random.Random(seed).shuffle(perm)  # the same permutation as Keras' seeded random.shuffle
        order = np.asarray(perm)
    left_idx, right_idx = order[:left], order[total - right :]
    parts = []
    for idx in (left_idx, right_idx):
        part = Dataset.from_tensor_slices(_nest.map_structure(lambda a, idx=idx: a[idx], columns))
        if batch_size is not None:
            part = part.batch(batch_size)
        parts.append(part.prefetch(AUTOTUNE))
    return parts[0], parts[1]
