"""Models shared by the saving tests (the architectures of scripts/make_saving_fixtures.py)."""

from __future__ import annotations

import os

import numpy as np

from tensorflux import keras
from tensorflux.keras import layers

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures", "saving")


def fixture(name: str) -> str:
    return os.path.join(FIXTURES, name)


def build(name: str, compile: bool = True) -> keras.Model:
    """The fixture script's models: ``mlp`` (Sequential), ``cnn`` (functional, batch norm), ``rnn``."""
    if name == "mlp":
        model = keras.Sequential(
            [
                keras.Input((8,)),
                layers.Dense(16, activation="relu"),
                layers.Dense(8, activation="tanh"),
                layers.Dense(4, activation="softmax"),
            ]
        )
    elif name == "cnn":
        inp = keras.Input((8, 8, 3))
        h = layers.Conv2D(4, 3, activation="relu")(inp)
        h = layers.BatchNormalization()(h)
        h = layers.MaxPooling2D()(h)
        h = layers.Flatten()(h)
        model = keras.Model(inp, layers.Dense(3, activation="softmax")(h))
    else:
        inp = keras.Input((6, 5))
        h = layers.LSTM(4, return_sequences=True)(inp)
        h = layers.GRU(3)(h)
        model = keras.Model(inp, layers.Dense(2, activation="softmax")(h))
    if compile:
        model.compile(
            optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy", metrics=["accuracy"]
        )
    return model


def train_data(name: str) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(11)
    x = {"mlp": rng.rand(32, 8), "cnn": rng.rand(16, 8, 8, 3), "rnn": rng.rand(16, 6, 5)}[name].astype(
        "float32"
    )
    classes = {"mlp": 4, "cnn": 3, "rnn": 2}[name]
    y = np.eye(classes, dtype="float32")[rng.randint(0, classes, len(x))]
    return x, y


def randomize(model: keras.Model, seed: int = 0) -> None:
    """Give every variable a distinct random value (positive, so variances stay valid)."""
    rng = np.random.RandomState(seed)
    for v in model.weights:
        if v.dtype.is_floating:
            v.assign(rng.uniform(0.5, 1.5, tuple(v.shape)).astype(v.dtype.name))


def weights_of(model: keras.Model) -> list[np.ndarray]:
    return [np.array(v.numpy()) for v in model.weights]
