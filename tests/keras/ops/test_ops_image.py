"""keras.ops.image (resize, crop_images, pad_images, rgb_to_grayscale, extract_patches) against Keras 3
goldens (scripts/golden_keras_ops_e.py), finite differences and symbolic use."""

import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import ops
from tensorflux.keras.ops import image
from tensorflux.testing import check_gradients

G = dict(np.load(os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "keras_ops", "e_image.npz")))
img = G["in_img"]
CF = (0, 3, 1, 2)

CASES = {
    "resize_bilinear": lambda: image.resize(img, (9, 4)),
    "resize_nearest": lambda: image.resize(img, (3, 7), interpolation="nearest"),
    "resize_cf": lambda: image.resize(np.transpose(img, CF), (4, 4), data_format="channels_first"),
    "crop": lambda: image.crop_images(img, top_cropping=1, left_cropping=2, target_height=3, target_width=2),
    "crop_br": lambda: image.crop_images(
        img[0], bottom_cropping=2, right_cropping=1, top_cropping=1, left_cropping=0
    ),
    "pad": lambda: image.pad_images(img, top_padding=1, left_padding=2, target_height=9, target_width=8),
    "pad_br": lambda: image.pad_images(img, bottom_padding=2, right_padding=1, top_padding=0, left_padding=3),
    "gray": lambda: image.rgb_to_grayscale(img),
    "gray_cf": lambda: image.rgb_to_grayscale(np.transpose(img, CF), data_format="channels_first"),
    "patches": lambda: image.extract_patches(img, 2),
    "patches_same": lambda: image.extract_patches(img, (3, 2), strides=(2, 1), padding="same"),
    "rgb_to_hsv": lambda: image.rgb_to_hsv(G["in_hsv_img"]),
    "hsv_to_rgb": lambda: image.hsv_to_rgb(img),
    "blur": lambda: image.gaussian_blur(img),
    "blur_rect": lambda: image.gaussian_blur(img, kernel_size=(5, 3), sigma=(1.5, 0.7)),
    "affine_nearest_interp": lambda: image.affine_transform(
        img, G["in_transform"][1], interpolation="nearest"
    ),
    "mapc_1_constant": lambda: image.map_coordinates(img[0, :, :, 0], G["in_coords"], 1, fill_value=-1.0),
    "mapc_0_constant": lambda: image.map_coordinates(img[0, :, :, 0], G["in_coords"], 0),
    "mapc_1_nearest": lambda: image.map_coordinates(img[0, :, :, 0], G["in_coords"], 1, fill_mode="nearest"),
    "perspective": lambda: image.perspective_transform(img, G["in_start"], G["in_end"], fill_value=0.5),
    "perspective_nearest": lambda: image.perspective_transform(
        img,
        np.stack([G["in_start"], G["in_end"]]),
        np.stack([G["in_end"], G["in_start"]]),
        interpolation="nearest",
    ),
}
for _mode in ("constant", "nearest", "wrap", "reflect"):
    CASES[f"affine_{_mode}"] = lambda m=_mode: image.affine_transform(
        img, G["in_transform"], fill_mode=m, fill_value=0.25
    )


def test_every_golden_has_a_case():
    assert sorted(CASES) == sorted(k[4:] for k in G if k.startswith("out_"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_keras(name):
    got = ops.convert_to_numpy(CASES[name]())
    want = G["out_" + name]
    assert got.shape == want.shape
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


R = np.random.default_rng(3)


@pytest.mark.parametrize(
    "f, shape",
    [
        (lambda x: image.resize(x, (5, 3)), (1, 3, 4, 2)),
        (lambda x: image.crop_images(x, 1, 1, target_height=2, target_width=2), (2, 4, 4, 1)),
        (lambda x: image.pad_images(x, 1, 2, 0, 1), (4, 3, 3)),
        (image.rgb_to_grayscale, (1, 2, 2, 3)),
        (lambda x: image.extract_patches(x, 2, strides=1, padding="same"), (1, 3, 3, 2)),
        (lambda x: image.rgb_to_hsv(x * 0.3 + 0.5), (1, 2, 2, 3)),
        (lambda x: image.hsv_to_rgb(x * 0.1 + 0.5), (2, 2, 3)),
        (lambda x: image.gaussian_blur(x, (3, 5), (0.8, 1.3)), (1, 4, 5, 2)),
        (lambda x: image.map_coordinates(x, [[0.3, 1.7, 4.5], [2.2, -0.4, 1.0]], 1), (4, 3)),
    ],
)
def test_gradients(f, shape):
    check_gradients(f, [R.standard_normal(shape)])


def test_map_coordinates_gradient_in_coordinates():
    x = R.standard_normal((4, 3))
    check_gradients(
        lambda c: image.map_coordinates(x, c, 1, fill_mode="nearest"), [np.array([[0.3, 1.7], [1.2, 0.6]])]
    )


def test_submodule_and_symbolic():
    assert ops.image.resize is image.resize
    inp = keras.Input((6, 5, 3))
    model = keras.Model(
        inp, image.rgb_to_grayscale(image.pad_images(inp, 1, 2, target_height=9, target_width=8))
    )
    want = image.rgb_to_grayscale(G["out_pad"]).numpy()
    np.testing.assert_allclose(model(img).numpy(), want, rtol=1e-6)

    @tf.function
    def f(x):
        return image.extract_patches(x, 2)

    np.testing.assert_allclose(f(tf.constant(img)).numpy(), G["out_patches"], rtol=1e-6)


def test_errors():
    with pytest.raises(ValueError, match="crop_images: give exactly two"):
        image.crop_images(img, top_cropping=1)
    with pytest.raises(ValueError, match="rank 3"):
        image.resize(img[0, 0], (2, 2))
    with pytest.raises(ValueError, match="rgb_to_grayscale: images must have 3 channels"):
        image.rgb_to_grayscale(img[..., :2])
