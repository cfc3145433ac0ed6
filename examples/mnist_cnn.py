"""The classic MNIST CNN (the seed's program; only the import changed) - the main job.

Loads MNIST as the seed does. On machines without internet set TENSORFLUX_DATASET=fashion_mnist
(or pass --fashion) to use Fashion-MNIST from Debian's dataset-fashion-mnist package instead.
Environment: EPOCHS (default 2), SAMPLES (use only the first N training images, for quick runs),
MODEL_PATH (where to save the model, default mnist_cnn.keras).

    python3 examples/mnist_cnn.py --fashion
"""

import os
import sys
import time

import tensorflux as tf
from tensorflux.keras import layers, models

use_fashion = "--fashion" in sys.argv or os.environ.get("TENSORFLUX_DATASET") == "fashion_mnist"
dataset = tf.keras.datasets.fashion_mnist if use_fashion else tf.keras.datasets.mnist
epochs = int(os.environ.get("EPOCHS", "2"))
samples = int(os.environ.get("SAMPLES", "60000"))

(train_images, train_labels), (test_images, test_labels) = dataset.load_data()
train_images, train_labels = train_images[:samples], train_labels[:samples]
train_images = train_images.reshape((len(train_images), 28, 28, 1)).astype("float32") / 255
test_images = test_images.reshape((10000, 28, 28, 1)).astype("float32") / 255

model = models.Sequential()
model.add(layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation="relu"))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation="relu"))
model.add(layers.Flatten())
model.add(layers.Dense(64, activation="relu"))
model.add(layers.Dense(10, activation="softmax"))
model.summary()

model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
start = time.perf_counter()
model.fit(train_images, train_labels, epochs=epochs, batch_size=64)
elapsed = time.perf_counter() - start

test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=0)
print(f"test accuracy: {test_acc:.4f}  test loss: {test_loss:.4f}")
samples_per_s = epochs * len(train_images) / elapsed
print(f"training speed: {samples_per_s:,.0f} samples/s ({elapsed:.1f} s for {epochs} epochs)")
path = os.environ.get("MODEL_PATH", "mnist_cnn.keras")
if hasattr(model, "save"):
    model.save(path)
    print("saved", path)
