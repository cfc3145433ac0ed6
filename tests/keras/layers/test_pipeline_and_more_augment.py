"""Pipeline (Keras golden, training flag, config, saving, training) and the colour/erasing augmentations."""

import json
import os

import numpy as np
import pytest
from _layers_b_goldens import FIXTURES

import tensorflux as tf
from tensorflux.keras import layers
from tensorflux.keras.layers.pooling.adaptive_pooling import AdaptiveAveragePooling2D
from tensorflux.keras.layers.preprocessing.pipeline import Pipeline


# -- Pipeline ------------------------------------------------------------------------------------------
def test_pipeline_against_keras():
    with np.load(os.path.join(FIXTURES, "pipeline.npz"), allow_pickle=False) as f:
        g = {k: f[k] for k in f.files}
    spec = json.loads(str(g["spec"]))
    p = Pipeline(
        [layers.Rescaling(2.0, offset=-1.0), layers.CenterCrop(5, 6), AdaptiveAveragePooling2D((2, 4))],
        name="prep",
    )
    x = tf.constant(g["x"])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = p(x)
        loss = tf.reduce_sum(y * tf.constant(g["r"]))
    np.testing.assert_allclose(y.numpy(), g["y"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), g["dx"], rtol=1e-5, atol=1e-6)
    config = p.get_config()
    assert sorted(config) == spec["config_keys"]
    assert [c["class_name"] for c in config["layers"]] == spec["layer_classes"]
    assert tf.keras.layers.Pipeline is Pipeline


def test_pipeline_applies_layers_in_order():
    p = Pipeline([layers.Rescaling(2.0), layers.Rescaling(1.0, offset=1.0)])
    assert p(tf.constant([1.0, 2.0])).numpy().tolist() == [3.0, 5.0]
    q = Pipeline([layers.Rescaling(1.0, offset=1.0), layers.Rescaling(2.0)])
    assert q(tf.constant([1.0, 2.0])).numpy().tolist() == [4.0, 6.0]
    assert len(p.layers) == 2 and p.layers[0].scale == 2.0


def test_pipeline_training_flag():
    p = Pipeline([layers.Dropout(0.5, seed=1)])
    x = np.ones((4, 50), "float32")
    # called on its own, a Pipeline runs in training mode (Keras: call(..., training=True))
    y = p(x).numpy()
    assert set(np.unique(y)) == {0.0, 2.0}
    np.testing.assert_array_equal(p(x, training=False).numpy(), x)
    inp = tf.keras.Input((50,))
    model = tf.keras.Model(inp, p(inp))
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
    np.testing.assert_array_equal(model(x, training=False).numpy(), x)


def test_pipeline_keeps_input_dtype():
    p = Pipeline([layers.Rescaling(0.5, dtype="float64")])
    assert p(np.ones((2, 2), "float64")).dtype == "float64"


def test_pipeline_tracks_sublayer_weights_and_gradients():
    p = Pipeline([layers.Dense(3, dtype="float64"), layers.Activation("tanh", dtype="float64")])
    x = np.random.default_rng(0).standard_normal((2, 4))
    p(x)
    assert len(p.trainable_weights) == 2
    tf.testing.check_gradients(p, [x])


def test_pipeline_config_round_trip_and_errors():
    p = Pipeline([layers.Rescaling(0.5), layers.Dense(2)], name="pipe")
    config = p.get_config()
    assert sorted(config) == ["layers", "name"]
    again = Pipeline.from_config(json.loads(json.dumps(config)))
    assert again.name == "pipe"
    assert [type(layer).__name__ for layer in again.layers] == ["Rescaling", "Dense"]
    assert again.layers[0].scale == 0.5 and again.layers[1].units == 2
    with pytest.raises(ValueError, match="Pipeline.*layers"):
        Pipeline.from_config({"name": "x"})


