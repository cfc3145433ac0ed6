"""RandomShear, RandomGaussianBlur, MixUp, CutMix, Equalization, RandomPerspective: Keras goldens
(tests/fixtures/geometric_mix, from scripts/golden_geometric_mix.py), draws, seeding and configs."""

import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras.layers.preprocessing.cut_mix import CutMix
from tensorflux.keras.layers.preprocessing.equalization import Equalization
from tensorflux.keras.layers.preprocessing.mix_up import MixUp
from tensorflux.keras.layers.preprocessing.random_gaussian_blur import RandomGaussianBlur
from tensorflux.keras.layers.preprocessing.random_perspective import RandomPerspective, _perspective
from tensorflux.keras.layers.preprocessing.random_shear import RandomShear, _shear

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "geometric_mix")


def _golden(name):
    with np.load(os.path.join(FIXTURES, name + ".npz")) as f:
        return {k: f[k] for k in f.files}


ALL = [RandomShear, RandomGaussianBlur, MixUp, CutMix, Equalization, RandomPerspective]


# -- Keras goldens ---------------------------------------------------------------------------------
@pytest.mark.parametrize("fill", ["reflect", "constant", "nearest", "wrap"])
@pytest.mark.parametrize("interp", ["bilinear", "nearest"])
def test_shear_warp_matches_keras(fill, interp):
    g = _golden("shear")
    sf = g["shear"].astype("float64")
    y = _shear(g["x"], sf[:, 0], sf[:, 1], interp, fill, 9.0)
    np.testing.assert_allclose(y, g[f"{fill}_{interp}"], rtol=1e-5, atol=1e-3)


def test_shear_layer_gives_one_of_the_two_signed_shears():
    g = _golden("shear")
    x = g["x"][:1]
    plus = _shear(x, np.array([0.3]), np.array([0.0]), "bilinear", "reflect", 0.0)
    minus = _shear(x, np.array([-0.3]), np.array([0.0]), "bilinear", "reflect", 0.0)
    layer = RandomShear(x_factor=(0.3, 0.3), seed=3)
    seen = set()
    for _ in range(12):
        y = layer(x).numpy()
        same = [np.allclose(y, plus, atol=1e-4), np.allclose(y, minus, atol=1e-4)]
        assert any(same)
        seen.add(same.index(True))
    assert seen == {0, 1}  # the random sign takes both values


@pytest.mark.parametrize("k", [3, 5])
def test_blur_matches_keras(k):
    g = _golden("blur")
    s = 0.5 if k == 3 else 0.8
    y = RandomGaussianBlur(factor=(1.0, 1.0), kernel_size=k, sigma=(s, s), seed=1)(g["x"])
    np.testing.assert_allclose(y.numpy(), g[f"k{k}"], rtol=1e-5, atol=1e-3)


def test_blur_channels_first_and_clipping_match_keras():
    g = _golden("blur")
    layer = RandomGaussianBlur(
        factor=(1.0, 1.0), sigma=(0.6, 0.6), value_range=(0.2, 0.8), data_format="channels_first"
    )
    y = layer(g["xf"]).numpy()
    np.testing.assert_allclose(y, g["cf"], rtol=1e-5, atol=1e-6)
    assert y.min() >= 0.2 and y.max() <= 0.8


