"""Logistic regression: p(y=1|x) = sigmoid(w.x + b).

The seed's program wrote `Dense(1)` without the sigmoid that its own formula has; Keras then
clips the raw outputs inside binary cross-entropy and trains badly (tensorflux does the same
and warns once that the outputs are not probabilities). Here the sigmoid is added, as the
formula says; `--no-sigmoid` runs the seed's version as written.
SAMPLES (default 500) and BATCH_SIZE (default 32) make a run shorter.

    python3 examples/logistic_regression.py
"""

import os
import sys

import numpy as np

from tensorflux import keras

rng = np.random.default_rng(0)
n = int(os.environ.get("SAMPLES", "500"))
x = rng.normal(size=(n, 2)).astype("float32")
true_w, true_b = np.array([2.0, -1.0]), 0.5
p = 1 / (1 + np.exp(-(x @ true_w + true_b)))
y = (rng.uniform(size=n) < p).astype("float32").reshape(-1, 1)

# the sigmoid of p = sigmoid(w.x + b), which the seed's code left out
activation = None if "--no-sigmoid" in sys.argv else "sigmoid"
model = keras.Sequential([keras.layers.Dense(1, activation=activation, input_shape=(2,))])
model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(x, y, epochs=1000, batch_size=int(os.environ.get("BATCH_SIZE", "32")), verbose=0)
loss, acc = model.evaluate(x, y, verbose=0)
print(f"loss={loss:.3f} accuracy={acc:.3f} after {len(history.epoch)} epochs")
w, b = model.get_weights()
print("learned w", w.ravel().round(2), "b", b.round(2), "(true", true_w, true_b, ")")
