"""Scaled dot-product attention: PyTorch goldens, finite differences, masks, stability, errors."""

import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.ops.attention_ops import scaled_dot_product_attention as sdpa
from tensorflux.testing import check_gradients

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kernels", "rnn_torch_attention.npz")
CASES = {"bool": "keep", "add": "additive", "none": None, "causal": None}


@pytest.mark.parametrize("tag", list(CASES))
@pytest.mark.parametrize("dtype,rtol,atol", [("float64", 1e-10, 1e-12), ("float32", 1e-4, 1e-5)])
def test_forward_and_gradients_match_torch(tag, dtype, rtol, atol):
    d = np.load(GOLDEN)
    kw = {"mask": d[CASES[tag]]} if CASES[tag] else {}
    if tag == "causal":
        kw = {"is_causal": True, "scale": 0.3}
    if tag == "add":
        kw["mask"] = kw["mask"].astype(dtype)
    q, k, v = (tf.constant(d[n].astype(dtype)) for n in "qkv")
    with tf.GradientTape() as tape:
        tape.watch([q, k, v])
        y = sdpa(q, k, v, **kw)
        loss = tf.reduce_sum(y * d["w_y"].astype(dtype))
    grads = tape.gradient(loss, [q, k, v])
    assert y.dtype == dtype
    np.testing.assert_allclose(y.numpy(), d[f"y_{tag}"], rtol=rtol, atol=atol)
    for g, n in zip(grads, "qkv"):
        np.testing.assert_allclose(g.numpy(), d[f"g_{n}_{tag}"], rtol=rtol, atol=atol, err_msg=n)


def _inputs(rng, b=2, t=3, s=4, n=2, h=3):
    return [rng.normal(size=(b, t, n, h)), rng.normal(size=(b, s, n, h)), rng.normal(size=(b, s, n, h))]


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"mask": np.array([[[1, 0, 1, 1], [0, 1, 1, 0], [1, 1, 1, 1]]] * 2, bool)},  # MHA's (B, T, S)
        {"is_causal": True, "scale": 0.7},
        {"bias": np.linspace(-1, 1, 24).reshape(2, 1, 3, 4)},
    ],
    ids=["plain", "mask_BTS", "causal", "bias"],
)
def test_gradients_match_finite_differences(kw):
    check_gradients(lambda q, k, v: sdpa(q, k, v, **kw), _inputs(np.random.default_rng(0)))


def test_additive_mask_gradient_and_single_head_layout():
    rng = np.random.default_rng(1)
    q, k, v = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 2))
    add = rng.normal(size=(3, 5))
    check_gradients(lambda q, k, v, m: sdpa(q, k, v, mask=m), [q, k, v, add])
    y = sdpa(q, k, v)
    assert y.shape == (2, 3, 2)
    scores = np.einsum("btd,bsd->bts", q, k) / 2.0
    p = np.exp(scores - scores.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    np.testing.assert_allclose(y.numpy(), p @ v, rtol=1e-12)


def test_masked_keys_get_zero_probability_and_fully_masked_rows_are_uniform():
    rng = np.random.default_rng(2)
    q, k, v = (tf.constant(a.astype("float32")) for a in _inputs(rng))
    mask = np.ones((2, 3, 4), bool)
    mask[:, 0, 1] = False
    mask[1, 2, :] = False  # a query with nothing to attend to
    y, probs = sdpa(q, k, v, mask=mask, return_attention_scores=True)
    p = probs.numpy()
    assert probs.shape == (2, 2, 3, 4)
    np.testing.assert_array_equal(p[:, :, 0, 1], 0)
    np.testing.assert_allclose(p[1, :, 2], 0.25, rtol=1e-6)
    np.testing.assert_allclose(p.sum(-1), 1, rtol=1e-6)
    assert np.isfinite(y.numpy()).all()


def test_large_scores_stay_finite():
    q = tf.constant(np.full((1, 2, 1, 4), 100.0, "float32"))
    k = tf.constant(np.stack([np.full((1, 1, 4), 100.0), np.full((1, 1, 4), -100.0)], 1).astype("float32"))
    v = tf.constant(np.arange(8, dtype="float32").reshape(1, 2, 1, 4))
    with tf.GradientTape() as tape:
        tape.watch(q)
        y = sdpa(q, k, v)  # scores of +-2e4
        loss = tf.reduce_sum(y)
    g = tape.gradient(loss, q)
    np.testing.assert_allclose(y.numpy()[0, :, 0], [[0, 1, 2, 3]] * 2)
    assert np.isfinite(g.numpy()).all()


def test_dropout_is_repeatable_under_seeds_and_scales_kept_weights():
    rng = np.random.default_rng(3)
    q, k, v = (tf.constant(a.astype("float32")) for a in _inputs(rng, t=16, s=16))
    ones = tf.constant(np.ones((2, 16, 2, 3), "float32"))
    tf.random.set_seed(7)
    a = sdpa(q, k, ones, dropout_rate=0.5, seed=3)
    tf.random.set_seed(7)
    b = sdpa(q, k, ones, dropout_rate=0.5, seed=3)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    # with value = 1 each output is 2 * (sum of kept probabilities): about 1 on average, not always 1
    out = a.numpy()
    assert 0.75 < out.mean() < 1.25 and out.std() > 0.05


def test_bad_arguments_name_the_problem():
    q = np.zeros((2, 3, 2, 4), "float32")
    with pytest.raises(ValueError, match="must have shape \\(batch, seq, heads, dim\\)"):
        sdpa(q[0, 0], q[0, 0], q[0, 0])
    with pytest.raises(ValueError, match="query and key must share"):
        sdpa(q, np.zeros((2, 3, 2, 5), "float32"), q)
    with pytest.raises(ValueError, match="does not broadcast to the scores"):
        sdpa(q, q, q, mask=np.ones((2, 1, 3, 5), bool))
    with pytest.raises(TypeError, match="float tensors of one dtype"):
        sdpa(q, q, q.astype("float64"))
    with pytest.raises(ValueError, match="dropout_rate must be in"):
        sdpa(q, q, q, dropout_rate=1.5)
