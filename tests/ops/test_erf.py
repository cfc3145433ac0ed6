"""The vectorized erf against Python's math.erf on a dense grid."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.backend import ops as B


def test_erf_float64_matches_math_erf_to_a_few_ulp():
    x = np.concatenate(
        [
            np.linspace(-30.0, 30.0, 400_001),
            np.geomspace(1e-300, 1.0, 2_001),
            -np.geomspace(1e-300, 1.0, 2_001),
            [0.46875, -0.46875, 4.0, -4.0, 26.5, 27.5],  # the edges of Cody's three ranges
        ]
    )
    ref = np.array([math.erf(v) for v in x])
    got = B.erf(x)
    ulps = np.abs(got - ref) / np.spacing(np.abs(ref))
    assert ulps.max() <= 6, f"max error {ulps.max()} ulp at x={x[ulps.argmax()]}"


def test_erf_special_values():
    got = B.erf(np.array([0.0, -0.0, np.inf, -np.inf, np.nan]))
    np.testing.assert_array_equal(got[:4], [0.0, -0.0, 1.0, -1.0])
    assert np.signbit(got[1])
    assert np.isnan(got[4])


@pytest.mark.parametrize("n", [3, 1024, 1025, 5000])
def test_erf_small_and_large_paths_agree(n):
    x = np.linspace(-6.0, 6.0, n)
    np.testing.assert_allclose(B.erf(x), [math.erf(v) for v in x], rtol=1e-15, atol=1e-300)


def test_erf_float32_and_shapes():
    x = np.linspace(-5, 5, 1001, dtype=np.float32).reshape(7, 11, 13)
    got = B.erf(x)
    assert got.dtype == np.float32 and got.shape == x.shape
    ref = np.array([math.erf(float(v)) for v in x.reshape(-1)]).reshape(x.shape)
    np.testing.assert_allclose(got, ref, atol=4e-7)
    assert B.erf(np.float32(0.5)).dtype == np.float32
    np.testing.assert_allclose(B.erf(np.array(0.5)), math.erf(0.5), rtol=1e-15)


def test_tf_math_erf():
    y = tf.math.erf(tf.constant([-1.0, 0.0, 0.5]))
    assert y.dtype == tf.float32
    np.testing.assert_allclose(y.numpy(), [math.erf(-1.0), 0.0, math.erf(0.5)], rtol=1e-6)
