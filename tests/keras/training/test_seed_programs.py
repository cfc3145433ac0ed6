"""The seed's regression programs: they train as Keras does (only the import line changed)."""

import numpy as np
import pytest
from training_helpers import TinyDense, sequential_available


def _linear_data():
    rng = np.random.default_rng(42)
    x = rng.uniform(-1, 1, size=(100, 1)).astype("float32")
    y = (3 * x + 2 + rng.normal(0, 0.1, size=(100, 1))).astype("float32")
    return x, y


def _logistic_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(500, 2)).astype("float32")
    p = 1 / (1 + np.exp(-(x @ np.array([2.0, -1.0]) + 0.5)))
    y = (rng.uniform(size=500) < p).astype("float32").reshape(-1, 1)
    return x, y


def _dense(n_in, activation=None):
    if sequential_available():
        from tensorflux import keras

        kw = {"activation": activation} if activation else {}
        return keras.Sequential([keras.layers.Dense(1, input_shape=(n_in,), **kw)])
    return TinyDense(n_in, 1, activation)


@pytest.mark.filterwarnings("ignore:Do not pass an `input_shape`")
def test_linear_regression_reaches_least_squares():
    x, y = _linear_data()
    model = _dense(1)
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=200, verbose=0)
    w, b = model.get_weights()
    ls_w, ls_b = np.linalg.lstsq(np.hstack([x, np.ones_like(x)]), y, rcond=None)[0].ravel()
    assert abs(w.item() - ls_w) < 0.3 and abs(b.item() - ls_b) < 0.3
    assert model.predict(np.array([[0.5]], "float32"), verbose=0).item() == pytest.approx(
        0.5 * ls_w + ls_b, abs=0.3
    )


@pytest.mark.filterwarnings("ignore:Do not pass an `input_shape`")
def test_logistic_regression_with_sigmoid_reaches_low_loss():
    x, y = _logistic_data()
    model = _dense(2, "sigmoid")
    model.set_weights([np.zeros((2, 1), "float32"), np.zeros(1, "float32")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=150, batch_size=32, verbose=0)
    loss, acc = model.evaluate(x, y, verbose=0)
    assert loss <= 0.5 and acc >= 0.75


@pytest.mark.filterwarnings("ignore:Do not pass an `input_shape`")
def test_logistic_regression_without_sigmoid_warns_once_and_clips():
    x, y = _logistic_data()
    model = _dense(2)
    model.set_weights([np.array([[1.5], [-1.0]], "float32"), np.zeros(1, "float32")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    with pytest.warns(UserWarning, match="A sigmoid is probably missing") as record:
        h = model.fit(x, y, epochs=5, batch_size=32, verbose=0)
    assert sum("not probabilities" in str(r.message) for r in record) == 1
    # clipped raw outputs train badly, as they do in Keras (which ends near loss 7 on the seed's data)
    assert h.history["loss"][-1] > 1.0
