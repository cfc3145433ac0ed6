"""Muon and ScheduleFreeAdamW against Keras 3 (golden trajectories from scripts/golden_decomp_optim.py)."""

import doctest
import importlib
import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras import optimizers
from tensorflux.keras.optimizers.muon import Muon
from tensorflux.keras.optimizers.schedule_free_adamw import ScheduleFreeAdamW

FIX = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "optimizers_muon_sf")

CASES = {
    "muon_default": lambda: Muon(),
    "muon_options": lambda: Muon(
        learning_rate=0.02,
        exclude_layers=["tall"],
        exclude_embeddings=False,
        nesterov=False,
        rms_rate=None,
        momentum=0.9,
        ns_steps=3,
        adam_lr_ratio=0.5,
        weight_decay=0.01,
        adam_weight_decay=None,
    ),
    "muon_clip": lambda: Muon(learning_rate=0.05, global_clipnorm=1.0),
    "sfadamw_default": lambda: ScheduleFreeAdamW(),
    "sfadamw_warmup": lambda: ScheduleFreeAdamW(
        learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-6, warmup_steps=3, weight_decay=0.01
    ),
}


def _load(name):
    with np.load(os.path.join(FIX, f"{name}.npz")) as f:
        return dict(f)


def _trajectory(opt, data, step_fn=None):
    names = [str(n) for n in data["names"]]
    variables = [tf.Variable(data[f"w0_{i}"], name=n) for i, n in enumerate(names)]
    steps = sum(k.startswith("g") and k.endswith("_0") for k in data)

    def step(gs):
        opt.apply_gradients(zip(gs, variables))

    run = step_fn(step) if step_fn else step
    for s in range(steps):
        run([tf.constant(data[f"g{s}_{i}"]) for i in range(len(names))])
        for i, v in enumerate(variables):
            np.testing.assert_allclose(
                v.numpy(), data[f"w{s + 1}_{i}"], rtol=2e-5, atol=2e-6, err_msg=f"step {s}, {names[i]}"
            )
    return variables


@pytest.mark.parametrize("name", sorted(CASES))
def test_trajectory_matches_keras(name):
    data = _load(name)
    opt = CASES[name]()
    _trajectory(opt, data)
    # the slots (which variables got Adam's velocity) in Keras' order
    shapes = [tuple(d for d in row if d >= 0) for row in data["var_shapes"]]
    assert [tuple(v.shape) for v in opt.variables] == shapes
    assert int(opt.iterations) == 5


@pytest.mark.parametrize("name", ["muon_default", "sfadamw_warmup"])
def test_trajectory_inside_tf_function_matches_keras(name):
    _trajectory(CASES[name](), _load(name), tf.function)


def test_muon_chooses_adam_for_non_matrices_embeddings_and_excluded_layers():
    opt = Muon(exclude_layers=["head"])
    cases = {
        "dense/kernel": ((3, 4), False),
        "dense/bias": ((4,), True),
        "conv/kernel": ((3, 3, 2, 4), True),
        "embedding/embeddings": ((10, 4), True),
        "head/kernel": ((4, 2), True),
    }
    for path, (shape, adam) in cases.items():
        v = tf.Variable(np.zeros(shape, "float32"))
        v.path = path
        assert opt._should_use_adamw(v) is adam, path
    assert Muon(exclude_embeddings=False)._should_use_adamw(_var("embedding/embeddings", (10, 4))) is False


def _var(path, shape):
    v = tf.Variable(np.zeros(shape, "float32"))
    v.path = path
    return v


def _newton_schulz_by_hand(x, a, b, c, steps):
    x = np.asarray(x, np.float64)
    tall = x.shape[0] > x.shape[1]
    x = x.T if tall else x
    x = x / (np.linalg.norm(x) + 1e-7)
    for _ in range(steps):
        gram = x @ x.T
        x = a * x + (b * gram + c * gram @ gram) @ x
    return x.T if tall else x


def test_newton_schulz_matches_the_formula_and_nearly_orthogonalizes():
    rng = np.random.default_rng(3)
    g = rng.normal(size=(6, 3))
    opt = Muon()
    out = opt.zeropower_via_newtonschulz5(tf.constant(g), 5).numpy()
    np.testing.assert_allclose(out, _newton_schulz_by_hand(g, 3.4445, -4.775, 2.0315, 5), rtol=1e-10)
    # the quintic's fixed points lie in about [0.7, 1.2]: singular values near 1, singular vectors kept
    s = np.linalg.svd(out, compute_uv=False)
    assert np.all((s > 0.6) & (s < 1.25)), s
    u, _, vt = np.linalg.svd(g, full_matrices=False)
    assert abs(np.sum(out * (u @ vt))) / np.linalg.norm(out) / np.linalg.norm(u @ vt) > 0.98
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        opt.zeropower_via_newtonschulz5(tf.constant([1.0, 2.0]), 5)


