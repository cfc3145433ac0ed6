"""AdaptiveAveragePooling1D/2D/3D and AdaptiveMaxPooling1D/2D/3D: Keras goldens (outputs and input
gradients), PyTorch-style bins on a NumPy reference, float64 gradients, errors, saving and training."""

import numpy as np
import pytest
from _layers_b_goldens import check, names

import tensorflux as tf
from tensorflux.keras.layers.pooling import adaptive_pooling as ap
from tensorflux.testing.layer_test import run_layer_test

CLASSES = {
    name: getattr(ap, name)
    for name in (
        "AdaptiveAveragePooling1D",
        "AdaptiveAveragePooling2D",
        "AdaptiveAveragePooling3D",
        "AdaptiveMaxPooling1D",
        "AdaptiveMaxPooling2D",
        "AdaptiveMaxPooling3D",
    )
}


def _reference(x, output_size, mode, channels_first=False):
    """Adaptive pooling by its definition, one output cell at a time (channels_last)."""
    if channels_first:
        x = np.moveaxis(x, 1, -1)
    spatial = x.shape[1:-1]
    out = np.zeros((x.shape[0], *output_size, x.shape[-1]), x.dtype)
    for cell in np.ndindex(*output_size):
        box = tuple(
            slice((i * n) // o, -((-(i + 1) * n) // o)) for i, n, o in zip(cell, spatial, output_size)
        )
        window = x[(slice(None), *box, slice(None))]
        axes = tuple(range(1, 1 + len(spatial)))
        out[(slice(None), *cell, slice(None))] = window.mean(axes) if mode == "average" else window.max(axes)
    return np.moveaxis(out, -1, 1) if channels_first else out


@pytest.mark.parametrize("name", names("adaptive_"))
def test_against_keras(name):
    check(name, CLASSES)


def test_exported_under_keras_layers():
    for name, cls in CLASSES.items():
        assert getattr(tf.keras.layers, name) is cls


@pytest.mark.parametrize("mode", ["average", "max"])
@pytest.mark.parametrize(
    "in_shape, output_size, channels_first",
    [
        ((2, 9, 3), (4,), False),
        ((2, 3, 10), (3,), True),
        ((1, 5, 11, 2), (3, 4), False),
        ((1, 2, 4, 3), (7, 5), True),
        ((2, 6, 5, 7, 1), (4, 2, 3), False),
    ],
)
def test_bins_against_definition(mode, in_shape, output_size, channels_first):
    x = np.random.default_rng(sum(in_shape)).standard_normal(in_shape).astype("float32")
    rank = len(output_size)
    cls = CLASSES[f"Adaptive{'Average' if mode == 'average' else 'Max'}Pooling{rank}D"]
    fmt = "channels_first" if channels_first else "channels_last"
    y = cls(output_size, data_format=fmt)(x).numpy()
    np.testing.assert_allclose(y, _reference(x, output_size, mode, channels_first), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(
    "name, kwargs, in_shape, out_shape",
    [
        ("AdaptiveAveragePooling1D", {"output_size": 3}, (2, 7, 2), (2, 3, 2)),
        (
            "AdaptiveMaxPooling1D",
            {"output_size": (5,), "data_format": "channels_first"},
            (2, 2, 4),
            (2, 2, 5),
        ),
        ("AdaptiveAveragePooling2D", {"output_size": (2, 3)}, (2, 5, 4, 2), (2, 2, 3, 2)),
        (
            "AdaptiveMaxPooling2D",
            {"output_size": 2, "data_format": "channels_first"},
            (2, 2, 5, 3),
            (2, 2, 2, 2),
        ),
        ("AdaptiveAveragePooling3D", {"output_size": (2, 1, 3)}, (1, 3, 2, 4, 2), (1, 2, 1, 3, 2)),
        ("AdaptiveMaxPooling3D", {"output_size": 2}, (1, 3, 3, 5, 1), (1, 2, 2, 2, 1)),
        ("AdaptiveAveragePooling2D", {"output_size": 2}, (2, None, None, 3), (2, 2, 2, 3)),
    ],
)
def test_layer_test(name, kwargs, in_shape, out_shape):
    run_layer_test(
        CLASSES[name],
        kwargs,
        input_shape=in_shape,
        expected_output_shape=out_shape,
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        gradient_input_shape=(2, 5, 3, 3) if None in in_shape else None,
    )


@pytest.mark.parametrize("name", sorted(CLASSES))
@pytest.mark.parametrize("channels_first", [False, True])
def test_gradients_float64(name, channels_first):
    rank = int(name[-2])
    shape = {1: (2, 7, 3), 2: (2, 5, 7, 2), 3: (1, 4, 5, 3, 2)}[rank]
    sizes = {1: (3,), 2: (3, 4), 3: (3, 2, 5)}[rank]  # ragged, overlapping and upsampled bins
    fmt = "channels_first" if channels_first else "channels_last"
    layer = CLASSES[name](sizes, data_format=fmt, dtype="float64")
    x = np.random.default_rng(rank).standard_normal(shape)
    tf.testing.check_gradients(layer, [x])


def test_max_gradient_goes_to_the_maximum():
    x = tf.constant([[[1.0], [5.0], [2.0], [0.0], [3.0]]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = ap.AdaptiveMaxPooling1D(3)(x)  # bins [0, 2), [1, 4), [3, 5)
    assert y.numpy().ravel().tolist() == [5.0, 5.0, 3.0]
    assert tape.gradient(y, x).numpy().ravel().tolist() == [0.0, 2.0, 0.0, 0.0, 1.0]


def test_config_and_defaults():
    layer = ap.AdaptiveAveragePooling2D(4)
    assert layer.output_size == (4, 4)
    assert layer.data_format == "channels_last"
    config = layer.get_config()
    assert config["output_size"] == (4, 4) and config["data_format"] == "channels_last"
    again = ap.AdaptiveAveragePooling2D.from_config(config)
    assert again.output_size == (4, 4)
    assert ap.AdaptiveMaxPooling3D([1, 2, 3]).output_size == (1, 2, 3)
    assert ap.AdaptiveMaxPooling1D(5).compute_output_shape((None, None, 3)) == (None, 5, 3)
    cf = ap.AdaptiveMaxPooling2D((2, 3), data_format="channels_first")
    assert cf.compute_output_shape((4, 3, None, 9)) == (4, 3, 2, 3)


def test_argument_errors():
    with pytest.raises(TypeError, match=r"AdaptiveAveragePooling2D.*output_size.*\(2, 3, 4\)"):
        ap.AdaptiveAveragePooling2D((2, 3, 4))
    with pytest.raises(TypeError, match="AdaptiveMaxPooling3D.*output_size"):
        ap.AdaptiveMaxPooling3D("big")
    with pytest.raises(ValueError, match="AdaptiveMaxPooling1D.*length 1"):
        ap.AdaptiveMaxPooling1D((2, 2))
    with pytest.raises(ValueError, match="positive"):
        ap.AdaptiveAveragePooling1D(0)
    with pytest.raises(ValueError, match="data_format"):
        ap.AdaptiveAveragePooling1D(2, data_format="NCHW")


def test_input_errors_name_the_layer():
    with pytest.raises(ValueError, match=r"adaptive_pool.*expected ndim=4.*ndim=3"):
        ap.AdaptiveMaxPooling2D(2, name="adaptive_pool")(np.zeros((2, 4, 3), "float32"))
    with pytest.raises(ValueError, match=r"AdaptiveAveragePooling1D layer 'pool'.*non-empty.*\(2, 0, 3\)"):
        ap.AdaptiveAveragePooling1D(2, name="pool")(np.zeros((2, 0, 3), "float32"))


def _model(size=(8, 9, 2)):
    inp = tf.keras.Input(size)
    x = tf.keras.layers.Conv2D(3, 3, padding="same", name="conv")(inp)
    x = tf.keras.layers.AdaptiveMaxPooling2D((5, 4))(x)
    x = tf.keras.layers.AdaptiveAveragePooling2D(3, data_format="channels_first")(x)
    x = tf.keras.layers.Reshape((15, 3))(x)  # channels_first read (5, 4, 3) as 5 channels
    x = tf.keras.layers.AdaptiveAveragePooling1D(2)(x)
    out = tf.keras.layers.Dense(1)(tf.keras.layers.Flatten()(x))
    return tf.keras.Model(inp, out)


def test_save_load_round_trip(tmp_path):
    model = _model()
    x = np.random.default_rng(2).standard_normal((3, 8, 9, 2)).astype("float32")
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = tf.keras.models.load_model(path)
    assert loaded.layers[2].output_size == (5, 4)
    assert loaded.layers[3].data_format == "channels_first"
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_traced_fit_matches_eager_fit():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((8, 8, 9, 2)).astype("float32")
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


def test_any_input_size_gives_the_same_output_size():
    inp = tf.keras.Input((None, None, 2))
    out = tf.keras.layers.Dense(1)(tf.keras.layers.Flatten()(ap.AdaptiveAveragePooling2D((2, 3))(inp)))
    model = tf.keras.Model(inp, out)
    for h, w in ((4, 6), (7, 5), (2, 3)):
        assert model.predict(np.ones((1, h, w, 2), "float32"), verbose=0).shape == (1, 1)
