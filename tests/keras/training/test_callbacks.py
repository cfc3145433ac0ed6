"""Callbacks: EarlyStopping, ModelCheckpoint, BackupAndRestore, LR callbacks, CSV, NaN, TensorBoard."""

import csv
import glob
import os
import struct

import numpy as np
import pytest
from training_helpers import TinyDense, sequential_available

from tensorflux.keras import callbacks, optimizers
from tensorflux.keras.callbacks import _event_file


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int64") + (x[:, 1] > 0.5).astype("int64")
    return x, y


class Savable(TinyDense):
    """TinyDense with test-local weight files (weights and optimizer state), to test the callbacks' logic."""

    saved: list = []

    def save_weights(self, filepath, overwrite=True):
        arrays = self.get_weights() + [v.numpy() for v in self.optimizer.variables]
        with open(filepath, "wb") as f:
            np.savez(f, *arrays)
        Savable.saved.append(filepath)

    def save(self, filepath, overwrite=True):
        self.save_weights(filepath, overwrite)

    def load_weights(self, filepath):
        with np.load(filepath) as data:
            arrays = [data[f"arr_{i}"] for i in range(len(data.files))]
        self.set_weights(arrays[:2])
        for v, a in zip(self.optimizer.variables, arrays[2:]):
            v.assign(a)


def _model(cls=TinyDense, optimizer="adam"):
    m = cls(4, 3, "softmax")
    m.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return m


def test_early_stopping_restores_the_best_epoch():
    x, y = _data()
    m = _model()
    scores = [5.0, 4.0, 3.0, 3.5, 3.2, 3.1, 0.5]  # best at epoch 2; patience 3 stops after epoch 5
    snapshots = []

    def score(epoch, logs):  # runs before EarlyStopping, on the same logs dict, as Keras' callbacks do
        logs["score"] = scores[epoch]
        snapshots.append(m.get_weights())

    stop = callbacks.EarlyStopping(
        monitor="score", mode="min", patience=3, restore_best_weights=True, verbose=1
    )
    h = m.fit(x, y, epochs=7, callbacks=[callbacks.LambdaCallback(on_epoch_end=score), stop], verbose=0)
    assert h.epoch == [0, 1, 2, 3, 4, 5] and h.history["score"] == scores[:6]
    assert stop.best_epoch == 2 and stop.stopped_epoch == 5
    assert not np.array_equal(snapshots[2][0], snapshots[5][0])
    for w, ref in zip(m.get_weights(), snapshots[2]):
        np.testing.assert_array_equal(w, ref)


def test_early_stopping_modes_baseline_and_start_from_epoch():
    x, y = _data()
    m = _model()
    stop = callbacks.EarlyStopping(monitor="accuracy", baseline=1.01, patience=2)
    h = m.fit(x, y, epochs=10, callbacks=[stop], verbose=0)
    assert len(h.epoch) == 2  # the baseline is never reached
    assert stop.monitor_op.__name__ == "gt"  # accuracy goes up
    stop = callbacks.EarlyStopping(monitor="loss", patience=0, start_from_epoch=4, min_delta=10.0)
    h = _model().fit(x, y, epochs=10, callbacks=[stop], verbose=0)
    assert h.epoch == [0, 1, 2, 3, 4, 5]
    with pytest.warns(UserWarning, match="not available"):
        _model().fit(x, y, epochs=1, callbacks=[callbacks.EarlyStopping(monitor="val_loss")], verbose=0)


def test_model_checkpoint_templates_and_best_only(tmp_path):
    x, y = _data()
    Savable.saved = []
    path = str(tmp_path / "ckpt" / "{epoch:02d}-{val_loss:.2f}.weights.h5")
    cb = callbacks.ModelCheckpoint(path, save_weights_only=True)
    m = _model(Savable)
    h = m.fit(x, y, epochs=3, validation_data=(x, y), callbacks=[cb], verbose=0)
    expected = [
        str(tmp_path / "ckpt" / f"{e + 1:02d}-{v:.2f}.weights.h5")
        for e, v in enumerate(h.history["val_loss"])
    ]
    assert Savable.saved == expected and all(os.path.exists(p) for p in expected)
    Savable.saved = []
    best = callbacks.ModelCheckpoint(str(tmp_path / "best.keras"), monitor="val_loss", save_best_only=True)
    m = _model(Savable, optimizer=optimizers.SGD(1.0))
    h = m.fit(x, y, epochs=8, batch_size=64, validation_data=(x[:16], y[:16]), callbacks=[best], verbose=0)
    improvements = sum(
        v < min(h.history["val_loss"][:i], default=np.inf) for i, v in enumerate(h.history["val_loss"])
    )
    assert len(Savable.saved) == improvements
    with pytest.raises(ValueError, match=".weights.h5"):
        callbacks.ModelCheckpoint("w.h5", save_weights_only=True)
    with pytest.raises(ValueError, match=".keras"):
        callbacks.ModelCheckpoint("model.ckpt")


