"""Normalization layers: run_layer_test, Keras 3 semantics of BatchNormalization, values and parity."""

import numpy as np
import pytest
from _catalogue_goldens import check_fixture, fixture_names

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import layers
from tensorflux.testing.layer_test import run_layer_test


def test_batch_normalization_layer_test():
    run_layer_test(
        layers.BatchNormalization,
        {},
        input_shape=(4, 3),
        expected_output_shape=(4, 3),
        expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=2,
        supports_masking=True,
    )
    run_layer_test(
        layers.BatchNormalization,
        {"axis": 1, "momentum": 0.8, "center": False},
        input_shape=(3, 2, 4, 2),
        expected_output_shape=(3, 2, 4, 2),
        expected_num_trainable_weights=1,
        expected_num_non_trainable_weights=2,
        gradient_training=True,
    )
    run_layer_test(
        layers.BatchNormalization,
        {"scale": False},
        input_shape=(5, 2, 3),
        expected_output_shape=(5, 2, 3),
        expected_num_trainable_weights=1,
        gradient_training=True,
    )


def test_batch_normalization_keras3_defaults_and_update():
    bn = layers.BatchNormalization()
    assert (bn.momentum, bn.epsilon) == (0.99, 1e-3)
    x = np.random.default_rng(0).standard_normal((8, 3)).astype("float32") * 3 + 1
    y = np.asarray(bn(x, training=True))
    mean, var = x.mean(0), x.var(0)  # biased variance
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.01 * mean, rtol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.numpy(), 0.99 + 0.01 * var, rtol=1e-5)
    # inference (the default) uses the moving statistics and leaves them alone
    y_inf = np.asarray(bn(x))
    np.testing.assert_allclose(
        y_inf, (x - bn.moving_mean.numpy()) / np.sqrt(bn.moving_variance.numpy() + 1e-3), rtol=1e-5
    )
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.01 * mean, rtol=1e-5)


def test_frozen_batch_normalization_runs_in_inference_mode():
    bn = layers.BatchNormalization(moving_mean_initializer="ones")
    x = np.random.default_rng(1).standard_normal((6, 2)).astype("float32")
    bn.build(x.shape)
    bn.trainable = False
    y = np.asarray(bn(x, training=True))
    np.testing.assert_allclose(y, (x - 1.0) / np.sqrt(1.0 + 1e-3), rtol=1e-5)
    np.testing.assert_allclose(bn.moving_mean.numpy(), [1.0, 1.0])
    assert bn.trainable_weights == [] and len(bn.non_trainable_weights) == 4


def test_training_flag_reaches_batch_normalization_in_a_model():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(3), layers.BatchNormalization()])
    x = np.random.default_rng(2).standard_normal((16, 3)).astype("float32")
    model(x, training=True)
    assert not np.allclose(model.layers[1].moving_mean.numpy(), 0.0)
    before = model.layers[1].moving_mean.numpy().copy()
    model(x)
    np.testing.assert_array_equal(model.layers[1].moving_mean.numpy(), before)


def test_masked_batch_normalization_uses_unmasked_steps():
    x = np.random.default_rng(3).standard_normal((2, 4, 3)).astype("float32")
    mask = np.array([[True, True, False, False], [True, True, True, False]])
    bn = layers.BatchNormalization(momentum=0.0)
    bn(x, training=True, mask=tf.constant(mask))
    kept = x[mask]
    np.testing.assert_allclose(bn.moving_mean.numpy(), kept.mean(0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bn.moving_variance.numpy(), kept.var(0), rtol=1e-4, atol=1e-6)


def test_layer_group_unit_normalization_layer_tests():
    run_layer_test(
        layers.LayerNormalization,
        {},
        input_shape=(2, 3, 4),
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=2,
        supports_masking=True,
    )
    run_layer_test(
        layers.LayerNormalization,
        {"axis": [1, 2], "center": False, "epsilon": 1e-5},
        input_shape=(2, 3, 4),
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=1,
    )
    run_layer_test(
        layers.GroupNormalization,
        {"groups": 2},
        input_shape=(2, 3, 4),
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=2,
    )
    run_layer_test(
        layers.GroupNormalization,
        {"groups": -1, "axis": 1, "scale": False},
        input_shape=(2, 3, 2, 2),
        expected_output_shape=(2, 3, 2, 2),
        expected_num_trainable_weights=1,
    )
    run_layer_test(
        layers.UnitNormalization,
        {"axis": [1, 2]},
        input_shape=(2, 3, 4),
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=0,
    )


def test_normalization_values_against_numpy():
    x = np.random.default_rng(4).standard_normal((3, 4, 6)).astype("float32")
    ln = np.asarray(layers.LayerNormalization()(x))
    np.testing.assert_allclose(
        ln, (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-3), rtol=1e-4, atol=1e-5
    )
    gn = np.asarray(layers.GroupNormalization(groups=3, epsilon=1e-5)(x))
    g = x.reshape(3, 4, 3, 2)
    ref = (g - g.mean((1, 3), keepdims=True)) / np.sqrt(g.var((1, 3), keepdims=True) + 1e-5)
    np.testing.assert_allclose(gn, ref.reshape(x.shape), rtol=1e-4, atol=1e-5)
    un = np.asarray(layers.UnitNormalization()(x))
    np.testing.assert_allclose(un, x / np.linalg.norm(x, axis=-1, keepdims=True), rtol=1e-5)
    np.testing.assert_array_equal(np.asarray(layers.UnitNormalization()(np.zeros((1, 3), "float32"))), 0.0)


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="groups=0"):
        layers.GroupNormalization(groups=0)
    with pytest.raises(ValueError, match=r"number of groups \(4\).*channels \(6\)"):
        layers.GroupNormalization(groups=4)(np.zeros((1, 6), "float32"))
    with pytest.raises(ValueError, match="axis 3 is out of bounds"):
        layers.BatchNormalization(axis=3)(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="momentum=1.5"):
        layers.BatchNormalization(momentum=1.5)
    with pytest.raises(TypeError, match="axis"):
        layers.LayerNormalization(axis="last")


@pytest.mark.parametrize("name", fixture_names("batch_norm", "layer_norm", "group_norm", "unit_norm"))
def test_matches_keras(name):
    check_fixture(name)