def _pipeline_model():
    inp = tf.keras.Input((6,))
    x = tf.keras.layers.Pipeline([tf.keras.layers.Rescaling(0.5), tf.keras.layers.Dense(4, name="inner")])(
        inp
    )
    out = tf.keras.layers.Dense(1)(x)
    return tf.keras.Model(inp, out)


def test_pipeline_save_load_round_trip(tmp_path):
    model = _pipeline_model()
    x = np.random.default_rng(1).standard_normal((3, 6)).astype("float32")
    path = str(tmp_path / "p.keras")
    model.save(path)
    loaded = tf.keras.models.load_model(path)
    assert type(loaded.layers[1]).__name__ == "Pipeline"
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_pipeline_traced_fit_matches_eager_fit():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((8, 6)).astype("float32")
    y = rng.standard_normal((8, 1)).astype("float32")
    initial = _pipeline_model().get_weights()
    trained = []
    for eager in (False, True):
        model = _pipeline_model()
        model.set_weights(initial)
        model.compile(optimizer="sgd", loss="mse", run_eagerly=eager)
        model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
        trained.append(model.get_weights())
    for a, b in zip(*trained):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert not np.allclose(trained[0][0], initial[0])


# -- RandomGrayscale, RandomInvert, Solarization, RandomErasing ----------------------------------------
from tensorflux.keras.layers.preprocessing.random_erasing import RandomErasing  # noqa: E402
from tensorflux.keras.layers.preprocessing.random_grayscale import RandomGrayscale  # noqa: E402
from tensorflux.keras.layers.preprocessing.random_invert import RandomInvert  # noqa: E402
from tensorflux.keras.layers.preprocessing.solarization import Solarization  # noqa: E402

AUGMENT = {
    "RandomGrayscale": RandomGrayscale,
    "RandomInvert": RandomInvert,
    "Solarization": Solarization,
    "RandomErasing": RandomErasing,
}
IMAGES = (np.random.default_rng(9).random((8, 6, 7, 3)) * 255).astype("float32")


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@pytest.mark.parametrize("name", sorted(f[:-4] for f in os.listdir(FIXTURES) if f.startswith("augment_")))
def test_augment_against_keras(name):
    with np.load(os.path.join(FIXTURES, f"{name}.npz"), allow_pickle=False) as f:
        g = {k: f[k] for k in f.files}
    spec = json.loads(str(g["spec"]))
    layer = AUGMENT[spec["class_name"]](**spec["config"])
    y = layer(tf.constant(g["x"]), **spec["call"])
    assert y.dtype == "float32" and tuple(y.shape) == g["y"].shape
    np.testing.assert_allclose(y.numpy(), g["y"], rtol=1e-5, atol=1e-4)
    config = layer.get_config()
    for key, value in spec["keras_config"].items():
        assert _plain(config[key]) == _plain(value), (key, config[key], value)
    again = type(layer).from_config(json.loads(json.dumps(config)))
    np.testing.assert_allclose(
        again(tf.constant(g["x"]), **spec["call"]).numpy(), g["y"], rtol=1e-5, atol=1e-4
    )


def test_augment_exported_under_keras_layers():
    for name, cls in AUGMENT.items():
        assert getattr(tf.keras.layers, name) is cls


def _changed(x, y):
    return [not np.allclose(a, b) for a, b in zip(x, y)]


@pytest.mark.parametrize(
    "layer",
    [
        RandomGrayscale(0.5, seed=1),
        RandomInvert(seed=1),
        Solarization(threshold_factor=(0.5, 0.5), seed=1),
        RandomErasing(0.5, seed=1),
    ],
    ids=lambda layer: type(layer).__name__,
)
def test_augment_draws_per_image_and_is_identity_at_inference(layer):
    y = layer(IMAGES)  # Keras' image layers default to training=True when called on their own
    if isinstance(layer, Solarization):  # every image is solarized, each at its own threshold
        lowest_inverted = [a[~np.isclose(a, b)].min() for a, b in zip(IMAGES, y.numpy())]
        assert len(set(lowest_inverted)) == len(IMAGES)
    else:  # some images are changed, some are not
        changed = _changed(IMAGES, y.numpy())
        assert any(changed) and not all(changed), changed
    assert y.numpy().min() >= 0 and y.numpy().max() <= 255
    np.testing.assert_array_equal(layer(IMAGES, training=False).numpy(), IMAGES)
    # a new call draws again; the same seed repeats the sequence
    again = type(layer).from_config(layer.get_config())
    first = []
    for _ in range(2):
        tf.random.set_seed(5)
        first.append(type(layer).from_config(layer.get_config())(IMAGES).numpy())
    np.testing.assert_array_equal(first[0], first[1])
    assert not np.array_equal(again(IMAGES).numpy(), again(IMAGES).numpy())


