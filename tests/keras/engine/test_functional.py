"""Functional models: graphs of layer calls, several inputs/outputs, sharing, nesting, sub-models."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import layers, ops


@pytest.fixture(autouse=True)
def _fresh():
    keras.backend.clear_session()
    yield


def _x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def test_seed_autoencoder_builds_and_decoder_reuses_the_weights():
    # the seed's definitions, unchanged but for the import
    input_img = keras.Input(shape=(784,))
    encoded = layers.Dense(32, activation="relu")(input_img)
    decoded = layers.Dense(784, activation="sigmoid")(encoded)
    autoencoder = keras.Model(input_img, decoded)
    encoder = keras.Model(input_img, encoded)
    decoder = keras.Model(encoded, decoded)

    x = np.random.default_rng(0).uniform(size=(5, 784)).astype("float32")
    codes = encoder(x)
    assert codes.shape == (5, 32)
    recon = decoder(codes)
    assert recon.shape == (5, 784)
    np.testing.assert_allclose(np.asarray(recon), np.asarray(autoencoder(x)), rtol=1e-6)
    assert decoder.layers[1] is autoencoder.layers[2]
    assert decoder.count_params() == 32 * 784 + 784
    assert decoder.inputs[0].shape == (None, 32)
    assert [w is v for w, v in zip(decoder.weights, autoencoder.layers[2].weights)] == [True, True]
    # a new code through the decoder is the second Dense applied by hand
    k, b = autoencoder.layers[2].get_weights()
    c = np.random.default_rng(1).uniform(size=(3, 32)).astype("float32")
    np.testing.assert_allclose(np.asarray(decoder(c)), 1 / (1 + np.exp(-(c @ k + b))), rtol=1e-5)


def test_multiple_inputs_and_outputs_as_lists_and_dicts():
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    h = layers.Dense(4, name="h")(a)
    out1 = layers.Dense(1, name="o1")(h)
    out2 = layers.Dense(2, name="o2")(b) + out1
    model = keras.Model([a, b], [out1, out2])
    xa, xb = _x(5, 3), _x(5, 2, seed=1)
    y1, y2 = model([xa, xb])
    assert y1.shape == (5, 1) and y2.shape == (5, 2)
    z1, z2 = model({"a": xa, "b": xb})
    np.testing.assert_allclose(np.asarray(y2), np.asarray(z2))
    named = keras.Model({"first": a, "second": b}, {"y": out2})
    out = named({"first": xa, "second": xb})
    assert set(out) == {"y"}
    np.testing.assert_allclose(np.asarray(out["y"]), np.asarray(y2), rtol=1e-6)
    assert model.output_names == ["o1", "add"]


def test_wrong_number_of_inputs_is_explained():
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    model = keras.Model([a, b], layers.Dense(1)(a) + layers.Dense(1)(b))
    with pytest.raises(ValueError, match=r'"functional" expects 2 input\(s\) \(a, b\), but it received 1'):
        model(_x(4, 3))
    with pytest.raises(ValueError, match="missing \\['b'\\]"):
        model({"a": _x(4, 3)})


def test_shape_error_names_model_shapes_and_reshape():
    model = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(10)])
    with pytest.raises(ValueError) as e:
        model(np.zeros((32, 784), "float32"))
    msg = str(e.value)
    assert 'Input 0 of layer "sequential" is incompatible with the layer' in msg
    assert "expected shape=(None, 28, 28, 1)" in msg and "found shape=(32, 784)" in msg
    assert "Reshape your data to (batch, 28, 28, 1), e.g. `x.reshape(-1, 28, 28, 1)`" in msg


def test_trailing_axis_of_one_is_added_or_removed():
    x = keras.Input((28, 28, 1))
    model = keras.Model(x, layers.Flatten()(x))
    assert model(np.zeros((2, 28, 28), "float32")).shape == (2, 784)


def test_shared_layer_and_node_bookkeeping():
    shared = layers.Dense(3, name="shared")
    a, b = keras.Input((4,)), keras.Input((4,))
    ya, yb = shared(a), shared(b)
    model = keras.Model([a, b], ya - yb)
    assert len(shared._inbound_nodes) == 2
    assert yb._keras_history.node_index == 1
    assert len(model.weights) == 2
    x = _x(2, 4)
    np.testing.assert_allclose(np.asarray(model([x, x])), np.zeros((2, 3)), atol=1e-6)


def test_models_nest_as_layers():
    inner_in = keras.Input((4,))
    inner = keras.Model(inner_in, layers.Dense(3, activation="relu")(inner_in), name="inner")
    seq = keras.Sequential([layers.Dense(2)], name="head")
    x = keras.Input((4,))
    outer = keras.Model(x, seq(inner(x)))
    assert [layer.name for layer in outer.layers][1:] == ["inner", "head"]
    assert len(outer.weights) == 4
    data = _x(5, 4)
    np.testing.assert_allclose(np.asarray(outer(data)), np.asarray(seq(inner(data))), rtol=1e-6)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(outer(data))
    grads = tape.gradient(loss, outer.trainable_variables)
    assert all(g is not None for g in grads)


def test_graph_disconnected_is_an_error():
    a, b = keras.Input((2,)), keras.Input((2,))
    y = layers.Dense(1)(a) + layers.Dense(1)(b)
    with pytest.raises(ValueError, match="Graph disconnected"):
        keras.Model(a, y)


def test_inputs_must_be_keras_tensors():
    with pytest.raises(ValueError, match="All `inputs` values must be KerasTensors"):
        keras.Model(np.ones(2), keras.Input((2,)))


def test_keras_tensor_operators_and_ops_in_graph():
    x = keras.Input((3,))
    y = ops.sum(ops.square(x) * 2.0 + 1.0, axis=-1, keepdims=True) - x[:, :1]
    model = keras.Model(x, y)
    data = _x(4, 3)
    expected = (data**2 * 2 + 1).sum(-1, keepdims=True) - data[:, :1]
    np.testing.assert_allclose(np.asarray(model(data)), expected, rtol=1e-5)
    assert model.layers == [model.layers[0]]  # operations are not layers


def test_training_flag_reaches_dropout_in_functional_model():
    x = keras.Input((100,))
    model = keras.Model(x, layers.Dropout(0.5)(x))
    data = np.ones((10, 100), "float32")
    np.testing.assert_array_equal(np.asarray(model(data)), data)
    assert np.mean(np.asarray(model(data, training=True)) == 0) > 0.3


def test_masks_flow_through_functional_graph():
    class Pool(layers.Layer):
        def call(self, x, mask=None):
            m = tf.cast(mask, x.dtype)[..., None]
            return tf.reduce_sum(x * m, axis=1) / tf.reduce_sum(m, axis=1)

    ids = keras.Input((4,), dtype="int32")
    emb = layers.Embedding(10, 3, mask_zero=True)
    model = keras.Model(ids, Pool()(emb(ids)))
    data = np.array([[1, 2, 0, 0], [3, 0, 0, 0]])
    table = emb.get_weights()[0]
    expected = np.stack([table[[1, 2]].mean(0), table[3]])
    np.testing.assert_allclose(np.asarray(model(data)), expected, rtol=1e-6)
    assert emb.output._keras_mask.shape == (None, 4)


def test_get_config_from_config_round_trip():
    a = keras.Input((3,), name="a")
    h = layers.Dense(4, activation="relu", name="h")(a)
    out = layers.Dense(2, name="out")(layers.Dropout(0.1)(h))
    model = keras.Model(a, out, name="net")
    config = model.get_config()
    assert config["input_layers"] == ["a", 0, 0] and config["output_layers"] == ["out", 0, 0]  # as Keras 3
    inbound = config["layers"][1]["inbound_nodes"][0]["args"][0]
    assert inbound["class_name"] == "__keras_tensor__" and inbound["config"]["keras_history"] == ["a", 0, 0]
    clone = keras.Model.from_config(config)
    assert type(clone).__name__ == "Functional" and clone.name == "net"
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    clone.set_weights(model.get_weights())
    data = _x(2, 3)
    np.testing.assert_allclose(np.asarray(clone(data)), np.asarray(model(data)), rtol=1e-6)


def test_weights_follow_keras_layer_order():
    a = keras.Input((2,))
    b = keras.Input((2,))
    d1 = layers.Dense(1, name="d1")(a)
    d2 = layers.Dense(1, name="d2")(b)
    model = keras.Model([a, b], d1 + d2)
    # Keras orders by depth, then by discovery: both inputs, both Dense, then the add
    assert [layer.name for layer in model._operations][:4] == [a.name, b.name, "d1", "d2"]
    assert [w.path for w in model.weights] == ["d1/kernel", "d1/bias", "d2/kernel", "d2/bias"]


def test_subclass_calling_super_init_with_inputs_outputs_is_functional():
    class Wrapped(keras.Model):
        def __init__(self):
            x = keras.Input((2,))
            super().__init__(inputs=x, outputs=layers.Dense(3)(x))

    m = Wrapped()
    assert isinstance(m, keras.Model) and isinstance(m, Wrapped)
    assert m(_x(1, 2)).shape == (1, 3)
    assert m.inputs[0].shape == (None, 2)
