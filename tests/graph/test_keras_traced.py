"""fit/evaluate/predict run traced steps by default and give the eager (``run_eagerly=True``) results."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import layers


def _seed_mlp():
    return keras.Sequential(
        [
            keras.Input((784,)),
            layers.Dense(512, activation="relu"),
            layers.Dense(512, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def _seed_cnn():
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(32, (3, 3), activation="relu"),
            layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu"),
            layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu"),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def _seed_lstm():
    return keras.Sequential([keras.Input((28, 28)), layers.LSTM(128), layers.Dense(10, activation="softmax")])


def _fit_both(build, x, y, compile_kwargs, epochs=2, batch_size=32, validation=True, **fit_kwargs):
    """Train the same initial model eagerly and traced; return (eager, traced) (model, history) pairs."""
    out = []
    for eager in (True, False):
        keras.utils.set_random_seed(0)
        model = build()
        model.compile(**compile_kwargs, run_eagerly=eager)
        keras.utils.set_random_seed(1)
        history = model.fit(
            x,
            y,
            epochs=epochs,
            batch_size=batch_size,
            verbose=0,
            validation_data=(x[:40], y[:40]) if validation else None,
            **fit_kwargs,
        )
        out.append((model, history))
    return out


def _assert_same(eager, traced, rtol=1e-6):
    (me, he), (mt, ht) = eager, traced
    for a, b in zip(me.get_weights(), mt.get_weights()):
        np.testing.assert_allclose(b, a, rtol=rtol, atol=rtol)
    assert he.history.keys() == ht.history.keys()
    for k in he.history:
        np.testing.assert_allclose(ht.history[k], he.history[k], rtol=rtol, atol=rtol)
    assert mt._traced is True
    assert me.__dict__.get("_step_functions") is None  # run_eagerly: no graph at all


def _images(n, shape, classes=10, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(size=(n,) + shape).astype("float32"), rng.integers(0, classes, n)


def test_seed_mlp_traced_equals_eager_and_traces_twice_in_three_epochs():
    x, y = _images(100, (784,))  # batches of 32, 32, 32 and a last one of 4
    eager, traced = _fit_both(
        _seed_mlp,
        x,
        y,
        dict(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]),
        epochs=3,
    )
    _assert_same(eager, traced)
    model = traced[0]
    assert model.make_train_function().tracing_count == 2
    assert model.make_test_function().tracing_count == 2  # validation: 32 and 8
    np.testing.assert_allclose(model.predict(x[:1], verbose=0), eager[0].predict(x[:1], verbose=0), rtol=1e-6)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), eager[0].evaluate(x, y, verbose=0), rtol=1e-6)


def test_seed_cnn_on_a_few_batches():
    x, y = _images(40, (28, 28, 1))
    eager, traced = _fit_both(
        _seed_cnn,
        x,
        y,
        dict(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]),
        epochs=1,
        validation=False,
    )
    _assert_same(eager, traced)
    np.testing.assert_allclose(
        traced[0].predict(x[:3], verbose=0), eager[0].predict(x[:3], verbose=0), rtol=1e-6
    )


def test_seed_lstm_model():
    x, y = _images(40, (28, 28))
    eager, traced = _fit_both(
        _seed_lstm,
        x,
        y,
        dict(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]),
        epochs=1,
        validation=False,
    )
    _assert_same(eager, traced)


def test_linear_regression_example():
    rng = np.random.default_rng(42)
    x = rng.uniform(-1, 1, size=(100, 1)).astype("float32")
    y = (3 * x + 2 + rng.normal(0, 0.1, size=(100, 1))).astype("float32")
    eager, traced = _fit_both(
        lambda: keras.Sequential([layers.Dense(1, input_shape=(1,))]),
        x,
        y,
        dict(optimizer="sgd", loss="mse"),
        epochs=30,
        validation=False,
    )
    _assert_same(eager, traced)
    assert traced[0].make_train_function().tracing_count == 2
    losses = traced[1].history["loss"]
    assert losses[-1] < losses[0] / 2


@pytest.mark.parametrize("activation", ["sigmoid", None])
def test_logistic_regression_example(activation):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 2)).astype("float32")
    p = 1 / (1 + np.exp(-(x @ np.array([2.0, -1.0]) + 0.5)))
    y = (rng.uniform(size=200) < p).astype("float32").reshape(-1, 1)

    def build():
        return keras.Sequential([layers.Dense(1, activation=activation, input_shape=(2,))])

    kwargs = dict(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    if activation is None:  # the seed's version: Keras clips the raw outputs; tensorflux warns once
        with pytest.warns(UserWarning, match="probabilities"):
            eager, traced = _fit_both(build, x, y, kwargs, epochs=10, validation=False)
    else:
        eager, traced = _fit_both(build, x, y, kwargs, epochs=10, validation=False)
    _assert_same(eager, traced)


def test_autoencoder_example_with_sub_models():
    x = np.random.default_rng(3).uniform(size=(96, 784)).astype("float32")

    def build():
        input_img = keras.Input(shape=(784,))
        encoded = layers.Dense(32, activation="relu")(input_img)
        decoded = layers.Dense(784, activation="sigmoid")(encoded)
        autoencoder = keras.Model(input_img, decoded)
        autoencoder.parts = (keras.Model(input_img, encoded), keras.Model(encoded, decoded))
        return autoencoder

    eager, traced = _fit_both(build, x, x, dict(optimizer="adam", loss="binary_crossentropy"), epochs=2)
    _assert_same(eager, traced)
    (enc_e, dec_e), (enc_t, dec_t) = eager[0].parts, traced[0].parts
    codes = enc_t.predict(x, verbose=0)
    np.testing.assert_allclose(codes, enc_e.predict(x, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(dec_t.predict(codes, verbose=0), dec_e.predict(codes, verbose=0), rtol=1e-6)
    assert dec_t._traced is True


class _GAN(keras.Model):
    """A custom ``train_step`` with two tapes, two optimizers and random noise (as examples/gan.py)."""

    def __init__(self):
        super().__init__()
        self.discriminator = keras.Sequential(
            [keras.Input((6,)), layers.Dense(8), layers.LeakyReLU(0.2), layers.Dropout(0.2), layers.Dense(1)]
        )
        self.generator = keras.Sequential(
            [
                keras.Input((4,)),
                layers.Dense(8, activation="relu"),
                layers.BatchNormalization(),
                layers.Dense(6),
            ]
        )
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def compile(self, run_eagerly=False):
        super().compile(run_eagerly=run_eagerly)
        self.d_optimizer = keras.optimizers.Adam(1e-3)
        self.g_optimizer = keras.optimizers.Adam(1e-3)
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

    def train_step(self, real):
        real = real[0] if isinstance(real, tuple) else real
        n = real.shape[0]
        fake = self.generator(tf.random.normal((n, 4)))
        images = tf.concat([real, fake], axis=0)
        labels = tf.concat([tf.ones((n, 1)), tf.zeros((n, 1))], axis=0)
        with tf.GradientTape() as tape:
            d_loss = self.loss_fn(labels, self.discriminator(images, training=True))
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
        with tf.GradientTape() as tape:
            g_loss = self.loss_fn(
                tf.ones((n, 1)), self.discriminator(self.generator(tf.random.normal((n, 4)), training=True))
            )
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


def test_custom_train_step_is_traced_whole():
    x = np.random.default_rng(0).normal(size=(50, 6)).astype("float32")
    eager, traced = _fit_both(_GAN, x, None, {}, epochs=3, batch_size=16, validation=False)
    _assert_same(eager, traced)
    assert traced[0].make_train_function().tracing_count == 2


class _ReadsNumpy(keras.Model):
    """A train_step that reads a value in Python: it cannot be traced, so it runs eagerly."""

    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(1)
        self.seen = []

    def call(self, x):
        return self.dense(x)

    def train_step(self, data):
        logs = super().train_step(data)
        self.seen.append(float(logs["loss"]))
        return logs


def test_a_step_that_cannot_be_traced_falls_back_to_eager_silently():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(20, 3)).astype("float32"), rng.normal(size=(20, 1)).astype("float32")
    eager, traced = _fit_both(
        _ReadsNumpy, x, y, dict(optimizer="sgd", loss="mse"), epochs=2, batch_size=8, validation=False
    )
    (me, _), (mt, _) = eager, traced
    assert mt._traced is False
    assert len(mt.seen) == len(me.seen) == 6  # the failed trace left no trace: no extra step
    np.testing.assert_allclose(mt.seen, me.seen, rtol=1e-6)
    for a, b in zip(me.get_weights(), mt.get_weights()):
        np.testing.assert_allclose(b, a, rtol=1e-6)


def test_one_sample_predict_and_tf_function_of_a_model():
    keras.utils.set_random_seed(0)
    model = _seed_mlp()
    x = np.random.default_rng(0).uniform(size=(1, 784)).astype("float32")
    eager = model(tf.constant(x), training=False).numpy()
    np.testing.assert_allclose(model.predict(x, verbose=0), eager, rtol=1e-6)
    np.testing.assert_allclose(model.predict(x, verbose=0), eager, rtol=1e-6)
    assert model.make_predict_function().tracing_count == 1
    serve = tf.function(model)
    for _ in range(2):
        np.testing.assert_allclose(serve(tf.constant(x)).numpy(), eager, rtol=1e-6)
    assert serve.experimental_get_tracing_count() == 1
