"""Initializers: Keras 3 formulas and defaults, seeds, lookup by name."""

import math
import random

import numpy as np
import pytest

from tensorflux import keras
from tensorflux.keras import initializers as I


def _arr(init, shape, dtype="float32"):
    return np.asarray(init(shape, dtype=dtype))


@pytest.mark.parametrize(
    "cls, scale, mode, dist",
    [
        (I.GlorotUniform, 1.0, "fan_avg", "uniform"),
        (I.GlorotNormal, 1.0, "fan_avg", "normal"),
        (I.HeUniform, 2.0, "fan_in", "uniform"),
        (I.HeNormal, 2.0, "fan_in", "normal"),
        (I.LecunUniform, 1.0, "fan_in", "uniform"),
        (I.LecunNormal, 1.0, "fan_in", "normal"),
    ],
)
def test_variance_scaling_presets(cls, scale, mode, dist):
    shape = (400, 300)
    fan_in, fan_out = shape
    fan = {"fan_in": fan_in, "fan_avg": (fan_in + fan_out) / 2}[mode]
    var = scale / fan
    w = _arr(cls(seed=1), shape)
    assert w.dtype == np.float32
    if dist == "uniform":
        limit = math.sqrt(3 * var)
        assert np.abs(w).max() <= limit and np.abs(w).max() > 0.99 * limit
    else:  # truncated at two standard deviations of the untruncated normal
        assert np.abs(w).max() <= 2 * math.sqrt(var) / 0.87962566103423978 + 1e-6
    assert np.var(w) == pytest.approx(var, rel=0.03)
    assert cls(seed=1).get_config() == {"seed": 1}


def test_fans_of_conv_kernels():
    assert I.compute_fans((3, 3, 4, 8)) == (36, 72)
    assert I.compute_fans((5,)) == (5, 5)
    assert I.compute_fans(()) == (1, 1)
    w = _arr(I.GlorotUniform(seed=0), (3, 3, 16, 32))
    assert np.abs(w).max() <= math.sqrt(6 / (9 * 16 + 9 * 32))


def test_variance_scaling_modes_and_errors():
    w = _arr(
        I.VarianceScaling(scale=3.0, mode="fan_out", distribution="untruncated_normal", seed=0), (200, 500)
    )
    assert np.std(w) == pytest.approx(math.sqrt(3.0 / 500), rel=0.03)
    with pytest.raises(ValueError, match="scale=-1"):
        I.VarianceScaling(scale=-1)
    with pytest.raises(ValueError, match="mode=fan_middle"):
        I.VarianceScaling(mode="fan_middle")
    with pytest.raises(ValueError, match="distribution=cauchy"):
        I.VarianceScaling(distribution="cauchy")


def test_random_defaults():
    assert np.std(_arr(I.RandomNormal(seed=0), (100000,))) == pytest.approx(0.05, rel=0.02)
    u = _arr(I.RandomUniform(seed=0), (100000,))
    assert u.min() >= -0.05 and u.max() < 0.05 and u.max() > 0.0499
    t = _arr(I.TruncatedNormal(seed=0), (100000,))
    assert np.abs(t).max() <= 0.1
    assert I.RandomNormal().get_config() == {"mean": 0.0, "stddev": 0.05, "seed": None}


def test_constant_initializers():
    np.testing.assert_array_equal(_arr(I.Zeros(), (2, 2)), np.zeros((2, 2)))
    np.testing.assert_array_equal(_arr(I.Ones(), (3,)), np.ones(3))
    np.testing.assert_array_equal(_arr(I.Constant(2.5), (2,)), [2.5, 2.5])
    np.testing.assert_array_equal(_arr(I.Identity(gain=2.0), (2, 3)), 2 * np.eye(2, 3))
    with pytest.raises(ValueError, match="2D"):
        I.Identity()((2, 2, 2))


def test_orthogonal():
    q = _arr(I.Orthogonal(gain=2.0, seed=3), (6, 4), "float64")
    np.testing.assert_allclose(q.T @ q, 4 * np.eye(4), atol=1e-10)
    wide = _arr(I.Orthogonal(seed=3), (3, 5), "float64")
    np.testing.assert_allclose(wide @ wide.T, np.eye(3), atol=1e-10)
    with pytest.raises(ValueError, match="rank 2"):
        I.Orthogonal()((4,))


def test_seeds_repeat():
    a = I.GlorotUniform(seed=7)
    np.testing.assert_array_equal(_arr(a, (3, 4)), _arr(a, (3, 4)))  # same instance, same values (Keras 3)
    np.testing.assert_array_equal(_arr(a, (3, 4)), _arr(I.GlorotUniform(seed=7), (3, 4)))
    assert not np.array_equal(_arr(I.GlorotUniform(), (3, 4)), _arr(I.GlorotUniform(), (3, 4)))
    keras.utils.set_random_seed(5)
    first = _arr(I.HeNormal(), (3, 4))
    keras.utils.set_random_seed(5)
    np.testing.assert_array_equal(first, _arr(I.HeNormal(), (3, 4)))
    random.seed()


def test_get_by_name_class_dict_and_errors():
    assert isinstance(I.get("glorot_uniform"), I.GlorotUniform)
    assert isinstance(I.get("GlorotUniform"), I.GlorotUniform)
    assert isinstance(I.get("normal"), I.RandomNormal)
    assert isinstance(I.get(I.Zeros), I.Zeros)
    init = I.get(
        {
            "module": "keras.initializers",
            "class_name": "RandomUniform",
            "config": {"minval": 0.0, "maxval": 1.0, "seed": 2},
        }
    )
    assert isinstance(init, I.RandomUniform) and init.maxval == 1.0
    assert I.serialize(I.Zeros()) == {
        "module": "keras.initializers",
        "class_name": "Zeros",
        "config": {},
        "registered_name": None,
    }
    with pytest.raises(ValueError, match="Unknown initializer: 'glorot'.*glorot_uniform.*he_normal"):
        I.get("glorot")
    fn = I.get(np.ones((2, 2), "float32"))
    np.testing.assert_array_equal(np.asarray(fn((2, 2))), np.ones((2, 2)))
