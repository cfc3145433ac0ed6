"""Colour and tone augmentations (RandomHue, RandomSaturation, RandomColorDegeneration, RandomSharpness,
RandomPosterization, AutoContrast, RandomColorJitter) against Keras 3 goldens
(scripts/golden_color_augment.py), plus per-image draws, seeding, inference identity and config."""

import json
import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras.layers.preprocessing.random_color import (
    RandomColorDegeneration,
    RandomColorJitter,
    RandomHue,
    RandomSaturation,
)
from tensorflux.keras.layers.preprocessing.random_tone import (
    AutoContrast,
    RandomPosterization,
    RandomSharpness,
)

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "color_augment")
LAYERS = {
    cls.__name__: cls
    for cls in (
        RandomHue,
        RandomSaturation,
        RandomColorDegeneration,
        RandomSharpness,
        RandomPosterization,
        AutoContrast,
        RandomColorJitter,
    )
}
IMAGES = (np.random.default_rng(4).random((8, 6, 7, 3)) * 255).astype("float32")


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _load(case):
    with np.load(os.path.join(FIXTURES, f"{case}.npz"), allow_pickle=False) as f:
        g = {k: f[k] for k in f.files}
    return g, json.loads(str(g["spec"]))


@pytest.mark.parametrize("case", sorted(f[:-4] for f in os.listdir(FIXTURES) if f.endswith(".npz")))
def test_against_keras(case):
    g, spec = _load(case)
    layer = LAYERS[spec["class_name"]](**spec["config"])
    y = layer(tf.constant(g["x"]), **spec["call"])
    assert y.dtype == "float32" and tuple(y.shape) == g["y"].shape
    atol = 1e-3 * (255.0 if g["x"].max() > 2 else 1.0)
    np.testing.assert_allclose(y.numpy(), g["y"], rtol=1e-4, atol=atol)
    config = layer.get_config()
    for key, value in spec["keras_config"].items():
        assert _plain(config[key]) == _plain(value), (key, config[key], value)
    again = type(layer).from_config(json.loads(json.dumps(config)))
    np.testing.assert_allclose(
        again(tf.constant(g["x"]), **spec["call"]).numpy(), g["y"], rtol=1e-4, atol=atol
    )


def test_exported_under_keras_layers():
    for name, cls in LAYERS.items():
        assert getattr(tf.keras.layers, name) is cls


RANDOM = [
    RandomHue(0.5, seed=1),
    RandomSaturation((0.1, 0.9), seed=1),
    RandomColorDegeneration((0.0, 1.0), seed=1),
    RandomSharpness((0.0, 1.0), seed=1),
    RandomPosterization((1, 8), seed=1),
    RandomColorJitter(brightness_factor=0.2, contrast_factor=0.3, hue_factor=0.3, seed=1),
]


@pytest.mark.parametrize("layer", RANDOM, ids=lambda layer: type(layer).__name__)
def test_draws_per_image_repeatable_and_identity_at_inference(layer):
    y = layer(IMAGES).numpy()  # called on its own the layer augments, as Keras 3's image layers
    assert y.shape == IMAGES.shape
    # every image gets its own factor: the per-image changes differ
    change = [float(np.abs(a - b).mean()) for a, b in zip(y, IMAGES)]
    assert len({round(c, 3) for c in change}) > len(IMAGES) // 2, change
    np.testing.assert_array_equal(layer(IMAGES, training=False).numpy(), IMAGES)
    runs = []
    for _ in range(2):
        tf.random.set_seed(5)
        runs.append(type(layer).from_config(layer.get_config())(IMAGES).numpy())
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(layer(IMAGES).numpy(), layer(IMAGES).numpy())


def test_hue_zero_factor_keeps_images():
    np.testing.assert_allclose(RandomHue(0.0)(IMAGES).numpy(), IMAGES, rtol=1e-5, atol=1e-3)


def test_saturation_zero_gives_gray_value_images():
    y = RandomSaturation((0.0, 0.0))(IMAGES).numpy()
    np.testing.assert_allclose(y, np.repeat(IMAGES.max(-1, keepdims=True), 3, -1), rtol=1e-6)


def test_posterization_keeps_top_bits():
    x = np.arange(256, dtype="float32").reshape(1, 16, 16, 1)
    y = RandomPosterization((3, 3))(x).numpy()
    np.testing.assert_array_equal(y, (x.astype("uint8") >> 5 << 5).astype("float32"))


def test_auto_contrast_stretches_each_channel_and_applies_at_inference():
    x = IMAGES[:2] * 0.5 + 20
    for training in (True, False):
        y = AutoContrast()(x, training=training).numpy()
        np.testing.assert_allclose(y.min(axis=(1, 2)), 0, atol=1e-3)
        np.testing.assert_allclose(y.max(axis=(1, 2)), 255, rtol=1e-5)
        lo, hi = x.min(axis=(1, 2), keepdims=True), x.max(axis=(1, 2), keepdims=True)
        np.testing.assert_allclose(y, (x - lo) / (hi - lo) * 255, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: RandomHue(1.5), "factor"),
        (lambda: RandomSaturation((0.1, 0.2, 0.3)), "factor"),
        (lambda: RandomPosterization(9), "factor"),
        (lambda: RandomSharpness(0.5, value_range=5), "value_range"),
        (lambda: RandomColorJitter(hue_factor=2.0), "hue_factor"),
    ],
)
def test_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_non_rgb_input_is_rejected():
    with pytest.raises(ValueError, match="RandomHue.*3 channels"):
        RandomHue(0.5)(np.ones((1, 4, 4, 2), "float32"))


def test_model_save_and_load(tmp_path):
    model = tf.keras.Sequential(
        [tf.keras.Input((6, 7, 3))]
        + [
            RandomHue(0.2, seed=2),
            RandomSaturation(0.3, seed=2),
            RandomColorDegeneration(0.4, seed=2),
            RandomSharpness(0.4, seed=2),
            RandomPosterization(6, seed=2),
            AutoContrast(),
            RandomColorJitter(brightness_factor=0.1, hue_factor=0.1, seed=2),
        ]
    )
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = tf.keras.models.load_model(path)
    assert [type(layer).__name__ for layer in loaded.layers] == [
        type(layer).__name__ for layer in model.layers
    ]
    np.testing.assert_allclose(loaded.predict(IMAGES, verbose=0), model.predict(IMAGES, verbose=0), rtol=1e-6)
