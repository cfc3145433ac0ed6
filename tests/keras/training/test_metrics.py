"""Metrics against Keras 3: two updates (the second with sample weights), result after each."""

import numpy as np
import pytest
from training_helpers import load_fixture

from tensorflux.keras import metrics
from tensorflux.keras.trainers.compile_utils import get_metric

FIX = load_fixture("metrics.json")


@pytest.mark.parametrize("case", FIX["cases"], ids=lambda c: f"{c['class_name']}{c['config']}")
def test_metric_matches_keras(case):
    yt = np.asarray(case["y_true"], case["y_true_dtype"])
    yp = np.asarray(case["y_pred"], "float32")
    sw = None if case["sample_weight"] is None else np.asarray(case["sample_weight"], "float32")
    half = len(yt) // 2
    m = getattr(metrics, case["class_name"])(**case["config"])
    m.update_state(yt[:half], yp[:half])
    np.testing.assert_allclose(m.result().numpy(), case["first"], rtol=2e-6, atol=2e-6)
    m.update_state(yt[half:], yp[half:], sample_weight=None if sw is None else sw[half:])
    np.testing.assert_allclose(m.result().numpy(), case["result"], rtol=2e-6, atol=2e-6)
    m.reset_state()
    m.update_state(yt[:half], yp[:half])
    np.testing.assert_allclose(m.result().numpy(), case["first"], rtol=2e-6, atol=2e-6)


def test_mean_and_sum():
    m = metrics.Mean()
    m.update_state([1.0, 3.0, 5.0, 7.0], sample_weight=[1, 1, 0, 0])
    assert float(m.result()) == 2.0
    s = metrics.Sum()
    s.update_state([[1.0, 2.0], [3.0, 4.0]])
    assert float(s.result()) == 10.0
    assert float(metrics.Mean().result()) == 0.0  # nothing seen: 0, not NaN


@pytest.mark.parametrize(
    "y_true, y_pred, expected",
    [
        (np.zeros((4, 1)), np.zeros((4, 1)), "BinaryAccuracy"),
        (np.zeros(4), np.zeros((4, 1)), "BinaryAccuracy"),
        (np.zeros(4), np.zeros((4, 10)), "SparseCategoricalAccuracy"),
        (np.zeros((4, 1)), np.zeros((4, 10)), "SparseCategoricalAccuracy"),
        (np.zeros((4, 10)), np.zeros((4, 10)), "CategoricalAccuracy"),
    ],
)
def test_accuracy_resolved_from_shapes(y_true, y_pred, expected):
    for name in ("accuracy", "acc"):
        m = get_metric(name, y_true, y_pred)
        assert type(m).__name__ == expected and m.name == name


def test_get_by_name():
    assert isinstance(metrics.get("mse"), metrics.MeanSquaredError)
    assert isinstance(metrics.get("AUC"), metrics.AUC)
    assert metrics.AUC().name.startswith("auc")
    assert get_metric("mse", np.zeros(2), np.zeros(2)).name == "mse"
    assert get_metric(metrics.categorical_accuracy, np.zeros(2), np.zeros(2)).name == "categorical_accuracy"
    with pytest.raises(ValueError, match="Known metric names"):
        metrics.get("acuracy")
