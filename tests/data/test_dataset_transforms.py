"""Dataset transformations, each checked against hand-computed results."""

import threading
import time

import numpy as np
import pytest

from tensorflux.data import AUTOTUNE, Dataset, Options, TensorSpec
from tensorflux.data.options import AutoShardPolicy


def as_list(ds):
    return list(ds.as_numpy_iterator())


def ints(ds):
    return [np.asarray(v).tolist() for v in ds.as_numpy_iterator()]


def gen_ds(values, dtype="int64"):
    """The same values through a generator (no random access: exercises the element-wise paths)."""
    return Dataset.from_generator(lambda: iter(values), output_signature=TensorSpec((), dtype))


def test_zip_forms_and_shortest():
    a, b = Dataset.range(3), Dataset.range(10, 12)
    assert as_list(Dataset.zip(a, b)) == [(0, 10), (1, 11)]
    assert as_list(Dataset.zip((a, b))) == [(0, 10), (1, 11)]
    d = as_list(Dataset.zip({"x": a, "y": (b, a)}))
    assert d[1] == {"x": 1, "y": (11, 1)}
    assert int(Dataset.zip(a, b).cardinality()) == 2
    assert int(Dataset.zip(a, b.repeat()).cardinality()) == 3
    assert int(Dataset.zip(a, gen_ds([1])).cardinality()) == -2
    assert as_list(Dataset.zip(gen_ds([5, 6, 7]), a.skip(1))) == [(5, 1), (6, 2)]
    with pytest.raises(TypeError):
        Dataset.zip(a, [1, 2])


def test_concatenate():
    ds = Dataset.range(2).concatenate(Dataset.range(5, 7))
    assert as_list(ds) == [0, 1, 5, 6] and len(ds) == 4
    with pytest.raises(TypeError, match="concatenate"):
        Dataset.range(2).concatenate(Dataset.from_tensor_slices([1.0, 2.0]))
    varied = Dataset.from_tensors(np.zeros(2)).concatenate(Dataset.from_tensors(np.zeros(3)))
    assert varied.element_spec.shape == (None,)


def test_map_unpacks_tuples_and_passes_tensors():
    import tensorflux as tf

    seen = []

    def f(x, y):
        seen.append((type(x), type(y)))
        return x * 2, y + 1

    ds = Dataset.from_tensor_slices(([1.0, 2.0], [3, 4])).map(f)
    assert as_list(ds) == [(2.0, 4), (4.0, 5)]
    assert seen[0] == (tf.Tensor, tf.Tensor)
    as_dict = Dataset.from_tensor_slices({"a": [1, 2]}).map(lambda d: d["a"] * 10)
    assert ints(as_dict) == [10, 20]
    as_tuple = Dataset.range(2).map(lambda x: [x, x + 1])  # a returned list becomes a tuple
    assert as_list(as_tuple) == [(0, 1), (1, 2)]
    const = Dataset.range(2).map(lambda x: 1.5)  # Python values get TF dtypes
    assert as_list(const)[0].dtype == np.float32


def test_map_element_spec_keeps_unknown_batch_dim():
    ds = Dataset.from_tensor_slices(np.zeros((5, 3), np.float32)).batch(2).map(lambda x: x * 2)
    assert ds.element_spec == TensorSpec((None, 3), "float32")
    fixed = Dataset.from_tensor_slices(np.zeros((4, 3), np.float32)).batch(2, drop_remainder=True)
    assert fixed.map(lambda x: x).element_spec == TensorSpec((2, 3), "float32")


