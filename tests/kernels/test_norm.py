"""Normalization: fused batch norm and layer norm against PyTorch, moments and batch_normalization against
TensorFlow, finite differences and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from _kernel_goldens import cases, check_golden

import tensorflux as tf
from tensorflux.ops.norm_ops import fused_batch_norm, layer_norm
from tensorflux.testing import check_gradients

NORM = cases("norm.npz")
rng = np.random.default_rng(2)


@pytest.mark.parametrize("case", [c for c in NORM if c.startswith("batch_norm_")])
def test_fused_batch_norm_matches_golden(case):
    data = NORM[case]
    eps = data["params"]["epsilon"]
    check_golden(
        lambda x, s, o: fused_batch_norm(x, s, o, epsilon=eps)[0],
        data,
        ["x", "scale", "offset"],
        ["x", "scale", "offset"],
    )
    _, mean, var = fused_batch_norm(data["x"], data["scale"], data["offset"], epsilon=eps)
    np.testing.assert_allclose(mean.numpy(), data["mean"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(var.numpy(), data["var"], rtol=1e-5, atol=1e-6)  # biased, as Keras


@pytest.mark.parametrize("case", [c for c in NORM if c.startswith("layer_norm_")])
def test_layer_norm_matches_golden(case):
    data = NORM[case]
    p = data["params"]
    check_golden(
        lambda x, g, b: layer_norm(x, g, b, p["axes"], p["epsilon"]),
        data,
        ["x", "gamma", "beta"],
        ["x", "gamma", "beta"],
    )


def test_moments_and_batch_normalization_match_golden():
    for i, name in enumerate(("moments_mean", "moments_var")):
        data = NORM[name]
        check_golden(lambda x, i=i: tf.nn.moments(x, axes=[0, 2])[i], data, ["x"], ["x"])
    data = NORM["batch_normalization"]
    names = ["x", "mean", "var", "offset", "scale"]
    check_golden(lambda x, m, v, o, s: tf.nn.batch_normalization(x, m, v, o, s, 1e-3), data, names, names)


def test_fused_batch_norm_finite_differences_all_outputs():
    x, s, o = rng.standard_normal((3, 2, 2, 3)), rng.standard_normal(3), rng.standard_normal(3)
    check_gradients(lambda x, s, o: fused_batch_norm(x, s, o, epsilon=1e-3)[0], [x, s, o])
    # the batch statistics are outputs too: their gradients flow back to x
    check_gradients(
        lambda x, s, o: fused_batch_norm(x, s, o)[1] * 2.0 + fused_batch_norm(x, s, o)[2], [x, s, o]
    )
    xc = rng.standard_normal((4, 3, 2))
    check_gradients(lambda x, s, o: fused_batch_norm(x, s, o, axis=1)[0], [xc, s, o])


def test_fused_batch_norm_inference_uses_moving_statistics():
    x = rng.standard_normal((4, 3)).astype(np.float32)
    mean, var = np.array([0.5, -1, 2], np.float32), np.array([1, 2, 0.5], np.float32)
    s, o = np.array([1, 2, 3], np.float32), np.array([0, 1, -1], np.float32)
    y, m, v = fused_batch_norm(x, s, o, mean, var, epsilon=1e-3, training=False)
    np.testing.assert_allclose(y.numpy(), (x - mean) / np.sqrt(var + 1e-3) * s + o, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(m.numpy(), mean)
    check_gradients(
        lambda x, s, o, m, v: fused_batch_norm(x, s, o, m, v, training=False)[0],
        [x, s, o, mean, np.abs(var) + 0.1],
    )


def test_layer_norm_finite_differences():
    x = rng.standard_normal((3, 4, 5))
    check_gradients(
        lambda x, g, b: layer_norm(x, g, b, -1, 1e-3), [x, rng.standard_normal(5), rng.standard_normal(5)]
    )
    check_gradients(
        lambda x, g, b: layer_norm(x, g, b, [1, 2], 1e-3),
        [x, rng.standard_normal((4, 5)), rng.standard_normal((4, 5))],
    )
    check_gradients(lambda x: layer_norm(x, None, None, 1, 1e-3), [x])


def test_moments_batch_normalization_finite_differences():
    x = rng.standard_normal((3, 4))
    check_gradients(lambda x: tf.nn.moments(x, axes=[0])[1], [x])
    check_gradients(lambda x: tf.nn.moments(x, axes=[1], keepdims=True)[0], [x])
    check_gradients(
        lambda x, m, v: tf.nn.batch_normalization(x, m, v, None, None, 1e-3),
        [x, rng.standard_normal(4), np.abs(rng.standard_normal(4)) + 0.5],
    )


def test_bad_input_errors():
    with pytest.raises(ValueError, match=r"scale must have shape \(3,\).*\(4, 3\); received \(4,\)"):
        fused_batch_norm(tf.ones((4, 3)), tf.ones(4), tf.zeros(3))
    with pytest.raises(ValueError, match=r"axis=2 is out of range.*\(4, 3\)"):
        fused_batch_norm(tf.ones((4, 3)), tf.ones(3), tf.zeros(3), axis=2)
    with pytest.raises(ValueError, match=r"needs the moving mean and variance"):
        fused_batch_norm(tf.ones((4, 3)), tf.ones(3), tf.zeros(3), training=False)
    with pytest.raises(ValueError, match=r"gamma of shape \(4,\) does not match.*\(2, 3\)"):
        layer_norm(tf.ones((2, 3)), tf.ones(4), None)
