"""ReversibleEmbedding: Keras goldens (tests/fixtures/geometric_mix, from scripts/golden_geometric_mix.py),
gradients against finite differences, masking, config and saving."""

import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras.layers.core.reversible_embedding import ReversibleEmbedding
from tensorflux.testing import check_gradients

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "geometric_mix")


@pytest.fixture(scope="module")
def golden():
    with np.load(os.path.join(FIXTURES, "reversible_embedding.npz")) as f:
        return {k: f[k] for k in f.files}


def test_tied_forward_and_reverse_match_keras(golden):
    layer = ReversibleEmbedding(7, 4)
    layer.build()
    layer.set_weights([golden["emb"]])
    np.testing.assert_allclose(layer(golden["ids"]).numpy(), golden["forward"], rtol=1e-6)
    np.testing.assert_allclose(
        layer(tf.constant(golden["h"]), reverse=True).numpy(), golden["tied"], rtol=1e-5, atol=1e-6
    )
    assert len(layer.weights) == 1


def test_untied_soft_capped_reverse_matches_keras(golden):
    layer = ReversibleEmbedding(7, 4, tie_weights=False, logit_soft_cap=1.5)
    layer.build()
    layer.set_weights([golden["emb"], golden["rev"]])
    out = layer(tf.constant(golden["h"]), reverse=True).numpy()
    np.testing.assert_allclose(out, golden["untied_capped"], rtol=1e-5, atol=1e-6)
    assert np.abs(out).max() < 1.5
    assert [w.shape for w in layer.trainable_weights] == [(7, 4), (4, 7)]


def test_reverse_dtype_and_output_shapes():
    layer = ReversibleEmbedding(9, 3, reverse_dtype="float64")
    h = layer(tf.constant([[1, 2, 3]]))
    assert h.dtype == tf.float32
    logits = layer(h, reverse=True)
    assert logits.dtype == tf.float64 and logits.shape == (1, 3, 9)
    assert layer.compute_output_shape((2, 5)) == (2, 5, 3)
    assert layer.compute_output_shape((2, 5, 3), reverse=True) == (2, 5, 9)


@pytest.mark.parametrize("tie", [True, False])
def test_reverse_gradients_match_finite_differences(tie):
    layer = ReversibleEmbedding(5, 3, tie_weights=tie, logit_soft_cap=2.0, dtype="float64")
    layer.build()
    rng = np.random.RandomState(0)
    h = rng.normal(size=(2, 3))
    check_gradients(lambda x: layer(x, reverse=True), [h])
    # the tables: tape gradients of a weighted sum against central differences
    r = tf.constant(rng.normal(size=(2, 5)))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(tf.constant(h), reverse=True) * r)
    grads = tape.gradient(loss, layer.trainable_weights)
    eps = 1e-6
    for var, grad in zip(layer.trainable_weights, grads):
        base = var.numpy().copy()
        numeric = np.zeros_like(base)
        for idx in np.ndindex(base.shape):
            for sign in (1.0, -1.0):
                w = base.copy()
                w[idx] += sign * eps
                var.assign(w)
                numeric[idx] += (
                    sign * float(tf.reduce_sum(layer(tf.constant(h), reverse=True) * r)) / (2 * eps)
                )
        var.assign(base)
        # untied, the forward table takes no part in reverse: no gradient, and none numerically
        got = np.zeros_like(base) if grad is None else grad.numpy()
        assert (grad is None) == (not tie and var.path.endswith("/embeddings"))
        np.testing.assert_allclose(got, numeric, rtol=1e-6, atol=1e-8)


def test_forward_mask_and_no_mask_in_reverse():
    layer = ReversibleEmbedding(6, 2, mask_zero=True)
    ids = tf.constant([[3, 0, 1]])
    assert layer.compute_mask(ids).numpy().tolist() == [[True, False, True]]
    assert layer.compute_mask(layer(ids)) is None


def test_bad_reverse_input_and_arguments():
    layer = ReversibleEmbedding(6, 2)
    with pytest.raises(ValueError, match="ReversibleEmbedding"):
        layer(tf.ones((2, 3)), reverse=True)
    with pytest.raises(ValueError, match="logit_soft_cap"):
        ReversibleEmbedding(6, 2, logit_soft_cap=-1.0)


def test_config_and_save_round_trip(tmp_path):
    layer = ReversibleEmbedding(
        6, 3, tie_weights=False, logit_soft_cap=3.0, reverse_dtype="float32", mask_zero=True
    )
    config = layer.get_config()
    assert {k: config[k] for k in ("tie_weights", "logit_soft_cap", "reverse_dtype")} == {
        "tie_weights": False,
        "logit_soft_cap": 3.0,
        "reverse_dtype": "float32",
    }
    assert ReversibleEmbedding.from_config(config).get_config() == config
    ids = tf.keras.Input((4,), dtype="int32")
    emb = ReversibleEmbedding(6, 3, tie_weights=False)
    model = tf.keras.Model(ids, emb(emb(ids), reverse=True))
    x = np.array([[1, 2, 0, 5]], "int32")
    before = model.predict(x, verbose=0)
    model.save(tmp_path / "m.keras")
    assert tf.keras.layers.ReversibleEmbedding is ReversibleEmbedding
    loaded = tf.keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), before, rtol=1e-6)
