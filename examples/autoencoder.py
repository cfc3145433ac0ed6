"""A dense autoencoder on 784-pixel images (the seed's program; only the import changed).

`decoder = Model(encoded, decoded)` builds a model from an intermediate tensor, which Keras 3
accepts: the decoder maps a 32-number code to an image with the autoencoder's own weights.
Loads MNIST as the seed does; `--fashion` or TENSORFLUX_DATASET=fashion_mnist selects
Fashion-MNIST (offline, from Debian's dataset-fashion-mnist). EPOCHS (default 5) and SAMPLES
(the first N training images) shorten a run.

    python3 examples/autoencoder.py --fashion
"""

import os
import sys

import numpy as np

from tensorflux.keras import Input, Model
from tensorflux.keras.datasets import fashion_mnist, mnist
from tensorflux.keras.layers import Dense

encoding_dim = 32
input_img = Input(shape=(784,))
encoded = Dense(encoding_dim, activation="relu")(input_img)
decoded = Dense(784, activation="sigmoid")(encoded)
autoencoder = Model(input_img, decoded)
encoder = Model(input_img, encoded)
decoder = Model(encoded, decoded)
autoencoder.compile(optimizer="adam", loss="binary_crossentropy")

use_fashion = "--fashion" in sys.argv or os.environ.get("TENSORFLUX_DATASET") == "fashion_mnist"
(x_train, _), (x_test, _) = (fashion_mnist if use_fashion else mnist).load_data()
x_train = x_train[: int(os.environ.get("SAMPLES", "60000"))]
x_train = x_train.astype("float32").reshape(len(x_train), 784) / 255
x_test = x_test.astype("float32").reshape(len(x_test), 784) / 255
epochs = int(os.environ.get("EPOCHS", "5"))
autoencoder.fit(
    x_train, x_train, epochs=epochs, batch_size=256, shuffle=True, validation_data=(x_test, x_test)
)

# encode and decode some images through the two halves
codes = encoder.predict(x_test, verbose=0)
recon = decoder.predict(codes, verbose=0)
mse = float(np.mean((recon - x_test) ** 2))
baseline = float(np.mean((x_train.mean(0) - x_test) ** 2))
print(f"reconstruction MSE {mse:.4f}; predicting the mean image gives {baseline:.4f}")
