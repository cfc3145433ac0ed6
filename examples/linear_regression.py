"""Linear regression with one Dense unit (the seed's program; only the import changed)."""

import numpy as np

import tensorflux as tf
from tensorflux import keras

rng = np.random.default_rng(42)
x = rng.uniform(-1, 1, size=(100, 1)).astype("float32")
y = (3 * x + 2 + rng.normal(0, 0.1, size=(100, 1))).astype("float32")

model = keras.Sequential([keras.layers.Dense(1, input_shape=(1,))])
model.compile(optimizer="sgd", loss="mse")
model.fit(x, y, epochs=200, verbose=0)

w, b = model.get_weights()
ls_w, ls_b = np.linalg.lstsq(np.hstack([x, np.ones_like(x)]), y, rcond=None)[0].ravel()
print(f"learned  w={w.item():.3f} b={b.item():.3f}")
print(f"lstsq    w={ls_w:.3f} b={ls_b:.3f}")
print("prediction for x=0.5:", model.predict(np.array([[0.5]], "float32"), verbose=0).item())
_ = tf
