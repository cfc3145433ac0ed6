"""``keras.layers.serialize``/``deserialize`` and ``keras.ops.numpy.ndim``/``size`` against Keras 3.15."""

import json
import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras.layers.serialization import deserialize, serialize

with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras_tree", "golden.json")) as _f:
    GOLDEN = json.load(_f)["layers"]

ENVELOPE = ("module", "class_name", "registered_name")


def test_dense_envelope_and_config_match_keras():
    config = serialize(tf.keras.layers.Dense(3, activation="relu", name="d"))
    ref = GOLDEN["dense"]
    assert {k: config[k] for k in ENVELOPE} == {k: ref[k] for k in ENVELOPE}
    for key in ("name", "units", "activation", "use_bias", "trainable", "dtype", "bias_initializer"):
        assert config["config"][key] == ref["config"][key], key


def test_sequential_envelope_matches_keras():
    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(2, name="d2")], name="seq")
    config = serialize(model)
    ref = GOLDEN["sequential"]
    assert {k: config[k] for k in ENVELOPE} == {k: ref[k] for k in ENVELOPE}
    assert config["build_config"] == ref["build_config"]
    assert [lay["class_name"] for lay in config["config"]["layers"]] == [
        lay["class_name"] for lay in ref["config"]["layers"]
    ]


def test_round_trip_keeps_weights_shapes_and_outputs():
    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(2, name="d2")], name="seq")
    clone = deserialize(json.loads(json.dumps(serialize(model))))
    assert clone.name == "seq" and [w.shape for w in clone.weights] == [w.shape for w in model.weights]
    clone.set_weights(model.get_weights())
    x = np.arange(8, dtype="float32").reshape(2, 4)
    np.testing.assert_allclose(clone(x).numpy(), model(x).numpy())


def test_deserialize_keras_written_config():
    layer = deserialize(GOLDEN["dense"])  # Keras writes more keys (quantization_config): accepted
    assert (type(layer).__name__, layer.units, layer.name) == ("Dense", 3, "d")
    assert layer.activation is tf.keras.activations.relu


def test_custom_objects():
    class Twice(tf.keras.layers.Layer):
        def call(self, x):
            return 2 * x

    config = serialize(Twice(name="tw"))
    layer = deserialize(config, custom_objects={"Twice": Twice})
    assert isinstance(layer, Twice) and layer.name == "tw"


def test_errors():
    with pytest.raises(TypeError, match="expects a Layer"):
        serialize(3)
    with pytest.raises(ValueError, match="'class_name' and 'config'"):
        deserialize({"units": 3})


def test_ops_numpy_ndim_size_are_keras_ops_ones():
    from tensorflux.keras.ops import core
    from tensorflux.keras.ops import numpy as knp

    assert knp.ndim is core.ndim and knp.size is core.size
    x = np.zeros((2, 3, 4), "float32")
    assert (knp.ndim(x), int(knp.size(x))) == (3, 24)
