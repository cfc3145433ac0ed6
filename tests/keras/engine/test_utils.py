"""keras.utils and keras.backend: to_categorical, normalize, set_random_seed, serialization, clear_session."""

import json

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import layers
from tensorflux.keras.utils import serialization as S


def test_to_categorical_and_normalize():
    y = keras.utils.to_categorical(np.array([[1], [0], [2]]))
    np.testing.assert_array_equal(y, np.eye(3)[[1, 0, 2]])
    assert y.dtype == np.float32
    assert keras.utils.to_categorical([3], num_classes=5).shape == (1, 5)
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        keras.utils.to_categorical([3], num_classes=2)
    t = keras.utils.to_categorical(tf.constant([0, 1]), 2)
    np.testing.assert_array_equal(np.asarray(t), np.eye(2))
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(keras.utils.normalize(x), [[0.6, 0.8], [0.0, 0.0]])
    np.testing.assert_allclose(keras.utils.normalize(x, order=1), [[3 / 7, 4 / 7], [0, 0]])


def test_set_random_seed_repeats_weights_and_dropout():
    def run():
        keras.utils.set_random_seed(42)
        model = keras.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dropout(0.5)])
        return model.get_weights()[0], np.asarray(model(np.ones((2, 3), "float32"), training=True))

    (w1, d1), (w2, d2) = run(), run()
    np.testing.assert_array_equal(w1, w2)
    np.testing.assert_array_equal(d1, d2)
    with pytest.raises(ValueError, match="integer"):
        keras.utils.set_random_seed("1")


def test_serialize_layer_in_keras3_format():
    layer = layers.Dense(2, activation="relu", name="d")
    layer.build((None, 8))
    cfg = keras.utils.serialize_keras_object(layer)
    assert cfg["module"] == "keras.layers" and cfg["class_name"] == "Dense" and cfg["registered_name"] is None
    assert cfg["build_config"] == {"input_shape": [None, 8]}
    json.dumps(cfg)  # plain JSON
    again = keras.utils.deserialize_keras_object(cfg)
    assert isinstance(again, layers.Dense) and again.built and again.get_config() == layer.get_config()


def test_register_custom_objects_and_scope():
    @keras.utils.register_keras_serializable(package="MyPkg")
    class Twice(layers.Layer):
        def call(self, x):
            return 2 * x

    cfg = keras.utils.serialize_keras_object(Twice(name="t"))
    assert cfg["registered_name"] == "MyPkg>Twice"
    assert isinstance(keras.utils.deserialize_keras_object(cfg), Twice)
    assert keras.utils.get_registered_name(Twice) == "MyPkg>Twice"
    assert "MyPkg>Twice" in keras.utils.get_custom_objects()

    class Local(layers.Layer):
        pass

    cfg = keras.utils.serialize_keras_object(Local(name="l"))
    with pytest.raises(TypeError, match="Could not locate class 'Local'"):
        S.deserialize_keras_object({**cfg, "module": "nowhere"})
    with keras.utils.custom_object_scope({"Local": Local}):
        assert isinstance(keras.utils.deserialize_keras_object({**cfg, "module": "nowhere"}), Local)
    with pytest.raises(ValueError, match="get_config"):
        keras.utils.register_keras_serializable()(type("NoConfig", (), {}))


def test_model_config_through_serialization():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    cfg = keras.utils.serialize_keras_object(model)
    assert cfg["module"] == "keras" and cfg["class_name"] == "Sequential"
    clone = keras.utils.deserialize_keras_object(cfg)
    assert isinstance(clone, keras.Sequential) and clone.built and len(clone.weights) == 2
    x = keras.Input((3,))
    fmodel = keras.Model(x, layers.Dense(1)(x))
    fcfg = keras.utils.serialize_keras_object(fmodel)
    assert fcfg["module"] == "keras.src.models.functional" and fcfg["class_name"] == "Functional"
    assert type(keras.utils.deserialize_keras_object(fcfg)).__name__ == "Functional"


def test_backend_helpers():
    assert keras.backend.epsilon() == 1e-7 and keras.backend.floatx() == "float32"
    assert keras.backend.image_data_format() == "channels_last"
    keras.backend.set_floatx("float64")
    try:
        assert layers.Dense(1).dtype == "float64"
    finally:
        keras.backend.set_floatx("float32")
    layers.Dense(1)
    keras.backend.clear_session()
    assert layers.Dense(1).name == "dense"
    assert keras.backend.is_keras_tensor(keras.Input((1,)))
    assert keras.backend.standardize_dtype(np.float32) == "float32"
