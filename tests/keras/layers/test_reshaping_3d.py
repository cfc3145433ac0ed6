"""Cropping3D, ZeroPadding3D, UpSampling3D: Keras goldens, layer tests, errors, saving and training."""

import numpy as np
import pytest
from _layers_b_goldens import check, names

import tensorflux as tf
from tensorflux.keras.layers.reshaping.cropping3d import Cropping3D
from tensorflux.keras.layers.reshaping.up_sampling3d import UpSampling3D
from tensorflux.keras.layers.reshaping.zero_padding3d import ZeroPadding3D
from tensorflux.testing.layer_test import run_layer_test

CLASSES = {"Cropping3D": Cropping3D, "ZeroPadding3D": ZeroPadding3D, "UpSampling3D": UpSampling3D}
X = np.random.default_rng(7).standard_normal((2, 4, 5, 6, 3)).astype("float32")


@pytest.mark.parametrize("name", names("cropping3d", "zero_padding3d", "up_sampling3d"))
def test_against_keras(name):
    check(name, CLASSES, rtol=0, atol=0)


def test_exported_under_keras_layers():
    for name, cls in CLASSES.items():
        assert getattr(tf.keras.layers, name) is cls


@pytest.mark.parametrize(
    "cls, kwargs, in_shape, out_shape",
    [
        (Cropping3D, {}, (2, 4, 5, 3, 2), (2, 2, 3, 1, 2)),
        (
            Cropping3D,
            {"cropping": ((0, 1), (2, 0), 1), "data_format": "channels_first"},
            (2, 2, 3, 4, 5),
            (2, 2, 2, 2, 3),
        ),
        (Cropping3D, {"cropping": (0, 1, 1)}, (2, None, 4, 3, 2), (2, None, 2, 1, 2)),
        (ZeroPadding3D, {}, (2, 2, 3, 1, 2), (2, 4, 5, 3, 2)),
        (
            ZeroPadding3D,
            {"padding": (0, 1, 2), "data_format": "channels_first"},
            (2, 2, 2, 2, 2),
            (2, 2, 2, 4, 6),
        ),
        (ZeroPadding3D, {"padding": 1}, (2, None, 2, 2, 1), (2, None, 4, 4, 1)),
        (UpSampling3D, {}, (2, 2, 1, 2, 3), (2, 4, 2, 4, 3)),
        (
            UpSampling3D,
            {"size": (3, 1, 2), "data_format": "channels_first"},
            (1, 2, 2, 2, 1),
            (1, 2, 6, 2, 2),
        ),
        (UpSampling3D, {"size": 2}, (2, 2, None, 1, 1), (2, 4, None, 2, 1)),
    ],
)
def test_layer_test(cls, kwargs, in_shape, out_shape):
    run_layer_test(
        cls,
        kwargs,
        input_shape=in_shape,
        expected_output_shape=out_shape,
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
    )


def test_values_against_numpy():
    np.testing.assert_array_equal(Cropping3D(((1, 0), (2, 1), (0, 3)))(X).numpy(), X[:, 1:, 2:4, 0:3])
    xcf = np.moveaxis(X, -1, 1)
    np.testing.assert_array_equal(
        Cropping3D(((1, 0), (2, 1), (0, 3)), data_format="channels_first")(xcf).numpy(),
        xcf[:, :, 1:, 2:4, 0:3],
    )
    np.testing.assert_array_equal(
        ZeroPadding3D(((1, 2), (0, 1), (3, 0)))(X).numpy(),
        np.pad(X, ((0, 0), (1, 2), (0, 1), (3, 0), (0, 0))),
    )
    np.testing.assert_array_equal(UpSampling3D((1, 2, 3))(X).numpy(), X.repeat(2, 2).repeat(3, 3))
    # cropping undoes padding
    np.testing.assert_array_equal(Cropping3D((1, 2, 0))(ZeroPadding3D((1, 2, 0))(X)).numpy(), X)


