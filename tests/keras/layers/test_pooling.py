"""Pooling layers: run_layer_test on every layer, values, masks and Keras parity."""

import numpy as np
import pytest
from _catalogue_goldens import check_fixture, fixture_names

import tensorflux as tf
from tensorflux.keras import layers
from tensorflux.testing.layer_test import run_layer_test


@pytest.mark.parametrize(
    "cls, kwargs, in_shape, out_shape",
    [
        (layers.MaxPooling1D, {}, (2, 6, 3), (2, 3, 3)),
        (layers.MaxPooling1D, {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 7, 2), (2, 4, 2)),
        (layers.MaxPooling2D, {}, (2, 4, 5, 3), (2, 2, 2, 3)),
        (layers.MaxPooling2D, {"pool_size": 3, "strides": 1, "padding": "same"}, (1, 4, 4, 2), (1, 4, 4, 2)),
        (layers.MaxPooling2D, {"data_format": "channels_first"}, (1, 3, 4, 6), (1, 3, 2, 3)),
        (layers.MaxPooling3D, {"pool_size": 2}, (1, 4, 2, 4, 2), (1, 2, 1, 2, 2)),
        (layers.AveragePooling1D, {"pool_size": 3, "strides": 1}, (2, 5, 3), (2, 3, 3)),
        (layers.AveragePooling1D, {"padding": "same"}, (2, 5, 3), (2, 3, 3)),
        (layers.AveragePooling2D, {"pool_size": (2, 3)}, (2, 4, 6, 2), (2, 2, 2, 2)),
        (
            layers.AveragePooling2D,
            {"pool_size": 3, "strides": 2, "padding": "same"},
            (1, 5, 5, 2),
            (1, 3, 3, 2),
        ),
        (layers.AveragePooling3D, {"pool_size": (1, 2, 2)}, (1, 2, 4, 4, 1), (1, 2, 2, 2, 1)),
        (layers.MaxPooling2D, {}, (None, None, None, 3), (None, None, None, 3)),
    ],
)
def test_windowed_pooling(cls, kwargs, in_shape, out_shape):
    run_layer_test(
        cls,
        kwargs,
        input_shape=in_shape,
        expected_output_shape=out_shape,
        gradient_input_shape=None if None not in in_shape else (2, 4, 4, 3),
        expected_num_trainable_weights=0,
    )


@pytest.mark.parametrize(
    "cls, kwargs, in_shape, out_shape",
    [
        (layers.GlobalMaxPooling1D, {}, (2, 5, 3), (2, 3)),
        (layers.GlobalMaxPooling1D, {"keepdims": True}, (2, 5, 3), (2, 1, 3)),
        (layers.GlobalMaxPooling2D, {}, (2, 4, 3, 2), (2, 2)),
        (
            layers.GlobalMaxPooling2D,
            {"data_format": "channels_first", "keepdims": True},
            (2, 2, 4, 3),
            (2, 2, 1, 1),
        ),
        (layers.GlobalMaxPooling3D, {}, (1, 2, 3, 2, 4), (1, 4)),
        (layers.GlobalAveragePooling1D, {}, (2, 5, 3), (2, 3)),
        (layers.GlobalAveragePooling1D, {"data_format": "channels_first"}, (2, 3, 5), (2, 3)),
        (layers.GlobalAveragePooling2D, {"keepdims": True}, (2, 4, 3, 2), (2, 1, 1, 2)),
        (layers.GlobalAveragePooling3D, {"data_format": "channels_first"}, (1, 2, 2, 3, 2), (1, 2)),
    ],
)
def test_global_pooling(cls, kwargs, in_shape, out_shape):
    run_layer_test(
        cls, kwargs, input_shape=in_shape, expected_output_shape=out_shape, expected_num_trainable_weights=0
    )


def test_values_against_numpy():
    x = np.random.default_rng(0).standard_normal((2, 6, 4, 3)).astype("float32")
    np.testing.assert_allclose(
        np.asarray(layers.MaxPooling2D()(x)), x.reshape(2, 3, 2, 2, 2, 3).max(axis=(2, 4)), rtol=1e-6
    )
    np.testing.assert_allclose(
        np.asarray(layers.AveragePooling2D((3, 2))(x)),
        x.reshape(2, 2, 3, 2, 2, 3).mean(axis=(2, 4)),
        rtol=1e-5,
    )
    np.testing.assert_allclose(np.asarray(layers.GlobalMaxPooling2D()(x)), x.max(axis=(1, 2)), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(layers.GlobalAveragePooling2D()(x)), x.mean(axis=(1, 2)), rtol=1e-5)
    # SAME average pooling divides by the number of real inputs in each window (TensorFlow's rule)
    y = np.asarray(layers.AveragePooling1D(2, padding="same")(np.array([[[1.0], [3.0], [5.0]]], "float32")))
    np.testing.assert_allclose(y.ravel(), [2.0, 5.0])


def test_masked_global_average_pooling_skips_padding():
    emb = layers.Embedding(10, 4, mask_zero=True)
    ids = np.array([[3, 4, 0, 0], [5, 6, 7, 0]])
    x = emb(ids)
    y = np.asarray(layers.GlobalAveragePooling1D()(x))
    table = emb.get_weights()[0]
    np.testing.assert_allclose(y[0], table[[3, 4]].mean(0), rtol=1e-6)
    np.testing.assert_allclose(y[1], table[[5, 6, 7]].mean(0), rtol=1e-6)
    inp = tf.keras.Input((4,), dtype="int32")
    model = tf.keras.Model(inp, layers.GlobalAveragePooling1D()(emb(inp)))
    np.testing.assert_allclose(np.asarray(model(ids)), y, rtol=1e-6)


def test_errors_name_the_layer():
    with pytest.raises(ValueError, match="max_pooling2d.*zero or negative"):
        layers.MaxPooling2D(3)(np.zeros((1, 2, 2, 1), "float32"))
    with pytest.raises(ValueError, match="pool_size"):
        layers.MaxPooling2D(0)
    with pytest.raises(ValueError, match="padding"):
        layers.AveragePooling1D(padding="causal")
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        layers.MaxPooling2D()(np.zeros((2, 4, 4), "float32"))


@pytest.mark.parametrize("name", fixture_names("max_pool", "average_pool", "global_"))
def test_matches_keras(name):
    check_fixture(name)
