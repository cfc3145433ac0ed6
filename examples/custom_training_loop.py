"""Writing the training loop by hand: GradientTape, an optimizer and metrics over a tf.data pipeline.

What ``model.fit`` does, spelled out: for each batch of a shuffled ``tf.data.Dataset``, run the
model under a ``GradientTape``, take the gradients of the loss with respect to the weights,
let the optimizer apply them, and update the metrics; at the end of each epoch, report the
metrics, reset them and measure accuracy on the test set.

Environment: EPOCHS (default 3), SAMPLES (the first N training images).

    python3 examples/custom_training_loop.py
"""

import os
import time

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
samples = int(os.environ.get("SAMPLES", "60000"))
x_train = x_train[:samples].reshape(-1, 784).astype("float32") / 255
y_train = y_train[:samples]
x_test = x_test.reshape(-1, 784).astype("float32") / 255

batch_size = 128
train_dataset = (
    tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(10_000, seed=0).batch(batch_size)
)
test_dataset = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(1000)

model = keras.Sequential(
    [
        keras.Input((784,)),
        layers.Dense(256, activation="relu"),
        layers.Dense(256, activation="relu"),
        layers.Dense(10),  # logits
    ]
)
optimizer = keras.optimizers.Adam(learning_rate=1e-3)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
train_loss = keras.metrics.Mean(name="loss")
train_acc = keras.metrics.SparseCategoricalAccuracy(name="accuracy")
test_acc = keras.metrics.SparseCategoricalAccuracy(name="test_accuracy")


def train_step(x, y):
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss = loss_fn(y, logits)
    grads = tape.gradient(loss, model.trainable_weights)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
    train_loss.update_state(loss)
    train_acc.update_state(y, logits)


for epoch in range(int(os.environ.get("EPOCHS", "3"))):
    start = time.perf_counter()
    for x_batch, y_batch in train_dataset:
        train_step(x_batch, y_batch)
    for x_batch, y_batch in test_dataset:
        test_acc.update_state(y_batch, model(x_batch, training=False))
    print(
        f"epoch {epoch + 1}: loss {float(train_loss.result()):.4f} - accuracy {float(train_acc.result()):.4f}"
        f" - test_accuracy {float(test_acc.result()):.4f} - {time.perf_counter() - start:.1f}s"
    )
    for metric in (train_loss, train_acc, test_acc):
        metric.reset_state()
