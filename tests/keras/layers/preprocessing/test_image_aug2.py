"""RandAugment, AugMix, RandomElasticTransform and ContrastLimitedAdaptiveHistogramEqualization against
Keras 3.15 goldens (scripts/golden_image_aug2.py), plus draws, seeding, inference identity and config."""

import json
import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.backend import ops as B
from tensorflux.keras.layers.preprocessing.aug_mix import AugMix
from tensorflux.keras.layers.preprocessing.clahe import ContrastLimitedAdaptiveHistogramEqualization as CLAHE
from tensorflux.keras.layers.preprocessing.rand_augment import RandAugment
from tensorflux.keras.layers.preprocessing.random_elastic_transform import RandomElasticTransform

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "fixtures", "image_aug2")
IMAGES = np.round(np.random.default_rng(3).random((6, 10, 9, 3)) * 255).astype("float32")


def _load(name):
    with np.load(os.path.join(FIXTURES, f"{name}.npz"), allow_pickle=False) as f:
        g = {k: f[k] for k in f.files}
    return g, (json.loads(str(g["spec"])) if "spec" in g else None)


def _cases(prefix):
    return sorted(f[:-4] for f in os.listdir(FIXTURES) if f.startswith(prefix) and f.endswith(".npz"))


def _check_config(layer, keras_config):
    config = layer.get_config()
    for key, value in keras_config.items():
        if key != "name":
            assert json.loads(json.dumps(config[key])) == value, (key, config[key], value)


def _seeded_twice(layer, x):
    runs = []
    for _ in range(2):
        tf.random.set_seed(5)
        runs.append(type(layer).from_config(json.loads(json.dumps(layer.get_config())))(x).numpy())
    return runs


# -- CLAHE ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", _cases("clahe_"))
def test_clahe_matches_keras(case):
    g, spec = _load(case)
    layer = CLAHE(**spec["config"])
    for training in (True, False):  # deterministic, and applied at inference too (as Keras)
        y = layer(tf.constant(g["x"]), training=training)
        assert y.dtype == "float32" and tuple(y.shape) == g["y"].shape
        np.testing.assert_allclose(y.numpy(), g["y"], rtol=0, atol=1e-4)
    _check_config(layer, spec["keras_config"])
    again = CLAHE.from_config(json.loads(json.dumps(layer.get_config())))
    np.testing.assert_allclose(again(g["x"]).numpy(), g["y"], rtol=0, atol=1e-4)


def test_clahe_unbatched_and_output_shape():
    g, spec = _load("clahe_0")
    layer = CLAHE(**spec["config"])
    np.testing.assert_allclose(layer(g["x"][1]).numpy(), g["y"][1], rtol=0, atol=1e-4)
    assert layer.compute_output_shape((None, 16, 16, 3)) == (None, 16, 16, 3)


def test_clahe_flat_tiles_stay_flat_and_stretches_low_contrast():
    # one constant image: every tile's table maps the value to the same level
    flat = CLAHE(tile_grid_size=(2, 2))(np.full((1, 8, 8, 1), 100.0, "float32")).numpy()
    assert np.ptp(flat) == 0
    # a low-contrast ramp gets wider without clipping
    ramp = np.tile(np.linspace(100, 120, 16, dtype="float32"), (16, 1))[None, :, :, None]
    y = CLAHE(clip_limit=0.0, tile_grid_size=(1, 1))(ramp).numpy()
    assert np.ptp(y) > 5 * np.ptp(ramp)


@pytest.mark.parametrize(
    "kwargs",
    [{"tile_grid_size": (0, 2)}, {"tile_grid_size": 8}, {"value_range": (1, 1)}, {"clip_limit": "4"}],
)
def test_clahe_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError, match="ContrastLimitedAdaptiveHistogramEqualization"):
        CLAHE(**kwargs)


# -- RandomElasticTransform ----------------------------------------------------------------------------
@pytest.mark.parametrize("case", _cases("elastic_"))
def test_elastic_matches_keras_with_the_same_displacement_noise(case, monkeypatch):
    g, spec = _load(case)
    noise = g["noise"]
    # the layer's only unknown is its standard-normal draw: hand it Keras' planes
    monkeypatch.setattr(B, "normal", lambda rng, shape, mean, std, dtype: noise.astype(dtype))
    layer = RandomElasticTransform(seed=3, **spec["config"])
    y = layer(tf.constant(g["x"]))
    assert y.dtype == "float32" and tuple(y.shape) == g["y"].shape
    np.testing.assert_allclose(y.numpy(), g["y"], rtol=1e-5, atol=1e-3)
    _check_config(layer, spec["keras_config"])