def test_mix_up_matches_keras_for_a_fixed_draw():
    g = _golden("mix_up")
    params = tf.constant(np.stack([g["perm"], g["w"]], axis=1).astype("float64"))
    layer = MixUp()
    perm = tf.constant(g["perm"])
    y = layer._mix_images(tf.constant(g["x"]), perm, params)
    lab = layer._mix_labels(tf.constant(g["labels"]), perm, params[:, 1])
    np.testing.assert_allclose(y.numpy(), g["images"], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(lab.numpy(), g["out_labels"], rtol=1e-6, atol=1e-6)


def test_cut_mix_matches_keras_for_a_fixed_box():
    g = _golden("cut_mix")
    h, w = g["x"].shape[1:3]
    box = g["box"].astype("float64")
    weight = 1.0 - (box[:, 1] - box[:, 0]) * (box[:, 3] - box[:, 2]) / (h * w)
    np.testing.assert_allclose(weight, g["weight"].ravel(), rtol=1e-6)
    params = tf.constant(np.concatenate([g["perm"][:, None], weight[:, None], box], axis=1))
    layer, perm = CutMix(), tf.constant(g["perm"])
    y = layer._mix_images(tf.constant(g["x"]), perm, params)
    lab = layer._mix_labels(tf.constant(g["labels"]), perm, params[:, 1])
    np.testing.assert_array_equal(y.numpy(), g["images"])
    np.testing.assert_allclose(lab.numpy(), g["out_labels"], rtol=1e-6, atol=1e-6)


def test_equalization_matches_keras():
    g = _golden("equalization")
    np.testing.assert_allclose(Equalization()(g["x"]).numpy(), g["default"], atol=1e-4)
    np.testing.assert_array_equal(Equalization()(g["x"]).numpy()[..., 2], g["x"][..., 2])
    unit = Equalization(value_range=(0, 1), bins=64)(g["x01"]).numpy()
    np.testing.assert_allclose(unit, g["unit"], atol=1e-6)
    cf = Equalization(value_range=(0, 1), data_format="channels_first")(np.transpose(g["x01"], (0, 3, 1, 2)))
    np.testing.assert_allclose(cf.numpy(), g["cf"], atol=1e-6)


@pytest.mark.parametrize("interp", ["bilinear", "nearest"])
def test_perspective_warp_matches_keras(interp):
    g = _golden("perspective")
    y = _perspective(g["x"], g["start"].astype("float64"), g["end"].astype("float64"), interp, 3.0)
    # Keras solves the corner system in float32: allow for it at the image borders
    np.testing.assert_allclose(y, g[interp], rtol=1e-3, atol=0.05)


def test_perspective_with_zero_scale_is_identity():
    x = np.random.RandomState(0).uniform(0, 1, (2, 5, 6, 3)).astype("float32")
    y = RandomPerspective(factor=(1.0, 1.0), scale=0.0, seed=1)(x)
    np.testing.assert_allclose(y.numpy(), x, atol=1e-5)


# -- training flag, draws, seeding ----------------------------------------------------------------
def _make(cls, seed=None):
    kwargs = {
        RandomShear: {"x_factor": 0.3, "y_factor": 0.3},
        RandomGaussianBlur: {"factor": (1.0, 1.0)},
        RandomPerspective: {"factor": (1.0, 1.0), "scale": 0.5},
    }.get(cls, {})
    if cls is not Equalization:
        kwargs["seed"] = seed
    return cls(**kwargs)


@pytest.mark.parametrize("cls", ALL)
def test_inference_passes_through_and_default_call_augments(cls):
    x = np.random.RandomState(1).uniform(0, 255, (4, 6, 6, 3)).astype("float32")
    layer = _make(cls, seed=5)
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
    assert not np.allclose(layer(x).numpy(), x)
    assert layer(x).shape == x.shape
    assert layer(x[0]).shape == x[0].shape  # one unbatched image


@pytest.mark.parametrize("cls", [RandomShear, RandomGaussianBlur, MixUp, CutMix, RandomPerspective])
def test_seeded_layers_repeat_under_the_global_seed(cls):
    x = np.random.RandomState(2).uniform(0, 255, (4, 6, 6, 3)).astype("float32")
    tf.random.set_seed(11)
    a = _make(cls, seed=4)
    first = [a(x).numpy() for _ in range(2)]
    tf.random.set_seed(11)
    b = _make(cls, seed=4)
    second = [b(x).numpy() for _ in range(2)]
    for u, v in zip(first, second):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(first[0], first[1])


def test_mix_up_blends_images_and_labels_with_one_draw():
    levels = np.arange(6, dtype="float32")
    x = np.broadcast_to(levels[:, None, None, None], (6, 3, 3, 1)).copy()
    labels = np.eye(6, dtype="float32")
    out = MixUp(alpha=1.0, seed=2)({"images": x, "labels": labels})
    img, lab = out["images"].numpy(), out["labels"].numpy()
    np.testing.assert_allclose(lab.sum(axis=1), 1.0, rtol=1e-6)
    # each image is a constant: the label-weighted mean of the levels
    np.testing.assert_allclose(img[:, 0, 0, 0], lab @ levels, rtol=1e-5, atol=1e-5)
    assert np.all(img == img[:, :1, :1])
    assert (lab > 0).sum(axis=1).max() <= 2


def test_mix_up_weights_follow_the_beta_law():
    x = tf.constant(np.zeros((4000, 1, 1, 1), "float32"))
    w = MixUp(alpha=0.5, seed=1)._params(x).numpy()[:, 1]
    assert np.all((w >= 0) & (w <= 1))
    assert abs(w.mean() - 0.5) < 0.03
    assert abs(w.var() - 0.125) < 0.01  # Beta(a, a): 1 / (4 (2a + 1))
    tiny = MixUp(alpha=1e-9, seed=1)._params(x).numpy()[:, 1]
    assert np.all(np.isfinite(tiny))


def test_cut_mix_pastes_one_box_and_weights_labels_by_area():
    x = np.broadcast_to(np.arange(5, dtype="float32")[:, None, None, None], (5, 8, 8, 1)).copy()
    out = CutMix(seed=3)({"images": x, "labels": np.eye(5, dtype="float32")})
    img, lab = out["images"].numpy()[..., 0], out["labels"].numpy()
    for i in range(5):
        pasted = img[i] != i
        if pasted.any():
            rows, cols = np.nonzero(pasted)
            assert pasted[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1].all()  # a rectangle
            assert len(np.unique(img[i][pasted])) == 1
            assert lab[i, i] < 1
        np.testing.assert_allclose(lab[i].sum(), 1.0, rtol=1e-6)


def test_blur_probability_and_sigma_draws():
    x = np.random.RandomState(3).uniform(0, 255, (400, 5, 5, 1)).astype("float32")
    y = RandomGaussianBlur(factor=0.5, seed=1)(x).numpy()
    changed = np.any(y != x, axis=(1, 2, 3)).mean()
    assert 0.15 < changed < 0.35  # probability p ~ U(0, 0.5): 1/4 on average


def test_perspective_keeps_top_left_corner_and_applies_with_probability():
    x = np.random.RandomState(4).uniform(1, 255, (300, 6, 6, 1)).astype("float32")
    y = RandomPerspective(factor=0.5, scale=0.6, seed=2)(x).numpy()
    np.testing.assert_allclose(y[:, 0, 0], x[:, 0, 0], rtol=1e-5)
    changed = np.any(np.abs(y - x) > 1e-3, axis=(1, 2, 3)).mean()
    assert 0.15 < changed < 0.35


# -- errors, configs, exports ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make",
    [
        lambda: RandomShear(x_factor=1.5),
        lambda: RandomShear(fill_mode="mirror"),
        lambda: RandomGaussianBlur(kernel_size=4),
        lambda: RandomGaussianBlur(sigma=2.0),
        lambda: MixUp(alpha=0.0),
        lambda: CutMix(factor=-0.5),
        lambda: Equalization(value_range=(1, 1)),
        lambda: RandomPerspective(scale=2.0),
    ],
)
def test_bad_arguments_raise(make):
    with pytest.raises(ValueError):
        make()


