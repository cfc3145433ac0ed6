"""Logistic regression: p(y=1|x) = sigmoid(w.x + b).

The seed's program wrote `Dense(1)` without the sigmoid that its own formula has; Keras then
clips the raw outputs inside binary cross-entropy and trains badly (tensorflux does the same
and warns). Here the sigmoid is added, as the formula says.
"""

import numpy as np

from tensorflux import keras

rng = np.random.default_rng(0)
n = 500
x = rng.normal(size=(n, 2)).astype("float32")
true_w, true_b = np.array([2.0, -1.0]), 0.5
p = 1 / (1 + np.exp(-(x @ true_w + true_b)))
y = (rng.uniform(size=n) < p).astype("float32").reshape(-1, 1)

model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=(2,))])
model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(x, y, epochs=1000, batch_size=32, verbose=0)
loss, acc = model.evaluate(x, y, verbose=0)
print(f"loss={loss:.3f} accuracy={acc:.3f} after {len(history.epoch)} epochs")
w, b = model.get_weights()
print("learned w", w.ravel().round(2), "b", b.round(2), "(true", true_w, true_b, ")")