def test_elastic_identity_settings():
    x = IMAGES * 2 - 100  # outside value_range: nothing is clipped when nothing is applied
    for layer in (RandomElasticTransform(factor=0.0), RandomElasticTransform(scale=0.0)):
        np.testing.assert_array_equal(layer(x).numpy(), x)
    np.testing.assert_array_equal(RandomElasticTransform(seed=1)(x, training=False).numpy(), x)


def test_elastic_per_image_probability_seeding_and_range():
    x = np.round(np.random.default_rng(1).random((16, 12, 12, 3)) * 255).astype("float32")
    layer = RandomElasticTransform(factor=(0.5, 0.5), seed=2)
    y = layer(x).numpy()
    changed = [not np.array_equal(a, b) for a, b in zip(y, x)]
    assert 2 <= sum(changed) <= 14, changed
    assert y.min() >= 0 and y.max() <= 255
    a, b = _seeded_twice(layer, x)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(layer(x).numpy(), layer(x).numpy())
    # unbatched and channels_first
    assert tuple(RandomElasticTransform(seed=1)(x[0]).shape) == (12, 12, 3)
    cf = RandomElasticTransform(seed=1, data_format="channels_first")(x.transpose(0, 3, 1, 2))
    assert tuple(cf.shape) == (16, 3, 12, 12)


@pytest.mark.parametrize("kwargs", [{"fill_mode": "edge"}, {"interpolation": "cubic"}, {"factor": 1.5}])
def test_elastic_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError, match="RandomElasticTransform"):
        RandomElasticTransform(**kwargs)


# -- RandAugment and AugMix ------------------------------------------------------------------------------
def _candidates():
    g, spec = _load("candidates")
    return g["x"], g["y"], spec


def _nearest(stack, y):
    d = np.abs(stack - y[None]).reshape(len(stack), -1).max(1)
    return int(d.argmin()), float(d.min())


def test_rand_augment_picks_one_keras_operation_per_batch():
    x, stack, _ = _candidates()
    layer = RandAugment(factor=0.0, num_ops=1, seed=4)
    seen = set()
    for _ in range(40):
        k, err = _nearest(stack, layer(x).numpy())  # the whole batch matches one operation
        assert err < 1e-3
        seen.add(k)
    # 0: the six operations that are the identity at factor 0, then sharpness .. equalization
    assert seen == {0, 6, 7, 8, 9, 10}


def test_rand_augment_two_operations_compose():
    x, _, _ = _candidates()
    layer = RandAugment(factor=0.0, num_ops=2, seed=4)
    rng = B.generator(0)  # every operation is deterministic at factor 0 (and checked against Keras above)
    firsts = [sampler(rng, x, *args) for sampler, args in layer._ops]
    pairs = np.stack([sampler(rng, first, *args) for first in firsts for sampler, args in layer._ops])
    for _ in range(20):
        assert _nearest(pairs, layer(x).numpy())[1] < 1e-3


def test_rand_augment_repeats_an_operations_draw_and_aug_mix_does_not():
    draws = []

    def record(rng, x):
        draws.append(float(rng.random()))
        return x

    layer = RandAugment(num_ops=4, seed=2)
    layer._ops = ((record, ()),)  # one candidate: every pick is the same operation
    layer(IMAGES)
    assert len(draws) == 4 and len(set(draws)) == 1
    draws.clear()
    mix = AugMix(num_chains=2, chain_depth=3, all_ops=False, seed=2)
    mix._ops = ((record, ()),)
    for _ in range(3):
        mix(IMAGES)
    assert len(set(draws)) == len(draws) > 1


def test_rand_augment_config_and_identities():
    _, _, spec = _candidates()
    layer = RandAugment(seed=7)
    _check_config(layer, spec["keras_configs"]["RandAugment"])
    np.testing.assert_array_equal(RandAugment(num_ops=0)(IMAGES).numpy(), IMAGES)
    np.testing.assert_array_equal(layer(IMAGES, training=False).numpy(), IMAGES)


@pytest.mark.parametrize("cls", [RandAugment, AugMix])
def test_strong_augmentation_keeps_shape_dtype_range_and_is_seeded(cls):
    layer = cls(factor=1.0, seed=3)
    y = layer(IMAGES).numpy()
    assert y.shape == IMAGES.shape and y.dtype == np.float32
    assert y.min() >= 0 and y.max() <= 255
    unit = cls(factor=1.0, value_range=(0, 1), seed=3)(IMAGES / 255).numpy()
    assert unit.min() >= 0 and unit.max() <= 1
    a, b = _seeded_twice(layer, IMAGES)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(layer(IMAGES).numpy(), layer(IMAGES).numpy())
    assert tuple(layer(IMAGES[0]).shape) == IMAGES.shape[1:]
    cf = cls(factor=1.0, seed=3, data_format="channels_first")(IMAGES.transpose(0, 3, 1, 2))
    assert tuple(cf.shape) == (6, 3, 10, 9)
    with pytest.raises(ValueError, match="3 channels"):
        layer(IMAGES[..., :1])


