"""Lamb and Adafactor against Keras 3 (golden trajectories from scripts/golden_more_optimizers.py)."""

import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras import optimizers
from tensorflux.keras.optimizers.adafactor import Adafactor
from tensorflux.keras.optimizers.lamb import Lamb

FIX = os.path.join(os.path.dirname(__file__), "..", "fixtures", "optimizers_more")

CASES = {
    "lamb_default": lambda: Lamb(),
    "lamb_lr": lambda: Lamb(learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-5),
    "adafactor_default": lambda: Adafactor(),
    "adafactor_lr": lambda: Adafactor(
        learning_rate=0.3, beta_2_decay=-0.5, epsilon_2=1e-2, clip_threshold=0.5
    ),
    "adafactor_fixed_step": lambda: Adafactor(learning_rate=0.1, relative_step=False),
}


def _load(name):
    with np.load(os.path.join(FIX, f"{name}.npz")) as f:
        return dict(f)


def _trajectory(opt, data, step_fn=None):
    n = sum(k.startswith("w0_") for k in data)
    variables = [tf.Variable(data[f"w0_{i}"]) for i in range(n)]
    steps = sum(k.startswith("g") and k.endswith("_0") for k in data)

    def step(gs):
        opt.apply_gradients(zip(gs, variables))

    run = step_fn(step) if step_fn else step
    for s in range(steps):
        run([tf.constant(data[f"g{s}_{i}"]) for i in range(n)])
        for i, v in enumerate(variables):
            np.testing.assert_allclose(
                v.numpy(), data[f"w{s + 1}_{i}"], rtol=1e-5, atol=1e-6, err_msg=f"step {s}"
            )
    return variables


@pytest.mark.parametrize("name", sorted(CASES))
def test_trajectory_matches_keras(name):
    data = _load(name)
    opt = CASES[name]()
    _trajectory(opt, data)
    shapes = [tuple(d for d in row if d >= 0) for row in data["var_shapes"]]
    assert [tuple(v.shape) for v in opt.variables] == shapes
    assert int(opt.iterations) == 5


@pytest.mark.parametrize("name", ["lamb_lr", "adafactor_lr"])
def test_trajectory_inside_tf_function_matches_keras(name):
    _trajectory(CASES[name](), _load(name), tf.function)


def test_lamb_zero_weight_takes_the_plain_adam_direction():
    # |w| = 0: trust ratio 1, so the first step is lr * m_hat / (sqrt(v_hat) + eps) = lr * sign(g)
    w = tf.Variable([0.0, 0.0])
    Lamb(learning_rate=0.1).apply_gradients([(tf.constant([2.0, -3.0]), w)])
    # 1e-5: 1 - 0.999 in float32 (the bias correction) differs from 1 - 0.999 in float64 (the
    # velocity's factor) by 1.3e-5 relative, as in Keras
    np.testing.assert_allclose(w.numpy(), [-0.1, 0.1], rtol=1e-5)


def test_adafactor_one_step_by_hand():
    # t = 1: b2 = 0, so v = g^2 + eps1 factored; g = ones gives v = 1, u = 1, rms(u) = 1
    w0 = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")
    w = tf.Variable(w0)
    Adafactor(learning_rate=0.1).apply_gradients([(tf.ones((2, 2)), w)])
    alpha = np.sqrt(np.mean(w0.astype("float64") ** 2)) * 0.1
    np.testing.assert_allclose(w.numpy(), w0 - alpha, rtol=1e-6)


@pytest.mark.parametrize("cls", [Lamb, Adafactor])
def test_config_round_trip_and_get(cls):
    opt = cls(learning_rate=0.02, name="opt_x")
    config = opt.get_config()
    clone = cls.from_config(config)
    assert clone.get_config() == config
    again = optimizers.deserialize(optimizers.serialize(opt))
    assert type(again) is cls and again.get_config() == config
    assert type(optimizers.get(cls.__name__.lower())) is cls
    assert tf.keras.optimizers.Lamb is Lamb and tf.keras.optimizers.Adafactor is Adafactor


def test_defaults_follow_keras():
    lamb = Lamb().get_config()
    assert (lamb["learning_rate"], lamb["beta_1"], lamb["beta_2"], lamb["epsilon"]) == pytest.approx(
        (0.001, 0.9, 0.999, 1e-7)
    )
    af = Adafactor().get_config()
    assert af["beta_2_decay"] == -0.8 and af["epsilon_1"] == 1e-30 and af["epsilon_2"] == 1e-3
    assert af["clip_threshold"] == 1.0 and af["relative_step"] is True


@pytest.mark.parametrize("cls", [Lamb, Adafactor])
def test_traced_fit_equals_eager_fit(cls):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")
    kernels = []
    for eager in (True, False):
        tf.keras.utils.set_random_seed(1)
        model = tf.keras.Sequential(
            [tf.keras.Input((3,)), tf.keras.layers.Dense(4), tf.keras.layers.Dense(1)]
        )
        model.compile(optimizer=cls(learning_rate=0.01), loss="mse", run_eagerly=eager)
        history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
        assert np.all(np.isfinite(history.history["loss"]))
        kernels.append([w.numpy() for w in model.weights])
    for a, b in zip(*kernels):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert history.history["loss"][-1] < history.history["loss"][0]
