"""SwapEMAWeights, RemoteMonitor, and the keras.config switches Keras 3.15 has."""

import json
import urllib.error
import urllib.parse

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras.callbacks.remote_monitor import RemoteMonitor
from tensorflux.keras.callbacks.swap_ema_weights import SwapEMAWeights
from tensorflux.keras.optimizers.sgd import SGD

X = np.linspace(-1.0, 1.0, 16, dtype="float32").reshape(8, 2)
Y = (X @ np.array([[2.0], [-1.0]], "float32")).astype("float32")


def _model(**compile_kwargs):
    tf.keras.utils.set_random_seed(3)
    model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1, use_bias=False)])
    model.compile(
        optimizer=SGD(learning_rate=0.1, use_ema=True, ema_momentum=0.5), loss="mse", **compile_kwargs
    )
    return model


class _Recorder(tf.keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.at_epoch_end, self.averages = [], []

    def on_epoch_end(self, epoch, logs=None):
        self.at_epoch_end.append(self.model.weights[0].numpy().copy())
        self.averages.append(self.model.optimizer._model_variables_moving_average[0].numpy().copy())


def test_evaluate_and_predict_use_the_average_then_restore():
    model = _model()
    for _ in range(3):
        model.train_on_batch(X, Y)
    raw = model.weights[0].numpy().copy()
    avg = model.optimizer._model_variables_moving_average[0].numpy().copy()
    assert not np.allclose(raw, avg)
    cb = SwapEMAWeights()
    loss = model.evaluate(X, Y, verbose=0, callbacks=[cb])
    np.testing.assert_allclose(loss, np.mean((X @ avg - Y) ** 2), rtol=1e-5)
    np.testing.assert_array_equal(model.weights[0].numpy(), raw)
    pred = model.predict(X, verbose=0, callbacks=[cb])
    np.testing.assert_allclose(pred, X @ avg, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(model.weights[0].numpy(), raw)
    np.testing.assert_array_equal(model.optimizer._model_variables_moving_average[0].numpy(), avg)


@pytest.mark.parametrize("eager", [True, False])
def test_swap_on_epoch_shows_the_average_at_epoch_end(eager):
    plain, swapped = _Recorder(), _Recorder()
    a = _model(run_eagerly=eager)
    a.fit(X, Y, batch_size=4, epochs=3, shuffle=False, verbose=0, callbacks=[plain])
    b = _model(run_eagerly=eager)
    b.fit(X, Y, batch_size=4, epochs=3, shuffle=False, verbose=0, callbacks=[SwapEMAWeights(True), swapped])
    for k in range(3):
        # the model holds the average, the optimizer the raw weights; training itself is unchanged
        np.testing.assert_allclose(swapped.at_epoch_end[k], plain.averages[k], rtol=1e-6)
        if k < 2:
            np.testing.assert_allclose(swapped.averages[k], plain.at_epoch_end[k], rtol=1e-6)
    np.testing.assert_allclose(b.weights[0].numpy(), a.weights[0].numpy(), rtol=1e-6)


def test_validation_inside_fit_uses_the_average():
    seen = []

    class Probe(tf.keras.callbacks.Callback):
        def on_test_begin(self, logs=None):
            seen.append(
                (
                    self.model.weights[0].numpy().copy(),
                    self.model.optimizer._model_variables_moving_average[0].numpy().copy(),
                )
            )

    model = _model()
    model.fit(
        X, Y, batch_size=4, epochs=2, verbose=0, validation_data=(X, Y), callbacks=[SwapEMAWeights(), Probe()]
    )
    assert len(seen) == 2
    history = model.history.history
    for (in_model, _), val_loss in zip(seen, history["val_loss"]):
        np.testing.assert_allclose(val_loss, np.mean((X @ in_model - Y) ** 2), rtol=1e-5)


def test_swap_needs_use_ema():
    model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
    model.compile(optimizer=SGD(), loss="mse")
    model.train_on_batch(X, Y)
    with pytest.raises(ValueError, match="use_ema=True"):
        model.evaluate(X, Y, verbose=0, callbacks=[SwapEMAWeights()])


class _FakeResponse:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def read(self):
        return b"ok"


def _capture(monkeypatch, fail=False):
    sent = []

    def fake_urlopen(request, timeout=None):
        if fail:
            raise urllib.error.URLError("refused")
        sent.append(request)
        return _FakeResponse()

    monkeypatch.setattr("urllib.request.urlopen", fake_urlopen)
    return sent


def test_remote_monitor_posts_form_encoded_json(monkeypatch):
    sent = _capture(monkeypatch)
    cb = RemoteMonitor(root="http://example.invalid", headers={"X-Key": "k"})
    cb.on_epoch_end(2, {"loss": np.float32(0.5), "acc": np.array(0.25), "lr": 0.1})
    (req,) = sent
    assert req.full_url == "http://example.invalid/publish/epoch/end/" and req.get_method() == "POST"
    assert req.get_header("Content-type") == "application/x-www-form-urlencoded"
    assert req.get_header("X-key") == "k"
    form = urllib.parse.parse_qs(req.data.decode())
    assert json.loads(form["data"][0]) == {"epoch": 2, "loss": 0.5, "acc": 0.25, "lr": 0.1}


def test_remote_monitor_json_body_and_fit(monkeypatch):
    sent = _capture(monkeypatch)
    model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    cb = tf.keras.callbacks.RemoteMonitor(root="http://h", path="/p", send_as_json=True)
    history = model.fit(X, Y, epochs=2, verbose=0, callbacks=[cb])
    assert [r.full_url for r in sent] == ["http://h/p", "http://h/p"]
    assert sent[0].get_header("Content-type") == "application/json"
    bodies = [json.loads(r.data) for r in sent]
    assert [b["epoch"] for b in bodies] == [0, 1]
    np.testing.assert_allclose([b["loss"] for b in bodies], history.history["loss"], rtol=1e-6)


def test_remote_monitor_unreachable_warns(monkeypatch):
    _capture(monkeypatch, fail=True)
    with pytest.warns(UserWarning, match="Could not reach RemoteMonitor root server at http://x"):
        RemoteMonitor(root="http://x").on_epoch_end(0, {"loss": 1.0})


# -- keras.config -------------------------------------------------------------------------------
config = tf.keras.config


def _small_model():
    model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_non_interactive_logging_sends_plain_lines_to_logging(capsys, caplog):
    from tensorflux.keras.utils import progbar

    model = _small_model()
    assert config.is_interactive_logging_enabled() is True
    config.disable_interactive_logging()
    try:
        assert tf.keras.utils.is_interactive_logging_enabled() is False
        with caplog.at_level("INFO", logger="tensorflux"):
            model.fit(X, Y, batch_size=2, epochs=2, verbose=1)
        assert capsys.readouterr().out == ""
        lines = [r.getMessage() for r in caplog.records if r.name == "tensorflux"]
        assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
        assert lines[1].startswith("4/4 ") and "loss: " in lines[1]
        assert not any("\r" in line or "\x1b" in line for line in lines)
        assert progbar._is_interactive() is False
    finally:
        tf.keras.utils.enable_interactive_logging()
    assert config.is_interactive_logging_enabled() is True
    model.fit(X, Y, batch_size=2, epochs=2, verbose=2)
    out = capsys.readouterr().out
    assert out.startswith("Epoch 1/2\n4/4 - ")


def test_traceback_and_flash_attention_flags():
    assert config.is_traceback_filtering_enabled() is True
    config.disable_traceback_filtering()
    assert config.is_traceback_filtering_enabled() is False
    config.enable_traceback_filtering()
    assert config.is_traceback_filtering_enabled() is True
    assert config.is_flash_attention_enabled() is None  # Keras' default: decided automatically
    try:
        config.enable_flash_attention()
        assert config.is_flash_attention_enabled() is True
        config.disable_flash_attention()
        assert config.is_flash_attention_enabled() is False
    finally:
        config._STATE["flash_attention"] = None


def test_max_epochs_and_steps_cap_fit():
    model = _small_model()
    batches = []
    counter = tf.keras.callbacks.LambdaCallback(on_train_batch_begin=lambda b, logs: batches.append(b))
    config.set_max_epochs(2)
    config.set_max_steps_per_epoch(3)
    try:
        assert (config.max_epochs(), config.max_steps_per_epoch()) == (2, 3)
        with pytest.warns(UserWarning) as record:
            history = model.fit(X, Y, batch_size=1, epochs=5, verbose=0, callbacks=[counter])
        messages = {str(w.message) for w in record}
        assert {"Limiting epochs to 2", "Limiting steps_per_epoch to 3"} <= messages
        assert len(history.history["loss"]) == 2 and batches == [0, 1, 2, 0, 1, 2]
        with pytest.raises(ValueError, match="max_epochs"):
            config.set_max_epochs(0)
    finally:
        config.set_max_epochs(None)
        config.set_max_steps_per_epoch(None)
    batches.clear()
    model.fit(X, Y, batch_size=4, epochs=1, verbose=0, callbacks=[counter])
    assert batches == [0, 1]


def test_set_backend_and_nnx():
    config.set_backend("tensorflow")
    config.set_backend("numpy")
    with pytest.raises(ValueError, match="single backend.*'jax'"):
        config.set_backend("jax")
    assert config.is_nnx_enabled() is False


# printed by keras.backend.result_type in Keras 3.15.1 (TensorFlow backend)
RESULT_TYPES = [
    (("int32", "float32"), "float32"),
    (("int64", "float16"), "float16"),
    (("uint8", "int8"), "int16"),
    (("int64", "uint64"), "float32"),
    (("bool", "int8"), "int8"),
    (("float16", "bfloat16"), "float32"),
    (("int32", float), "float32"),
    ((int,), "int32"),
    (("float32", int), "float32"),
    (("bool",), "bool"),
    ((), "float32"),
    (("uint32", "int32"), "int64"),
    (("int8", "uint64"), "float32"),
    (("complex64", int), "complex64"),
    (("complex64", "float64"), "complex64"),
    (("int8", int), "int8"),
    (("uint8", float), "float32"),
    (("float16", float), "float16"),
    (("bool", int), "int32"),
    (("bool", float), "float32"),
    ((int, float), "float32"),
    (("float64", "int32"), "float64"),
    (("uint16", "int8"), "int32"),
    ((None, "int8"), "float32"),
    (("uint64", "int64", "bool"), "float32"),
]


@pytest.mark.parametrize("dtypes,expected", RESULT_TYPES)
def test_result_type_matches_keras(dtypes, expected):
    assert tf.keras.backend.result_type(*dtypes) == expected


def test_result_type_accepts_dtype_objects_and_rejects_unknown():
    assert tf.keras.backend.result_type(tf.int8, np.dtype("uint8")) == "int16"
    with pytest.raises(ValueError, match="not a valid dtype"):
        tf.keras.backend.result_type("int3")
