"""The training loop: data kinds, History, validation, weights, custom steps, single-batch methods."""

import numpy as np
import pytest
from training_helpers import TinyDense, sequential_available

import tensorflux as tf
from tensorflux.keras import callbacks, metrics, optimizers
from tensorflux.keras.trainers.trainer import Trainer
from tensorflux.keras.utils.py_dataset import PyDataset


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int64") + (x[:, 1] > 0.5).astype("int64")
    return x, y


def _model(**compile_kwargs):
    m = TinyDense(4, 3, "softmax")
    kw = {"optimizer": "adam", "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}
    kw.update(compile_kwargs)
    m.compile(**kw)
    return m


def test_history_contents():
    x, y = _data()
    m = _model()
    h = m.fit(x, y, epochs=3, batch_size=16, validation_data=(x[:20], y[:20]), verbose=0)
    assert m.history is h
    assert h.epoch == [0, 1, 2]
    assert h.params == {"verbose": 0, "epochs": 3, "steps": 4}
    assert list(h.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert all(len(v) == 3 and all(isinstance(f, float) for f in v) for v in h.history.values())
    assert h.history["loss"][2] < h.history["loss"][0]
    # the epoch's loss is the batch-size-weighted mean of the batch losses, as Keras reports it
    val = m.evaluate(x[:20], y[:20], verbose=0, return_dict=True)
    assert val == pytest.approx(
        {"accuracy": h.history["val_accuracy"][-1], "loss": h.history["val_loss"][-1]}
    )
    assert m.fit(x, y, verbose=1, epochs=1).params["verbose"] == 1


def test_default_batch_size_and_steps():
    x, y = _data(70)
    h = _model().fit(x, y, verbose=0)
    assert h.params["steps"] == 3  # ceil(70 / 32)
    h = _model().fit(x, y, verbose=0, steps_per_epoch=2, epochs=2)
    assert h.params["steps"] == 2


def test_validation_split_takes_the_last_samples():
    x, y = _data(10)
    seen = []

    class Spy(TinyDense):
        def test_step(self, data):
            seen.append(data[0].numpy().copy())
            return super().test_step(data)

    m = Spy(4, 3, "softmax")
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    m.fit(x, y, validation_split=0.3, epochs=1, verbose=0)
    np.testing.assert_array_equal(np.concatenate(seen), x[7:])


def test_shuffle_uses_every_sample_once_per_epoch():
    x = np.arange(20, dtype="float32").reshape(10, 2)
    y = np.arange(10, dtype="int64") % 3
    batches = []

    class Spy(TinyDense):
        def train_step(self, data):
            batches.append(data[0].numpy()[:, 0] / 2)
            return super().train_step(data)

    m = Spy(2, 3, "softmax")
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    m.fit(x, y, batch_size=4, epochs=2, verbose=0)
    first, second = np.concatenate(batches[:3]), np.concatenate(batches[3:])
    assert sorted(first) == sorted(second) == list(range(10))
    assert list(first) != list(range(10)) and list(first) != list(second)
    batches.clear()
    m.fit(x, y, batch_size=4, epochs=1, verbose=0, shuffle=False)
    assert list(np.concatenate(batches)) == list(range(10))


def test_same_seed_gives_bitwise_identical_weights():
    x, y = _data(50)

    def run():
        tf.random.set_seed(3)
        np.random.seed(3)
        m = TinyDense(4, 3, "softmax", seed=1)
        m.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        m.fit(x, y, epochs=3, batch_size=8, verbose=0)
        return m.get_weights()

    a, b = run(), run()
    for wa, wb in zip(a, b):
        np.testing.assert_array_equal(wa, wb)


@pytest.mark.skipif(not sequential_available(), reason="keras.Sequential is not available yet")
def test_set_random_seed_makes_fits_bitwise_identical():
    from tensorflux import keras

    x, y = _data(50)

    def run():
        keras.utils.set_random_seed(7)
        m = keras.Sequential(
            [
                keras.Input((4,)),
                keras.layers.Dense(8, activation="relu"),
                keras.layers.Dropout(0.3),
                keras.layers.Dense(3, activation="softmax"),
            ]
        )
        m.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        m.fit(x, y, epochs=3, batch_size=8, verbose=0)
        return m.get_weights()

    for wa, wb in zip(run(), run()):
        np.testing.assert_array_equal(wa, wb)


def test_sample_weight_and_class_weight():
    x, y = _data(32)
    m = _model(weighted_metrics=["accuracy"])
    sw = np.where(y == 1, 0.0, 1.0).astype("float32")
    logs = m.evaluate(x, y, sample_weight=sw, verbose=0, return_dict=True)
    mask = y != 1
    ref = _model(weighted_metrics=["accuracy"])
    ref.set_weights(m.get_weights())
    ref_logs = ref.evaluate(x[mask], y[mask], verbose=0, return_dict=True)
    # weighted metrics ignore zero-weight samples; the loss divides by the batch size (sum_over_batch_size)
    assert logs["weighted_accuracy"] == pytest.approx(ref_logs["weighted_accuracy"], abs=1e-6)
    assert logs["loss"] == pytest.approx(ref_logs["loss"] * mask.sum() / len(y), rel=1e-5)
    a = _model()
    b = _model()
    a.fit(x, y, class_weight={0: 1.0, 1: 0.0, 2: 1.0}, epochs=2, batch_size=8, shuffle=False, verbose=0)
    b.fit(x, y, sample_weight=sw, epochs=2, batch_size=8, shuffle=False, verbose=0)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, atol=1e-6)


def test_generator_pydataset_and_dataset_inputs():
    x, y = _data(48)

    def gen():
        for i in range(0, 48, 16):
            yield x[i : i + 16], y[i : i + 16]

    class Batches(PyDataset):
        def __init__(self):
            super().__init__()
            self.epochs_ended = 0

        def __len__(self):
            return 3

        def __getitem__(self, i):
            return x[i * 16 : (i + 1) * 16], y[i * 16 : (i + 1) * 16]

        def on_epoch_end(self):
            self.epochs_ended += 1

    ref = _model(optimizer="sgd")
    ref.fit(x, y, batch_size=16, shuffle=False, epochs=1, verbose=0)
    a = _model(optimizer="sgd")
    a.fit(gen(), epochs=1, verbose=0)
    ds = Batches()
    b = _model(optimizer="sgd")
    h = b.fit(ds, epochs=2, verbose=0)
    assert ds.epochs_ended == 2 and h.params["steps"] == 3
    for wr, wa in zip(ref.get_weights(), a.get_weights()):
        np.testing.assert_allclose(wr, wa, atol=1e-6)
    data = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    c = _model(optimizer="sgd")
    h = c.fit(data, epochs=1, verbose=0, validation_data=data)
    assert h.params["steps"] == 3 and "val_loss" in h.history
    for wr, wc in zip(ref.get_weights(), c.get_weights()):
        np.testing.assert_allclose(wr, wc, atol=1e-6)
    assert c.evaluate(data, verbose=0)[0] == pytest.approx(c.evaluate(x, y, verbose=0)[0], rel=1e-5)
    assert c.predict(data, verbose=0).shape == (48, 3)


def test_exhausted_generator_stops_training_with_a_warning():
    x, y = _data(32)
    m = _model()
    with pytest.warns(UserWarning, match="ran out of data"):
        h = m.fit(((x[i : i + 8], y[i : i + 8]) for i in range(0, 32, 8)), epochs=3, verbose=0)
    assert h.epoch == [0]
    with pytest.warns(UserWarning, match="ran out of data"):
        h = _model().fit(
            ((x[i : i + 8], y[i : i + 8]) for i in range(0, 32, 8)), epochs=3, steps_per_epoch=3, verbose=0
        )
    assert h.epoch == [0]


def test_initial_epoch_and_validation_freq():
    x, y = _data()
    h = _model().fit(x, y, epochs=5, initial_epoch=2, validation_data=(x, y), validation_freq=2, verbose=0)
    assert h.epoch == [2, 3, 4]
    assert len(h.history["loss"]) == 3 and len(h.history["val_loss"]) == 1  # epoch 4 (1-based) only
    h = _model().fit(x, y, epochs=3, validation_data=(x, y), validation_freq=[1, 3], verbose=0)
    assert len(h.history["val_loss"]) == 2


def test_evaluate_return_forms_and_predict_shapes():
    x, y = _data(40)
    m = _model(metrics=["accuracy", "sparse_top_k_categorical_accuracy"])
    values = m.evaluate(x, y, verbose=0)
    d = m.evaluate(x, y, verbose=0, return_dict=True)
    assert values == [d["loss"], d["accuracy"], d["sparse_top_k_categorical_accuracy"]]
    assert m.metrics_names == ["loss", "compile_metrics"]
    only_loss = _model(metrics=None)
    assert isinstance(only_loss.evaluate(x, y, verbose=0), float)
    p = m.predict(x, batch_size=7, verbose=0)
    assert p.shape == (40, 3) and isinstance(p, np.ndarray)
    np.testing.assert_allclose(p, m(x).numpy(), atol=1e-6)
    np.testing.assert_allclose(m.predict(x[:1], verbose=0), m(x[:1]).numpy())
    np.testing.assert_allclose(m.predict_on_batch(x[:5]), m(x[:5]).numpy())


def test_train_and_test_on_batch():
    x, y = _data(16)
    m = _model(optimizer=optimizers.SGD(learning_rate=0.5))
    before = m.evaluate(x, y, verbose=0)[0]
    first = m.train_on_batch(x, y)
    assert isinstance(first, list) and len(first) == 2
    d = m.train_on_batch(x, y, return_dict=True)
    assert set(d) == {"loss", "accuracy"}
    assert m.test_on_batch(x, y, return_dict=True)["loss"] < before
    m.reset_metrics()
    assert m.test_on_batch(x, y) == pytest.approx(m.evaluate(x, y, verbose=0), rel=1e-6)


def test_several_outputs_with_dict_losses_metrics_and_weights():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(32, 3)).astype("float32")
    y_reg = x.sum(1, keepdims=True).astype("float32")
    y_cls = (x[:, 0] > 0).astype("float32").reshape(-1, 1)

    class TwoHeads(Trainer):
        output_names = ["value", "flag"]

        def __init__(self):
            self.w1 = tf.Variable(np.full((3, 1), 0.1, "float32"))
            self.w2 = tf.Variable(np.full((3, 1), -0.1, "float32"))
            self.built = True

        @property
        def trainable_variables(self):
            return [self.w1, self.w2]

        def __call__(self, x, training=False):
            x = tf.convert_to_tensor(x)
            return [tf.matmul(x, self.w1), tf.sigmoid(tf.matmul(x, self.w2))]

    m = TwoHeads()
    m.compile(
        optimizer="sgd",
        loss={"value": "mse", "flag": "binary_crossentropy"},
        loss_weights={"value": 0.5, "flag": 2.0},
        metrics={"flag": ["accuracy"], "value": ["mae"]},
    )
    h = m.fit(x, {"value": y_reg, "flag": y_cls}, epochs=2, batch_size=8, verbose=0)
    assert sorted(h.history) == ["flag_accuracy", "flag_loss", "loss", "value_loss", "value_mae"]
    logs = m.evaluate(x, [y_reg, y_cls], verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(0.5 * logs["value_loss"] + 2.0 * logs["flag_loss"], rel=1e-5)
    values = m.evaluate(x, [y_reg, y_cls], verbose=0)
    assert values[:3] == pytest.approx([logs["loss"], logs["value_loss"], logs["flag_loss"]])
    preds = m.predict(x, verbose=0)
    assert isinstance(preds, list) and preds[0].shape == (32, 1)


def test_dict_inputs():
    rng = np.random.default_rng(2)
    inputs = {
        "a": rng.normal(size=(20, 2)).astype("float32"),
        "b": rng.normal(size=(20, 1)).astype("float32"),
    }
    y = (inputs["a"].sum(1) + inputs["b"][:, 0]).reshape(-1, 1).astype("float32")

    class Joined(Trainer):
        def __init__(self):
            self.wa = tf.Variable(np.zeros((2, 1), "float32"))
            self.wb = tf.Variable(np.zeros((1, 1), "float32"))

        @property
        def trainable_variables(self):
            return [self.wa, self.wb]

        def __call__(self, x, training=False):
            return tf.matmul(tf.convert_to_tensor(x["a"]), self.wa) + tf.matmul(
                tf.convert_to_tensor(x["b"]), self.wb
            )

    m = Joined()
    m.compile(optimizer=optimizers.SGD(0.1), loss="mse")
    h = m.fit(inputs, y, epochs=20, batch_size=5, verbose=0)
    assert h.history["loss"][-1] < 0.1 * h.history["loss"][0]
    assert m.predict(inputs, verbose=0).shape == (20, 1)


def test_gan_style_custom_train_step():
    rng = np.random.default_rng(0)
    real = rng.normal(loc=2.0, size=(64, 1)).astype("float32")

    class GAN(Trainer):
        def __init__(self):
            self.g = tf.Variable([[0.5]])
            self.d = tf.Variable([[0.1]])
            self.d_loss_tracker = metrics.Mean(name="d_loss")
            self.g_loss_tracker = metrics.Mean(name="g_loss")

        @property
        def trainable_variables(self):
            return [self.g, self.d]

        @property
        def metrics(self):
            return [self.d_loss_tracker, self.g_loss_tracker]

        def compile(self, d_optimizer, g_optimizer):
            super().compile()
            self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

        def train_step(self, data):
            x = data[0] if isinstance(data, tuple) else data
            noise = tf.random.normal((x.shape[0], 1))
            with tf.GradientTape() as tape:
                fake = tf.matmul(noise, self.g)
                d_real = tf.sigmoid(tf.matmul(x, self.d))
                d_fake = tf.sigmoid(tf.matmul(fake, self.d))
                d_loss = -tf.reduce_mean(tf.math.log(d_real + 1e-6) + tf.math.log(1 - d_fake + 1e-6))
            self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, [self.d]), [self.d]))
            with tf.GradientTape() as tape:
                g_loss = -tf.reduce_mean(
                    tf.math.log(tf.sigmoid(tf.matmul(tf.matmul(noise, self.g), self.d)) + 1e-6)
                )
            self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, [self.g]), [self.g]))
            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}

    gan = GAN()
    gan.compile(d_optimizer=optimizers.Adam(0.01), g_optimizer=optimizers.Adam(0.01))
    h = gan.fit(real, epochs=2, batch_size=16, verbose=0)
    assert sorted(h.history) == ["d_loss", "g_loss"] and len(h.history["d_loss"]) == 2
    assert int(gan.d_optimizer.iterations) == 8 and int(gan.g_optimizer.iterations) == 8
    assert gan.d_loss_tracker.count.numpy() == 4  # reset at each epoch start


