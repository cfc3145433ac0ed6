"""Core layers: Dense, Activation, Identity, Lambda, Embedding, Masking (run_layer_test and specifics)."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import layers, ops
from tensorflux.keras.engine.masking import get_keras_mask
from tensorflux.testing.layer_test import run_layer_test


def test_dense():
    run_layer_test(
        layers.Dense,
        {"units": 3},
        input_shape=(2, 4),
        expected_output_shape=(2, 3),
        expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=0,
        supports_masking=True,
    )
    run_layer_test(
        layers.Dense,
        {
            "units": 2,
            "activation": "tanh",
            "use_bias": False,
            "kernel_regularizer": "l2",
            "activity_regularizer": "l1",
        },
        input_shape=(None, 3, 4),
        gradient_input_shape=(2, 3, 4),
        expected_output_shape=(None, 3, 2),
        expected_num_trainable_weights=1,
        expected_num_losses=2,
    )


def test_dense_values_by_hand():
    layer = layers.Dense(
        2, activation="relu", kernel_initializer="ones", bias_initializer=keras.initializers.Constant(-1.0)
    )
    y = layer(np.array([[1.0, 2.0], [0.0, 0.5]], "float32"))
    np.testing.assert_allclose(np.asarray(y), [[2.0, 2.0], [0.0, 0.0]])


def test_activation_identity():
    run_layer_test(
        layers.Activation,
        {"activation": "softplus"},
        input_shape=(2, 3),
        expected_output_shape=(2, 3),
        supports_masking=True,
    )
    run_layer_test(
        layers.Identity, {}, input_shape=(2, 3), expected_output_shape=(2, 3), supports_masking=True
    )
    x = np.array([[-1.0, 1.0]], "float32")
    np.testing.assert_allclose(np.asarray(layers.Activation(tf.nn.relu)(x)), [[0.0, 1.0]])


def test_lambda():
    run_layer_test(layers.Lambda, {"function": ops.square}, input_shape=(2, 3), expected_output_shape=(2, 3))
    run_layer_test(
        layers.Lambda,
        {"function": ops.square, "output_shape": (3,)},
        input_shape=(2, 3),
        expected_output_shape=(2, 3),
    )
    layer = layers.Lambda(lambda x, scale: x * scale, arguments={"scale": 3.0})
    np.testing.assert_allclose(np.asarray(layer(np.ones((1, 2), "float32"))), [[3.0, 3.0]])
    cfg = layer.get_config()
    with pytest.raises(ValueError, match="safe_mode=False"):
        layers.Lambda.from_config(cfg)
    again = layers.Lambda.from_config(cfg, safe_mode=False)
    np.testing.assert_allclose(np.asarray(again(np.ones((1, 2), "float32"))), [[3.0, 3.0]])
    x = keras.Input((4,))
    y = layers.Lambda(lambda t: ops.argmax(t, axis=-1))(x)
    assert y.shape == (None,) and y.dtype == "int32"  # inferred by running the function


def test_embedding():
    run_layer_test(
        layers.Embedding,
        {"input_dim": 5, "output_dim": 3},
        input_shape=(2, 4),
        input_dtype="int32",
        expected_output_shape=(2, 4, 3),
        expected_output_dtype="float32",
        expected_num_trainable_weights=1,
    )
    run_layer_test(
        layers.Embedding,
        {"input_dim": 5, "output_dim": 2, "mask_zero": True},
        input_shape=(3, 4),
        input_dtype="int32",
        expected_output_shape=(3, 4, 2),
        expected_mask_shape=(3, 4),
        supports_masking=True,
    )


def test_embedding_lookup_values_weights_and_float_ids():
    table = np.arange(12, dtype="float32").reshape(6, 2)
    layer = layers.Embedding(6, 2, weights=[table])
    np.testing.assert_array_equal(np.asarray(layer(np.array([[5, 0]]))), table[[[5, 0]]])
    np.testing.assert_array_equal(np.asarray(layer(np.array([[1.0, 2.0]], "float32"))), table[[[1, 2]]])
    assert np.asarray(
        get_keras_mask(layers.Embedding(6, 2, mask_zero=True)(np.array([[0, 3]])))
    ).tolist() == [[False, True]]
    init = layers.Embedding(10, 4, embeddings_initializer="uniform").get_config()["embeddings_initializer"]
    assert init["class_name"] == "RandomUniform" and init["config"]["maxval"] == 0.05


def test_masking():
    run_layer_test(
        layers.Masking,
        {"mask_value": 0.0},
        input_shape=(2, 3, 4),
        expected_output_shape=(2, 3, 4),
        supports_masking=True,
    )
    x = np.array([[[1.0, 2.0], [-1.0, -1.0], [0.0, 3.0]]], "float32")
    out = layers.Masking(mask_value=-1.0)(x)
    np.testing.assert_array_equal(np.asarray(out), [[[1.0, 2.0], [0.0, 0.0], [0.0, 3.0]]])
    np.testing.assert_array_equal(np.asarray(get_keras_mask(out)), [[True, False, True]])
    sym = layers.Masking()(keras.Input((5, 3)))
    assert sym._keras_mask.shape == (None, 5)
