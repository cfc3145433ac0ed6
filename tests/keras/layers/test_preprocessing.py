"""Rescaling and Normalization (with adapt): run_layer_test, values, adapt on every data source, config."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import layers
from tensorflux.testing.layer_test import run_layer_test

DATA = (
    np.random.default_rng(5).standard_normal((50, 4)) * [1.0, 2.0, 3.0, 4.0] + [0.0, 1.0, -2.0, 5.0]
).astype("float32")


def test_rescaling():
    run_layer_test(
        layers.Rescaling,
        {"scale": 1.0 / 255, "offset": -0.5},
        input_shape=(2, 3, 3, 1),
        expected_output_shape=(2, 3, 3, 1),
        expected_output_dtype="float32",
        supports_masking=True,
    )
    pixels = np.array([[0, 128, 255]], "uint8")
    y = layers.Rescaling(1.0 / 127.5, offset=-1.0)(pixels)
    assert y.dtype.name == "float32"
    np.testing.assert_allclose(np.asarray(y), [[-1.0, 128 / 127.5 - 1, 1.0]], atol=1e-6)
    per_channel = layers.Rescaling([1.0, 10.0], offset=[0.0, 1.0])
    np.testing.assert_allclose(np.asarray(per_channel(np.ones((1, 2), "float32"))), [[1.0, 11.0]])
    assert per_channel.get_config()["scale"] == [1.0, 10.0]


def test_normalization_layer_test():
    run_layer_test(
        layers.Normalization,
        {},
        input_shape=(3, 4),
        expected_output_shape=(3, 4),
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=3,
    )
    run_layer_test(
        layers.Normalization,
        {"axis": None, "mean": 2.0, "variance": 4.0},
        input_shape=(3, 2, 2),
        expected_output_shape=(3, 2, 2),
        expected_num_non_trainable_weights=0,
    )


def test_adapt_then_normalize_and_invert():
    norm = layers.Normalization()
    norm.adapt(DATA)
    mean, var, count = norm.get_weights()
    np.testing.assert_allclose(mean, DATA.mean(0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(var, DATA.var(0), rtol=1e-5)
    assert int(count) == 50
    y = np.asarray(norm(DATA))
    np.testing.assert_allclose(y, (DATA - DATA.mean(0)) / DATA.std(0), rtol=1e-4, atol=1e-5)
    inverse = layers.Normalization(invert=True)
    inverse.adapt(DATA)
    np.testing.assert_allclose(np.asarray(inverse(y)), DATA, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(
    "source",
    [
        lambda: tf.constant(DATA),
        lambda: [DATA[:7], DATA[7:30], DATA[30:]],
        lambda: (b for b in (DATA[:25], DATA[25:])),
        lambda: tf.data.Dataset.from_tensor_slices(DATA),
        lambda: tf.data.Dataset.from_tensor_slices(DATA).batch(16),
    ],
)
def test_adapt_sources_agree(source):
    norm = layers.Normalization()
    norm.adapt(source())
    np.testing.assert_allclose(norm.get_weights()[0], DATA.mean(0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(norm.get_weights()[1], DATA.var(0), rtol=1e-5)


def test_normalization_axes_and_fixed_statistics():
    images = np.random.default_rng(6).standard_normal((8, 3, 3, 2)).astype("float32")
    per_channel = layers.Normalization(axis=-1)
    per_channel.adapt(images)
    np.testing.assert_allclose(per_channel.get_weights()[0], images.mean((0, 1, 2)), rtol=1e-5, atol=1e-6)
    scalar = layers.Normalization(axis=None)
    scalar.adapt(images)
    np.testing.assert_allclose(float(scalar.get_weights()[0]), images.mean(), rtol=1e-5, atol=1e-6)
    fixed = layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 0.0])
    np.testing.assert_allclose(
        np.asarray(fixed(np.array([[3.0, 2.0]], "float32"))), [[1.0, 0.0]], atol=1e-6
    )  # a zero variance divides by epsilon, not zero
    again = layers.Normalization.from_config(fixed.get_config())
    np.testing.assert_allclose(np.asarray(again(np.array([[5.0, 2.0]], "float32"))), [[2.0, 0.0]], atol=1e-6)


def test_normalization_in_a_model_and_errors():
    norm = layers.Normalization()
    norm.adapt(DATA)
    model = keras.Sequential([keras.Input((4,)), norm, layers.Dense(1)])
    assert tuple(model(DATA[:3]).shape) == (3, 1)
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="incompatible shape"):
        norm.adapt(np.zeros((5, 3), "float32"))
    with pytest.raises(ValueError, match="empty"):
        layers.Normalization().adapt([])