def test_bad_inputs_name_the_layer():
    with pytest.raises(ValueError, match="MixUp"):
        MixUp()({"images": np.zeros((2, 3, 3, 1), "float32"), "boxes": 1})
    with pytest.raises(ValueError, match="CutMix"):
        CutMix()({"images": np.zeros((2, 3, 3, 1), "float32"), "labels": np.zeros((3, 2), "float32")})
    with pytest.raises(ValueError, match="RandomShear"):
        RandomShear(0.2)(np.zeros((3, 3), "float32"))


@pytest.mark.parametrize("cls", ALL)
def test_config_round_trip(cls):
    layer = _make(cls, seed=7)
    config = layer.get_config()
    clone = cls.from_config(config)
    assert clone.get_config() == config


def test_keras_defaults():
    assert RandomShear().get_config()["x_factor"] == 0.0 and RandomShear(0.2).x_factor == (-0.2, 0.2)
    blur = RandomGaussianBlur().get_config()
    assert (blur["factor"], blur["kernel_size"], blur["sigma"], blur["value_range"]) == (
        [0.0, 1.0],
        [3, 3],
        [0.0, 1.0],
        [0.0, 255.0],
    )
    assert MixUp().alpha == 0.2 and CutMix().factor == (0.0, 1.0)
    assert Equalization().bins == 256 and RandomPerspective().scale == 1.0


@pytest.mark.parametrize("cls", ALL)
def test_exported_under_keras_layers(cls):
    assert getattr(tf.keras.layers, cls.__name__) is cls