def test_model_checkpoint_every_n_batches(tmp_path):
    x, y = _data(64)
    Savable.saved = []
    cb = callbacks.ModelCheckpoint(str(tmp_path / "b{epoch}-{batch}.keras"), save_freq=3)
    _model(Savable).fit(x, y, epochs=2, batch_size=16, callbacks=[cb], verbose=0)
    assert [os.path.basename(p) for p in Savable.saved] == ["b1-3.keras", "b2-2.keras"]


class _Interrupt(callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 1:
            raise KeyboardInterrupt


def _backup_run(tmp_path, make_model):
    x, y = _data(48)
    backup = str(tmp_path / "backup")

    def fit(extra):
        np.random.seed(5)  # the shuffling order derives from NumPy's global seed at the start of fit
        return m.fit(
            x, y, epochs=4, batch_size=16, callbacks=[callbacks.BackupAndRestore(backup)] + extra, verbose=0
        )

    reference = make_model()
    np.random.seed(5)
    reference.fit(x, y, epochs=4, batch_size=16, verbose=0)
    m = make_model()
    with pytest.raises(KeyboardInterrupt):
        fit([_Interrupt()])
    assert os.path.exists(os.path.join(backup, "training_metadata.json"))
    m = make_model()  # a fresh process would start from new weights
    h = fit([])
    assert h.epoch == [2, 3]
    for a, b in zip(m.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert not os.path.exists(backup)


def test_backup_and_restore_resumes_like_an_uninterrupted_run(tmp_path):
    def make():
        m = Savable(4, 3, "softmax", seed=9)
        m.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        return m

    _backup_run(tmp_path, make)


@pytest.mark.skipif(
    not sequential_available() or not hasattr(__import__("tensorflux").keras.Model, "save_weights"),
    reason="Model.save_weights / load_weights (the saving work) are not available yet",
)
def test_backup_and_restore_with_sequential(tmp_path):
    from tensorflux import keras

    rng = np.random.default_rng(4)
    start = [rng.normal(size=shape).astype("float32") * 0.5 for shape in ((4, 6), (6,), (6, 3), (3,))]

    def make():  # every run starts from the same weights, as a restarted program with a fixed seed would
        m = keras.Sequential(
            [
                keras.Input((4,)),
                keras.layers.Dense(6, activation="relu"),
                keras.layers.Dense(3, activation="softmax"),
            ]
        )
        m.set_weights(start)
        m.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        return m

    _backup_run(tmp_path, make)


def test_reduce_lr_on_plateau():
    x, y = _data()
    m = _model(optimizer=optimizers.SGD(0.1))
    cb = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=100.0, min_lr=0.02)
    h = m.fit(x, y, epochs=5, callbacks=[cb], verbose=0)
    # the rate is logged before the epoch's reduction, as in Keras
    np.testing.assert_allclose(h.history["learning_rate"], [0.1, 0.1, 0.05, 0.025, 0.02], rtol=1e-6)
    assert float(m.optimizer.learning_rate) == pytest.approx(0.02)
    with pytest.raises(ValueError, match="factor"):
        callbacks.ReduceLROnPlateau(factor=1.5)


def test_learning_rate_scheduler():
    x, y = _data()
    m = _model(optimizer=optimizers.SGD(0.1))
    cb = callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch else lr)
    h = m.fit(x, y, epochs=3, callbacks=[cb], verbose=0)
    np.testing.assert_allclose(h.history["learning_rate"], [0.1, 0.05, 0.025], rtol=1e-6)
    old_style = callbacks.LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1))
    h = _model().fit(x, y, epochs=2, callbacks=[old_style], verbose=0)
    np.testing.assert_allclose(h.history["learning_rate"], [0.01, 0.02], rtol=1e-6)
    with pytest.raises(ValueError, match="should be a float"):
        _model().fit(x, y, callbacks=[callbacks.LearningRateScheduler(lambda e, lr: "fast")], verbose=0)


