"""Dataset sources: from_tensor_slices, from_tensors, from_generator, range; iteration and specs."""

import collections

import numpy as np
import pytest

from tensorflux.data import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset, TensorSpec, experimental


def as_list(ds):
    return list(ds.as_numpy_iterator())


def test_from_tensor_slices_tuple_of_arrays():
    x = np.arange(6, dtype=np.float64).reshape(3, 2)
    y = np.array([7, 8, 9], dtype=np.int16)
    out = as_list(Dataset.from_tensor_slices((x, y)))
    assert len(out) == 3
    for i, (a, b) in enumerate(out):
        np.testing.assert_array_equal(a, x[i])
        assert a.dtype == np.float64 and b.dtype == np.int16
        assert b == y[i]


def test_from_tensor_slices_python_lists_take_tf_dtypes():
    ds = Dataset.from_tensor_slices(([1.5, 2.5], [1, 2], [True, False]))
    spec = ds.element_spec
    assert [s._numpy_dtype for s in spec] == [np.float32, np.int32, np.bool_]
    a, b, c = next(iter(ds.as_numpy_iterator()))
    assert a.dtype == np.float32 and b.dtype == np.int32 and c.dtype == np.bool_
    # A list is one tensor (sliced), not a structure.
    rows = as_list(Dataset.from_tensor_slices([[1, 2], [3, 4]]))
    assert [r.tolist() for r in rows] == [[1, 2], [3, 4]]


def test_from_tensor_slices_dict_and_namedtuple():
    ds = Dataset.from_tensor_slices({"b": np.array([1, 2]), "a": np.array([[1.0], [2.0]])})
    out = as_list(ds)
    assert list(out[0]) == ["b", "a"]  # the caller's key order is kept
    assert out[1]["b"] == 2 and out[1]["a"].tolist() == [2.0]
    Point = collections.namedtuple("Point", "x y")
    p = as_list(Dataset.from_tensor_slices(Point(np.arange(2), np.arange(2) * 10)))[1]
    assert isinstance(p, Point) and p.y == 10


def test_from_tensor_slices_errors():
    with pytest.raises(ValueError, match="same first dimension"):
        Dataset.from_tensor_slices((np.zeros(3), np.zeros(4)))
    with pytest.raises(ValueError, match="rank >= 1"):
        Dataset.from_tensor_slices(np.float32(1.0))
    with pytest.raises(ValueError, match="regular array"):
        Dataset.from_tensor_slices([[1, 2], [3]])


def test_from_tensor_slices_snapshots_the_input():
    x = np.arange(4.0)
    ds = Dataset.from_tensor_slices(x)
    x[:] = -1  # a later in-place edit by the caller is not seen (TensorFlow copies too)
    assert [float(v) for v in ds.as_numpy_iterator()] == [0.0, 1.0, 2.0, 3.0]
    with pytest.raises(ValueError):  # consumers cannot write into the pipeline's data
        next(iter(ds.batch(2).as_numpy_iterator()))[0] = 5


def test_element_spec_cardinality_and_len():
    ds = Dataset.from_tensor_slices((np.zeros((5, 28, 28), np.uint8), np.zeros(5, np.int64)))
    assert ds.element_spec == (TensorSpec((28, 28), "uint8"), TensorSpec((), "int64"))
    assert int(ds.cardinality()) == 5 and len(ds) == 5
    assert experimental.INFINITE_CARDINALITY == INFINITE_CARDINALITY == -1
    assert experimental.UNKNOWN_CARDINALITY == UNKNOWN_CARDINALITY == -2
    assert int(experimental.cardinality(ds.repeat())) == -1
    with pytest.raises(TypeError, match="infinite"):
        len(ds.repeat())
    with pytest.raises(TypeError, match="unknown"):
        len(ds.filter(lambda x, y: True))
    assert bool(ds.repeat())  # truthiness does not ask for the length


def test_iteration_yields_tensors_and_numpy_iterator_yields_scalars():
    import tensorflux as tf

    ds = Dataset.from_tensor_slices(([1.0, 2.0], [3, 4]))
    x, y = next(iter(ds))
    assert isinstance(x, tf.Tensor) and isinstance(y, tf.Tensor)
    assert x.dtype == tf.float32 and y.dtype == tf.int32 and float(x) == 1.0
    it = iter(ds)
    assert float(it.get_next()[0]) == 1.0
    v = next(iter(Dataset.range(3).as_numpy_iterator()))
    assert isinstance(v, np.int64) and v == 0


def test_from_tensors_is_one_element():
    ds = Dataset.from_tensors((np.arange(3), 5.0))
    assert int(ds.cardinality()) == 1
    ((a, b),) = as_list(ds)
    assert a.tolist() == [0, 1, 2] and b == 5.0 and b.dtype == np.float32
    assert ds.element_spec[0].shape == (3,)
    batched = as_list(ds.repeat(2).batch(2))
    assert batched[0][0].shape == (2, 3)


def test_range_variants():
    assert as_list(Dataset.range(4)) == [0, 1, 2, 3]
    assert as_list(Dataset.range(2, 5)) == [2, 3, 4]
    assert as_list(Dataset.range(1, 8, 3)) == [1, 4, 7]
    assert as_list(Dataset.range(5, 0, -2)) == [5, 3, 1]
    assert as_list(Dataset.range(3, 3)) == []
    assert Dataset.range(3).element_spec == TensorSpec((), "int64")
    assert Dataset.range(3, dtype="int32").element_spec == TensorSpec((), "int32")
    assert int(Dataset.range(1, 8, 3).cardinality()) == 3


def test_from_generator_signature_casts_and_reruns():
    calls = []

    def gen():
        calls.append(1)
        yield [1, 2], 0.5
        yield [3], 1.5

    sig = (TensorSpec((None,), "int64"), TensorSpec((), "float64"))
    ds = Dataset.from_generator(gen, output_signature=sig)
    out = as_list(ds)
    assert [a.tolist() for a, _ in out] == [[1, 2], [3]]
    assert out[0][0].dtype == np.int64 and out[0][1].dtype == np.float64
    as_list(ds)
    assert len(calls) == 2  # each pass calls the generator function again
    assert int(ds.cardinality()) == UNKNOWN_CARDINALITY
    assert ds.element_spec == sig


def test_from_generator_legacy_types_and_args():
    def gen(n):
        assert isinstance(n, np.ndarray)  # TensorFlow passes `args` as NumPy values
        for i in range(int(n)):
            yield {"a": i, "b": [i, i]}

    ds = Dataset.from_generator(
        gen, output_types={"a": "int32", "b": "float32"}, output_shapes={"a": (), "b": (2,)}, args=(3,)
    )
    out = as_list(ds)
    assert [e["a"] for e in out] == [0, 1, 2]
    assert out[2]["b"].dtype == np.float32 and out[2]["b"].tolist() == [2.0, 2.0]
    types_only = Dataset.from_generator(lambda: iter([[1, 2, 3]]), output_types="int32")
    assert types_only.element_spec.shape is None
    assert as_list(types_only)[0].tolist() == [1, 2, 3]


def test_from_generator_checks_shapes_and_structure():
    ds = Dataset.from_generator(lambda: iter([[1, 2, 3]]), output_signature=TensorSpec((2,), "int32"))
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        as_list(ds)
    ds = Dataset.from_generator(lambda: iter([(1, 2, 3)]), output_signature=(TensorSpec((), "int32"),) * 2)
    with pytest.raises(TypeError, match="structure"):
        as_list(ds)
    with pytest.raises(TypeError, match="output_signature"):
        Dataset.from_generator(lambda: iter([]))
