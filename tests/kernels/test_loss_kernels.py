"""Losses from logits: golden values, finite differences for logits and labels, stability, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from _kernel_goldens import cases, check_golden

import tensorflux as tf
from tensorflux.testing import check_gradients

LOSSES = cases("losses.npz")
rng = np.random.default_rng(3)


def test_softmax_xent_matches_golden():
    for name, axis in (("softmax_xent", -1), ("softmax_xent_axis1", 1)):
        check_golden(
            lambda z, x, axis=axis: tf.nn.softmax_cross_entropy_with_logits(z, x, axis=axis),
            LOSSES[name],
            ["labels", "logits"],
            ["labels", "logits"],
        )


def test_sparse_and_sigmoid_xent_match_golden():
    check_golden(
        tf.nn.sparse_softmax_cross_entropy_with_logits,
        LOSSES["sparse_xent"],
        ["labels", "logits"],
        ["logits"],
    )
    check_golden(
        lambda z, x: tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
        LOSSES["sigmoid_xent"],
        ["labels", "logits"],
        ["labels", "logits"],
    )


def test_finite_differences():
    x = rng.standard_normal((3, 4)) * 2
    p = rng.random((3, 4))
    z = p / p.sum(-1, keepdims=True)
    check_gradients(lambda z, x: tf.nn.softmax_cross_entropy_with_logits(z, x), [z, x])
    check_gradients(
        lambda z, x: tf.nn.softmax_cross_entropy_with_logits(z, x, axis=0), [rng.random((3, 4)), x]
    )
    labels = tf.constant([0, 3, 1])
    check_gradients(lambda x: tf.nn.sparse_softmax_cross_entropy_with_logits(labels, x), [x])
    check_gradients(
        lambda z, x: tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x), [rng.random((3, 4)), x]
    )
    check_gradients(lambda z, x: tf.nn.weighted_cross_entropy_with_logits(z, x, 3.0), [rng.random((3, 4)), x])
    check_gradients(lambda x: tf.nn.l2_loss(x), [x])


def test_second_order_softmax_xent():
    # the logits gradient is itself differentiable (written with softmax)
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(tf.nn.sparse_softmax_cross_entropy_with_logits(tf.constant([1, 0]), x))
        g = tape.gradient(loss, x)
        return tf.reduce_sum(g * g)

    check_gradients(f, [rng.standard_normal((2, 3))])


def _grad(f, *args):
    ts = [tf.constant(np.asarray(a, np.float32)) for a in args]
    with tf.GradientTape() as tape:
        for v in ts:
            tape.watch(v)
        y = f(*ts)
    return y.numpy(), [g.numpy() for g in tape.gradient(y, ts)]


def test_stability_softmax_logits_1e4():
    x = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4 - 5.0, 1e4]], np.float32)
    z = np.array([[0.0, 1.0, 0.0], [0.5, 0.25, 0.25]], np.float32)
    loss, (dz, dx) = _grad(tf.nn.softmax_cross_entropy_with_logits, z, x)
    # analytic: loss = lse - sum(z * x); dx = softmax - z; dz = -log_softmax
    m = x.astype(np.float64).max(-1, keepdims=True)
    lse = np.log(np.exp(x - m).sum(-1, keepdims=True)) + m
    logp = x - lse
    assert np.all(np.isfinite(loss)) and np.all(np.isfinite(dx)) and np.all(np.isfinite(dz))
    np.testing.assert_allclose(loss, -(z * logp).sum(-1), rtol=1e-6)
    np.testing.assert_allclose(dx, np.exp(logp) - z, atol=1e-6)
    np.testing.assert_allclose(dz, -logp, rtol=1e-6)
    loss, (dx,) = _grad(lambda x: tf.nn.sparse_softmax_cross_entropy_with_logits(tf.constant([1, 0]), x), x)
    np.testing.assert_allclose(loss, [2e4, 2e4], rtol=1e-6)
    np.testing.assert_allclose(dx, np.exp(logp) - np.eye(3)[[1, 0]], atol=1e-6)


def test_stability_sigmoid_logits_100():
    x = np.array([100.0, -100.0, 100.0, -100.0], np.float32)
    z = np.array([0.0, 1.0, 1.0, 0.0], np.float32)
    loss, (dz, dx) = _grad(lambda z, x: tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x), z, x)
    np.testing.assert_allclose(loss, [100.0, 100.0, 0.0, 0.0], atol=1e-6)
    sig = 1.0 / (1.0 + np.exp(-x.astype(np.float64)))
    np.testing.assert_allclose(dx, sig - z, atol=1e-7)
    np.testing.assert_allclose(dz, -x)


def test_compute_average_loss():
    per = tf.constant([1.0, 2.0, 3.0, 6.0])
    assert float(tf.nn.compute_average_loss(per)) == 3.0
    assert float(tf.nn.compute_average_loss(per, global_batch_size=8)) == 1.5
    assert float(tf.nn.compute_average_loss(per, sample_weight=tf.constant([1.0, 0.0, 0.0, 1.0]))) == 1.75


def test_bad_input_errors():
    with pytest.raises(ValueError, match=r"label value of 5 which is outside the valid range of \[0, 3\)"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(tf.constant([0, 5]), tf.ones((2, 3)))
    with pytest.raises(ValueError, match=r"labels.shape must equal logits.shape except.*\(2, 3\).*\(2, 3\)"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(tf.zeros((2, 3), tf.int32), tf.ones((2, 3)))
    with pytest.raises(TypeError, match=r"labels must be integer class indices; received float32"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(tf.zeros((2,)), tf.ones((2, 3)))
    with pytest.raises(ValueError, match=r"same shape.*\(2, 4\).*\(2, 3\)"):
        tf.nn.softmax_cross_entropy_with_logits(tf.ones((2, 4)), tf.ones((2, 3)))
