"""Dropout, SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout, ActivityRegularization."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras import layers
from tensorflux.testing.layer_test import run_layer_test

X = np.ones((400, 50), "float32")


def test_dropout():
    run_layer_test(
        layers.Dropout,
        {"rate": 0.5},
        input_shape=(2, 3),
        expected_output_shape=(2, 3),
        supports_masking=True,
        expected_num_trainable_weights=0,
    )
    layer = layers.Dropout(0.25)
    np.testing.assert_array_equal(np.asarray(layer(X)), X)
    y = np.asarray(layer(X, training=True))
    assert set(np.unique(y).tolist()) <= {0.0, float(np.float32(1.0) / np.float32(0.75))}
    assert np.mean(y == 0) == pytest.approx(0.25, abs=0.02)
    assert np.mean(y) == pytest.approx(1.0, abs=0.03)  # scaled so that the mean is kept
    np.testing.assert_array_equal(np.asarray(layers.Dropout(1.0)(X, training=True)), np.zeros_like(X))
    np.testing.assert_array_equal(np.asarray(layers.Dropout(0.0)(X, training=True)), X)


def test_dropout_noise_shape_and_seed():
    y = np.asarray(
        layers.Dropout(0.5, noise_shape=(None, 1, 6))(np.ones((3, 5, 6), "float32"), training=True)
    )
    assert (y == y[:, :1, :]).all()  # the same mask at every step
    tf.random.set_seed(3)
    a = np.asarray(layers.Dropout(0.5, seed=7)(X, training=True))
    tf.random.set_seed(3)
    b = np.asarray(layers.Dropout(0.5, seed=7)(X, training=True))
    np.testing.assert_array_equal(a, b)


def test_dropout_rate_errors():
    for rate in (1.5, -0.1, "0.5"):
        with pytest.raises(ValueError, match="rate"):
            layers.Dropout(rate)


@pytest.mark.parametrize(
    "cls, shape, shared_axes",
    [
        (layers.SpatialDropout1D, (20, 8, 30), (1,)),
        (layers.SpatialDropout2D, (10, 4, 4, 30), (1, 2)),
        (layers.SpatialDropout3D, (5, 3, 3, 3, 30), (1, 2, 3)),
    ],
)
def test_spatial_dropout(cls, shape, shared_axes):
    run_layer_test(cls, {"rate": 0.3}, input_shape=(2,) + shape[1:], expected_output_shape=(2,) + shape[1:])
    y = np.asarray(cls(0.5)(np.ones(shape, "float32"), training=True))
    ref = y[(slice(None),) + (slice(0, 1),) * len(shared_axes)]
    assert (y == ref).all() and 0.3 < np.mean(y == 0) < 0.7
    with pytest.raises(ValueError, match="expected ndim"):
        cls(0.5)(np.ones((2, 3), "float32"))


def test_spatial_dropout_channels_first():
    y = np.asarray(
        layers.SpatialDropout2D(0.5, data_format="channels_first")(
            np.ones((4, 30, 3, 3), "float32"), training=True
        )
    )
    assert (y == y[:, :, :1, :1]).all()


def test_gaussian_noise_and_dropout():
    run_layer_test(layers.GaussianNoise, {"stddev": 0.1}, input_shape=(2, 3), expected_output_shape=(2, 3))
    run_layer_test(layers.GaussianDropout, {"rate": 0.1}, input_shape=(2, 3), expected_output_shape=(2, 3))
    noisy = np.asarray(layers.GaussianNoise(0.2)(X, training=True)) - X
    assert np.std(noisy) == pytest.approx(0.2, rel=0.05) and abs(np.mean(noisy)) < 0.01
    mult = np.asarray(layers.GaussianDropout(0.2)(X, training=True))
    assert np.std(mult) == pytest.approx(np.sqrt(0.2 / 0.8), rel=0.05) and np.mean(mult) == pytest.approx(
        1, abs=0.02
    )
    with pytest.raises(ValueError, match="stddev=2"):
        layers.GaussianNoise(2)


def test_activity_regularization():
    run_layer_test(
        layers.ActivityRegularization,
        {"l1": 0.1, "l2": 0.2},
        input_shape=(2, 3),
        expected_output_shape=(2, 3),
        expected_num_losses=1,
    )
    layer = layers.ActivityRegularization(l1=0.5, l2=1.0)
    x = np.array([[1.0, -2.0], [3.0, 0.0]], "float32")
    layer(x)
    # Keras 3 divides the activity penalty by the batch size
    assert float(layer.losses[0]) == pytest.approx((0.5 * 6 + 1.0 * 14) / 2)
