"""tf.random: distributions, dtypes and TensorFlow's global/op seed rules."""

from __future__ import annotations

import numpy as np
import pytest

import tensorflux as tf


def _draws(fn):
    return [fn().numpy() for _ in range(3)]


@pytest.mark.parametrize(
    "op",
    [
        lambda **k: tf.random.normal((3, 2), **k),
        lambda **k: tf.random.uniform((4,), **k),
        lambda **k: tf.random.truncated_normal((5,), **k),
        lambda **k: tf.random.uniform((4,), maxval=100, dtype=tf.int32, **k),
        lambda **k: tf.random.shuffle(tf.range(10), **k),
        lambda **k: tf.random.categorical(tf.math.log([[0.5, 0.5], [0.1, 0.9]]), 5, **k),
    ],
    ids=["normal", "uniform", "truncated_normal", "uniform_int", "shuffle", "categorical"],
)
def test_global_seed_repeats_the_sequence(op):
    tf.random.set_seed(42)
    first = _draws(op)
    assert not all(np.array_equal(first[0], f) for f in first[1:])  # successive calls differ
    tf.random.set_seed(42)
    again = _draws(op)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    tf.random.set_seed(43)
    other = _draws(op)
    assert not all(np.array_equal(a, b) for a, b in zip(first, other))


def test_op_seed_with_global_seed():
    tf.random.set_seed(7)
    a1, a2 = tf.random.uniform((3,), seed=1), tf.random.uniform((3,), seed=1)
    b1 = tf.random.uniform((3,), seed=2)
    assert not np.array_equal(a1, a2)  # the same op seed twice: the next numbers of that sequence
    assert not np.array_equal(a1, b1)
    tf.random.set_seed(7)
    c1, c2 = tf.random.uniform((3,), seed=1), tf.random.uniform((3,), seed=1)
    np.testing.assert_array_equal(a1, c1)
    np.testing.assert_array_equal(a2, c2)


def test_op_seed_alone_is_repeatable():
    # with no global seed, an op seed still fixes the sequence (TensorFlow's default global seed)
    tf.random.set_seed(None)
    a = tf.random.normal((4,), seed=5)
    tf.random.set_seed(None)
    b = tf.random.normal((4,), seed=5)
    np.testing.assert_array_equal(a, b)
    assert tf.random.get_global_seed() is None


def test_seeded_ops_do_not_disturb_the_unseeded_sequence():
    tf.random.set_seed(3)
    x1 = tf.random.uniform((2,))
    x2 = tf.random.uniform((2,))
    tf.random.set_seed(3)
    y1 = tf.random.uniform((2,))
    tf.random.normal((5,), seed=9)
    y2 = tf.random.uniform((2,))
    np.testing.assert_array_equal(x1, y1)
    np.testing.assert_array_equal(x2, y2)


def test_distributions():
    tf.random.set_seed(0)
    n = tf.random.normal((20000,), mean=1.0, stddev=2.0)
    assert n.dtype == tf.float32
    assert abs(float(tf.reduce_mean(n)) - 1.0) < 0.06 and abs(float(tf.math.reduce_std(n)) - 2.0) < 0.06
    u = tf.random.uniform((20000,), minval=-1.0, maxval=3.0).numpy()
    assert u.min() >= -1.0 and u.max() < 3.0 and abs(u.mean() - 1.0) < 0.05
    t = tf.random.truncated_normal((20000,), stddev=0.5).numpy()
    assert np.abs(t).max() <= 1.0 and abs(t.std() - 0.5 * 0.8796) < 0.02  # std of a normal cut at 2 sigma
    i = tf.random.uniform((1000,), minval=3, maxval=7, dtype=tf.int64)
    assert i.dtype == tf.int64 and set(i.numpy().tolist()) == {3, 4, 5, 6}
    assert tf.random.normal((2,), dtype=tf.float64).dtype == tf.float64
    s = tf.random.shuffle(tf.constant(np.arange(20).reshape(10, 2))).numpy()
    assert sorted(s[:, 0].tolist()) == list(range(0, 20, 2)) and (s[:, 1] - s[:, 0] == 1).all()
    c = tf.random.categorical(tf.math.log([[0.2, 0.8]]), 5000)
    assert c.dtype == tf.int64 and c.shape == (1, 5000)
    assert abs(c.numpy().mean() - 0.8) < 0.03
    with pytest.raises(ValueError, match="maxval"):
        tf.random.uniform((2,), dtype=tf.int32)
