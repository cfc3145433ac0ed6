"""Golden values for the Keras 3 losses and metrics added to tensorflux (Dice, Tversky, Circle, GCE, CTC,
R2Score, correlations, BinaryIoU/OneHot*IoU, *At* threshold metrics).

Run once with the side environment (never a project dependency):

    CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 KERAS_BACKEND=tensorflow \
        /tmp/peers/bin/python scripts/golden_more_losses_metrics.py

It writes tests/fixtures/losses_metrics/losses.npz and metrics.npz: the inputs and Keras' outputs.
"""

from __future__ import annotations

import os

import keras
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "losses_metrics")


def _losses(rng: np.random.Generator) -> dict[str, np.ndarray]:
    d: dict[str, np.ndarray] = {}
    yt = (rng.random((3, 4, 5)) > 0.5).astype("float32")
    yp = rng.random((3, 4, 5)).astype("float32")
    d["seg_true"], d["seg_pred"] = yt, yp
    d["dice_all"] = np.asarray(keras.losses.dice(yt, yp))
    d["dice_axis"] = np.asarray(keras.losses.dice(yt, yp, axis=(1, 2)))
    d["Dice_axis"] = np.asarray(keras.losses.Dice(axis=(1, 2))(yt, yp))
    d["tversky_all"] = np.asarray(keras.losses.tversky(yt, yp, alpha=0.3, beta=0.7))
    d["tversky_axis"] = np.asarray(keras.losses.tversky(yt, yp, alpha=0.3, beta=0.7, axis=(1, 2)))
    d["Tversky_axis_sum"] = np.asarray(keras.losses.Tversky(0.3, 0.7, reduction="sum", axis=(1, 2))(yt, yp))
    labels = rng.integers(0, 4, size=(6,)).astype("int32")
    probs = rng.random((6, 4)).astype("float32") + 0.05
    probs /= probs.sum(-1, keepdims=True)
    d["gce_labels"], d["gce_probs"] = labels, probs
    d["gce_q07"] = np.asarray(keras.losses.categorical_generalized_cross_entropy(labels, probs, q=0.7))
    sw = rng.random((6,)).astype("float32")
    d["gce_sw"] = sw
    d["GCE_q03_sw"] = np.asarray(keras.losses.CategoricalGeneralizedCrossEntropy(q=0.3)(labels, probs, sw))
    emb = rng.normal(size=(8, 5)).astype("float32")
    emb /= np.linalg.norm(emb, axis=-1, keepdims=True)
    clab = np.array([0, 1, 2, 0, 1, 2, 0, 3], "int32")  # label 3 has no positive pair
    d["circle_emb"], d["circle_labels"] = emb, clab
    d["circle_values"] = np.asarray(keras.losses.circle(clab, emb, gamma=4.0, margin=0.3))
    d["circle_values_keepdiag"] = np.asarray(keras.losses.circle(clab, emb, remove_diagonal=False))
    d["Circle_mean"] = np.asarray(keras.losses.Circle(gamma=4.0, margin=0.3)(clab, emb))
    d["Circle_default"] = np.asarray(keras.losses.Circle()(clab, emb))
    ctc_labels = np.array([[1, 2, 0, 0], [3, 3, 1, 0], [2, 0, 0, 0]], "int32")  # 0 pads (and is the blank)
    ctc_logits = rng.normal(size=(3, 7, 4)).astype("float32")
    d["ctc_labels"], d["ctc_logits"] = ctc_labels, ctc_logits
    d["ctc_values"] = np.asarray(keras.losses.ctc(ctc_labels, ctc_logits))
    d["CTC_mean"] = np.asarray(keras.losses.CTC()(ctc_labels, ctc_logits))
    return d