def test_csv_logger(tmp_path):
    x, y = _data()
    path = tmp_path / "log.csv"
    h = _model().fit(
        x, y, epochs=2, validation_data=(x, y), callbacks=[callbacks.CSVLogger(str(path))], verbose=0
    )
    with open(path) as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert [int(r["epoch"]) for r in rows] == [0, 1]
    assert float(rows[1]["val_loss"]) == pytest.approx(h.history["val_loss"][1])
    _model().fit(
        x, y, epochs=1, callbacks=[callbacks.CSVLogger(str(path), separator=";", append=True)], verbose=0
    )
    with open(path) as f:
        assert len(f.read().strip().split("\n")) == 4  # header only once


def test_terminate_on_nan(capsys):
    x, y = _data(64)
    x[40] = np.nan
    m = _model()
    h = m.fit(x, y, batch_size=16, epochs=3, shuffle=False, callbacks=[callbacks.TerminateOnNaN()], verbose=0)
    assert h.epoch == [0] and np.isnan(h.history["loss"][0])
    assert "Batch 2: Invalid loss, terminating training" in capsys.readouterr().out
    with pytest.raises(RuntimeError, match="NaN or Inf loss"):
        _model().fit(
            x,
            y,
            batch_size=16,
            shuffle=False,
            callbacks=[callbacks.TerminateOnNaN(raise_error=True)],
            verbose=0,
        )


def test_lambda_callback_sees_python_floats():
    x, y = _data(32)
    seen = []
    cb = callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append((batch, logs["loss"])))
    _model().fit(x, y, batch_size=16, epochs=1, callbacks=[cb], verbose=0)
    assert [b for b, _ in seen] == [0, 1] and all(type(v) is float for _, v in seen)


def _scalars(path):
    out = []
    for rec in _event_file.read_records(path)[1:]:
        # Event: wall_time (9 bytes), step (tag 0x10 + varint), summary (tag 0x2a, len, Value)
        i = 9 + 1
        step = 0
        shift = 0
        while True:
            b = rec[i]
            step |= (b & 0x7F) << shift
            i += 1
            shift += 7
            if not b & 0x80:
                break
        value_msg = rec[i + 4 :]
        tag_len = value_msg[1]
        tag = value_msg[2 : 2 + tag_len].decode()
        (value,) = struct.unpack("<f", value_msg[3 + tag_len : 7 + tag_len])
        out.append((tag, step, value))
    return out


def test_tensorboard_writes_readable_event_files(tmp_path):
    assert _event_file.crc32c(b"123456789") == 0xE3069283  # the CRC-32C check value
    x, y = _data()
    h = _model().fit(
        x, y, epochs=2, validation_data=(x, y), callbacks=[callbacks.TensorBoard(str(tmp_path))], verbose=0
    )
    train = _scalars(glob.glob(str(tmp_path / "train" / "events.out.tfevents.*"))[0])
    val = _scalars(glob.glob(str(tmp_path / "validation" / "events.out.tfevents.*"))[0])
    assert {t for t, _, _ in train} == {"epoch_accuracy", "epoch_loss", "epoch_learning_rate"}
    assert [(s, pytest.approx(v)) for t, s, v in train if t == "epoch_loss"] == [
        (0, pytest.approx(h.history["loss"][0])),
        (1, pytest.approx(h.history["loss"][1])),
    ]
    assert [v for t, _, v in val if t == "epoch_loss"] == pytest.approx(h.history["val_loss"])
    first = _event_file.read_records(glob.glob(str(tmp_path / "train" / "*"))[0])[0]
    assert b"brain.Event:2" in first


@pytest.mark.skipif(
    not sequential_available() or not hasattr(__import__("tensorflux").keras.Model, "save"),
    reason="Model.save / keras.models.load_model (the saving work) are not available yet",
)
def test_model_checkpoint_files_load_back(tmp_path):
    from tensorflux import keras

    x, y = _data(32)
    yb = (y > 0).astype("float32")
    m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    m.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy", keras.metrics.AUC()])
    cbs = [
        keras.callbacks.ModelCheckpoint(str(tmp_path / "m-{epoch}.keras")),
        keras.callbacks.ModelCheckpoint(str(tmp_path / "w.weights.h5"), save_weights_only=True),
    ]
    m.fit(x, yb, epochs=2, callbacks=cbs, verbose=0)
    assert sorted(os.listdir(tmp_path)) == ["m-1.keras", "m-2.keras", "w.weights.h5"]
    again = keras.models.load_model(str(tmp_path / "m-2.keras"))
    assert again.evaluate(x, yb, verbose=0) == pytest.approx(m.evaluate(x, yb, verbose=0), rel=1e-6)
