"""Image preprocessing layers: Resizing/CenterCrop and the affine kernel against Keras 3 goldens
(scripts/make_image_preprocessing_goldens.py), random augmentation layers against hand-made expectations."""

import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.backend import ops as B

L = keras.layers
GOLDEN = np.load(
    os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "layers", "image_preprocessing.npz")
)
IMG = GOLDEN["img"]  # (2, 5, 7, 3) in [0, 255)


@pytest.mark.parametrize(
    "key, kwargs",
    [
        ("resize_4x6_bilinear", dict(height=4, width=6)),
        ("resize_3x9_nearest", dict(height=3, width=9, interpolation="nearest")),
        ("resize_4x4_crop", dict(height=4, width=4, crop_to_aspect_ratio=True)),
        ("resize_4x4_pad", dict(height=4, width=4, pad_to_aspect_ratio=True, fill_value=7.0)),
        ("resize_10x3_crop", dict(height=10, width=3, crop_to_aspect_ratio=True)),
    ],
)
def test_resizing_matches_keras(key, kwargs):
    y = L.Resizing(**kwargs)(IMG)
    assert y.dtype == tf.float32
    np.testing.assert_allclose(y.numpy(), GOLDEN[key], rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("size", [(3, 3), (4, 6), (6, 9), (2, 8)])
def test_center_crop_matches_keras(size):
    y = L.CenterCrop(*size)(IMG)
    np.testing.assert_allclose(y.numpy(), GOLDEN[f"center_crop_{size[0]}x{size[1]}"], rtol=1e-5, atol=1e-3)


def test_center_crop_is_a_slice_and_channels_first():
    np.testing.assert_array_equal(L.CenterCrop(3, 3)(IMG).numpy(), IMG[:, 1:4, 2:5])
    chw = np.transpose(IMG[0], (2, 0, 1))
    y = L.CenterCrop(3, 5, data_format="channels_first")(chw).numpy()
    np.testing.assert_array_equal(y, chw[:, 1:4, 1:6])
    r = L.Resizing(4, 6, data_format="channels_first")(chw).numpy()
    np.testing.assert_allclose(r, np.transpose(GOLDEN["resize_4x6_bilinear"][0], (2, 0, 1)), atol=1e-3)


def test_resizing_and_center_crop_pass_gradients():
    x = tf.constant(IMG.astype(np.float64) / 255)
    for layer, size in [
        (L.CenterCrop(3, 3, dtype="float64"), (3, 3)),
        (L.Resizing(4, 6, dtype="float64"), (4, 6)),
    ]:
        w = tf.constant(np.random.default_rng(1).random((2,) + size + (3,)))
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(layer(x) * w)
        g = tape.gradient(loss, x).numpy()
        # the layer is linear: its gradient is the adjoint applied to w, checked on one direction
        d = np.random.default_rng(2).random(IMG.shape)
        directional = (tf.reduce_sum(layer(x + d) * w) - tf.reduce_sum(layer(x) * w)).numpy()
        np.testing.assert_allclose((g * d).sum(), directional, rtol=1e-8)


def test_resizing_rejects_bad_arguments():
    with pytest.raises(ValueError, match="interpolation"):
        L.Resizing(2, 2, interpolation="bicubic")
    with pytest.raises(ValueError, match="only one"):
        L.Resizing(2, 2, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    with pytest.raises(ValueError, match="rank 3"):
        L.CenterCrop(2, 2)(np.zeros((4, 4), "float32"))


@pytest.mark.parametrize("mode", ["reflect", "wrap", "constant", "nearest"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_affine_kernel_matches_keras(mode, interpolation):
    y = B.affine_transform(IMG, GOLDEN["affine_transforms"], interpolation, mode, 5.0)
    np.testing.assert_allclose(y, GOLDEN[f"affine_{mode}_{interpolation}"], rtol=1e-5, atol=1e-3)


def _random_layers():
    return [
        L.RandomFlip(seed=3),
        L.RandomCrop(4, 5, seed=3),
        L.RandomTranslation(0.2, 0.3, seed=3),
        L.RandomRotation(0.2, seed=3),
        L.RandomZoom(0.3, seed=3),
        L.RandomZoom((-0.2, 0.2), (0.1, 0.3), fill_mode="constant", interpolation="nearest", seed=3),
        L.RandomContrast(0.5, seed=3),
        L.RandomBrightness(0.3, seed=3),
    ]


@pytest.mark.parametrize("layer", _random_layers(), ids=lambda layer: type(layer).__name__)
def test_random_layer_shapes_identity_and_repeatability(layer):
    x = tf.constant(IMG)
    if not isinstance(layer, L.RandomCrop):  # RandomCrop crops to the aspect ratio at inference
        assert layer(x, training=False) is x  # inference: unchanged
    tf.random.set_seed(5)
    a = layer(x, training=True)
    b = layer(x, training=True)
    tf.random.set_seed(5)
    a2 = layer(x, training=True)
    assert a.dtype == tf.float32
    assert tuple(a.shape) == tuple(layer.compute_output_shape(x.shape))
    np.testing.assert_array_equal(a.numpy(), a2.numpy())
    assert not np.array_equal(a.numpy(), b.numpy())  # successive calls draw again
    # called without `training` they augment, as Keras 3's image preprocessing layers do
    tf.random.set_seed(5)
    np.testing.assert_array_equal(layer(x).numpy(), a.numpy())
    # unbatched images work too
    assert layer(x[0], training=True).shape == a.shape[1:]


@pytest.mark.parametrize("layer", _random_layers(), ids=lambda layer: type(layer).__name__)
def test_random_layer_config_round_trip(layer):
    cfg = layer.get_config()
    clone = type(layer).from_config(cfg)
    assert clone.get_config() == cfg
    x = tf.constant(IMG)
    tf.random.set_seed(9)
    a = layer(x, training=True)
    tf.random.set_seed(9)
    np.testing.assert_array_equal(clone(x, training=True).numpy(), a.numpy())


@pytest.mark.parametrize("mode", ["horizontal", "vertical", "horizontal_and_vertical"])
def test_random_flip_flips_whole_images(mode):
    x = np.random.default_rng(0).random((32, 4, 5, 2)).astype("float32")
    y = L.RandomFlip(mode, seed=1)(x, training=True).numpy()
    options = {"horizontal": [(False, False), (False, True)], "vertical": [(False, False), (True, False)]}
    allowed = options.get(mode, [(r, c) for r in (False, True) for c in (False, True)])
    seen = set()
    for xi, yi in zip(x, y):
        match = [(r, c) for r, c in allowed if np.array_equal(yi, xi[:: -1 if r else 1, :: -1 if c else 1])]
        assert len(match) == 1
        seen.add(match[0])
    assert seen == set(allowed)  # 32 images: every option occurs


@pytest.mark.parametrize("k", [1, 2, 3])
def test_random_rotation_by_quarter_turns_is_rot90(k):
    x = np.random.default_rng(0).random((3, 6, 6, 2)).astype("float32")
    y = L.RandomRotation((k / 4, k / 4))(x, training=True).numpy()
    np.testing.assert_allclose(y, np.rot90(x, k, axes=(1, 2)), atol=1e-4)


def test_random_translation_by_whole_pixels_and_zoom_identity():
    x = np.random.default_rng(0).random((2, 5, 5, 1)).astype("float32")
    y = L.RandomTranslation((0.2, 0.2), (-0.4, -0.4), fill_mode="constant", fill_value=-1.0)(x, training=True)
    expected = np.full_like(x, -1.0)
    expected[:, 1:, :3] = x[:, :4, 2:]  # down 1 row, left 2 columns
    np.testing.assert_allclose(y.numpy(), expected, atol=1e-5)
    np.testing.assert_allclose(L.RandomZoom((0.0, 0.0))(x, training=True).numpy(), x, atol=1e-6)


def test_random_crop_takes_one_window_for_the_batch():
    x = np.random.default_rng(0).random((4, 6, 7, 1)).astype("float32")
    y = L.RandomCrop(3, 4, seed=2)(x, training=True).numpy()
    windows = [(t, s) for t in range(4) for s in range(4) if np.array_equal(y, x[:, t : t + 3, s : s + 4])]
    assert len(windows) == 1
    # inference: largest centred window with the aspect ratio 3:4, resized
    expected = L.Resizing(3, 4, crop_to_aspect_ratio=True)(x).numpy()
    np.testing.assert_allclose(L.RandomCrop(3, 4)(x, training=False).numpy(), expected, atol=1e-6)


def test_contrast_and_brightness_stay_in_value_range():
    x = np.random.default_rng(0).random((16, 5, 5, 3)).astype("float32")
    c = L.RandomContrast((0.5, 0.9), value_range=(0, 1), seed=1)(x, training=True).numpy()
    b = L.RandomBrightness(0.8, value_range=(0, 1), seed=1)(x, training=True).numpy()
    for y in (c, b):
        assert y.min() >= 0.0 and y.max() <= 1.0
    # brightness: one offset per image, where no clipping happened
    diff = b - x
    inside = (b > 0) & (b < 1)
    for d, m in zip(diff, inside):
        np.testing.assert_allclose(d[m], d[m][0], atol=1e-6)
    # contrast: per-image factor in [0.5, 1.9] on the deviation from the per-channel mean
    mean = x.mean(axis=(1, 2), keepdims=True)
    ok = (c > 0) & (c < 1)
    factors = ((c - mean) / (x - mean))[ok]
    assert factors.min() >= 0.5 - 1e-3 and factors.max() <= 1.9 + 1e-3


def test_factor_validation():
    with pytest.raises(ValueError, match="RandomRotation"):
        L.RandomRotation(1.5)
    with pytest.raises(ValueError, match="mode"):
        L.RandomFlip("diagonal")
    with pytest.raises(ValueError, match="fill_mode"):
        L.RandomZoom(0.1, fill_mode="mirror")


def test_traced_function_draws_again_on_replay():
    layer = L.RandomRotation(0.3, seed=4)
    f = tf.function(lambda x: layer(x, training=True))
    x = tf.constant(IMG)
    assert not np.array_equal(f(x).numpy(), f(x).numpy())


def test_sequential_with_augmentation_trains_and_saves(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.random((16, 8, 8, 3)).astype("float32")
    y = rng.random((16, 1)).astype("float32")
    model = keras.Sequential(
        [
            keras.Input((8, 8, 3)),
            L.RandomFlip(seed=1),
            L.RandomRotation(0.1, seed=2),
            L.RandomZoom(0.1),
            L.RandomTranslation(0.1, 0.1),
            L.RandomContrast(0.2),
            L.RandomBrightness(0.1, value_range=(0, 1)),
            L.RandomCrop(6, 6),
            L.Resizing(7, 7),
            L.CenterCrop(6, 6),
            L.Conv2D(2, 3),
            L.Flatten(),
            L.Dense(1),
        ]
    )
    model.compile("adam", "mse")
    before = model.predict(x, verbose=0)
    np.testing.assert_allclose(model.predict(x, verbose=0), before)  # no augmentation at inference
    history = model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    path = str(tmp_path / "aug.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert [type(layer).__name__ for layer in loaded.layers] == [
        type(layer).__name__ for layer in model.layers
    ]
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