def test_gradients_float64():
    x = np.random.default_rng(1).standard_normal((2, 3, 2, 4, 2))
    for layer in (
        Cropping3D(((1, 0), (0, 1), (1, 2)), dtype="float64"),
        ZeroPadding3D((1, 0, 2), dtype="float64"),
        UpSampling3D((2, 1, 3), data_format="channels_first", dtype="float64"),
    ):
        tf.testing.check_gradients(layer, [x])


def test_argument_errors():
    with pytest.raises(ValueError, match="ZeroPadding3D.*3 elements"):
        ZeroPadding3D((1, 2))
    with pytest.raises(ValueError, match="Cropping3D.*cannot be negative"):
        Cropping3D(-1)
    with pytest.raises(ValueError, match="cropping"):
        Cropping3D(((1, 1), (1, -1), (0, 0)))
    with pytest.raises(ValueError, match="ZeroPadding3D"):
        ZeroPadding3D("same")
    with pytest.raises(ValueError, match="size"):
        UpSampling3D((2, 0, 1))
    with pytest.raises(ValueError, match="data_format"):
        UpSampling3D(data_format="channels_middle")


def test_input_errors_name_the_layer():
    with pytest.raises(ValueError, match=r"cropping3d.*expected ndim=5.*ndim=4"):
        Cropping3D(name="cropping3d_rank")(np.zeros((1, 4, 4, 4), "float32"))
    with pytest.raises(ValueError, match="up_sampling3d_rank"):
        UpSampling3D(name="up_sampling3d_rank")(np.zeros((1, 4, 4, 4), "float32"))
    with pytest.raises(ValueError, match=r"Cropping3D layer 'crop'.*smaller.*\(1, 4, 3, 4, 2\)"):
        Cropping3D(((0, 0), (2, 1), (0, 0)), name="crop")(np.zeros((1, 4, 3, 4, 2), "float32"))
    with pytest.raises(ValueError, match="Cropping3D layer 'crop2'.*smaller"):
        Cropping3D((0, 0, 3), name="crop2").compute_output_shape((None, 4, 4, 5, 2))
    with pytest.raises(ValueError, match="Cropping3D layer 'crop3'"):
        Cropping3D(2, name="crop3")(tf.keras.Input((4, 4, 4, 2)))


def _model():
    inp = tf.keras.Input((3, 4, 2, 2))
    x = tf.keras.layers.ZeroPadding3D(((1, 0), 1, (0, 2)))(inp)
    x = tf.keras.layers.Conv3D(2, 2, kernel_initializer="glorot_uniform", name="conv")(x)
    x = tf.keras.layers.UpSampling3D((1, 2, 1))(x)
    x = tf.keras.layers.Cropping3D(((0, 1), (1, 1), 0))(x)
    out = tf.keras.layers.Dense(1)(tf.keras.layers.Flatten()(x))
    return tf.keras.Model(inp, out)


def test_save_load_round_trip(tmp_path):
    tf.random.set_seed(3)
    model = _model()
    x = np.random.default_rng(2).standard_normal((2, 3, 4, 2, 2)).astype("float32")
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = tf.keras.models.load_model(path)
    assert [type(layer).__name__ for layer in loaded.layers] == [
        type(layer).__name__ for layer in model.layers
    ]
    assert loaded.layers[1].padding == ((1, 0), (1, 1), (0, 2))
    assert loaded.layers[4].cropping == ((0, 1), (1, 1), (0, 0))
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_traced_fit_matches_eager_fit():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((8, 3, 4, 2, 2)).astype("float32")
    y = rng.standard_normal((8, 1)).astype("float32")
    initial = _model().get_weights()
    trained = []
    for eager in (False, True):
        model = _model()
        model.set_weights(initial)
        model.compile(optimizer="sgd", loss="mse", run_eagerly=eager)
        history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
        assert np.all(np.isfinite(history.history["loss"]))
        trained.append(model.get_weights())
    for a, b in zip(*trained):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert not np.allclose(trained[0][0], initial[0])
