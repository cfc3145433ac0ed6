"""tf.nn activations: values against their formulas, gradients against finite differences."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.testing import check_gradients

# inputs away from 0, where relu-like activations have a kink
X = np.array([[-3.1, -1.7, -0.45, -0.05], [0.07, 0.6, 2.3, 7.2]])
ERF = np.vectorize(math.erf)
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


REFERENCE = {
    "relu": (tf.nn.relu, lambda x: np.maximum(x, 0.0)),
    "relu6": (tf.nn.relu6, lambda x: np.clip(x, 0.0, 6.0)),
    "elu": (tf.nn.elu, lambda x: np.where(x > 0, x, np.expm1(x))),
    "selu": (tf.nn.selu, lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x))),
    "gelu_exact": (tf.nn.gelu, lambda x: 0.5 * x * (1.0 + ERF(x / math.sqrt(2.0)))),
    "gelu_tanh": (
        lambda x: tf.nn.gelu(x, approximate=True),
        lambda x: 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3))),
    ),
    "leaky_relu": (tf.nn.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x)),
    "leaky_relu_alpha": (lambda x: tf.nn.leaky_relu(x, alpha=0.01), lambda x: np.where(x > 0, x, 0.01 * x)),
    "softplus": (tf.nn.softplus, lambda x: np.log1p(np.exp(x))),
    "softsign": (tf.nn.softsign, lambda x: x / (1.0 + np.abs(x))),
    "silu": (tf.nn.silu, lambda x: x * _sigmoid(x)),
    "swish": (tf.nn.swish, lambda x: x * _sigmoid(x)),
    "sigmoid": (tf.nn.sigmoid, _sigmoid),
    "tanh": (tf.nn.tanh, np.tanh),
    "softmax": (tf.nn.softmax, lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True)),
    "log_softmax": (tf.nn.log_softmax, lambda x: x - np.log(np.exp(x).sum(-1, keepdims=True))),
    "logsumexp": (lambda x: tf.nn.logsumexp(x, axis=-1), lambda x: np.log(np.exp(x).sum(-1))),
}


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_activation_values(name):
    fn, ref = REFERENCE[name]
    np.testing.assert_allclose(fn(tf.constant(X, dtype=tf.float64)).numpy(), ref(X), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_activation_gradients(name):
    check_gradients(REFERENCE[name][0], [X])


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_activation_keeps_float32(name):
    fn, ref = REFERENCE[name]
    y = fn(tf.constant(X, dtype=tf.float32))
    assert y.dtype == tf.float32
    np.testing.assert_allclose(y.numpy(), ref(X), rtol=2e-6, atol=1e-6)


def test_relu6_gradient_is_zero_above_six():
    x = tf.constant([-1.0, 3.0, 7.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.relu6(x)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [0.0, 1.0, 0.0])


def test_stable_for_large_inputs():
    x = tf.constant([-1000.0, 1000.0])
    np.testing.assert_array_equal(tf.nn.sigmoid(x).numpy(), [0.0, 1.0])
    np.testing.assert_array_equal(tf.nn.softplus(x).numpy(), [0.0, 1000.0])
    np.testing.assert_allclose(tf.nn.softmax(x).numpy(), [0.0, 1.0])
    np.testing.assert_allclose(tf.nn.log_softmax(x).numpy(), [-2000.0, 0.0])
    assert np.isfinite(tf.nn.elu(x).numpy()).all()


def test_softmax_axis():
    y = tf.nn.softmax(tf.constant(X), axis=0).numpy()
    np.testing.assert_allclose(y.sum(0), [1.0, 1.0, 1.0, 1.0], rtol=1e-6)
