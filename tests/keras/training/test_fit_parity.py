"""End-to-end parity with Keras 3: the same Dense model, data and optimizer give the same fit."""

import numpy as np
import pytest
from training_helpers import TinyDense, load_fixture, sequential_available

from tensorflux.keras import optimizers

FIX = load_fixture("fit_dense.json")


def _models(kernel, bias, activation):
    yield "trainer", TinyDense(kernel.shape[0], kernel.shape[1], activation, kernel=kernel, bias=bias)
    if sequential_available():
        from tensorflux import keras

        m = keras.Sequential(
            [keras.Input((kernel.shape[0],)), keras.layers.Dense(kernel.shape[1], activation=activation)]
        )
        m.set_weights([kernel, bias])
        yield "sequential", m


@pytest.mark.parametrize("case", FIX["cases"], ids=lambda c: c["optimizer"])
def test_fit_evaluate_predict_match_keras(case):
    x = np.asarray(FIX["x"], "float32")
    y = np.asarray(FIX["y"], "int64")
    kernel = np.asarray(FIX["kernel0"], "float32")
    bias = np.asarray(FIX["bias0"], "float32")
    for kind, model in _models(kernel, bias, "softmax"):
        model.compile(
            optimizer=getattr(optimizers, case["optimizer"])(**case["config"]),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        h = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0, validation_split=0.25)
        w, b = model.get_weights()
        np.testing.assert_allclose(w, case["kernel"], atol=1e-5, err_msg=kind)
        np.testing.assert_allclose(b, case["bias"], atol=1e-5, err_msg=kind)
        assert list(h.history) == list(case["history"]), kind
        for key, values in case["history"].items():
            np.testing.assert_allclose(h.history[key], values, atol=1e-5, err_msg=f"{kind} {key}")
        np.testing.assert_allclose(model.evaluate(x, y, batch_size=7, verbose=0), case["evaluate"], atol=1e-5)
        np.testing.assert_allclose(model.predict(x[:3], verbose=0), case["predict"], atol=1e-6)


def test_logistic_regression_without_sigmoid_clips_like_keras():
    raw = FIX["raw_logistic"]
    x, y = np.asarray(raw["x"], "float32"), np.asarray(raw["y"], "float32")
    for kind, model in _models(np.asarray(raw["kernel0"], "float32"), np.zeros(1, "float32"), None):
        model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
        with pytest.warns(UserWarning, match="not probabilities") as record:
            h = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
        assert len([r for r in record if "not probabilities" in str(r.message)]) == 1, kind  # once
        w, b = model.get_weights()
        np.testing.assert_allclose(w, raw["kernel"], atol=1e-5, err_msg=kind)
        np.testing.assert_allclose(b, raw["bias"], atol=1e-5, err_msg=kind)
        for key, values in raw["history"].items():
            np.testing.assert_allclose(h.history[key], values, atol=1e-5, err_msg=f"{kind} {key}")
