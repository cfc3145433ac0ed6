"""UpSampling1D/2D, ZeroPadding1D/2D, Cropping1D/2D: run_layer_test, values against NumPy, errors, parity."""

import numpy as np
import pytest
from _catalogue_goldens import check_fixture, fixture_names

from tensorflux.keras import layers
from tensorflux.testing.layer_test import run_layer_test

X = np.random.default_rng(4).standard_normal((2, 4, 5, 3)).astype("float32")


@pytest.mark.parametrize(
    "cls, kwargs, in_shape, out_shape",
    [
        (layers.UpSampling1D, {"size": 3}, (2, 4, 3), (2, 12, 3)),
        (layers.UpSampling1D, {}, (2, None, 3), (2, None, 3)),
        (layers.UpSampling2D, {}, (2, 3, 4, 2), (2, 6, 8, 2)),
        (layers.UpSampling2D, {"size": (1, 3), "data_format": "channels_first"}, (2, 2, 3, 4), (2, 2, 3, 12)),
        (layers.UpSampling2D, {"size": 2, "interpolation": "bilinear"}, (1, 3, 3, 2), (1, 6, 6, 2)),
        (layers.ZeroPadding1D, {"padding": (1, 2)}, (2, 4, 3), (2, 7, 3)),
        (layers.ZeroPadding1D, {"padding": 2, "data_format": "channels_first"}, (2, 3, 4), (2, 3, 8)),
        (layers.ZeroPadding2D, {}, (2, 3, 4, 2), (2, 5, 6, 2)),
        (layers.ZeroPadding2D, {"padding": ((1, 0), (2, 3))}, (2, 3, 4, 2), (2, 4, 9, 2)),
        (
            layers.ZeroPadding2D,
            {"padding": (1, 2), "data_format": "channels_first"},
            (1, 2, 3, 3),
            (1, 2, 5, 7),
        ),
        (layers.Cropping1D, {}, (2, 5, 3), (2, 3, 3)),
        (layers.Cropping1D, {"cropping": (0, 2)}, (2, 5, 3), (2, 3, 3)),
        (layers.Cropping2D, {"cropping": ((1, 0), (1, 2))}, (2, 4, 5, 3), (2, 3, 2, 3)),
        (layers.Cropping2D, {"cropping": 1, "data_format": "channels_first"}, (2, 3, 4, 5), (2, 3, 2, 3)),
    ],
)
def test_layer_test(cls, kwargs, in_shape, out_shape):
    run_layer_test(
        cls,
        kwargs,
        input_shape=in_shape,
        expected_output_shape=out_shape,
        expected_num_trainable_weights=0,
        gradient_input_shape=None if None not in in_shape else (2, 3, 3),
    )


def test_values_against_numpy():
    np.testing.assert_array_equal(np.asarray(layers.UpSampling2D((2, 3))(X)), X.repeat(2, 1).repeat(3, 2))
    np.testing.assert_array_equal(np.asarray(layers.UpSampling1D(2)(X[:, 0])), X[:, 0].repeat(2, 1))
    np.testing.assert_array_equal(
        np.asarray(layers.ZeroPadding2D(((1, 0), (2, 1)))(X)), np.pad(X, ((0, 0), (1, 0), (2, 1), (0, 0)))
    )
    np.testing.assert_array_equal(
        np.asarray(layers.ZeroPadding1D(1)(X[:, 0])), np.pad(X[:, 0], ((0, 0), (1, 1), (0, 0)))
    )
    np.testing.assert_array_equal(np.asarray(layers.Cropping2D(((1, 2), (0, 1)))(X)), X[:, 1:2, 0:4])
    np.testing.assert_array_equal(np.asarray(layers.Cropping1D((2, 0))(X[:, 0])), X[:, 0, 2:])
    # cropping undoes padding
    np.testing.assert_array_equal(np.asarray(layers.Cropping2D(2)(layers.ZeroPadding2D(2)(X))), X)


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="size=0"):
        layers.UpSampling1D(0)
    with pytest.raises(TypeError, match="size"):
        layers.UpSampling1D(2.5)
    with pytest.raises(ValueError, match="interpolation='bicubic'"):
        layers.UpSampling2D(interpolation="bicubic")
    with pytest.raises(ValueError, match="cropping"):
        layers.Cropping2D(((1, 2), (3,)))
    with pytest.raises(ValueError, match="Cropping1D layer .cropping1d.*smaller than the input length"):
        layers.Cropping1D((3, 2))(X[:, 0])
    with pytest.raises(ValueError, match="padding"):
        layers.ZeroPadding1D(-1)


@pytest.mark.parametrize("name", fixture_names("up_sampling"))
def test_matches_keras(name):
    check_fixture(name)
