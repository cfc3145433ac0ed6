"""FeatureSpace: golden values from Keras 3 (scripts/golden_feature_space.py), errors, saving, training."""

import json
import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras.utils.feature_space import Feature, FeatureSpace

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "feature_space", "golden.npz")


@pytest.fixture(scope="module")
def golden():
    g = np.load(GOLDEN)
    return {k: g[k] for k in g.files}


def _table(golden):
    return {k[3:]: v for k, v in golden.items() if k.startswith("in_")}


def _concat_space():  # the same FeatureSpace as the golden script's concat_space()
    return FeatureSpace(
        features={
            "age": FeatureSpace.float_discretized(num_bins=4),
            "income": "float_normalized",
            "score": FeatureSpace.float_rescaled(scale=0.1, offset=-0.5),
            "rooms": "integer_categorical",
            "zone": FeatureSpace.integer_hashed(num_bins=7),
            "city": FeatureSpace.string_categorical(max_tokens=5),
            "color": FeatureSpace.string_hashed(num_bins=5),
        },
        crosses=[FeatureSpace.cross(("city", "rooms"), crossing_dim=16), ("age", "color")],
        crossing_dim=8,
        output_mode="concat",
    )


_DICT_KEYS = ("income", "rooms", "city", "color")


def _dict_space():  # the golden script's dict_space()
    return FeatureSpace(
        features={
            "income": "float",
            "rooms": FeatureSpace.integer_categorical(output_mode="int"),
            "city": FeatureSpace.string_categorical(num_oov_indices=2, output_mode="int"),
            "color": "string_categorical",
        },
        crosses=[FeatureSpace.cross(("rooms", "city"), crossing_dim=32, output_mode="int")],
        output_mode="dict",
    )


@pytest.fixture(scope="module")
def adapted(golden):
    fs = _concat_space()
    fs.adapt(tf.data.Dataset.from_tensor_slices(_table(golden)).batch(8))
    return fs


def test_concat_matches_keras(golden, adapted):
    data = _table(golden)
    out = adapted(data)
    assert out.dtype.name == "float32"
    np.testing.assert_allclose(out.numpy(), golden["concat"], rtol=1e-5, atol=1e-5)
    one = adapted({k: v[3] for k, v in data.items()})  # one sample of scalars: no batch axis
    np.testing.assert_allclose(one.numpy(), golden["concat_one"], rtol=1e-5, atol=1e-5)


def test_dict_matches_keras(golden):
    data = {k: v for k, v in _table(golden).items() if k in _DICT_KEYS}
    fs = _dict_space()
    fs.adapt(data)  # a dict of arrays is adapted through Dataset.from_tensor_slices
    out = fs(data)
    expected = {k[5:]: v for k, v in golden.items() if k.startswith("dict_")}
    assert sorted(out) == sorted(expected)
    for name, value in expected.items():
        assert tuple(out[name].shape) == value.shape, name
        np.testing.assert_allclose(out[name].numpy(), value, rtol=1e-6, atol=1e-6, err_msg=name)
        assert out[name].dtype.is_integer == (value.dtype.kind == "i"), name


def test_hand_computed_small_table():
    data = {"x": np.array([1.0, 3.0], "float32"), "c": ["b", "a"], "k": np.array([7, 7])}
    fs = FeatureSpace({"x": "float_normalized", "c": "string_categorical", "k": "integer_categorical"})
    fs.adapt(data)
    # sorted names c, k, x: c one-hot over [OOV, b, a] (tie broken by the larger token first),
    # k over [OOV, 7], x standardized with mean 2, std 1
    expected = [[0, 1, 0, 0, 1, -1], [0, 0, 1, 0, 1, 1]]
    np.testing.assert_allclose(fs(data).numpy(), expected, atol=1e-6)
    np.testing.assert_allclose(fs({"x": 2.0, "c": "zzz", "k": 3}).numpy(), [1, 0, 0, 1, 0, 0], atol=1e-6)


