"""Shared helpers for the training tests: fixtures, a tiny trainable model, output capture."""

from __future__ import annotations

import json
import os
import re

import numpy as np

import tensorflux as tf
from tensorflux.keras.trainers.trainer import Trainer

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "training")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def load_fixture(name: str) -> dict:
    with open(os.path.join(FIXTURES, name)) as f:
        return json.load(f)


def strip_control(text: str) -> str:
    """Text as a terminal would leave it: colours removed, each carriage return restarts the line."""
    text = ANSI.sub("", text)
    lines = []
    for line in text.split("\n"):
        lines.append(line.split("\r")[-1].rstrip())
    return "\n".join(lines)


class TinyDense(Trainer):
    """``Dense(units, activation)`` as a bare Trainer subclass, independent of the layers engine."""

    def __init__(
        self,
        n_in: int,
        n_out: int,
        activation: str | None = None,
        seed: int = 0,
        kernel: np.ndarray | None = None,
        bias: np.ndarray | None = None,
    ) -> None:
        rng = np.random.default_rng(seed)
        limit = np.sqrt(6 / (n_in + n_out))
        k = rng.uniform(-limit, limit, (n_in, n_out)).astype("float32") if kernel is None else kernel
        b = np.zeros(n_out, "float32") if bias is None else bias
        self.kernel = tf.Variable(np.asarray(k, "float32"), name="kernel")
        self.bias = tf.Variable(np.asarray(b, "float32"), name="bias")
        self.kernel.path = "dense/kernel"
        self.bias.path = "dense/bias"
        self.activation = activation
        self.built = True

    @property
    def trainable_variables(self) -> list:
        return [self.kernel, self.bias]

    @property
    def non_trainable_variables(self) -> list:
        return []

    @property
    def losses(self) -> list:
        return []

    def __call__(self, x, training=False):
        y = tf.matmul(tf.convert_to_tensor(x), self.kernel) + self.bias
        if self.activation == "softmax":
            y = tf.nn.softmax(y)
        elif self.activation == "sigmoid":
            y = tf.sigmoid(y)
        return y

    def get_weights(self) -> list:
        return [v.numpy() for v in self.trainable_variables]

    def set_weights(self, weights) -> None:
        for v, w in zip(self.trainable_variables, weights):
            v.assign(w)


def sequential_available() -> bool:
    try:
        from tensorflux import keras

        keras.Sequential  # noqa: B018
        keras.layers.Dense  # noqa: B018
    except (ImportError, AttributeError):
        return False
    return True
