"""HashedCrossing against Keras 3 golden values, plus a hand-built cross from TF's definition.

Fixture: tests/fixtures/hashing/golden.json, written by scripts/golden_hashing.py.
"""

import doctest
import json
import pathlib

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras.layers.preprocessing import _hash64, hashed_crossing
from tensorflux.keras.layers.preprocessing.hashed_crossing import HashedCrossing

FIXTURES = pathlib.Path(__file__).parents[3] / "fixtures" / "hashing"
GOLDEN = json.loads((FIXTURES / "golden.json").read_text(encoding="utf-8"))


def _dec(spec):
    if spec["dtype"] == "string":
        return np.asarray(spec["values"], dtype=str)
    return np.asarray(spec["values"], dtype=spec["dtype"])


def _case_id(case):
    dtypes = [i["dtype"] for i in case["inputs"]]
    return f"{case['kwargs']}-{dtypes}-{np.asarray(case['inputs'][0]['values']).shape}"


@pytest.mark.parametrize("case", GOLDEN["crossing"], ids=_case_id)
def test_hashed_crossing_matches_keras(case):
    layer = HashedCrossing(**case["kwargs"])
    xs = tuple(_dec(s) for s in case["inputs"])
    y = layer(xs)
    want = case["output"]
    assert y.dtype.name == want["dtype"]
    assert tuple(y.shape) == tuple(want["shape"])
    np.testing.assert_array_equal(y.numpy(), np.asarray(want["values"], want["dtype"]))
    assert tuple(layer.compute_output_shape([x.shape for x in xs])) == tuple(want["shape"])


def test_cross_is_fingerprint_cat_chain_from_the_default_key():
    # tf.sparse.cross_hashed: start at 0xDECAFCAFFE, chain FingerprintCat64 over the features;
    # strings enter as Fingerprint64, integers as their int64 bits.
    words, ids = np.array(["red", "blue"]), np.array([-2, 40])
    h = np.full(2, 0xDECAFCAFFE, np.uint64)
    h = _hash64.fingerprint_cat64(h, _hash64.fingerprint64([b"red", b"blue"]))
    h = _hash64.fingerprint_cat64(h, ids.astype(np.int64).view(np.uint64))
    want = (h % np.uint64(1009)).astype(np.int64)
    np.testing.assert_array_equal(HashedCrossing(num_bins=1009)((words, ids)).numpy(), want)
    # the order of the features matters
    assert not np.array_equal(HashedCrossing(num_bins=1009)((ids, words)).numpy(), want)


def test_input_forms_agree():
    layer = HashedCrossing(num_bins=100)
    want = layer((np.array(["a", "b"]), np.array([1, 2]))).numpy()
    np.testing.assert_array_equal(layer((["a", "b"], tf.constant([1, 2]))).numpy(), want)
    np.testing.assert_array_equal(layer([np.array([b"a", b"b"], dtype=object), [1, 2]]).numpy(), want)
    np.testing.assert_array_equal(layer((np.array(["a", "b"]), np.array([1, 2], "int32"))).numpy(), want)
    np.testing.assert_array_equal(layer((["a", "b"], np.array([1, 2], dtype=object))).numpy(), want)


def test_symbolic_integer_inputs_and_save_load(tmp_path):
    a, b = keras.Input((1,), dtype="int32"), keras.Input((1,), dtype="int32")
    out = HashedCrossing(num_bins=7, output_mode="one_hot")([a, b])
    assert tuple(out.shape) == (None, 7)
    model = keras.Model([a, b], out)
    x = [np.array([[1], [2], [3]], "int32"), np.array([[5], [5], [6]], "int32")]
    before = model.predict(x, verbose=0)
    np.testing.assert_array_equal(before.sum(axis=1), [1, 1, 1])
    ref = HashedCrossing(num_bins=7)((x[0], x[1])).numpy().ravel()
    np.testing.assert_array_equal(before.argmax(axis=1), ref)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras", custom_objects={"HashedCrossing": HashedCrossing})
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), before)


def test_loads_a_model_saved_by_keras():
    from tensorflux.keras.layers.preprocessing.hashing import Hashing

    objects = {"Hashing": Hashing, "HashedCrossing": HashedCrossing}
    model = keras.models.load_model(FIXTURES / "keras_model.keras", custom_objects=objects)
    assert [type(layer).__name__ for layer in model.layers].count("HashedCrossing") == 1
    x = [np.asarray(v, "int32") for v in GOLDEN["model"]["inputs"]]
    np.testing.assert_array_equal(
        model.predict(x, verbose=0), np.asarray(GOLDEN["model"]["output"], "float32")
    )


def test_config_round_trip():
    layer = HashedCrossing(num_bins=11, name="cross")
    cfg = layer.get_config()
    assert cfg == {"num_bins": 11, "output_mode": "int", "sparse": False, "name": "cross", "dtype": "int64"}
    again = HashedCrossing.from_config(cfg)
    xs = (np.array(["p", "q"]), np.array([3, 4]))
    np.testing.assert_array_equal(again(xs).numpy(), layer(xs).numpy())


def test_dataset_map_of_feature_dicts():
    feats = {"color": np.array(["red", "blue", "red", "green"]), "size": np.array([1, 2, 1, 3])}
    layer = HashedCrossing(num_bins=16)
    ds = tf.data.Dataset.from_tensor_slices(feats).batch(3).map(lambda f: layer((f["color"], f["size"])))
    got = np.concatenate([np.asarray(b) for b in ds])
    np.testing.assert_array_equal(got, layer((feats["color"], feats["size"])).numpy())


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"num_bins": 4, "output_mode": "multi_hot"}, "output_mode"),
        ({"num_bins": 4, "output_mode": "one_hot", "sparse": True}, "sparse"),
        ({"num_bins": 0}, "num_bins"),
        ({"num_bins": None}, "num_bins"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        HashedCrossing(**kwargs)


@pytest.mark.parametrize(
    "inputs, match",
    [
        (np.array([1, 2]), "list or tuple"),
        ((np.array([1, 2]),), "at least two"),
        ((np.array([[1, 2]]), np.array([[1, 2]])), "shape"),
        ((np.array([1, 2]), np.array([1, 2, 3])), "equal shape"),
        ((np.array([1.0, 2.0]), np.array([1, 2])), "integer or string dtype"),
        ((np.array([True]), np.array([1])), "integer or string dtype"),
    ],
)
def test_bad_inputs(inputs, match):
    with pytest.raises(ValueError, match=match):
        HashedCrossing(num_bins=4)(inputs)


def test_bad_symbolic_shapes():
    with pytest.raises(ValueError, match="HashedCrossing"):
        HashedCrossing(num_bins=4)([keras.Input((2,), dtype="int32"), keras.Input((2,), dtype="int32")])


def test_docstring_examples():
    result = doctest.testmod(hashed_crossing, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted and result.failed == 0
