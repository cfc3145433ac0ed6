"""Training resumes exactly: fit 2 epochs, save, load, fit 1 more == fit 3 epochs straight."""

from __future__ import annotations

import numpy as np
import pytest
from saving_models import build, train_data, weights_of

import tensorflux as tf
from tensorflux import keras


def _fresh(name: str) -> keras.Model:
    tf.random.set_seed(42)
    model = build(name)
    model.set_weights(
        [
            np.full(w.shape, 0.1, "float32") * np.sin(np.arange(w.size)).reshape(w.shape) + 0.05
            for w in model.get_weights()
        ]
    )
    return model


def _fit(model: keras.Model, name: str, epochs: int, **kwargs) -> keras.callbacks.History:
    x, y = train_data(name)
    return model.fit(x, y, batch_size=8, epochs=epochs, shuffle=False, verbose=0, **kwargs)


@pytest.mark.parametrize("name", ["mlp", "cnn", "rnn"])
@pytest.mark.parametrize("fmt", ["m.keras", "m.h5", "w.weights.h5"])
def test_fit_save_load_fit_equals_fit_straight(name, fmt, tmp_path):
    straight = _fresh(name)
    history = _fit(straight, name, 3)

    first = _fresh(name)
    _fit(first, name, 2)
    path = tmp_path / fmt
    if fmt == "w.weights.h5":
        first.save_weights(path)
        resumed = _fresh(name)  # compiled, optimizer not built yet: loading builds it with the saved slots
        resumed.load_weights(path)
    else:
        first.save(path)
        resumed = keras.models.load_model(path)
    assert int(resumed.optimizer.iterations.numpy()) == int(first.optimizer.iterations.numpy())
    last = _fit(resumed, name, 1)

    for a, b in zip(weights_of(straight), weights_of(resumed)):
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-6)
    for a, b in zip(straight.optimizer.variables, resumed.optimizer.variables):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=0, atol=1e-6)
    assert last.history["loss"][0] == pytest.approx(history.history["loss"][2], rel=1e-6)


class _Interrupt(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 1:
            raise KeyboardInterrupt


def test_backup_and_restore_resumes_exactly(tmp_path):
    straight = _fresh("cnn")
    _fit(straight, "cnn", 3)

    backup = keras.callbacks.BackupAndRestore(tmp_path / "backup")
    interrupted = _fresh("cnn")
    with pytest.raises(KeyboardInterrupt):
        _fit(interrupted, "cnn", 3, callbacks=[backup, _Interrupt()])
    resumed = _fresh("cnn")
    history = _fit(resumed, "cnn", 3, callbacks=[keras.callbacks.BackupAndRestore(tmp_path / "backup")])
    assert history.epoch == [2]
    for a, b in zip(weights_of(straight), weights_of(resumed)):
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-6)


def test_model_checkpoint_files_load(tmp_path):
    model = _fresh("mlp")
    x, _ = train_data("mlp")
    _fit(
        model,
        "mlp",
        2,
        callbacks=[
            keras.callbacks.ModelCheckpoint(str(tmp_path / "ep{epoch}.keras")),
            keras.callbacks.ModelCheckpoint(str(tmp_path / "w.weights.h5"), save_weights_only=True),
        ],
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ep1.keras", "ep2.keras", "w.weights.h5"]
    np.testing.assert_array_equal(
        keras.models.load_model(tmp_path / "ep2.keras").predict(x, verbose=0), model.predict(x, verbose=0)
    )
    fresh = _fresh("mlp")
    fresh.load_weights(tmp_path / "w.weights.h5")
    np.testing.assert_array_equal(fresh.predict(x, verbose=0), model.predict(x, verbose=0))
