"""Subclassed models: layers tracked from attributes, lists and dicts; build(); training flag."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import layers


@pytest.fixture(autouse=True)
def _fresh():
    keras.backend.clear_session()
    yield


class MLP(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.inp = layers.Dense(8, activation="relu")
        self.hidden = [layers.Dense(8, activation="relu"), layers.Dropout(0.5)]
        self.heads = {"out": layers.Dense(2)}

    def call(self, x, training=None):
        x = self.inp(x)
        for layer in self.hidden:
            x = layer(x, training=training)
        return self.heads["out"](x)


def test_tracking_and_layers_property():
    model = MLP()
    assert model.name == "mlp"
    assert [type(x).__name__ for x in model.layers] == ["Dense", "Dense", "Dropout", "Dense"]
    model(np.ones((3, 4), "float32"))
    assert len(model.weights) == 6 and len(model.trainable_variables) == 6
    assert model.built


def test_build_with_shape_creates_weights():
    model = MLP()
    model.build((None, 5))
    assert model.built and model.count_params() == 5 * 8 + 8 + 8 * 8 + 8 + 8 * 2 + 2


def test_training_flag_and_gradients():
    model = MLP()
    x = np.ones((64, 4), "float32")
    a = np.asarray(model(x))
    np.testing.assert_array_equal(a, np.asarray(model(x)))  # inference is deterministic
    assert not np.allclose(np.asarray(model(x, training=True)), a)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(model(x, training=True) ** 2)
    grads = tape.gradient(loss, model.trainable_variables)
    assert all(g is not None for g in grads)


def test_subclassed_model_inside_functional_graph():
    x = keras.Input((4,))
    mlp = MLP()
    model = keras.Model(x, layers.Dense(1)(mlp(x)))
    assert model(np.ones((2, 4), "float32")).shape == (2, 1)
    assert len(model.weights) == 8


def test_call_must_be_implemented():
    class Empty(keras.Model):
        pass

    with pytest.raises(NotImplementedError, match="must implement"):
        Empty()(np.ones((1, 2), "float32"))


def test_layers_attribute_is_reserved():
    with pytest.raises(AttributeError, match="reserved"):
        MLP().layers = []