def test_metrics_set_as_attributes_are_tracked_and_reset():
    x, y = _data(32)

    class WithTracker(TinyDense):
        def __init__(self):
            super().__init__(4, 3, "softmax")
            self.batches = metrics.Sum(name="batches")

        def train_step(self, data):
            logs = super().train_step(data)
            self.batches.update_state(1.0)
            logs["batches"] = self.batches.result()
            return logs

    m = WithTracker()
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    h = m.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert h.history["batches"] == [4.0, 4.0]
    assert m.metrics_names == ["loss", "batches"]


def test_model_losses_are_added():
    x, y = _data(16)

    class Regularized(TinyDense):
        @property
        def losses(self):
            return [tf.reduce_sum(self.kernel * self.kernel) * 0.1]

    plain, reg = TinyDense(4, 3, "softmax"), Regularized(4, 3, "softmax")
    for m in (plain, reg):
        m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    diff = reg.evaluate(x, y, verbose=0) - plain.evaluate(x, y, verbose=0)
    assert diff == pytest.approx(0.1 * float(np.sum(plain.kernel.numpy() ** 2)), rel=1e-5)


def test_callback_hooks_order_and_stop_training():
    x, y = _data(24)
    calls = []

    class Recorder(callbacks.Callback):
        def on_train_begin(self, logs=None):
            calls.append("train_begin")

        def on_epoch_begin(self, epoch, logs=None):
            calls.append(f"epoch_begin {epoch}")

        def on_train_batch_begin(self, batch, logs=None):
            calls.append(f"batch_begin {batch}")

        def on_batch_end(self, batch, logs=None):  # legacy name, called by on_train_batch_end
            calls.append(f"batch_end {batch} {sorted(logs)}")
            if batch == 1 and self.params["epochs"] == 2:
                self.model.stop_training = True

        def on_test_begin(self, logs=None):
            calls.append("test_begin")

        def on_test_end(self, logs=None):
            calls.append(f"test_end {sorted(logs)}")

        def on_epoch_end(self, epoch, logs=None):
            calls.append(f"epoch_end {epoch} {sorted(logs)}")

        def on_train_end(self, logs=None):
            calls.append("train_end")

    _model().fit(x, y, batch_size=8, epochs=2, validation_data=(x, y), callbacks=[Recorder()], verbose=0)
    assert calls == [
        "train_begin",
        "epoch_begin 0",
        "batch_begin 0",
        "batch_end 0 ['accuracy', 'loss']",
        "batch_begin 1",
        "batch_end 1 ['accuracy', 'loss']",
        "test_begin",
        "test_end ['accuracy', 'loss']",
        "epoch_end 0 ['accuracy', 'loss', 'val_accuracy', 'val_loss']",
        "train_end",
    ]