def test_map_errors():
    with pytest.raises(TypeError, match="returned None"):
        as_list(Dataset.range(2).map(lambda x: None))
    with pytest.raises(ZeroDivisionError):
        as_list(Dataset.range(2).map(lambda x: 1 // 0))


def test_parallel_map_keeps_order_and_runs_concurrently():
    def slow(x):
        time.sleep(0.05)
        return x * 3

    t0 = time.perf_counter()
    out = ints(Dataset.range(8).map(slow, num_parallel_calls=4))
    elapsed = time.perf_counter() - t0
    assert out == [0, 3, 6, 9, 12, 15, 18, 21]
    assert elapsed < 0.3  # serial would take 0.4 s; four at a time about 0.1 s
    assert ints(Dataset.range(5).map(lambda x: x + 1, num_parallel_calls=AUTOTUNE)) == [1, 2, 3, 4, 5]
    with pytest.raises(ValueError, match="num_parallel_calls"):
        Dataset.range(2).map(lambda x: x, num_parallel_calls=0)


def test_parallel_map_early_stop_leaves_no_threads():
    before = threading.active_count()
    it = iter(Dataset.range(100).map(lambda x: x, num_parallel_calls=4))
    next(it)
    it.close()
    assert threading.active_count() == before


def test_filter_and_flat_map():
    assert ints(Dataset.range(7).filter(lambda x: x % 3 == 0)) == [0, 3, 6]
    assert int(Dataset.range(7).filter(lambda x: x > 0).cardinality()) == -2
    with pytest.raises(ValueError, match="scalar boolean"):
        as_list(Dataset.range(3).filter(lambda x: x))
    flat = Dataset.range(4).flat_map(lambda n: Dataset.range(n))
    assert ints(flat) == [0, 0, 1, 0, 1, 2]
    assert flat.element_spec == TensorSpec((), "int64")


def test_batch_slices_and_remainder():
    ds = Dataset.range(7).batch(3)
    assert ints(ds) == [[0, 1, 2], [3, 4, 5], [6]]
    assert int(ds.cardinality()) == 3 and ds.element_spec.shape == (None,)
    dropped = Dataset.range(7).batch(3, drop_remainder=True)
    assert ints(dropped) == [[0, 1, 2], [3, 4, 5]]
    assert int(dropped.cardinality()) == 2 and dropped.element_spec.shape == (3,)
    assert ints(Dataset.range(2).batch(3, drop_remainder=True)) == []
    with pytest.raises(ValueError, match="batch_size"):
        Dataset.range(3).batch(0)


def test_batch_of_structures_matches_between_fast_and_element_paths():
    x = np.arange(20, dtype=np.float32).reshape(10, 2)
    y = np.arange(10, dtype=np.uint8)
    fast = as_list(Dataset.from_tensor_slices((x, {"y": y})).batch(4))
    slow = as_list(Dataset.from_tensor_slices((x, {"y": y})).map(lambda a, d: (a, d)).batch(4))
    assert len(fast) == len(slow) == 3
    for (fa, fd), (sa, sd) in zip(fast, slow):
        np.testing.assert_array_equal(fa, sa)
        np.testing.assert_array_equal(fd["y"], sd["y"])
        assert fa.dtype == sa.dtype == np.float32 and fd["y"].dtype == np.uint8
    np.testing.assert_array_equal(fast[2][0], x[8:])


def test_batch_of_different_shapes_fails_with_a_hint():
    ds = Dataset.from_generator(lambda: iter([[1], [1, 2]]), output_signature=TensorSpec((None,), "int32"))
    with pytest.raises(ValueError, match="padded_batch"):
        as_list(ds.batch(2))


def test_padded_batch():
    def gen():
        yield from ([1], [2, 2], [3, 3, 3])

    ds = Dataset.from_generator(gen, output_signature=TensorSpec((None,), "int32"))
    assert ints(ds.padded_batch(2)) == [[[1, 0], [2, 2]], [[3, 3, 3]]]
    assert ints(ds.padded_batch(3, padded_shapes=(4,), padding_values=-1)) == [
        [[1, -1, -1, -1], [2, 2, -1, -1], [3, 3, 3, -1]]
    ]
    assert ds.padded_batch(2, padded_shapes=[5]).element_spec == TensorSpec((None, 5), "int32")
    with pytest.raises(ValueError, match="smaller"):
        as_list(ds.padded_batch(3, padded_shapes=(2,)))
    pairs = Dataset.zip(ds, Dataset.range(3)).padded_batch(3, padding_values=(9, np.int64(0)))
    ((a, b),) = as_list(pairs)
    assert a.tolist() == [[1, 9, 9], [2, 2, 9], [3, 3, 3]] and b.tolist() == [0, 1, 2]


def test_unbatch():
    ds = Dataset.from_tensor_slices(np.arange(12).reshape(6, 2)).batch(4).unbatch()
    assert ints(ds) == [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9], [10, 11]]
    assert ds.element_spec.shape == (2,)
    fixed = Dataset.from_tensors((np.zeros((3, 2)), np.arange(3))).unbatch()
    assert int(fixed.cardinality()) == 3
    assert [int(b) for _, b in as_list(fixed)] == [0, 1, 2]
    with pytest.raises(ValueError, match="scalar"):
        Dataset.range(3).unbatch().element_spec  # noqa: B018


def test_repeat_take_skip():
    assert ints(Dataset.range(3).repeat(2)) == [0, 1, 2, 0, 1, 2]
    assert ints(Dataset.range(3).repeat().take(7)) == [0, 1, 2, 0, 1, 2, 0]
    assert int(Dataset.range(3).repeat(2).cardinality()) == 6
    assert int(Dataset.range(0).repeat().cardinality()) == 0
    assert ints(Dataset.range(0).repeat()) == []  # an empty input does not spin forever
    assert ints(Dataset.range(5).take(2)) == [0, 1] and ints(Dataset.range(5).take(-1)) == [0, 1, 2, 3, 4]
    assert ints(Dataset.range(5).skip(3)) == [3, 4] and ints(Dataset.range(5).skip(-1)) == []
    assert int(Dataset.range(5).skip(9).cardinality()) == 0
    assert int(Dataset.range(5).repeat().take(4).cardinality()) == 4
    assert ints(gen_ds([1, 2, 3]).skip(1).take(1)) == [2]
    # take/skip of in-memory data keep the fast batch path and agree with it.
    assert ints(Dataset.range(10).skip(3).take(5).batch(2)) == [[3, 4], [5, 6], [7]]


def test_enumerate():
    out = as_list(Dataset.from_tensor_slices(["a", "b"]).enumerate(start=5))
    assert [(int(i), str(s)) for i, s in out] == [(5, "a"), (6, "b")]
    assert ints(Dataset.range(3, 6).enumerate().batch(2).map(lambda i, x: i + x)) == [[3, 5], [7]]
    assert Dataset.range(3).enumerate().element_spec[0] == TensorSpec((), "int64")


def test_cache_in_memory_computes_once():
    calls = []

    def f(x):
        calls.append(1)
        return x * 2

    ds = Dataset.range(4).map(f).cache()
    it = iter(ds.as_numpy_iterator())
    next(it)
    it.close()  # a partial pass does not fill the cache
    assert ints(ds) == [0, 2, 4, 6]
    n = len(calls)
    assert ints(ds) == [0, 2, 4, 6] and ints(ds.batch(3)) == [[0, 2, 4], [6]]
    assert len(calls) == n
    assert sorted(ints(ds.shuffle(4, seed=1))) == [0, 2, 4, 6]


def test_cache_to_file_is_reused(tmp_path):
    prefix = str(tmp_path / "cache")
    ds = Dataset.from_generator(lambda: iter([[1, 2], [3]]), output_signature=TensorSpec((None,), "int32"))
    assert ints(ds.cache(prefix)) == [[1, 2], [3]]
    never = Dataset.from_generator(lambda: iter([[9]]), output_signature=TensorSpec((None,), "int32"))
    assert ints(never.cache(prefix)) == [[1, 2], [3]]  # read back from the file, input not used
    pairs = Dataset.from_tensor_slices((np.arange(3.0), np.arange(3))).map(lambda a, b: (a, {"b": b}))
    assert len(as_list(pairs.cache(str(tmp_path / "pairs")))) == 3
    again = as_list(Dataset.range(0).map(lambda x: (x, {"b": x})).cache(str(tmp_path / "pairs")))
    assert [(float(a), int(d["b"])) for a, d in again] == [(0.0, 0), (1.0, 1), (2.0, 2)]
    with pytest.raises(FileNotFoundError, match="does not exist"):
        as_list(Dataset.range(2).cache(str(tmp_path / "missing" / "c")))


def test_reduce_single_element_apply():
    assert int(Dataset.range(5).reduce(np.int64(0), lambda s, x: s + x)) == 10
    assert int(Dataset.range(7, 8).get_single_element()) == 7
    with pytest.raises(ValueError, match="more than one"):
        Dataset.range(2).get_single_element()
    with pytest.raises(ValueError, match="empty"):
        Dataset.range(0).get_single_element()
    assert ints(Dataset.range(5).apply(lambda d: d.skip(3))) == [3, 4]


def test_options_are_carried_and_merged():
    opts = Options()
    opts.deterministic = False
    opts.experimental_distribute.auto_shard_policy = AutoShardPolicy.OFF
    ds = Dataset.range(3).with_options(opts).map(lambda x: x).batch(2)
    assert ds.options().deterministic is False
    assert ds.options().experimental_distribute.auto_shard_policy == AutoShardPolicy.OFF
    assert Options().experimental_distribute.auto_shard_policy == AutoShardPolicy.AUTO
    more = Options()
    more.threading.private_threadpool_size = 2
    merged = ds.with_options(more).options()
    assert merged.deterministic is False and merged.threading.private_threadpool_size == 2
    with pytest.raises(AttributeError):
        opts.no_such_option = 1
    assert ints(ds) == [[0, 1], [2]]


def test_repr_mentions_spec():
    assert "TensorSpec(shape=(None,)" in repr(Dataset.range(3).batch(2))