def test_dataset_map_and_training():
    rng = np.random.default_rng(1)
    n = 512
    data = {
        "income": rng.normal(40.0, 10.0, n).astype("float32"),
        "rooms": rng.integers(1, 5, n).astype("int64"),
        "city": rng.choice(np.array(["paris", "lyon", "nice"]), n),
    }
    # a learnable rule: paris pushes up, one room pushes down, income decides the rest
    logit = (data["income"] - 40.0) / 10.0 + 2.0 * (data["city"] == "paris") - 2.0 * (data["rooms"] == 1)
    labels = (logit > 0).astype("float32")
    fs = FeatureSpace(
        {"income": "float_normalized", "rooms": "integer_categorical", "city": "string_categorical"},
        crosses=[("rooms", "city")],
        crossing_dim=8,
    )
    ds = tf.data.Dataset.from_tensor_slices((data, labels)).batch(32)
    fs.adapt(ds.map(lambda x, y: x))
    train = ds.map(lambda x, y: (fs(x), y))
    x0, _ = next(iter(train))
    assert tuple(x0.shape) == (32, 1 + 5 + 4 + 8)
    tf.random.set_seed(0)
    inputs = fs.get_encoded_features()
    hidden = keras.layers.Dense(16, activation="relu")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(train, epochs=8, verbose=0)
    assert history.history["accuracy"][-1] >= 0.93
    _, acc = model.evaluate(train, verbose=0)
    assert acc >= 0.93


def test_config_round_trip(golden, adapted):
    data = _table(golden)
    clone = FeatureSpace.from_config(adapted.get_config())
    clone.build_from_config(adapted.get_build_config())
    # the learned vocabularies and bins travel in the config; the Normalization statistics are weights
    clone.preprocessors["income"].set_weights(adapted.preprocessors["income"].get_weights())
    np.testing.assert_allclose(clone(data).numpy(), golden["concat"], rtol=1e-5, atol=1e-5)
    assert isinstance(clone.features["city"], Feature)
    assert [c.name for c in clone.crosses] == ["city_X_rooms", "age_X_color"]


def test_save_and_load_model(tmp_path, golden, adapted):
    data = _table(golden)
    path = str(tmp_path / "featurespace.keras")
    adapted.save(path)
    reloaded = keras.saving.load_model(path)
    assert isinstance(reloaded, FeatureSpace)
    np.testing.assert_allclose(reloaded(data).numpy(), golden["concat"], rtol=1e-5, atol=1e-5)
    fs = _dict_space()
    sub = {k: v for k, v in data.items() if k in _DICT_KEYS}
    fs.adapt(sub)
    fs.save(path)
    out = keras.saving.load_model(path)(sub)
    for name, value in fs(sub).items():
        np.testing.assert_array_equal(out[name].numpy(), value.numpy(), err_msg=name)


def test_get_inputs_and_encoded_features():
    fs = FeatureSpace({"x": "float", "k": FeatureSpace.integer_hashed(6)}, output_mode="dict")
    inputs = fs.get_inputs()
    assert sorted(inputs) == ["k", "x"] and tuple(inputs["x"].shape) == (None, 1)
    enc = fs.get_encoded_features()
    assert {n: tuple(t.shape) for n, t in enc.items()} == {"k": (None, 6), "x": (None, 1)}
    strings = FeatureSpace({"c": FeatureSpace.string_hashed(4)})
    assert tuple(strings.get_encoded_features().shape) == (None, 4)
    with pytest.raises(ValueError, match="FeatureSpace.get_inputs.*'c'.*string"):
        strings.get_inputs()


def test_preprocessor_and_crosser_access(adapted):
    assert isinstance(adapted.preprocessors["rooms"], keras.layers.IntegerLookup)
    assert isinstance(adapted.crossers["city_X_rooms"], keras.layers.HashedCrossing)
    assert adapted.crossers["age_X_color"].num_bins == 8


