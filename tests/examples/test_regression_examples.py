"""The seed's linear and logistic regressions, run as the example scripts, against closed forms."""

import warnings

import numpy as np
import pytest

from tensorflux import keras

pytestmark = pytest.mark.filterwarnings("ignore:Do not pass an `input_shape`")
EPS = np.float32(1e-7)  # Keras' backend epsilon: cross-entropy clips probabilities to [EPS, 1 - EPS]


def _clipped_bce(z, y):
    """Keras' binary cross-entropy on probabilities, in float32 as Keras computes it (1 - EPS rounds
    to 1 - 1.19e-7 there, so a clipped output far above 1 costs -log(1.19e-7), not -log(1e-7))."""
    p = np.clip(z.astype("float32"), EPS, np.float32(1) - EPS)
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(np.float32(1) - p)), dtype="float64"))


def test_linear_regression_matches_least_squares(run_example):
    g = run_example("linear_regression.py")
    assert abs(g["w"].item() - g["ls_w"]) < 0.3
    assert abs(g["b"].item() - g["ls_b"]) < 0.3


def test_logistic_regression_with_sigmoid_reaches_low_loss(run_example):
    # the seed's 1,000 epochs, on 300 samples in two batches per epoch so that it takes seconds
    g = run_example("logistic_regression.py", SAMPLES=300, BATCH_SIZE=150)
    assert len(g["history"].epoch) == 1000
    assert g["loss"] <= 0.5 and g["acc"] >= 0.75
    # evaluate's loss is the binary cross-entropy of the learned model's probabilities
    z = g["x"] @ g["w"] + g["b"]
    assert g["loss"] == pytest.approx(_clipped_bce(1 / (1 + np.exp(-z)), g["y"]), abs=1e-5)


def test_seed_logistic_regression_without_sigmoid_warns_once(run_example):
    with pytest.warns(UserWarning, match="not probabilities") as record:
        g = run_example("logistic_regression.py", "--no-sigmoid", SAMPLES=300, BATCH_SIZE=300)
    assert sum("not probabilities" in str(r.message) for r in record) == 1
    assert g["model"].layers[-1].get_config()["activation"] == "linear"
    # the loss Keras reports for raw outputs: the outputs clipped into (0, 1), then the log
    z = g["x"] @ g["w"] + g["b"]
    assert ((z < 0) | (z > 1)).mean() > 0.5  # most outputs are clipped
    assert g["loss"] == pytest.approx(_clipped_bce(z, g["y"]), rel=1e-5)


def test_seed_logistic_regression_without_sigmoid_steps_like_keras():
    """Three SGD steps on raw outputs against a NumPy reference of Keras' clipped cross-entropy:
    no gradient flows through outputs outside [EPS, 1 - EPS] (tf.clip_by_value's gradient)."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(64, 2)).astype("float32")
    y = (x @ np.array([2.0, -1.0]) + 0.5 > 0).astype("float32").reshape(-1, 1)
    w0, b0 = np.array([[0.4], [-0.3]], "float32"), np.array([0.2], "float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.set_weights([w0, b0])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "binary_crossentropy: the model's outputs are not probabilities")
        model.fit(x, y, batch_size=64, epochs=3, shuffle=False, verbose=0)

    w, b = w0.astype("float64"), b0.astype("float64")
    for _ in range(3):
        z = x @ w + b
        inside = (z > EPS) & (z < 1 - EPS)
        p = np.clip(z, EPS, 1 - EPS)
        dz = np.where(inside, (-y / p + (1 - y) / (1 - p)) / len(x), 0.0)
        w, b = w - 0.01 * x.T @ dz, b - 0.01 * dz.sum(0)
    assert 0 < inside.mean() < 1  # some outputs clipped, some not: both branches are exercised
    got_w, got_b = model.get_weights()
    np.testing.assert_allclose(got_w, w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_b, b, rtol=1e-5, atol=1e-6)
