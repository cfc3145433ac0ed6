"""Losses against Keras 3 on fixed inputs (clipping, label smoothing, logits, reductions, weights)."""

import warnings

import numpy as np
import pytest
from training_helpers import load_fixture

import tensorflux as tf
from tensorflux.keras import losses
from tensorflux.testing import check_gradients

FIX = load_fixture("losses.json")


def _inputs(case):
    yt = np.asarray(case["y_true"], case["y_true_dtype"])
    yp = np.asarray(case["y_pred"], "float32")
    return yt, yp


@pytest.mark.parametrize("case", FIX["cases"], ids=lambda c: f"{c['class_name']}{c['config']}")
def test_loss_matches_keras(case):
    yt, yp = _inputs(case)
    cls = getattr(losses, case["class_name"])
    # raw scores into a from-probabilities binary loss warn once per loss object (then clip, as in Keras)
    raw = (
        cls is losses.BinaryCrossentropy
        and not case["config"].get("from_logits")
        and (yp.min() < 0 or yp.max() > 1)
    )
    sw = np.asarray(case["sample_weight"], "float32") if "sample_weight" in case else None

    def value(loss, weights=None):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore" if raw else "error")
            return loss(yt, yp, sample_weight=weights).numpy()

    loss = cls(**case["config"])
    np.testing.assert_allclose(value(loss), case["value"], rtol=2e-6, atol=1e-6)
    if "value_sw" in case:
        np.testing.assert_allclose(value(loss, sw), case["value_sw"], rtol=2e-6, atol=1e-6)
    for reduction, expected in case["reductions"].items():
        out = value(cls(reduction=reduction, **case["config"]), sw)
        np.testing.assert_allclose(out, np.asarray(expected, "float32"), rtol=2e-6, atol=1e-6)
    if raw:
        with pytest.warns(UserWarning, match="not probabilities"):
            cls(**case["config"])(yt, yp)


def test_functions_and_aliases():
    yt = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")
    yp = np.array([[1.5, 2.0], [2.0, 5.0]], "float32")
    assert losses.get("mse") is losses.mean_squared_error
    assert losses.get("mae") is losses.mean_absolute_error
    assert losses.get("MSE") is losses.mean_squared_error
    np.testing.assert_allclose(losses.mse(yt, yp).numpy(), [0.125, 1.0])
    assert isinstance(losses.get("CategoricalCrossentropy"), losses.CategoricalCrossentropy)
    obj = losses.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}})
    assert obj.from_logits is True
    with pytest.raises(ValueError, match="Known loss names"):
        losses.get("mean_sqared_error")


def test_reduction_argument_is_checked():
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="avg")


def test_config_round_trip():
    loss = losses.BinaryFocalCrossentropy(
        apply_class_balancing=True, gamma=3.0, label_smoothing=0.1, name="bfc"
    )
    clone = losses.deserialize(losses.serialize(loss))
    assert clone.get_config() == loss.get_config()


def test_clipping_gives_no_gradient_outside_the_range():
    # Keras clips probabilities to [1e-7, 1 - 1e-7]: a prediction of exactly 0 for the true class gives
    # the finite loss -log(1e-7) and no gradient through the clipped entries
    p = tf.Variable([[0.0, 1.0]])
    with tf.GradientTape() as tape:
        loss = losses.binary_crossentropy(tf.constant([[1.0, 0.0]]), p)
    eps = np.float32(1e-7)
    expected = -(np.log(eps) + np.log(np.float32(1) - (np.float32(1) - eps))) / 2  # both entries clipped
    assert float(loss[0]) == pytest.approx(float(expected), rel=1e-6)
    np.testing.assert_array_equal(tape.gradient(loss, p).numpy(), [[0.0, 0.0]])


def test_gradients_by_finite_differences():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(4, 3))
    onehot = np.eye(3)[[0, 2, 1, 1]]
    labels = np.array([0, 2, 1, 1])
    check_gradients(lambda z: losses.categorical_crossentropy(onehot, z, from_logits=True), [logits])
    check_gradients(lambda z: losses.sparse_categorical_crossentropy(labels, z, from_logits=True), [logits])
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    check_gradients(lambda p: losses.sparse_categorical_crossentropy(labels, p), [probs])
    check_gradients(lambda p: losses.categorical_crossentropy(onehot, p, label_smoothing=0.1), [probs])
    check_gradients(lambda z: losses.binary_crossentropy(onehot, z, from_logits=True), [logits])
    check_gradients(lambda z: losses.huber(onehot, z, delta=0.5), [logits])
    check_gradients(lambda z: losses.log_cosh(onehot, z), [logits])


def test_raw_outputs_into_binary_crossentropy_warn_once():
    loss = losses.BinaryCrossentropy()
    y = np.array([[1.0], [0.0]], "float32")
    with pytest.warns(UserWarning, match="sigmoid"):
        loss(y, np.array([[2.5], [-1.0]], "float32"))
    loss(y, np.array([[3.5], [-2.0]], "float32"))  # the second call is silent (warnings are errors here)
    losses.BinaryCrossentropy()(y, np.array([[0.9], [0.2]], "float32"))  # probabilities: no warning
