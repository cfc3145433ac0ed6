"""keras.random: distributions (moments, ranges), dtypes, seeding rules, SeedGenerator state, tracing."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras.random import (
    SeedGenerator,
    beta,
    binomial,
    categorical,
    dropout,
    gamma,
    normal,
    randint,
    shuffle,
    truncated_normal,
    uniform,
)

N = 200_000


def test_namespace_through_keras():
    assert tf.keras.random.normal is normal
    assert tf.keras.random.SeedGenerator is SeedGenerator


def test_normal_moments_and_dtype():
    x = normal((N,), mean=2.0, stddev=3.0, seed=1)
    assert x.dtype == tf.float32 and x.shape == (N,)
    v = x.numpy().astype(np.float64)
    assert abs(v.mean() - 2.0) < 0.05 and abs(v.std() - 3.0) < 0.05
    assert normal((2, 3), dtype="float64", seed=1).dtype == tf.float64


def test_uniform_range_and_moments():
    v = uniform((N,), minval=-1.0, maxval=3.0, seed=2).numpy()
    assert v.min() >= -1.0 and v.max() < 3.0
    assert abs(v.mean() - 1.0) < 0.03 and abs(v.var() - 16 / 12) < 0.03
    with pytest.raises(ValueError, match="randint"):
        uniform((2,), dtype="int32")


def test_truncated_normal_is_cut_at_two_stddev():
    v = truncated_normal((N,), mean=1.0, stddev=0.5, seed=3).numpy().astype(np.float64)
    assert v.min() >= 0.0 and v.max() <= 2.0
    # variance of a standard normal truncated to [-2, 2]: 1 - 4 phi(2) / (Phi(2) - Phi(-2))
    phi2 = np.exp(-2.0) / np.sqrt(2 * np.pi)
    assert abs(v.std() - 0.5 * np.sqrt(1 - 4 * phi2 / 0.9544997)) < 0.01


def test_randint_range_dtype_and_uniformity():
    x = randint((N,), 3, 7, seed=4)
    assert x.dtype == tf.int32
    counts = np.bincount(x.numpy() - 3)
    assert counts.shape == (4,) and np.allclose(counts / N, 0.25, atol=0.01)
    with pytest.raises(ValueError, match="integer"):
        randint((2,), 0, 3, dtype="float32")
    with pytest.raises(ValueError, match="maxval"):
        randint((2,), 3, 3)


def test_categorical_frequencies():
    p = np.array([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]])
    with np.errstate(divide="ignore"):
        logits = np.log(p).astype(np.float32)
    x = categorical(logits, 50_000, seed=5)
    assert x.shape == (2, 50_000) and x.dtype == tf.int32
    for row in range(2):
        freq = np.bincount(x.numpy()[row], minlength=3) / 50_000
        np.testing.assert_allclose(freq, p[row], atol=0.01)
    with pytest.raises(ValueError, match="2-D"):
        categorical([0.0, 1.0], 3)


def test_gamma_beta_binomial_moments():
    g = gamma((N,), alpha=3.0, seed=6).numpy().astype(np.float64)
    assert g.min() > 0 and abs(g.mean() - 3.0) < 0.03 and abs(g.var() - 3.0) < 0.1
    b = beta((N,), alpha=2.0, beta=5.0, seed=7).numpy().astype(np.float64)
    assert b.min() > 0 and b.max() < 1
    assert abs(b.mean() - 2 / 7) < 0.005 and abs(b.var() - 10 / (49 * 8)) < 0.002
    k = binomial((N,), counts=10, probabilities=0.3, seed=8)
    assert k.dtype == tf.float32
    kv = k.numpy()
    assert kv.min() >= 0 and kv.max() <= 10 and np.all(kv == np.round(kv))
    assert abs(kv.mean() - 3.0) < 0.03 and abs(kv.var() - 2.1) < 0.05
    # counts and probabilities broadcast against shape
    kb = binomial((50_000, 2), counts=[0, 4], probabilities=[0.5, 1.0], seed=9).numpy()
    assert np.all(kb[:, 0] == 0) and np.all(kb[:, 1] == 4)


def test_dropout_scales_and_masks():
    x = tf.ones((1000, 100))
    y = dropout(x, 0.25, seed=1).numpy()
    assert set(np.unique(y)) <= {0.0, np.float32(1 / 0.75)}
    assert abs((y == 0).mean() - 0.25) < 0.01
    # noise_shape: one mask per row, shared along the columns
    z = dropout(x, 0.5, noise_shape=(None, 1), seed=2).numpy()
    assert np.all(z == z[:, :1])
    with tf.GradientTape() as tape:
        v = tf.Variable(np.ones((4, 4), np.float32))
        out = tf.reduce_sum(dropout(v, 0.5, seed=3))
    np.testing.assert_array_equal(
        tape.gradient(out, v).numpy(), dropout(tf.ones((4, 4)), 0.5, seed=3).numpy()
    )
    with pytest.raises(ValueError, match="rate"):
        dropout(x, 1.0)


def test_shuffle_is_a_permutation_along_axis():
    x = np.arange(24).reshape(4, 6)
    y = shuffle(x, axis=1, seed=1).numpy()
    assert not np.array_equal(y, x)
    np.testing.assert_array_equal(np.sort(y, axis=1), x)
    np.testing.assert_array_equal(y, x[:, y[0]])  # one column order for every row


def test_integer_seed_repeats_every_call():
    a, b = normal((5,), seed=11).numpy(), normal((5,), seed=11).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, normal((5,), seed=12).numpy())
    with pytest.raises(ValueError, match="SeedGenerator"):
        normal((2,), seed="x")


def test_global_stream_follows_set_random_seed():
    tf.keras.utils.set_random_seed(7)
    a = uniform((4,)).numpy()
    b = uniform((4,)).numpy()
    tf.keras.utils.set_random_seed(7)
    np.testing.assert_array_equal(uniform((4,)).numpy(), a)
    assert not np.array_equal(a, b)


def test_seed_generator_state_and_sequence():
    g = SeedGenerator(seed=3)
    assert g.state.dtype == tf.int64 and not g.state.trainable
    assert g.state.path.endswith("/seed_generator_state")
    np.testing.assert_array_equal(g.next().numpy(), [3, 0])
    np.testing.assert_array_equal(g.state.numpy(), [3, 1])
    g2 = SeedGenerator(seed=5)
    first = [normal((3,), seed=g2).numpy() for _ in range(3)]
    np.testing.assert_array_equal(g2.state.numpy(), [5, 3])
    assert not np.array_equal(first[0], first[1])
    g3 = SeedGenerator.from_config(g2.get_config())
    np.testing.assert_array_equal([normal((3,), seed=g3).numpy() for _ in range(3)], first)
    assert g3.get_config() == {"seed": 5, "name": g2.name}
    assert isinstance(SeedGenerator().get_config()["seed"], int)
    with pytest.raises(ValueError, match="seed"):
        SeedGenerator(seed=1.5)


def test_seed_generator_draws_anew_in_tf_function():
    g = SeedGenerator(seed=21)

    @tf.function
    def f(x):
        return x + normal((4,), seed=g) + dropout(tf.ones((4,)), 0.5, seed=g)

    outs = [f(tf.zeros((4,))).numpy() for _ in range(4)]
    for i in range(3):
        assert not np.array_equal(outs[i], outs[i + 1])
    assert int(g.state.numpy()[1]) >= 8  # two draws per call, every replay advanced the state
    # the replayed draws are the same sequence as eager draws from a fresh generator
    ref = SeedGenerator(seed=21)
    eager = [normal((4,), seed=ref).numpy() + dropout(tf.ones((4,)), 0.5, seed=ref).numpy() for _ in range(8)]
    assert any(np.allclose(outs[-1], e) for e in eager)


def test_integer_seed_in_tf_function_repeats():
    @tf.function
    def f():
        return uniform((3,), seed=4)

    np.testing.assert_array_equal(f().numpy(), f().numpy())


def test_seed_generator_advances_in_traced_fit():
    class Noise(tf.keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.gen = SeedGenerator(seed=9)
            self.drawn = []

        def call(self, x, training=False):
            if training:
                return x + normal(tuple(x.shape), stddev=0.1, seed=self.gen)
            return x

    noise = Noise()
    model = tf.keras.Sequential([tf.keras.Input((3,)), noise, tf.keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x, y = np.ones((8, 3), np.float32), np.zeros((8, 1), np.float32)
    model.fit(x, y, batch_size=2, epochs=2, verbose=0)
    assert int(noise.gen.state.numpy()[1]) >= 8  # one draw per training step, replays included
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))
