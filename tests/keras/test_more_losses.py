"""Dice, Tversky, Circle, CTC and CategoricalGeneralizedCrossEntropy against Keras 3.15 goldens.

Fixtures: scripts/golden_more_losses_metrics.py -> tests/fixtures/losses_metrics/losses.npz.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras import losses
from tensorflux.keras.losses.circle import Circle, circle
from tensorflux.keras.losses.ctc import CTC, ctc
from tensorflux.keras.losses.overlap import (
    CategoricalGeneralizedCrossEntropy,
    Dice,
    Tversky,
    categorical_generalized_cross_entropy,
    dice,
    tversky,
)
from tensorflux.testing import check_gradients

FIX = np.load(os.path.join(os.path.dirname(__file__), "..", "fixtures", "losses_metrics", "losses.npz"))


def _close(got, key, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(np.asarray(got), FIX[key], rtol=rtol, atol=atol)


def test_dice_and_tversky_match_keras():
    yt, yp = FIX["seg_true"], FIX["seg_pred"]
    _close(dice(yt, yp), "dice_all")
    _close(dice(yt, yp, axis=(1, 2)), "dice_axis")
    _close(Dice(axis=(1, 2))(yt, yp), "Dice_axis")
    _close(tversky(yt, yp, alpha=0.3, beta=0.7), "tversky_all")
    _close(tversky(yt, yp, alpha=0.3, beta=0.7, axis=(1, 2)), "tversky_axis")
    _close(Tversky(0.3, 0.7, reduction="sum", axis=(1, 2))(yt, yp), "Tversky_axis_sum")
    assert dice(yt, yp, axis=(1, 2)).shape == (3,)


def test_generalized_cross_entropy_matches_keras():
    labels, probs, sw = FIX["gce_labels"], FIX["gce_probs"], FIX["gce_sw"]
    _close(categorical_generalized_cross_entropy(labels, probs, q=0.7), "gce_q07")
    _close(CategoricalGeneralizedCrossEntropy(q=0.3)(labels, probs, sw), "GCE_q03_sw")
    with pytest.raises(ValueError, match="q must be in the interval"):
        CategoricalGeneralizedCrossEntropy(q=1.0)


def test_circle_matches_keras_including_mask():
    emb, lab = FIX["circle_emb"], FIX["circle_labels"]
    _close(circle(lab, emb, gamma=4.0, margin=0.3), "circle_values")
    _close(circle(lab, emb, remove_diagonal=False), "circle_values_keepdiag", rtol=1e-4)
    # the sample without a positive pair has loss 0 and is masked out of the mean
    assert FIX["circle_values"][-1] == 0.0
    _close(Circle(gamma=4.0, margin=0.3)(lab, emb), "Circle_mean")
    _close(Circle()(lab, emb), "Circle_default", rtol=1e-4)
    with pytest.raises(ValueError, match="circle: y_pred must be 2D"):
        circle(lab, emb[None])


def test_ctc_matches_keras():
    labels, logits = FIX["ctc_labels"], FIX["ctc_logits"]
    _close(ctc(labels, logits), "ctc_values", rtol=1e-5, atol=1e-5)
    _close(CTC()(labels, logits), "CTC_mean", rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match=r"ctc: logits `y_pred`.*\(3, 7\)"):
        ctc(labels, logits[..., 0])
    with pytest.raises(ValueError, match="ctc: targets `y_true`"):
        ctc(labels[0], logits)


def test_gradients_against_finite_differences():
    rng = np.random.default_rng(0)
    yt = (rng.random((2, 3, 4)) > 0.5).astype("float64")
    check_gradients(lambda p: dice(yt, p, axis=(1, 2)), [rng.random((2, 3, 4)) + 0.1])
    check_gradients(lambda p: tversky(yt, p, alpha=0.2, beta=0.8), [rng.random((2, 3, 4)) + 0.1])
    labels = np.array([0, 2, 1])
    check_gradients(
        lambda p: categorical_generalized_cross_entropy(labels, p, q=0.4), [rng.random((3, 3)) + 0.2]
    )
    clab = np.array([0, 1, 0, 1, 2, 2])
    emb = rng.normal(size=(6, 4))
    emb /= np.linalg.norm(emb, axis=-1, keepdims=True)
    check_gradients(lambda e: circle(clab, e, gamma=3.0, margin=0.25), [emb])
    ctc_labels = np.array([[1, 2, 0], [2, 0, 0]])
    check_gradients(lambda z: ctc(ctc_labels, z), [rng.normal(size=(2, 5, 3))])


@pytest.mark.parametrize(
    "loss",
    [
        Dice(axis=(1, 2), name="d"),
        Tversky(alpha=0.1, beta=0.9, reduction="sum"),
        Circle(gamma=10.0, margin=0.2, remove_diagonal=False),
        CategoricalGeneralizedCrossEntropy(q=0.25),
        CTC(reduction="sum", name="my_ctc"),
    ],
    ids=lambda x: type(x).__name__,
)
def test_config_round_trip_and_get(loss):
    config = loss.get_config()
    clone = type(loss).from_config(config)
    assert clone.get_config() == config
    again = losses.deserialize(losses.serialize(loss))
    assert type(again) is type(loss) and again.get_config() == config
    assert type(losses.get(type(loss).__name__)) is type(loss)
    assert getattr(tf.keras.losses, type(loss).__name__) is type(loss)


def test_function_names_resolve():
    for fn in (dice, tversky, circle, categorical_generalized_cross_entropy, ctc):
        assert losses.get(fn.__name__) is fn


def test_keras_submodules_import_first_in_a_fresh_process():
    # keras.ops.nn and keras.activations import each other: either may be the first one loaded
    import subprocess
    import sys

    for mod in ("tensorflux.keras.ops", "tensorflux.keras.activations", "tensorflux.keras.losses"):
        code = f"import {mod}, tensorflux as tf; print(tf.keras.activations.get('hard_tanh').__name__)"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == "hard_tanh"
