"""R2Score, correlations, BinaryIoU/OneHot*IoU and the *At* threshold metrics against Keras 3.15 goldens.

Fixtures: scripts/golden_more_losses_metrics.py -> tests/fixtures/losses_metrics/metrics.npz.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras import metrics
from tensorflux.keras.losses.overlap import Dice
from tensorflux.keras.metrics.correlation_metrics import (
    ConcordanceCorrelation,
    PearsonCorrelation,
    concordance_correlation,
    pearson_correlation,
)
from tensorflux.keras.metrics.one_hot_iou_metrics import BinaryIoU, OneHotIoU, OneHotMeanIoU
from tensorflux.keras.metrics.r2_score import R2Score
from tensorflux.keras.metrics.sensitivity_metrics import (
    PrecisionAtRecall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
)

FIX = np.load(os.path.join(os.path.dirname(__file__), "..", "fixtures", "losses_metrics", "metrics.npz"))


def _close(got, key, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(np.asarray(got), FIX[key], rtol=rtol, atol=atol)


@pytest.mark.parametrize("agg", ["uniform_average", "variance_weighted_average", None])
def test_r2_score_matches_keras(agg):
    yt, yp, sw = FIX["reg_true"], FIX["reg_pred"], FIX["reg_sw"]
    m = R2Score(class_aggregation=agg)
    m.update_state(yt[:6], yp[:6], sw[:6])
    m.update_state(yt[6:], yp[6:], sw[6:])
    _close(m.result(), f"r2_{agg}")
    m.reset_state()
    m.update_state(yt, yp)
    assert np.all(np.isfinite(np.asarray(m.result())))


def test_adjusted_r2_and_errors():
    m = R2Score(num_regressors=2)
    m.update_state(FIX["reg_true"], FIX["reg_pred"])
    _close(m.result(), "r2_adjusted")
    with pytest.raises(ValueError, match="class_aggregation"):
        R2Score(class_aggregation="median")
    with pytest.raises(ValueError, match="num_regressors"):
        R2Score(num_regressors=-1)
    with pytest.raises(ValueError, match=r"R2Score expects 2D inputs.*\(2, 2, 2\)"):
        R2Score().update_state(np.zeros((2, 2, 2)), np.zeros((2, 2, 2)))


def test_correlations_match_keras():
    yt, yp, sw = FIX["reg_true"], FIX["reg_pred"], FIX["reg_sw"]
    _close(pearson_correlation(yt, yp), "pearson_fn")
    _close(concordance_correlation(yt, yp), "concordance_fn")
    _close(pearson_correlation(yt, yp, axis=0), "pearson_fn_axis0")
    for cls, key in ((PearsonCorrelation, "pearson"), (ConcordanceCorrelation, "ccc")):
        m = cls()
        m.update_state(yt[:4], yp[:4])
        m.update_state(yt[4:], yp[4:], sw[4:])
        _close(m.result(), f"{key}_metric")


def test_iou_variants_match_keras():
    bt, bp, bsw = FIX["bin_true"], FIX["bin_pred"], FIX["bin_sw"]
    m = BinaryIoU(target_class_ids=[0, 1], threshold=0.4)
    m.update_state(bt, bp, bsw)
    _close(m.result(), "binary_iou")
    m = BinaryIoU(target_class_ids=[1])
    m.update_state(bt, bp)
    _close(m.result(), "binary_iou_1")
    ct, cp = FIX["oh_true"], FIX["oh_pred"]
    m = OneHotIoU(num_classes=4, target_class_ids=[0, 2])
    m.update_state(ct, cp, bsw[:12])
    _close(m.result(), "one_hot_iou")
    m = OneHotMeanIoU(num_classes=4)
    m.update_state(ct, cp)
    _close(m.result(), "one_hot_mean_iou")
    m = OneHotMeanIoU(num_classes=4, sparse_y_pred=True, ignore_class=1)
    m.update_state(ct, FIX["oh_sparse_pred"])
    _close(m.result(), "one_hot_mean_iou_sparse")


_AT = {
    "sens_at_spec": (SensitivityAtSpecificity, 0.6),
    "spec_at_sens": (SpecificityAtSensitivity, 0.7),
    "prec_at_rec": (PrecisionAtRecall, 0.8),
    "rec_at_prec": (RecallAtPrecision, 0.6),
}


@pytest.mark.parametrize("key", sorted(_AT))
def test_threshold_metrics_match_keras(key):
    cls, v = _AT[key]
    st, sp, sw = FIX["th_true"], FIX["th_pred"], FIX["th_sw"]
    m = cls(v)
    m.update_state(st, sp)
    _close(m.result(), key)
    m = cls(v, num_thresholds=11)
    m.update_state(st[:20], sp[:20], sw[:20])
    m.update_state(st[20:], sp[20:], sw[20:])
    _close(m.result(), key + "_11_sw")
    m.reset_state()
    assert float(m.result()) == 0.0
    with pytest.raises(ValueError, match=r"must be in the range \[0, 1\]"):
        cls(1.5)
    with pytest.raises(ValueError, match="num_thresholds"):
        cls(0.5, num_thresholds=0)


def test_precision_at_recall_class_id():
    m = PrecisionAtRecall(0.5, num_thresholds=50, class_id=1)
    m.update_state(FIX["cls_true"], FIX["cls_pred"])
    _close(m.result(), "prec_at_rec_class1")


@pytest.mark.parametrize(
    "metric",
    [
        R2Score(class_aggregation=None, num_regressors=1, name="r2"),
        PearsonCorrelation(axis=0),
        ConcordanceCorrelation(),
        BinaryIoU(target_class_ids=[1], threshold=0.3),
        OneHotIoU(num_classes=3, target_class_ids=[1], ignore_class=0),
        OneHotMeanIoU(num_classes=3, sparse_y_pred=True),
        PrecisionAtRecall(0.4, num_thresholds=7, class_id=2),
        RecallAtPrecision(0.4),
        SensitivityAtSpecificity(0.3, num_thresholds=9),
        SpecificityAtSensitivity(0.2),
    ],
    ids=lambda x: type(x).__name__,
)
def test_config_round_trip_and_get(metric):
    config = metric.get_config()
    clone = type(metric).from_config(config)
    assert clone.get_config() == config
    again = metrics.deserialize(metrics.serialize(metric))
    assert type(again) is type(metric) and again.get_config() == config
    assert metrics.deserialize(type(metric).__name__) is type(metric)
    assert getattr(tf.keras.metrics, type(metric).__name__) is type(metric)


def test_compile_fit_with_dice_loss_and_r2_metric():
    tf.keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x[:, :2] > 0).astype("float32")
    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(2, activation="sigmoid")])
    model.compile(optimizer=tf.keras.optimizers.Adam(0.05), loss=Dice(), metrics=[R2Score()])
    hist = model.fit(x, y, batch_size=16, epochs=5, verbose=0)
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    assert hist.history["r2_score"][-1] > hist.history["r2_score"][0]
    res = model.evaluate(x, y, verbose=0, return_dict=True)
    pred = np.asarray(model.predict(x, verbose=0))
    ss_res = ((y - pred) ** 2).sum(0)
    ss_tot = ((y - y.mean(0)) ** 2).sum(0)
    np.testing.assert_allclose(res["r2_score"], np.mean(1 - ss_res / ss_tot), rtol=1e-4)


def test_saved_model_keeps_new_loss_and_metric(tmp_path):
    from tensorflux.keras.losses.overlap import Tversky

    rng = np.random.default_rng(1)
    x = rng.random((8, 4)).astype("float32")
    y = (x[:, :2] > 0.5).astype("float32")
    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(2, activation="sigmoid")])
    model.compile(
        optimizer="adam", loss=Tversky(alpha=0.2, beta=0.8), metrics=[R2Score(class_aggregation=None)]
    )
    model.fit(x, y, verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = tf.keras.models.load_model(path)
    assert isinstance(loaded.loss, Tversky) and loaded.loss.alpha == 0.2 and loaded.loss.beta == 0.8
    want = model.evaluate(x, y, verbose=0, return_dict=True)
    got = loaded.evaluate(x, y, verbose=0, return_dict=True)
    np.testing.assert_allclose(got["loss"], want["loss"], rtol=1e-6)
    np.testing.assert_allclose(got["r2_score"], want["r2_score"], rtol=1e-6)
    assert np.shape(got["r2_score"]) == (2,)