def test_steps_per_epoch_continues_through_the_data():
    from tensorflux.keras.trainers.epoch_iterator import EpochIterator

    x = np.arange(8, dtype="float32").reshape(8, 1)
    it = EpochIterator(x, batch_size=2, steps_per_epoch=3)
    firsts = [[float(b[0].numpy()[0, 0]) for _, b in it.enumerate_epoch(0)]]
    with pytest.warns(UserWarning, match="ran out of data"):
        firsts.append([float(b[0].numpy()[0, 0]) for _, b in it.enumerate_epoch(1)])
    firsts.append([float(b[0].numpy()[0, 0]) for _, b in it.enumerate_epoch(2)])
    # as in Keras: the second epoch gets the one batch left, the third starts over
    assert firsts == [[0.0, 2.0, 4.0], [6.0], [0.0, 2.0, 4.0]]


def test_on_batch_methods_report_the_batch_not_a_running_mean():
    # Keras 3 resets the metrics before each call: the second call reports its own batch only
    m = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(1)])
    m.compile(optimizer=tf.keras.optimizers.SGD(0.0), loss="mse", metrics=["mae"])  # weights stay put
    rng = np.random.default_rng(0)
    x1, y1 = rng.standard_normal((4, 3)).astype("float32"), np.zeros((4, 1), "float32")
    x2, y2 = rng.standard_normal((4, 3)).astype("float32"), np.full((4, 1), 5.0, "float32")
    own = m.evaluate(x2, y2, verbose=0, return_dict=True)
    for method in (m.train_on_batch, m.test_on_batch):
        method(x1, y1)
        second = method(x2, y2, return_dict=True)
        assert second["loss"] == pytest.approx(own["loss"], rel=1e-6)
        assert second["mae"] == pytest.approx(own["mae"], rel=1e-6)