def test_augment_inside_model_follows_training_flag(tmp_path):
    model = tf.keras.Sequential(
        [
            tf.keras.Input((6, 7, 3)),
            tf.keras.layers.RandomGrayscale(0.5, seed=1),
            tf.keras.layers.RandomInvert(seed=2),
            tf.keras.layers.Solarization(addition_factor=0.1, threshold_factor=0.9, seed=3),
            tf.keras.layers.RandomErasing(seed=4),
            tf.keras.layers.Rescaling(1 / 255.0),
            tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(1),
        ]
    )
    plain = tf.keras.Sequential([tf.keras.Input((6, 7, 3)), *model.layers[4:]])
    np.testing.assert_allclose(model.predict(IMAGES, verbose=0), plain.predict(IMAGES, verbose=0), rtol=1e-6)
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()[0].copy()
    history = model.fit(IMAGES, np.zeros((8, 1), "float32"), batch_size=4, epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"])) and not np.allclose(model.get_weights()[0], before)
    path = str(tmp_path / "aug.keras")
    model.save(path)
    loaded = tf.keras.models.load_model(path)
    assert [type(layer).__name__ for layer in loaded.layers[:4]] == [
        "RandomGrayscale",
        "RandomInvert",
        "Solarization",
        "RandomErasing",
    ]
    assert loaded.layers[2].threshold_factor == (0, 0.9) and loaded.layers[3].seed == 4
    np.testing.assert_allclose(loaded.predict(IMAGES, verbose=0), model.predict(IMAGES, verbose=0), rtol=1e-6)


def test_traced_function_draws_again():
    layer = RandomInvert(seed=5)
    f = tf.function(lambda x: layer(x, training=True))
    outs = [f(tf.constant(IMAGES)).numpy() for _ in range(4)]
    assert any(not np.array_equal(outs[0], o) for o in outs[1:])


def test_grayscale_values_and_channels_first():
    x = IMAGES[:2]
    gray = (x * np.array([0.2989, 0.5870, 0.1140], "float32")).sum(-1, keepdims=True)
    np.testing.assert_allclose(RandomGrayscale(1.0)(x).numpy(), np.broadcast_to(gray, x.shape), rtol=1e-6)
    xcf = np.moveaxis(x, -1, 1)
    y = RandomGrayscale(1.0, data_format="channels_first")(xcf).numpy()
    np.testing.assert_allclose(y, np.moveaxis(np.broadcast_to(gray, x.shape), -1, 1), rtol=1e-6)
    single = RandomGrayscale(1.0)(x[0]).numpy()  # one unbatched image
    np.testing.assert_allclose(single, np.broadcast_to(gray[0], x[0].shape), rtol=1e-6)


def test_invert_and_solarization_values():
    x = IMAGES[:2]
    np.testing.assert_allclose(RandomInvert((1.0, 1.0))(x).numpy(), 255 - x)
    np.testing.assert_array_equal(RandomInvert((0.0, 0.0))(x).numpy(), x)
    # threshold 1 * 255 drawn from [1, 255]: pixels below the drawn threshold stay, the rest invert
    y = Solarization(threshold_factor=(1.0, 1.0), seed=2)(x).numpy()
    for a, b in zip(x, y):
        kept = np.isclose(a, b)
        assert np.allclose(b[~kept], 255 - a[~kept], atol=1e-3)
        if kept.any() and (~kept).any():
            assert a[kept].max() <= a[~kept].min()
    z = Solarization(value_range=(-1, 1))(np.array([[[[-1.0, 0.5, 1.0]]]], "float32")).numpy()
    np.testing.assert_allclose(z.ravel(), [1.0, -0.5, -1.0], atol=1e-6)


def test_erasing_rectangle_area_and_fill():
    x = np.full((16, 20, 24, 3), 100.0, "float32")
    y = RandomErasing((1.0, 1.0), scale=(0.1, 0.2), fill_value=(1.0, 2.0, 3.0), seed=3)(x).numpy()
    for img in y:
        box = img[..., 0] != 100
        rows, cols = np.where(box.any(1))[0], np.where(box.any(0))[0]
        assert box.sum() == len(rows) * len(cols)  # one full rectangle
        assert np.ptp(rows) + 1 == len(rows) and np.ptp(cols) + 1 == len(cols)
        # side fractions sqrt(s), s in [0.1, 0.2]; the pixel grid rounds each side by at most 1
        assert np.sqrt(0.1) * 24 - 1 <= len(cols) <= np.sqrt(0.2) * 24 + 1
        assert np.sqrt(0.1) * 20 - 1 <= len(rows) <= np.sqrt(0.2) * 20 + 1
        np.testing.assert_array_equal(img[box], np.tile([1.0, 2.0, 3.0], (box.sum(), 1)))
    noisy = RandomErasing((1.0, 1.0), scale=(0.5, 0.5), value_range=(0, 1), seed=1)(x / 100).numpy()
    erased = noisy[noisy != 1.0]
    assert erased.size and erased.min() >= 0 and erased.max() <= 1 and len(np.unique(erased)) > 10


def test_augment_argument_errors():
    with pytest.raises(ValueError, match="RandomGrayscale.*between 0 and 1"):
        RandomGrayscale(1.5)
    with pytest.raises(ValueError, match="RandomInvert.*factor"):
        RandomInvert(2.0)
    with pytest.raises(ValueError, match="Solarization.*threshold_factor"):
        Solarization(threshold_factor=(0.2, 1.2))
    with pytest.raises(ValueError, match="Solarization.*value_range"):
        Solarization(value_range=5)
    with pytest.raises(ValueError, match="RandomErasing.*scale"):
        RandomErasing(scale=(2.0, 3.0))
    with pytest.raises(ValueError, match="RandomErasing.*fill_value"):
        RandomErasing(fill_value=(1, 2))
    with pytest.raises(ValueError, match="data_format"):
        RandomInvert(data_format="NHWC")


def test_augment_input_errors_name_the_layer():
    with pytest.raises(ValueError, match="RandomGrayscale layer 'gray'.*3 \\(RGB\\) or 1.*4 channels"):
        RandomGrayscale(1.0, name="gray")(np.zeros((1, 4, 4, 4), "float32"))
    with pytest.raises(ValueError, match="RandomInvert.*rank 3.*rank|RandomInvert.*rank"):
        RandomInvert()(np.zeros((4, 4), "float32"))
    with pytest.raises(ValueError, match="RandomErasing layer 'erase'.*3 numbers.*2 channels"):
        RandomErasing(fill_value=[1, 2, 3], name="erase")(np.zeros((1, 4, 4, 2), "float32"))


@pytest.mark.parametrize(
    "module",
    [
        "reshaping.cropping3d",
        "reshaping.zero_padding3d",
        "reshaping.up_sampling3d",
        "pooling.adaptive_pooling",
        "preprocessing.pipeline",
        "preprocessing.random_grayscale",
        "preprocessing.random_invert",
        "preprocessing.solarization",
        "preprocessing.random_erasing",
    ],
)
def test_docstring_examples(module):
    import doctest
    import importlib

    mod = importlib.import_module(f"tensorflux.keras.layers.{module}")
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