def _metrics(rng: np.random.Generator) -> dict[str, np.ndarray]:
    d: dict[str, np.ndarray] = {}
    yt = rng.normal(size=(10, 3)).astype("float32")
    yp = (yt + 0.5 * rng.normal(size=(10, 3))).astype("float32")
    sw = rng.random((10,)).astype("float32")
    d["reg_true"], d["reg_pred"], d["reg_sw"] = yt, yp, sw
    for agg in ("uniform_average", "variance_weighted_average", None):
        m = keras.metrics.R2Score(class_aggregation=agg)
        m.update_state(yt[:6], yp[:6], sw[:6])
        m.update_state(yt[6:], yp[6:], sw[6:])
        d[f"r2_{agg}"] = np.asarray(m.result())
    m = keras.metrics.R2Score(num_regressors=2)
    m.update_state(yt, yp)
    d["r2_adjusted"] = np.asarray(m.result())
    d["pearson_fn"] = np.asarray(keras.metrics.pearson_correlation(yt, yp))
    d["concordance_fn"] = np.asarray(keras.metrics.concordance_correlation(yt, yp))
    d["pearson_fn_axis0"] = np.asarray(keras.metrics.pearson_correlation(yt, yp, axis=0))
    for cls, key in (
        (keras.metrics.PearsonCorrelation, "pearson"),
        (keras.metrics.ConcordanceCorrelation, "ccc"),
    ):
        m = cls()
        m.update_state(yt[:4], yp[:4])
        m.update_state(yt[4:], yp[4:], sw[4:])
        d[f"{key}_metric"] = np.asarray(m.result())
    # Keras 3.15's IoU state defaults to dtype "int" (float sample weights would be truncated);
    # tensorflux keeps float32, so weighted cases ask Keras for float32 explicitly
    bt = rng.integers(0, 2, size=(20,)).astype("float32")
    bp = rng.random((20,)).astype("float32")
    bsw = rng.random((20,)).astype("float32")
    d["bin_true"], d["bin_pred"], d["bin_sw"] = bt, bp, bsw
    m = keras.metrics.BinaryIoU(target_class_ids=[0, 1], threshold=0.4, dtype="float32")
    m.update_state(bt, bp, bsw)
    d["binary_iou"] = np.asarray(m.result())
    m = keras.metrics.BinaryIoU(target_class_ids=[1])
    m.update_state(bt, bp)
    d["binary_iou_1"] = np.asarray(m.result())
    ct = np.eye(4, dtype="float32")[rng.integers(0, 4, size=(12,))]
    cp = rng.random((12, 4)).astype("float32")
    d["oh_true"], d["oh_pred"] = ct, cp
    m = keras.metrics.OneHotIoU(num_classes=4, target_class_ids=[0, 2], dtype="float32")
    m.update_state(ct, cp, bsw[:12])
    d["one_hot_iou"] = np.asarray(m.result())
    m = keras.metrics.OneHotMeanIoU(num_classes=4)
    m.update_state(ct, cp)
    d["one_hot_mean_iou"] = np.asarray(m.result())
    m = keras.metrics.OneHotMeanIoU(num_classes=4, sparse_y_pred=True, ignore_class=1)
    sparse_pred = cp.argmax(-1)
    d["oh_sparse_pred"] = sparse_pred
    m.update_state(ct, sparse_pred)
    d["one_hot_mean_iou_sparse"] = np.asarray(m.result())
    # threshold metrics: predictions away from the grid points so the bucketed Keras update is exact
    st = rng.integers(0, 2, size=(40,)).astype("float32")
    sp = np.clip((rng.random((40,)) * 0.9 + 0.1 * st), 0.0, 1.0).astype("float32")
    sp = (np.floor(sp * 199) + 0.5) / 199
    d["th_true"], d["th_pred"], d["th_sw"] = st, sp.astype("float32"), rng.random((40,)).astype("float32")
    specs = {
        "sens_at_spec": (keras.metrics.SensitivityAtSpecificity, 0.6),
        "spec_at_sens": (keras.metrics.SpecificityAtSensitivity, 0.7),
        "prec_at_rec": (keras.metrics.PrecisionAtRecall, 0.8),
        "rec_at_prec": (keras.metrics.RecallAtPrecision, 0.6),
    }
    for key, (cls, v) in specs.items():
        m = cls(v)
        m.update_state(st, d["th_pred"])
        d[key] = np.asarray(m.result())
        m = cls(v, num_thresholds=11)
        m.update_state(st[:20], d["th_pred"][:20], d["th_sw"][:20])
        m.update_state(st[20:], d["th_pred"][20:], d["th_sw"][20:])
        d[key + "_11_sw"] = np.asarray(m.result())
    mt = np.eye(3, dtype="float32")[rng.integers(0, 3, size=(15,))]
    mp = rng.random((15, 3)).astype("float32")
    d["cls_true"], d["cls_pred"] = mt, mp
    m = keras.metrics.PrecisionAtRecall(0.5, num_thresholds=50, class_id=1)
    m.update_state(mt, mp)
    d["prec_at_rec_class1"] = np.asarray(m.result())
    return d


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(1234)
    np.savez(os.path.join(OUT, "losses.npz"), **_losses(rng))
    np.savez(os.path.join(OUT, "metrics.npz"), **_metrics(rng))


if __name__ == "__main__":
    main()
