"""Recurrent networks: Fashion-MNIST images read row by row, and a character-level model.

Each 28x28 image is a sequence of 28 time steps of 28 pixels; an LSTM and a bidirectional GRU
read the rows and classify the garment. The character-level model learns to continue text,
trained on real English at hand without a download: the docstrings of a few standard-library
modules.

Environment: MODELS (comma-separated, default "lstm,bigru,char"), EPOCHS (default 1),
SAMPLES (the first N training images), CHAR_EPOCHS (default 6).

    python3 examples/rnn.py
"""

import argparse
import collections
import functools
import inspect
import json
import os
import textwrap

import numpy as np

from tensorflux import keras
from tensorflux.keras import layers

models = os.environ.get("MODELS", "lstm,bigru,char").split(",")
epochs = int(os.environ.get("EPOCHS", "1"))
samples = int(os.environ.get("SAMPLES", "60000"))
accuracy = {}

# -- image rows as sequences ---------------------------------------------------------------------
(x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
x_train, y_train = x_train[:samples].astype("float32") / 255, y_train[:samples]  # (n, 28 steps, 28)
x_test = x_test.astype("float32") / 255

recurrent = {
    "lstm": lambda: layers.LSTM(128),
    "bigru": lambda: layers.Bidirectional(layers.GRU(64)),
}
for name in [m for m in models if m in recurrent]:
    model = keras.Sequential(
        [keras.Input((28, 28)), recurrent[name](), layers.Dense(10, activation="softmax")]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=64, epochs=epochs)
    _, accuracy[name] = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
    print(f"{name}: test accuracy {accuracy[name]:.4f}")


# -- a character-level model: predict the next character of real text ------------------------
def docstrings(module):
    """The module's docstring and those of the functions and classes it defines: real English."""
    found = [module.__doc__]
    for name, obj in sorted(vars(module).items()):
        if not name.startswith("_") and getattr(obj, "__module__", None) == module.__name__:
            found.append(obj.__doc__ if inspect.isfunction(obj) or inspect.isclass(obj) else None)
    return [inspect.cleandoc(d) for d in found if d]


if "char" in models:
    text = "\n\n".join(d for m in (argparse, collections, functools, json, textwrap) for d in docstrings(m))
    chars = sorted(set(text))
    ids = np.array([chars.index(c) for c in text], "int32")
    window = 32
    starts = np.arange(0, len(ids) - window - 1, 3)
    x_chars = np.stack([ids[s : s + window] for s in starts])
    y_chars = ids[starts + window]

    char_model = keras.Sequential(
        [
            keras.Input((window,), dtype="int32"),
            layers.Embedding(len(chars), 32),
            layers.GRU(128),
            layers.Dense(len(chars)),
        ]
    )
    char_model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    char_model.fit(
        x_chars, y_chars, batch_size=128, epochs=int(os.environ.get("CHAR_EPOCHS", "6")), verbose=2
    )

    # sample a continuation, one character at a time, from the softmax at temperature 0.5
    rng = np.random.default_rng(0)
    seed_text = text[:window]
    context = list(ids[:window])
    generated = []
    for _ in range(200):
        logits = char_model.predict(np.array([context[-window:]], "int32"), verbose=0)[0] / 0.5
        p = np.exp(logits - logits.max())
        nxt = int(rng.choice(len(chars), p=p / p.sum()))
        context.append(nxt)
        generated.append(chars[nxt])
    print(f"{seed_text!r} ->\n{''.join(generated)}")
