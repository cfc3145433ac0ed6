"""Activation functions by name, with Keras 3's formulas, checked against NumPy and gradients."""

import math

import numpy as np
import pytest

from tensorflux import keras
from tensorflux.keras import activations
from tensorflux.testing import check_gradients

X = np.array([-3.0, -1.2, -0.3, 0.4, 1.5, 7.0])
SELU_A, SELU_S = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def _sig(x):
    return 1 / (1 + np.exp(-x))


REFERENCE = {
    "relu": lambda x: np.maximum(x, 0),
    "sigmoid": _sig,
    "tanh": np.tanh,
    "linear": lambda x: x,
    "elu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "selu": lambda x: SELU_S * np.where(x > 0, x, SELU_A * np.expm1(x)),
    "gelu": lambda x: 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2))),
    "silu": lambda x: x * _sig(x),
    "swish": lambda x: x * _sig(x),
    "softplus": lambda x: np.log1p(np.exp(x)),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "hard_sigmoid": lambda x: np.clip(x + 3, 0, 6) / 6,
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x),
    "relu6": lambda x: np.clip(x, 0, 6),
    "exponential": np.exp,
    "mish": lambda x: x * np.tanh(np.log1p(np.exp(x))),
    "softmax": lambda x: np.exp(x) / np.exp(x).sum(),
}


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_activation_values_and_gradients(name):
    fn = activations.get(name)
    np.testing.assert_allclose(np.asarray(fn(X)), REFERENCE[name](X), rtol=1e-6, atol=1e-12)
    if name not in ("relu", "relu6", "leaky_relu", "hard_sigmoid"):  # kinks are avoided by X anyway
        check_gradients(fn, [X])
    else:
        check_gradients(fn, [X + 0.01])
    assert activations.serialize(fn) == name if name != "swish" else activations.serialize(fn) == "silu"


def test_relu_options_follow_keras():
    y = activations.relu(X, negative_slope=0.1, max_value=2.0, threshold=0.5)
    expected = np.where(X > 0.5, np.minimum(X, 2.0), 0.0) - 0.1 * np.maximum(-X + 0.5, 0)
    np.testing.assert_allclose(np.asarray(y), expected, rtol=1e-6)


def test_unknown_name_lists_valid_ones():
    with pytest.raises(
        ValueError, match="Unknown activation function: 'rellu'. Valid names are: .*relu.*sigmoid"
    ):
        activations.get("rellu")
    assert activations.get(None) is activations.linear


def test_deserialize_and_custom():
    assert activations.deserialize("tanh") is activations.tanh

    @keras.utils.register_keras_serializable(package="Test")
    def cube(x):
        return x * x * x

    cfg = activations.serialize(cube)
    assert cfg["config"] == "Test>cube"
    assert activations.deserialize(cfg) is cube
