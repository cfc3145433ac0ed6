"""MultiOptimizer / OptimizerMap: routing, fit against Keras 3.15 golden values, config and saving.

Golden values: scripts/golden_multi_optimizer_editor.py (Keras 3.15, TensorFlow backend).
"""

from __future__ import annotations

import os
import warnings

import h5py
import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import optimizers
from tensorflux.keras.optimizers.adam import Adam
from tensorflux.keras.optimizers.multi_optimizer import MultiOptimizer, OptimizerMap
from tensorflux.keras.optimizers.rmsprop import RMSprop
from tensorflux.keras.optimizers.sgd import SGD

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "multi_optimizer")


@pytest.fixture
def wired(monkeypatch):
    """What the lead's export wiring provides: the names known to ``optimizers.deserialize``."""
    monkeypatch.setitem(optimizers.ALL_OBJECTS_DICT, "MultiOptimizer", MultiOptimizer)
    monkeypatch.setitem(optimizers.ALL_OBJECTS_DICT, "multioptimizer", MultiOptimizer)


def _var(value, path):
    v = tf.Variable(value, name=path.split("/")[-1])
    v.path = path
    return v


def _golden():
    return np.load(os.path.join(FIXTURES, "multi_fit.npz"))


def _model():
    return keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(5, activation="tanh", name="enc"),
            keras.layers.Dense(3, name="head"),
        ],
        name="mo_model",
    )


def _multi():
    return MultiOptimizer(
        OptimizerMap(
            default_optimizer=SGD(learning_rate=0.05, momentum=0.9, name="sgd"),
            optimizer_map={".*enc/.*": Adam(learning_rate=0.01, name="adam")},
        ),
        name="multi",
    )


def _fitted(run_eagerly=False):
    g = _golden()
    model = _model()
    model.set_weights([g[f"init_{i}"] for i in range(4)])
    model.compile(optimizer=_multi(), loss="mse", run_eagerly=run_eagerly)
    hist = model.fit(g["x"], g["y"], batch_size=8, epochs=2, shuffle=False, verbose=0)
    return model, hist


# -- OptimizerMap ------------------------------------------------------------------------------------
def test_optimizer_map_exact_regex_default_and_conflict():
    adam, sgd, default = Adam(), SGD(), RMSprop()
    m = OptimizerMap(default_optimizer=default)
    m["encoder/layer_0/dense"] = adam
    m["encoder/.*"] = sgd
    m["decoder"] = adam
    assert m["decoder"] is adam
    assert m["encoder/layer_0/dense"] is adam  # an exact key wins over a matching pattern
    assert m["encoder/layer_0/attention/query"] is sgd
    assert m["decoder/layer_0/dense"] is default  # fullmatch: "decoder" is not a prefix pattern
    assert m(_var([1.0], "encoder/x/kernel")) is sgd
    assert len(m) == 3 and list(m) == ["encoder/layer_0/dense", "encoder/.*", "decoder"]
    del m["decoder"]
    assert m["decoder"] is default

    clash = OptimizerMap(default, {".*kernel.*": adam, ".*dense.*": sgd})
    with pytest.raises(ValueError, match="Multiple optimizers"):
        clash["dense/kernel"]


def test_optimizer_map_rejects_bad_entries():
    m = OptimizerMap(SGD(), {"a": Adam()})
    with pytest.raises(ValueError, match="already exists"):
        m["a"] = SGD()
    with pytest.raises(ValueError, match="Optimizer instance"):
        m["b"] = "adam"
    with pytest.raises(ValueError, match="MultiOptimizer"):
        m["c"] = MultiOptimizer(OptimizerMap(SGD()))
    with pytest.raises(TypeError, match="default_optimizer"):
        OptimizerMap("sgd")
    with pytest.raises(TypeError, match="optimizer_map must be a dictionary"):
        OptimizerMap(SGD(), [("a", Adam())])
    with pytest.raises(ValueError, match=r"optimizer_map\['a'\] must be a Keras Optimizer"):
        OptimizerMap(SGD(), {"a": "adam"})
    from tensorflux.keras.mixed_precision.loss_scale_optimizer import LossScaleOptimizer

    with pytest.raises(ValueError, match="cannot be a LossScaleOptimizer"):
        m["d"] = LossScaleOptimizer(SGD())