def test_muon_one_step_by_hand():
    # step 1: m = g; nesterov direction g + 0.95 g; w -= lr * NS(1.95 g) * sqrt(4) * 0.2 after decay
    rng = np.random.default_rng(4)
    w0, g = rng.normal(size=(4, 3)).astype("float32"), rng.normal(size=(4, 3)).astype("float32")
    w = _var("dense/kernel", (4, 3))
    w.assign(w0)
    Muon(learning_rate=0.1).apply_gradients([(tf.constant(g), w)])
    w_dec = w0.astype(np.float64) * (1 - 0.004 * 0.1)
    expect = w_dec - 0.1 * _newton_schulz_by_hand(1.95 * g, 3.4445, -4.775, 2.0315, 5) * 2.0 * 0.2
    np.testing.assert_allclose(w.numpy(), expect, rtol=1e-4, atol=1e-5)


def test_schedule_free_first_steps_by_hand():
    # float64 weights: the rule's arithmetic exactly, x recovered with the updated z as in Keras
    w0, gs = np.array([0.5, -1.0]), [np.array([0.1, 0.2]), np.array([0.3, -0.2]), np.array([-0.5, 0.1])]
    w = tf.Variable(w0)
    opt = ScheduleFreeAdamW(learning_rate=0.1, warmup_steps=2)
    y, z, v = w0.copy(), w0.copy(), np.zeros(2)
    for t, g in enumerate(gs, 1):
        opt.apply_gradients([(tf.constant(g), w)])
        lr = float(np.float32(0.1)) * min(t / 2, 1.0)  # the learning rate lives in a float32 variable
        v = v + (g * g - v) * (1 - 0.999)
        z = z - lr * g / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        x = (y - 0.1 * z) / 0.9
        x = (1 - 1 / t) * x + z / t
        y = 0.1 * z + 0.9 * x
        np.testing.assert_allclose(w.numpy(), y, rtol=1e-12)
    np.testing.assert_allclose(opt._momentums[0].numpy(), z, rtol=1e-12)


@pytest.mark.parametrize("cls", [Muon, ScheduleFreeAdamW])
def test_config_round_trip(cls):
    extra = {"exclude_layers": ["out"], "ns_steps": 3} if cls is Muon else {"warmup_steps": 7}
    opt = cls(learning_rate=0.02, name="opt_x", **extra)
    config = opt.get_config()
    for k, val in extra.items():
        assert config[k] == val
    clone = cls.from_config(config)
    assert clone.get_config() == config
    again = optimizers.deserialize(optimizers.serialize(opt), custom_objects={cls.__name__: cls})
    assert type(again) is cls and again.get_config() == config


def test_defaults_follow_keras():
    m = Muon().get_config()
    assert (m["learning_rate"], m["weight_decay"], m["adam_weight_decay"], m["epsilon"]) == pytest.approx(
        (0.001, 0.004, 0.004, 1e-7)
    )
    assert (m["muon_a"], m["muon_b"], m["muon_c"]) == (3.4445, -4.775, 2.0315)
    assert (m["momentum"], m["ns_steps"], m["nesterov"], m["rms_rate"]) == (0.95, 5, True, 0.2)
    assert m["exclude_layers"] == [] and m["exclude_embeddings"] is True and m["adam_lr_ratio"] == 1
    s = ScheduleFreeAdamW().get_config()
    assert (s["learning_rate"], s["beta_1"], s["beta_2"], s["epsilon"]) == pytest.approx(
        (0.0025, 0.9, 0.999, 1e-8)
    )
    assert s["warmup_steps"] == 0 and s["weight_decay"] is None
    with pytest.raises(ValueError, match="ns_steps"):
        Muon(ns_steps=-1)


@pytest.mark.parametrize("cls", [Muon, ScheduleFreeAdamW])
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


@pytest.mark.parametrize(
    "name", ["tensorflux.keras.optimizers.muon", "tensorflux.keras.optimizers.schedule_free_adamw"]
)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.parametrize("cls", [Muon, ScheduleFreeAdamW])
def test_model_save_and_load_keeps_the_optimizer_state(cls, tmp_path, monkeypatch):
    # registered here as keras.optimizers' table will hold them once exported
    monkeypatch.setitem(optimizers.ALL_OBJECTS_DICT, cls.__name__, cls)
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(16, 3)).astype("float32"), rng.normal(size=(16, 1)).astype("float32")
    model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(4), tf.keras.layers.Dense(1)])
    model.compile(optimizer=cls(learning_rate=0.01), loss="mse")
    model.fit(x, y, batch_size=8, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = tf.keras.models.load_model(tmp_path / "m.keras")
    assert type(loaded.optimizer) is cls
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert len(loaded.optimizer.variables) == len(model.optimizer.variables)
    for a, b in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    # training goes on from the same state
    model.fit(x, y, batch_size=8, verbose=0, shuffle=False)
    loaded.fit(x, y, batch_size=8, verbose=0, shuffle=False)
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-7)