def test_custom_feature():
    layer = keras.layers.CategoryEncoding(num_tokens=3, output_mode="one_hot")
    fs = FeatureSpace({"k": FeatureSpace.feature(dtype="int32", preprocessor=layer, output_mode="float")})
    np.testing.assert_array_equal(fs({"k": np.array([2, 0])}).numpy(), [[0, 0, 1], [1, 0, 0]])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"features": {}}, "FeatureSpace: the `features` argument"),
        ({"features": {"a": "floaty"}}, "feature 'a': 'floaty'"),
        ({"features": {"a": "float"}, "output_mode": "stack"}, "FeatureSpace.*output_mode='stack'"),
        (
            {"features": {"a": "integer_categorical"}, "crosses": [("a", "b")]},
            r"FeatureSpace.*unknown feature\(s\) \['b'\]",
        ),
        ({"features": {"a": "float"}, "crosses": ["ab"]}, "FeatureSpace: each entry of `crosses`"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        FeatureSpace(**kwargs)


def test_bad_feature_arguments():
    with pytest.raises(ValueError, match="FeatureSpace.feature.*output_mode='dense'"):
        FeatureSpace.feature("int32", keras.layers.Hashing(4), "dense")
    with pytest.raises(ValueError, match="FeatureSpace.cross.*crossing_dim=0"):
        FeatureSpace.cross(("a", "b"), crossing_dim=0)


def test_bad_inputs():
    fs = FeatureSpace({"x": "float_normalized", "c": "string_categorical"})
    data = {"x": np.array([1.0, 2.0], "float32"), "c": np.array(["a", "b"])}
    with pytest.raises(ValueError, match=r"call `.adapt\(dataset\)` on the FeatureSpace"):
        fs(data)
    with pytest.raises(ValueError, match="FeatureSpace.adapt.*Dataset or a dict"):
        fs.adapt([1, 2])
    with pytest.raises(ValueError, match="dicts of features"):
        fs.adapt(tf.data.Dataset.from_tensor_slices((data, np.zeros(2))))
    with pytest.raises(ValueError, match="feature 'c'.*expects strings"):
        fs.adapt({"x": data["x"], "c": np.array([1, 2])})
    fs.adapt(data)
    with pytest.raises(ValueError, match="FeatureSpace can only be called with a dict"):
        fs(data["x"])
    with pytest.raises(ValueError, match=r"Missing: \['c'\]; unknown: \['y'\]"):
        fs({"x": data["x"], "y": data["x"]})
    with pytest.raises(ValueError, match="feature 'x'.*expects numbers"):
        fs({"x": np.array(["1.0", "2.0"]), "c": data["c"]})
    with pytest.raises(ValueError, match="FeatureSpace: each feature must be"):
        fs({"x": np.ones((2, 1, 1), "float32"), "c": data["c"]})


def test_unencoded_features_cannot_concat():
    fs = FeatureSpace({"k": FeatureSpace.integer_categorical(output_mode="int")})
    fs.adapt({"k": np.array([1, 2])})
    with pytest.raises(ValueError, match="FeatureSpace: cannot concatenate.*feature 'k'.*int64.*'dict'"):
        fs({"k": np.array([1, 2])})
    with pytest.raises(ValueError, match="FeatureSpace: cannot concatenate.*feature 'k'"):
        fs.get_encoded_features()


def test_cross_of_float_feature_is_refused():
    fs = FeatureSpace({"x": "float", "k": FeatureSpace.integer_hashed(4)}, crosses=[("x", "k")])
    with pytest.raises(ValueError, match="cross 'x_X_k' includes feature 'x'.*float32"):
        fs({"x": np.array([1.0]), "k": np.array([1])})


def test_functional_models_on_numeric_features():
    # the tutorial's two models: one on encoded features, one on raw features
    rng = np.random.default_rng(2)
    data = {
        "f": rng.normal(size=64).astype("float32"),
        "i": rng.integers(1, 4, 64),
        "d": rng.uniform(size=64).astype("float32"),
    }
    fs = FeatureSpace(
        {"f": "float_normalized", "i": "integer_categorical", "d": FeatureSpace.float_discretized(3)},
        crosses=[("i", "d")],
        crossing_dim=8,
    )
    with pytest.raises(ValueError, match="adapt"):
        fs.get_inputs()
    fs.adapt(data)
    inputs, encoded = fs.get_inputs(), fs.get_encoded_features()
    assert tuple(encoded.shape) == (None, 3 + 1 + 4 + 8)
    np.testing.assert_allclose(
        keras.Model(inputs, encoded).predict(data, verbose=0), fs(data).numpy(), atol=1e-6
    )
    outputs = keras.layers.Dense(1, activation="sigmoid")(keras.layers.Dense(4, activation="relu")(encoded))
    training_model, inference_model = keras.Model(encoded, outputs), keras.Model(inputs, outputs)
    np.testing.assert_allclose(
        inference_model.predict(data, verbose=0), training_model.predict(fs(data), verbose=0), atol=1e-6
    )


def test_unbatched_and_parallel_map():
    data = {"x": np.arange(6, dtype="float32"), "c": np.array(["a", "b", "a", "c", "a", "b"])}
    fs = FeatureSpace(
        {"x": "float_rescaled", "c": "string_categorical"}, crosses=[("c", "c")], crossing_dim=4
    )
    fs.adapt(tf.data.Dataset.from_tensor_slices(data))
    whole = fs(data).numpy()
    rows = [r.numpy() for r in tf.data.Dataset.from_tensor_slices(data).map(fs)]  # one sample per element
    np.testing.assert_allclose(np.stack(rows), whole)
    ds = tf.data.Dataset.from_tensor_slices(data).batch(2)
    parts = [b.numpy() for b in ds.map(lambda x: fs(x), num_parallel_calls=tf.data.AUTOTUNE)]
    np.testing.assert_allclose(np.concatenate(parts), whole)
    columns = {"x": data["x"][:, None], "c": data["c"][:, None]}  # (batch_size, 1) columns
    np.testing.assert_allclose(fs(columns).numpy(), whole)


def test_adapt_again_resizes_encoders():
    fs = FeatureSpace({"c": "string_categorical"})
    fs.adapt({"c": np.array(["a", "b"])})
    assert tuple(fs({"c": ["a"]}).shape) == (1, 3)
    fs.adapt({"c": np.array(["a", "b", "c", "d"])})  # ties: larger token first, so "a" is last
    np.testing.assert_array_equal(fs({"c": ["a", "z"]}).numpy(), [[0, 0, 0, 0, 1], [1, 0, 0, 0, 0]])
    assert tuple(fs.get_encoded_features().shape) == (None, 5)


def _layout(config):
    """The (module, class_name, registered_name) skeleton of serialized objects, recursively.

    Plain values are left out: tensorflux keeps learned vocabularies in the config where Keras
    writes them as assets.
    """
    if isinstance(config, list):
        return [_layout(c) for c in config if isinstance(c, dict)]
    if not isinstance(config, dict):
        return None
    if "class_name" in config and config["class_name"] != "DTypePolicy":
        inner = config["config"] if isinstance(config["config"], dict) else {}
        parts = {
            k: _layout(v)
            for k, v in inner.items()
            if k != "dtype" and isinstance(v, dict) and "class_name" in v
        }
        return (config["module"], config["class_name"], config["registered_name"], parts)
    return {k: _layout(v) for k, v in config.items() if isinstance(v, (dict, list))}


def test_config_layout_matches_keras(adapted):
    with open(os.path.join(os.path.dirname(GOLDEN), "config.json")) as f:
        keras_config = json.load(f)
    ours = adapted.get_config()
    theirs = keras_config["config"]
    assert {k: v for k, v in ours.items() if not isinstance(v, (dict, list))} == {
        k: v for k, v in theirs.items() if not isinstance(v, (dict, list))
    }
    assert _layout(ours["features"]) == _layout(theirs["features"])
    assert _layout(ours["crosses"]) == _layout(theirs["crosses"])
    assert [c["config"] for c in ours["crosses"]] == [c["config"] for c in theirs["crosses"]]
    assert sorted(adapted.get_build_config()) == sorted(keras_config["build_config"])


def test_custom_text_feature_tf_idf():
    # Keras' docstring example: a TextVectorization preprocessor through FeatureSpace.feature
    data = {"text": ["1st string", "2nd string", "3rd string"]}
    layer = keras.layers.TextVectorization(output_mode="tf_idf")
    fs = FeatureSpace(
        {"text": FeatureSpace.feature(preprocessor=layer, dtype="string", output_mode="float")},
        output_mode="concat",
    )
    fs.adapt(tf.data.Dataset.from_tensor_slices(data))
    # vocabulary [UNK], string, 3rd, 2nd, 1st; idf = ln(1 + 3 / (1 + document frequency))
    common, rare = np.log(1 + 3 / 4), np.log(1 + 3 / 2)
    expected = [[0, common, 0, 0, rare], [0, common, 0, rare, 0], [0, common, rare, 0, 0]]
    np.testing.assert_allclose(fs(data).numpy(), expected, rtol=1e-6)
    assert tuple(fs.get_encoded_features().shape) == (None, 5)
