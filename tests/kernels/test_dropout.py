"""tf.nn.dropout: scaling, repeatability under seeds, noise_shape, gradient with the same mask."""

from __future__ import annotations

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.testing import check_gradients


def test_scaling_and_rate():
    y = tf.nn.dropout(tf.ones((200, 100)), rate=0.3, seed=5).numpy()
    kept = y != 0
    np.testing.assert_allclose(y[kept], 1.0 / 0.7, rtol=1e-6)
    assert abs(kept.mean() - 0.7) < 0.02  # 20,000 draws: sd of the mean is 0.003
    assert y.dtype == np.float32


def test_repeatable_under_seeds():
    x = tf.ones((50, 40))
    tf.random.set_seed(7)
    a1, a2 = tf.nn.dropout(x, 0.5, seed=3), tf.nn.dropout(x, 0.5, seed=3)
    tf.random.set_seed(7)
    b1, b2 = tf.nn.dropout(x, 0.5, seed=3), tf.nn.dropout(x, 0.5, seed=3)
    np.testing.assert_array_equal(a1.numpy(), b1.numpy())
    np.testing.assert_array_equal(a2.numpy(), b2.numpy())
    assert not np.array_equal(a1.numpy(), a2.numpy())  # a new draw on each call, as TensorFlow
    tf.random.set_seed(8)
    assert not np.array_equal(tf.nn.dropout(x, 0.5, seed=3).numpy(), a1.numpy())


def test_gradient_uses_the_same_mask():
    x = tf.constant(np.random.default_rng(0).standard_normal((30, 20)).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.dropout(x, 0.4, seed=1)
    g = tape.gradient(y, x).numpy()
    mask = y.numpy() != 0
    np.testing.assert_allclose(g, mask / 0.6, rtol=1e-6)

    # finite differences with a fixed mask: the same global and op seed give the same draw each call
    def f(x):
        tf.random.set_seed(11)
        return tf.nn.dropout(x, 0.5, seed=2)

    check_gradients(f, [np.random.default_rng(1).standard_normal((4, 5))])


def test_noise_shape_shares_the_draw():
    y = tf.nn.dropout(tf.ones((6, 5, 4)), 0.5, noise_shape=[6, 1, 4], seed=2).numpy()
    assert np.all(y == y[:, :1, :])


def test_rate_zero_and_bad_input():
    x = tf.ones((3, 3))
    assert tf.nn.dropout(x, 0.0) is x
    with pytest.raises(ValueError, match=r"rate must be .* in the range \[0, 1\); received rate=1.0"):
        tf.nn.dropout(x, 1.0)
    with pytest.raises(ValueError, match=r"received rate=-0.1"):
        tf.nn.dropout(x, -0.1)
    with pytest.raises(ValueError, match=r"noise_shape \[2, 3\] does not broadcast.*\(3, 3\)"):
        tf.nn.dropout(x, 0.5, noise_shape=[2, 3])
