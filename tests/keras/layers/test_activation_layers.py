"""ReLU, LeakyReLU, PReLU, ELU, Softmax layers."""

import numpy as np
import pytest

from tensorflux.keras import layers
from tensorflux.testing.layer_test import run_layer_test

X = np.array([[-2.0, -0.5, 0.3, 1.5, 8.0]], "float32")


def test_relu():
    run_layer_test(layers.ReLU, {}, input_shape=(2, 3), expected_output_shape=(2, 3), supports_masking=True)
    run_layer_test(
        layers.ReLU,
        {"max_value": 1.0, "negative_slope": 0.1, "threshold": 0.2},
        input_shape=(2, 3),
        expected_output_shape=(2, 3),
    )
    y = np.asarray(layers.ReLU(max_value=6.0)(X))
    np.testing.assert_allclose(y, np.clip(X, 0, 6))
    with pytest.raises(ValueError, match="max_value=-1"):
        layers.ReLU(max_value=-1)
    with pytest.raises(ValueError, match="negative_slope=-0.1"):
        layers.ReLU(negative_slope=-0.1)


def test_leaky_relu():
    run_layer_test(
        layers.LeakyReLU, {"negative_slope": 0.2}, input_shape=(2, 3), expected_output_shape=(2, 3)
    )
    np.testing.assert_allclose(np.asarray(layers.LeakyReLU()(X)), np.where(X > 0, X, 0.3 * X), rtol=1e-6)
    assert layers.LeakyReLU(alpha=0.1).negative_slope == 0.1  # the tf.keras 2 argument name
    with pytest.raises(ValueError, match="negative_slope=-1"):
        layers.LeakyReLU(-1)


def test_prelu():
    run_layer_test(
        layers.PReLU, {}, input_shape=(2, 3), expected_output_shape=(2, 3), expected_num_trainable_weights=1
    )
    run_layer_test(layers.PReLU, {"shared_axes": [1]}, input_shape=(2, 3, 4), expected_output_shape=(2, 3, 4))
    layer = layers.PReLU(alpha_initializer="ones", shared_axes=[1, 2])
    layer.build((None, 5, 5, 3))
    assert tuple(layer.alpha.shape) == (1, 1, 3)
    layer = layers.PReLU(alpha_initializer=layers.Dense(1).kernel_initializer.__class__(seed=1))
    y = np.asarray(layer(X))
    alpha = layer.get_weights()[0]
    np.testing.assert_allclose(y, np.where(X > 0, X, alpha * X), rtol=1e-6)


def test_elu():
    run_layer_test(layers.ELU, {"alpha": 0.5}, input_shape=(2, 3), expected_output_shape=(2, 3))
    np.testing.assert_allclose(
        np.asarray(layers.ELU(0.5)(X)), np.where(X > 0, X, 0.5 * np.expm1(X)), rtol=1e-6
    )


def test_softmax():
    run_layer_test(
        layers.Softmax, {}, input_shape=(2, 3), expected_output_shape=(2, 3), supports_masking=True
    )
    run_layer_test(layers.Softmax, {"axis": (1, 2)}, input_shape=(2, 3, 2), expected_output_shape=(2, 3, 2))
    x = np.array([[1.0, 2.0, 3.0]], "float32")
    mask = np.array([[True, False, True]])
    y = np.asarray(layers.Softmax()(x, mask=mask))
    e = np.exp([1.0, 3.0])
    np.testing.assert_allclose(y, [[e[0] / e.sum(), 0.0, e[1] / e.sum()]], rtol=1e-6)
    y2 = np.asarray(layers.Softmax(axis=(1, 2))(np.ones((1, 2, 2), "float32")))
    np.testing.assert_allclose(y2, np.full((1, 2, 2), 0.25), rtol=1e-6)
