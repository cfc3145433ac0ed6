"""Optimizers against Keras 3: 20 steps of a fixed gradient sequence, for every optimizer and option."""

import numpy as np
import pytest
from training_helpers import load_fixture

import tensorflux as tf
from tensorflux.keras import optimizers

FIX = load_fixture("optimizers.json")


def _build(case):
    config = dict(case["config"])
    if isinstance(config.get("learning_rate"), dict):
        spec = config["learning_rate"]
        config["learning_rate"] = getattr(optimizers.schedules, spec["class_name"])(**spec["config"])
    return getattr(optimizers, case["class_name"])(**config)


def _case_id(case):
    return (
        case["class_name"]
        + "-"
        + "-".join(f"{k}={v['class_name'] if isinstance(v, dict) else v}" for k, v in case["config"].items())
    )


@pytest.mark.parametrize("case", FIX["cases"], ids=_case_id)
def test_twenty_steps_match_keras(case):
    opt = _build(case)
    w = tf.Variable(np.asarray(FIX["kernel0"], "float32"), name="kernel")
    b = tf.Variable(np.asarray(FIX["bias0"], "float32"), name="bias")
    gw = np.asarray(FIX["grad_kernel"], "float32")
    gb = np.asarray(FIX["grad_bias"], "float32")
    for step in range(20):
        opt.apply_gradients([(tf.constant(gw[step]), w), (tf.constant(gb[step]), b)])
    np.testing.assert_allclose(w.numpy(), case["kernel"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(b.numpy(), case["bias"], rtol=0, atol=1e-6)
    assert int(opt.iterations) == case["iterations"] == 20
    assert len(opt.variables) == case["num_variables"]


def test_variables_in_keras_order():
    w = tf.Variable(np.ones((2, 2), "float32"), name="w")
    b = tf.Variable(np.zeros(2, "float32"), name="b")
    w.path, b.path = "dense/kernel", "dense/bias"
    opt = optimizers.Adam()
    opt.build([w, b])
    names = [v.name for v in opt.variables]
    assert names == [
        "iteration:0",
        "learning_rate:0",
        "dense_kernel_momentum:0",
        "dense_kernel_velocity:0",
        "dense_bias_momentum:0",
        "dense_bias_velocity:0",
    ]
    assert opt.variables[0].dtype == tf.int64 and opt.variables[1].dtype == tf.float32


def test_learning_rate_readable_and_settable():
    opt = optimizers.SGD(learning_rate=0.1)
    assert float(opt.learning_rate) == pytest.approx(0.1)
    opt.learning_rate = 0.02
    w = tf.Variable([1.0])
    opt.apply_gradients([(tf.constant([1.0]), w)])
    np.testing.assert_allclose(w.numpy(), [0.98], rtol=1e-6)
    scheduled = optimizers.SGD(learning_rate=optimizers.schedules.ExponentialDecay(0.1, 1, 0.5))
    with pytest.raises(TypeError, match="not settable"):
        scheduled.learning_rate = 0.3
    scheduled.apply_gradients([(tf.constant([1.0]), tf.Variable([0.0]))])
    assert float(scheduled.learning_rate) == pytest.approx(0.05)


def test_apply_without_variables_uses_the_built_list():
    w = tf.Variable([1.0, 2.0])
    opt = optimizers.SGD(learning_rate=0.5)
    opt.build([w])
    opt.apply([tf.constant([1.0, 1.0])])
    np.testing.assert_allclose(w.numpy(), [0.5, 1.5])
    with pytest.raises(ValueError, match="Unknown variable"):
        opt.apply_gradients([(tf.constant(1.0), tf.Variable(0.0))])


def test_get_by_name_and_config_round_trip():
    for name in ("sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "lion", "ftrl"):
        opt = optimizers.get(name)
        clone = type(opt).from_config(opt.get_config())
        assert clone.get_config() == opt.get_config()
    assert isinstance(optimizers.get("Adam"), optimizers.Adam)
    sched = optimizers.SGD(
        learning_rate=optimizers.schedules.CosineDecay(0.1, 10, warmup_target=0.2, warmup_steps=3)
    )
    again = optimizers.deserialize(optimizers.serialize(sched))
    assert float(again.learning_rate) == pytest.approx(float(sched.learning_rate))
    with pytest.raises(ValueError, match="Known optimizer names"):
        optimizers.get("adamm")


def test_argument_errors():
    with pytest.raises(ValueError, match="Only one of `clipnorm`"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="not recognized"):
        optimizers.Adam(lr=0.1)


def test_missing_gradient_warns_and_skips():
    a, b = tf.Variable([1.0]), tf.Variable([2.0])
    opt = optimizers.SGD(learning_rate=1.0)
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        opt.apply_gradients([(tf.constant([1.0]), a), (None, b)])
    assert a.numpy()[0] == 0.0 and b.numpy()[0] == 2.0


def test_ema_finalize_copies_the_average():
    w = tf.Variable([0.0])
    opt = optimizers.SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.5)
    for _ in range(3):
        opt.apply_gradients([(tf.constant([-1.0]), w)])  # w: 1, 2, 3; average: 1, 1.5, 2.25
    assert w.numpy()[0] == 3.0
    opt.finalize_variable_values([w])
    assert w.numpy()[0] == pytest.approx(2.25)
