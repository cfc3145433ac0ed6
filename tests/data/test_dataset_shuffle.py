"""shuffle: a true permutation, TensorFlow's buffer semantics, repeatable with a seed."""

import numpy as np
import pytest

from tensorflux.data import Dataset, TensorSpec, _seed


def ints(ds):
    return [int(v) for v in ds.as_numpy_iterator()]


def gen_range(n):
    return Dataset.from_generator(lambda: iter(range(n)), output_signature=TensorSpec((), "int64"))


@pytest.mark.parametrize("make", [Dataset.range, gen_range], ids=["in-memory", "generator"])
@pytest.mark.parametrize("buffer_size", [1, 3, 50, 1000])
def test_shuffle_is_a_permutation(make, buffer_size):
    out = ints(make(50).shuffle(buffer_size, seed=7))
    assert sorted(out) == list(range(50))
    if buffer_size == 1:
        assert out == list(range(50))  # a one-slot buffer cannot reorder anything


@pytest.mark.parametrize("make", [Dataset.range, gen_range], ids=["in-memory", "generator"])
def test_small_buffer_only_reaches_ahead_by_its_size(make):
    # Output k is drawn from a buffer holding inputs up to index k + buffer_size - 1.
    b = 4
    for seed in range(5):
        out = ints(make(40).shuffle(b, seed=seed))
        assert all(v <= k + b - 1 for k, v in enumerate(out))
        assert out != list(range(40))


def test_seed_makes_the_sequence_of_epochs_repeatable():
    a = Dataset.range(30).shuffle(30, seed=42)
    b = Dataset.range(30).shuffle(30, seed=42)
    epochs_a = [ints(a) for _ in range(3)]
    epochs_b = [ints(b) for _ in range(3)]
    assert epochs_a == epochs_b
    assert epochs_a[0] != epochs_a[1]  # reshuffled each pass by default
    assert ints(Dataset.range(30).shuffle(30, seed=43)) != epochs_a[0]


def test_no_reshuffle_keeps_one_order():
    ds = Dataset.range(30).shuffle(30, reshuffle_each_iteration=False)
    first = ints(ds)
    assert ints(ds) == first and first != list(range(30))


def test_unseeded_shuffles_differ():
    assert ints(Dataset.range(40).shuffle(40)) != ints(Dataset.range(40).shuffle(40))


def test_global_seed_is_used(monkeypatch):
    monkeypatch.setattr(_seed, "global_seed", lambda: 99)
    _seed.reset_op_counter()
    first = [ints(Dataset.range(30).shuffle(30)), ints(Dataset.range(30).shuffle(30))]
    _seed.reset_op_counter()
    second = [ints(Dataset.range(30).shuffle(30)), ints(Dataset.range(30).shuffle(30))]
    assert first == second  # the same program after set_seed gives the same orders
    assert first[0] != first[1]  # but two shuffle ops do not share one order


def test_batched_shuffle_matches_unbatched_order():
    x = np.arange(100).reshape(50, 2)
    flat = [v.tolist() for v in Dataset.from_tensor_slices(x).shuffle(50, seed=3).as_numpy_iterator()]
    batches = Dataset.from_tensor_slices(x).shuffle(50, seed=3).batch(8).as_numpy_iterator()
    assert [row for b in batches for row in b.tolist()] == flat


def test_shuffle_keeps_pairs_together():
    x, y = np.arange(64), np.arange(64) * 10
    for a, b in Dataset.from_tensor_slices((x, y)).shuffle(64, seed=0).batch(16).as_numpy_iterator():
        np.testing.assert_array_equal(b, a * 10)


def test_shuffle_argument_errors():
    with pytest.raises(ValueError, match="buffer_size"):
        Dataset.range(3).shuffle(0)