# -- applying ------------------------------------------------------------------------------------------
def test_apply_routes_each_variable_to_its_optimizer():
    w1 = _var([[2.0, 2.0]], "dense_1/kernel")
    w2 = _var([[3.0, 3.0]], "dense_2/kernel")
    w3 = _var([[4.0, 4.0]], "other/kernel")
    s1, s2, s0 = SGD(0.1), SGD(1.0), SGD(0.0)
    opt = MultiOptimizer(OptimizerMap(s0, {"^dense_1/.*": s1, "^dense_2/.*": s2}))
    g = tf.constant([[1.0, 1.0]])
    opt.apply([g, g, g], [w1, w2, w3])
    np.testing.assert_allclose(w1.numpy(), [[1.9, 1.9]], rtol=1e-6)
    np.testing.assert_allclose(w2.numpy(), [[2.0, 2.0]], rtol=1e-6)
    np.testing.assert_allclose(w3.numpy(), [[4.0, 4.0]], rtol=1e-6)
    assert opt.optimizers == [s1, s2, s0]
    assert int(opt.iterations) == 1 and [int(o.iterations) for o in opt.optimizers] == [1, 1, 1]
    # apply_gradients and apply without variables reach the same routing
    opt.apply_gradients([(g, w1), (g, w2), (g, w3)])
    opt.apply([g, g, g])
    np.testing.assert_allclose(w1.numpy(), [[1.7, 1.7]], rtol=1e-6)
    np.testing.assert_allclose(w2.numpy(), [[0.0, 0.0]], atol=1e-6)
    assert int(opt.iterations) == 3


def test_callable_selector_discovers_optimizers_while_building():
    adam, sgd = Adam(1e-3), SGD(1e-2)
    opt = MultiOptimizer(lambda v: adam if "dense_1" in v.path else sgd)
    w1, w2 = _var([[1.0]], "dense_1/kernel"), _var([[1.0]], "dense_2/kernel")
    assert opt.optimizers == []
    opt.build([w1, w2])
    assert opt.optimizers == [adam, sgd]
    opt.apply([tf.constant([[1.0]]), tf.constant([[1.0]])], [w1, w2])
    np.testing.assert_allclose(w2.numpy(), [[0.99]], rtol=1e-6)
    # Adam's first step moves by lr whatever the gradient's size
    np.testing.assert_allclose(w1.numpy(), [[1.0 - 1e-3]], rtol=1e-6)


def test_missing_gradients_skip_an_optimizer_without_failing():
    w1, w2 = _var([1.0], "a/kernel"), _var([1.0], "b/kernel")
    sa, sb = SGD(0.5), SGD(0.5)
    opt = MultiOptimizer(OptimizerMap(sb, {"a/.*": sa}))
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        opt.apply([None, tf.constant([1.0])], [w1, w2])
    assert float(w1[0]) == 1.0 and float(w2[0]) == 0.5
    assert int(sa.iterations) == 0 and int(sb.iterations) == 1 and int(opt.iterations) == 1
    with pytest.raises(ValueError, match="No gradients"):
        opt.apply([None, None], [w1, w2])


def test_errors_name_the_problem():
    w = _var([1.0], "a/kernel")
    opt = MultiOptimizer(OptimizerMap(SGD()))
    opt.build([w])
    with pytest.raises(ValueError, match="Unknown variable"):
        opt.apply([tf.constant([1.0])], [_var([1.0], "z/kernel")])
    with pytest.raises(ValueError, match="one-to-one"):
        opt.apply([tf.constant([1.0]), tf.constant([1.0])], [w])
    with pytest.raises(ValueError, match="cannot be a MultiOptimizer"):
        MultiOptimizer(lambda v: opt).build([w])
    with pytest.raises(ValueError, match="Optimizer instance"):
        MultiOptimizer(lambda v: "sgd").build([w])
    with pytest.raises(TypeError, match="callable"):
        MultiOptimizer({"a": SGD()})
    with pytest.raises(AttributeError, match="sub-optimizers"):
        _ = opt.learning_rate
    with pytest.raises(AttributeError, match="sub-optimizers"):
        opt.learning_rate = 0.1


