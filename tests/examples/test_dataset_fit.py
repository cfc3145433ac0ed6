"""Feeding fit from a tf.data pipeline on real data: the same training as arrays, and repeatable shuffles."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras


@pytest.fixture(scope="module")
def fashion():
    (x, y), (xt, yt) = keras.datasets.fashion_mnist.load_data()
    return (
        x[:2048].reshape(-1, 784).astype("float32") / 255,
        y[:2048],
        xt[:500].reshape(-1, 784).astype("float32") / 255,
        yt[:500],
    )


def _model(weights=None):
    model = keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    if weights is not None:
        model.set_weights(weights)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_fit_on_a_dataset_equals_fit_on_the_arrays(fashion):
    x, y, xt, yt = fashion
    on_arrays = _model()
    start = on_arrays.get_weights()
    h_arrays = on_arrays.fit(x, y, batch_size=64, epochs=2, shuffle=False, verbose=0)

    on_dataset = _model(start)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(64)
    h_dataset = on_dataset.fit(dataset, epochs=2, verbose=0)

    for a, d in zip(on_arrays.get_weights(), on_dataset.get_weights()):
        np.testing.assert_allclose(d, a, rtol=0, atol=1e-6)
    assert not np.allclose(on_arrays.get_weights()[0], start[0], atol=1e-3)  # it did train
    for key in ("loss", "accuracy"):
        np.testing.assert_allclose(h_dataset.history[key], h_arrays.history[key], rtol=0, atol=1e-6)
    test_set = tf.data.Dataset.from_tensor_slices((xt, yt)).batch(100)
    np.testing.assert_allclose(
        on_dataset.evaluate(test_set, verbose=0), on_arrays.evaluate(xt, yt, verbose=0), atol=1e-6
    )
    np.testing.assert_allclose(
        on_dataset.predict(test_set.map(lambda image, label: image), verbose=0),
        on_arrays.predict(xt, verbose=0),
        atol=1e-6,
    )


def test_shuffled_dataset_training_is_repeatable_with_a_seed(fashion):
    x, y, _, _ = fashion
    start = _model().get_weights()

    def train(seed):
        model = _model(start)
        dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1024, seed=seed).batch(64)
        history = model.fit(dataset, epochs=2, verbose=0)
        return model.get_weights(), history.history["loss"]

    (w1, loss1), (w2, loss2), (w3, _) = train(42), train(42), train(43)
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)
    assert loss1 == loss2
    assert not np.allclose(w1[0], w3[0], atol=1e-6)  # another seed, another order


def test_shuffle_reshuffles_each_epoch_in_a_repeatable_sequence(fashion):
    _, y, _, _ = fashion
    labels = tf.data.Dataset.from_tensor_slices(y).shuffle(len(y), seed=7)
    first, second = list(labels.as_numpy_iterator()), list(labels.as_numpy_iterator())
    assert sorted(first) == sorted(y.tolist()) and first != y.tolist()
    assert first != second  # reshuffle_each_iteration=True by default
    again = tf.data.Dataset.from_tensor_slices(y).shuffle(len(y), seed=7)
    assert list(again.as_numpy_iterator()) == first and list(again.as_numpy_iterator()) == second
    fixed = tf.data.Dataset.from_tensor_slices(y).shuffle(len(y), seed=7, reshuffle_each_iteration=False)
    assert list(fixed.as_numpy_iterator()) == list(fixed.as_numpy_iterator())
