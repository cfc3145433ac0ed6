"""keras.utils.timeseries_dataset_from_array and split_dataset (they return tensorflux Datasets)."""

import numpy as np
import pytest

from tensorflux.data import Dataset
from tensorflux.keras.utils.dataset_utils import split_dataset, timeseries_dataset_from_array


def batches(ds):
    return [
        np.asarray(b).tolist() if not isinstance(b, tuple) else tuple(np.asarray(t).tolist() for t in b)
        for b in ds.as_numpy_iterator()
    ]


def test_timeseries_windows_as_in_the_keras_docs():
    # Example 1 of the Keras docstring: indices 0..98, length 10, rate 2, stride 3.
    ds = timeseries_dataset_from_array(
        np.arange(99), None, sequence_length=10, sampling_rate=2, sequence_stride=3, batch_size=None
    )
    seqs = batches(ds)
    assert seqs[0] == [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]
    assert seqs[1] == [3, 5, 7, 9, 11, 13, 15, 17, 19, 21]
    assert seqs[-1] == [78, 80, 82, 84, 86, 88, 90, 92, 94, 96]
    assert len(seqs) == 27 and int(ds.cardinality()) == 27


def test_timeseries_with_targets_and_batches():
    data = np.arange(20, dtype=np.float32)
    ds = timeseries_dataset_from_array(data[:-3], data[3:], sequence_length=3, batch_size=4)
    (x0, y0), *_, (x_last, y_last) = batches(ds)
    assert x0 == [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]] and y0 == [3, 4, 5, 6]
    assert x_last[-1] == [14, 15, 16] and y_last[-1] == 17
    assert ds.element_spec[0].shape == (None, 3)


def test_timeseries_start_end_and_shuffle():
    data = np.arange(30)
    ds = timeseries_dataset_from_array(
        data, data, sequence_length=4, start_index=10, end_index=20, batch_size=None
    )
    out = batches(ds)
    assert out[0] == ([10, 11, 12, 13], 10) and out[-1] == ([16, 17, 18, 19], 16)
    shuffled = batches(
        timeseries_dataset_from_array(data, data, sequence_length=4, batch_size=5, shuffle=True, seed=3)
    )
    rows = [(tuple(x), y) for xs, ys in shuffled for x, y in zip(xs, ys)]
    assert sorted(rows) == [(tuple(range(i, i + 4)), i) for i in range(27)]
    assert [y for _, y in rows] != list(range(27))
    with pytest.raises(ValueError, match="sampling_rate"):
        timeseries_dataset_from_array(data, None, 3, sampling_rate=0)
    with pytest.raises(ValueError, match="start_index"):
        timeseries_dataset_from_array(data, None, 3, start_index=40)


def test_split_arrays_by_fraction_and_count():
    x = np.arange(20).reshape(10, 2)
    y = np.arange(10)
    left, right = split_dataset((x, y), left_size=0.8)
    assert int(left.cardinality()) == 8 and int(right.cardinality()) == 2
    assert [int(b) for _, b in right.as_numpy_iterator()] == [8, 9]
    left, right = split_dataset(x, right_size=3)
    assert len(list(left.as_numpy_iterator())) == 7
    assert [r.tolist() for r in right.as_numpy_iterator()] == [[14, 15], [16, 17], [18, 19]]


def test_split_shuffled_is_a_partition_and_repeatable():
    x = np.arange(50)
    a1, b1 = split_dataset(x, left_size=30, shuffle=True, seed=5)
    a2, _ = split_dataset(x, left_size=30, shuffle=True, seed=5)
    left = [int(v) for v in a1.as_numpy_iterator()]
    right = [int(v) for v in b1.as_numpy_iterator()]
    assert sorted(left + right) == list(range(50)) and left != list(range(30))
    assert left == [int(v) for v in a2.as_numpy_iterator()]


def test_split_batched_dataset_is_rebatched():
    ds = Dataset.from_tensor_slices((np.arange(10.0), np.arange(10))).batch(3).prefetch(2)
    left, right = split_dataset(ds, left_size=0.6)
    lb = [a.tolist() for a, _ in left.as_numpy_iterator()]
    assert lb == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert [a.tolist() for a, _ in right.as_numpy_iterator()] == [[6.0, 7.0, 8.0], [9.0]]


def test_split_size_errors():
    x = np.arange(10)
    with pytest.raises(ValueError, match="At least one"):
        split_dataset(x)
    with pytest.raises(ValueError, match="left_size"):
        split_dataset(x, left_size=10)
    with pytest.raises(ValueError, match="greater than 1"):
        split_dataset(x, left_size=0.7, right_size=0.5)
    with pytest.raises(TypeError):
        split_dataset(x, left_size="half")
    with pytest.raises(TypeError):
        split_dataset({"x": x}, left_size=0.5)
