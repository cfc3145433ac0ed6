"""Flatten, Reshape, Permute, RepeatVector."""

import numpy as np
import pytest

from tensorflux import keras
from tensorflux.keras import layers
from tensorflux.testing.layer_test import run_layer_test


def test_flatten():
    run_layer_test(layers.Flatten, {}, input_shape=(2, 3, 4), expected_output_shape=(2, 12))
    run_layer_test(
        layers.Flatten,
        {},
        input_shape=(None, 2, 3),
        gradient_input_shape=(2, 2, 3),
        expected_output_shape=(None, 6),
    )
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    np.testing.assert_array_equal(np.asarray(layers.Flatten()(x)), x.reshape(2, 12))
    cf = np.asarray(layers.Flatten(data_format="channels_first")(x))
    np.testing.assert_array_equal(cf, x.transpose(0, 2, 1).reshape(2, 12))
    assert layers.Flatten()(keras.Input((None, 3))).shape == (None, None)
    assert layers.Flatten().compute_output_shape((None,)) == (None, 1)


def test_reshape():
    run_layer_test(
        layers.Reshape, {"target_shape": (6, 2)}, input_shape=(2, 3, 4), expected_output_shape=(2, 6, 2)
    )
    run_layer_test(
        layers.Reshape,
        {"target_shape": (-1, 3)},
        input_shape=(None, 6),
        gradient_input_shape=(2, 6),
        expected_output_shape=(None, 2, 3),
    )
    with pytest.raises(ValueError, match=r"cannot reshape samples of shape \(5,\).*target_shape \(2, 2\)"):
        layers.Reshape((2, 2))(np.ones((1, 5), "float32"))
    with pytest.raises(ValueError, match="at most one -1"):
        layers.Reshape((-1, -1))


def test_permute():
    run_layer_test(layers.Permute, {"dims": (2, 1)}, input_shape=(2, 3, 4), expected_output_shape=(2, 4, 3))
    x = np.arange(24, dtype="float32").reshape(1, 2, 3, 4)
    np.testing.assert_array_equal(np.asarray(layers.Permute((3, 1, 2))(x)), x.transpose(0, 3, 1, 2))
    with pytest.raises(ValueError, match="consecutive and start from 1"):
        layers.Permute((0, 1))


def test_repeat_vector():
    run_layer_test(layers.RepeatVector, {"n": 3}, input_shape=(2, 4), expected_output_shape=(2, 3, 4))
    x = np.array([[1.0, 2.0]], "float32")
    np.testing.assert_array_equal(np.asarray(layers.RepeatVector(2)(x)), [[[1.0, 2.0], [1.0, 2.0]]])
    with pytest.raises(ValueError, match="n=0"):
        layers.RepeatVector(0)
