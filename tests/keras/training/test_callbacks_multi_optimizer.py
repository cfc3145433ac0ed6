"""Learning-rate callbacks with a MultiOptimizer: each inner optimizer's rate is set and logged as
``learning_rate_<name>``, as Keras 3.15 does (the wrapper itself has no learning rate)."""

import numpy as np
import pytest

import tensorflux as tf

keras = tf.keras


def _model(optimizer):
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(4, name="a"), keras.layers.Dense(1, name="b")]
    )
    model.compile(optimizer=optimizer, loss="mse")
    return model


def _multi():
    fast = keras.optimizers.SGD(0.1, name="fast")
    slow = keras.optimizers.Adam(0.01, name="slow")
    mapping = keras.optimizers.OptimizerMap(fast, {".*b/.*": slow})  # layer b: Adam; the rest: SGD
    return keras.optimizers.MultiOptimizer(mapping), fast, slow


def _data():
    rng = np.random.default_rng(0)
    return rng.standard_normal((16, 3)).astype("float32"), rng.standard_normal((16, 1)).astype("float32")


def test_scheduler_sets_and_logs_every_inner_rate():
    multi, fast, slow = _multi()
    model = _model(multi)
    with pytest.raises(AttributeError):
        multi.learning_rate  # noqa: B018  (Keras' behaviour: the wrapper has none)
    sched = keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    hist = model.fit(*_data(), epochs=2, batch_size=8, verbose=0, callbacks=[sched])
    np.testing.assert_allclose(float(fast.learning_rate), 0.1 * 0.25, rtol=1e-6)
    np.testing.assert_allclose(float(slow.learning_rate), 0.01 * 0.25, rtol=1e-6)
    np.testing.assert_allclose(hist.history["learning_rate_fast"], [0.05, 0.025], rtol=1e-6)
    np.testing.assert_allclose(hist.history["learning_rate_slow"], [0.005, 0.0025], rtol=1e-6)
    assert "learning_rate" not in hist.history


def test_reduce_on_plateau_reduces_every_inner_rate():
    multi, fast, slow = _multi()
    model = _model(multi)
    # a monitor that never improves after epoch 0: each later epoch halves both rates (patience 1);
    # an epoch logs the rate it trained with, before its own reduction
    cb = keras.callbacks.ReduceLROnPlateau(monitor="loss", mode="max", factor=0.5, patience=1, min_delta=1e9)
    hist = model.fit(*_data(), epochs=3, batch_size=8, verbose=0, callbacks=[cb])
    np.testing.assert_allclose(hist.history["learning_rate_fast"], [0.1, 0.1, 0.05], rtol=1e-6)
    np.testing.assert_allclose(hist.history["learning_rate_slow"], [0.01, 0.01, 0.005], rtol=1e-6)
    np.testing.assert_allclose(
        [float(fast.learning_rate), float(slow.learning_rate)], [0.025, 0.0025], rtol=1e-6
    )


def test_tensorboard_logs_every_inner_rate(tmp_path):
    import glob

    from tensorflux.keras.callbacks import _event_file

    multi, _, _ = _multi()
    _model(multi).fit(
        *_data(), epochs=1, batch_size=8, verbose=0, callbacks=[keras.callbacks.TensorBoard(str(tmp_path))]
    )
    (path,) = glob.glob(str(tmp_path / "train" / "events.out.tfevents.*"))
    blob = b"".join(_event_file.read_records(path))
    assert b"epoch_learning_rate_fast" in blob and b"epoch_learning_rate_slow" in blob