def _blend_fit(x, parts, y):
    """Least-squares weights of ``y - x`` on ``part - x``: the residual and the weights."""
    a = np.stack([(p - x).ravel() for p in parts], axis=1).astype("float64")
    w, *_ = np.linalg.lstsq(a, (y - x).ravel().astype("float64"), rcond=None)
    return float(np.abs(a @ w - (y - x).ravel()).max()), w


def test_aug_mix_blends_the_input_with_one_chain():
    x, stack, _ = _candidates()
    layer = AugMix(factor=0.0, num_chains=1, chain_depth=1, seed=6)
    for _ in range(30):
        y = layer(x).numpy()
        fits = [_blend_fit(x, [c], y) for c in stack]
        err, w = min(fits, key=lambda f: f[0])
        if np.abs(y - x).max() > 1e-3:  # the chain's step was "no operation" otherwise
            assert err < 1e-2 and 0 <= w[0] <= 1 + 1e-6


def test_aug_mix_mixes_chains_convexly():
    x, stack, _ = _candidates()
    options = np.concatenate([stack, x[None]])
    layer = AugMix(factor=0.0, num_chains=2, chain_depth=1, seed=8)
    for _ in range(6):
        y = layer(x).numpy()
        best = min(
            (_blend_fit(x, [options[i], options[j]], y) for i in range(12) for j in range(i, 12)),
            key=lambda f: f[0],
        )
        assert best[0] < 1e-2 and np.all(best[1] >= -1e-6) and best[1].sum() <= 1 + 1e-6


def test_aug_mix_config_identity_and_grayscale_without_colour_ops():
    _, _, spec = _candidates()
    layer = AugMix(seed=7)
    _check_config(layer, spec["keras_configs"]["AugMix"])
    np.testing.assert_array_equal(layer(IMAGES, training=False).numpy(), IMAGES)
    gray = IMAGES[..., :1]
    y = AugMix(all_ops=False, seed=1)(gray).numpy()
    assert y.shape == gray.shape and 0 <= y.min() and y.max() <= 255


@pytest.mark.parametrize(
    "make",
    [
        lambda: RandAugment(num_ops=-1),
        lambda: RandAugment(factor=2.0),
        lambda: RandAugment(interpolation="bicubic"),
        lambda: AugMix(num_chains=0),
        lambda: AugMix(alpha=0.0),
    ],
)
def test_mixers_reject_bad_arguments(make):
    with pytest.raises(ValueError, match="RandAugment|AugMix"):
        make()


def test_layers_in_a_model_pass_through_at_predict():
    keras = tf.keras
    inputs = keras.Input((10, 9, 3))
    out = CLAHE(tile_grid_size=(2, 2))(
        RandAugment(seed=1)(AugMix(seed=1)(RandomElasticTransform(seed=1)(inputs)))
    )
    model = keras.Model(inputs, out)
    expected = CLAHE(tile_grid_size=(2, 2))(IMAGES).numpy()
    np.testing.assert_allclose(model.predict(IMAGES, verbose=0), expected, rtol=0, atol=1e-4)


@pytest.mark.parametrize(
    "cls, kwargs",
    [
        (AugMix, {"num_chains": 2, "factor": (0.1, 0.4), "seed": 3}),
        (CLAHE, {"tile_grid_size": (2, 3), "clip_limit": 2.0}),
        (RandAugment, {"num_ops": 3, "value_range": (0, 1), "interpolation": "nearest"}),
        (RandomElasticTransform, {"scale": (0.2, 0.5), "fill_mode": "constant", "fill_value": 3.0}),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_save_and_load_round_trip(cls, kwargs, tmp_path):
    keras = tf.keras
    inputs = keras.Input((6, 6, 3))
    model = keras.Model(inputs, cls(**kwargs)(inputs))
    path = str(tmp_path / "model.keras")
    model.save(path)
    custom = {c.__name__: c for c in (AugMix, CLAHE, RandAugment, RandomElasticTransform)}
    loaded = keras.models.load_model(path, custom_objects=custom)
    assert loaded.layers[-1].get_config() == model.layers[-1].get_config()
    x = IMAGES[:2, :6, :6]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    layer = loaded.layers[-1]
    tf.random.set_seed(1)
    a = layer(x).numpy()
    tf.random.set_seed(1)
    np.testing.assert_array_equal(a, cls(**kwargs)(x).numpy())


@pytest.mark.parametrize(
    "module",
    [
        "tensorflux.keras.layers.preprocessing.clahe",
        "tensorflux.keras.layers.preprocessing.random_elastic_transform",
        "tensorflux.keras.layers.preprocessing.rand_augment",
        "tensorflux.keras.layers.preprocessing.aug_mix",
    ],
)
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