def test_loss_scale_factor_overrides_inner_and_unscales_once():
    w = _var([[2.0, 2.0]], "dense_1/kernel")
    sgd = SGD(learning_rate=0.1, loss_scale_factor=2.0)
    opt = MultiOptimizer(OptimizerMap(sgd, {"^dense_1/.*": sgd}), loss_scale_factor=5.0)
    assert sgd.loss_scale_factor == 5.0
    assert float(opt.scale_loss(tf.constant(2.0))) == 10.0
    opt.apply([tf.constant([[10.0, 10.0]])], [w])
    np.testing.assert_allclose(w.numpy(), [[1.8, 1.8]], rtol=1e-6)  # 2 - 0.1 * 10 / 5
    opt.loss_scale_factor = None
    assert sgd.loss_scale_factor is None


def test_weights_are_own_then_each_inner_optimizers():
    w1, w2 = _var([1.0, 2.0], "a/kernel"), _var([3.0], "b/kernel")
    adam, sgd = Adam(0.1), SGD(0.1, momentum=0.5)
    opt = MultiOptimizer(OptimizerMap(sgd, {"a/.*": adam}))
    opt.apply([tf.constant([1.0, 1.0]), tf.constant([2.0])], [w1, w2])
    names = [v.path for v in opt.variables]
    assert names[:2] == [f"{opt.name}/iteration", f"{opt.name}/learning_rate"]
    assert [v.path for v in opt.variables[2:]] == [v.path for v in adam.variables + sgd.variables]
    weights = opt.get_weights()
    fresh = MultiOptimizer(OptimizerMap(SGD(0.1, momentum=0.5), {"a/.*": Adam(0.1)}))
    fresh.build([w1, w2])
    fresh.set_weights(weights)
    for a, b in zip(fresh.get_weights(), weights):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="has 9 variables"):
        fresh.set_weights(weights[:-1])


# -- fit against Keras 3.15 ----------------------------------------------------------------------------
@pytest.mark.parametrize("run_eagerly", [False, True])
def test_fit_matches_keras(run_eagerly):
    g = _golden()
    model, hist = _fitted(run_eagerly)
    assert model._traced is not run_eagerly
    np.testing.assert_allclose(hist.history["loss"], g["loss"], rtol=1e-5)
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(w, g[f"fit_{i}"], rtol=2e-5, atol=1e-6)
    opt = model.optimizer
    assert len(opt.variables) == len(g["opt_paths"])
    for i, v in enumerate(opt.variables):
        np.testing.assert_allclose(v.numpy(), g[f"opt_{i}"], rtol=2e-5, atol=1e-7, err_msg=g["opt_paths"][i])
    assert [o.name for o in opt.optimizers] == ["adam", "sgd"]
    assert [int(o.iterations) for o in opt.optimizers] == [4, 4] and int(opt.iterations) == 4


def test_load_keras_file_restores_state_and_continues_training(wired):
    g = _golden()
    model = keras.models.load_model(os.path.join(FIXTURES, "multi_fit.keras"))
    opt = model.optimizer
    assert isinstance(opt, MultiOptimizer)
    assert [type(o).__name__ for o in opt.optimizers] == ["Adam", "SGD"]
    assert float(opt.optimizers[1].momentum) == pytest.approx(0.9)
    for i, v in enumerate(opt.variables):
        np.testing.assert_array_equal(v.numpy(), g[f"opt_{i}"], err_msg=g["opt_paths"][i])
    loss = model.train_on_batch(g["x"][:8], g["y"][:8])
    np.testing.assert_allclose(loss, g["step_loss"], rtol=1e-5)
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(w, g[f"step_{i}"], rtol=2e-5, atol=1e-6)


def test_save_load_round_trip_keeps_state(wired, tmp_path):
    g = _golden()
    model, _ = _fitted()
    path = str(tmp_path / "m.keras")
    model.save(path)
    import zipfile

    with zipfile.ZipFile(path) as zf:
        zf.extract("model.weights.h5", tmp_path)
    with h5py.File(tmp_path / "model.weights.h5", "r") as h5:
        assert len(h5["optimizer/vars"]) == len(g["opt_paths"])  # Keras' layout: own, then inner vars
    loaded = keras.models.load_model(path)
    for a, b in zip(loaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    la = loaded.train_on_batch(g["x"][:8], g["y"][:8])
    model.reset_metrics()  # the loss tracker still holds fit's last epoch
    lb = model.train_on_batch(g["x"][:8], g["y"][:8])
    assert la == lb
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(lb, g["step_loss"], rtol=1e-5)


def test_config_round_trip(wired):
    opt = MultiOptimizer(
        OptimizerMap(RMSprop(1e-4), {"^dense_1/.*": Adam(1e-3, beta_1=0.8), "^dense_2/.*": SGD(1e-2)}),
        loss_scale_factor=4.0,
        name="mo",
    )
    config = optimizers.serialize(opt)
    assert config["class_name"] == "MultiOptimizer"
    assert config["config"]["optimizer_map"]["class_name"] == "OptimizerMap"
    assert set(config["config"]) == {"optimizer_map", "loss_scale_factor", "name"}
    back = optimizers.deserialize(config)
    assert isinstance(back, MultiOptimizer) and back.name == "mo" and back.loss_scale_factor == 4.0
    assert [type(o).__name__ for o in back.optimizers] == ["Adam", "SGD", "RMSprop"]
    assert back.optimizers[0].beta_1 == 0.8
    assert all(o.loss_scale_factor == 4.0 for o in back.optimizers)
    w = _var([[1.0]], "dense_1/kernel")
    back.build([w])
    assert back.optimizers[back._group_of[id(w)]] is back.optimizers[0]
    assert back.get_config() == MultiOptimizer.from_config(back.get_config()).get_config()
    # a Keras 3.15 config (from the golden file) reads as well
    import json
    import zipfile

    with zipfile.ZipFile(os.path.join(FIXTURES, "multi_fit.keras")) as zf:
        keras_opt = json.loads(zf.read("config.json"))["compile_config"]["optimizer"]
    k = optimizers.deserialize(keras_opt)
    assert isinstance(k, MultiOptimizer) and k.name == "multi"
    assert isinstance(k._optimizer_map, OptimizerMap) and list(k._optimizer_map) == [".*enc/.*"]


def test_model_fit_without_warnings_and_finalize():
    # use_ema on one inner optimizer: fit copies its averages into only that optimizer's variables
    g = _golden()
    model = _model()
    model.set_weights([g[f"init_{i}"] for i in range(4)])
    ema = SGD(0.1, use_ema=True, ema_momentum=0.5)
    model.compile(optimizer=MultiOptimizer(OptimizerMap(SGD(0.0), {".*enc/.*": ema})), loss="mse")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(g["x"], g["y"], batch_size=8, epochs=1, shuffle=False, verbose=0)
    avg = [a.numpy() for a in ema._model_variables_moving_average]
    np.testing.assert_array_equal(model.layers[0].kernel.numpy(), avg[0])
    np.testing.assert_array_equal(model.layers[1].kernel.numpy(), g["init_2"])  # lr 0: unchanged


def test_docstring_examples():
    import doctest

    from tensorflux.keras.optimizers import multi_optimizer

    result = doctest.testmod(multi_optimizer, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


def test_wrapped_in_loss_scale_optimizer():
    from tensorflux.keras.mixed_precision.loss_scale_optimizer import LossScaleOptimizer

    s1, s2 = SGD(0.1), SGD(0.1)
    multi = MultiOptimizer(OptimizerMap(s2, {".*dense_1/.*": s1}), loss_scale_factor=5.0)
    lso = LossScaleOptimizer(multi, initial_scale=10.0, dynamic_growth_steps=1000)
    w1, w2 = _var([[2.0, 2.0]], "dense_1/kernel"), _var([[2.0, 2.0]], "dense_2/kernel")
    lso.build([w1, w2])
    # the wrapper takes over loss scaling, down to the inner optimizers (as in Keras)
    assert multi.loss_scale_factor is None and s1.loss_scale_factor is None and s2.loss_scale_factor is None
    assert float(lso.scale_loss(tf.constant(2.0))) == 20.0
    g = tf.constant([[10.0, 10.0]])
    lso.apply([g, g], [w1, w2])
    np.testing.assert_allclose(w1.numpy(), [[1.9, 1.9]], rtol=1e-6)
    np.testing.assert_allclose(w2.numpy(), [[1.9, 1.9]], rtol=1e-6)
