"""Attention and MultiHeadAttention: run_layer_test, values against NumPy, masks, and Keras parity."""

import numpy as np
import pytest
from _catalogue_goldens import check_fixture, check_layer_gradients, fixture_names

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import layers
from tensorflux.testing.layer_test import run_layer_test

RNG = np.random.default_rng(2)


def _x(*shape):
    return RNG.standard_normal(shape).astype("float32")


def _softmax(s):
    e = np.exp(s - s.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_attention_layer_test():
    run_layer_test(
        layers.Attention,
        {},
        input_shape=[(2, 3, 4), (2, 5, 4)],
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=0,
        supports_masking=True,
    )
    run_layer_test(
        layers.Attention,
        {"use_scale": True, "score_mode": "concat", "dropout": 0.2},
        input_shape=[(2, 3, 4), (2, 5, 6), (2, 5, 4)],
        expected_output_shape=(2, 3, 6),
        expected_num_trainable_weights=2,
    )


def test_attention_values_and_masks():
    q, v = _x(2, 3, 4), _x(2, 5, 4)
    out, w = layers.Attention()([q, v], return_attention_scores=True)
    ref_w = _softmax(q @ v.transpose(0, 2, 1))
    np.testing.assert_allclose(np.asarray(w), ref_w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(out), ref_w @ v, rtol=1e-5, atol=1e-6)
    q_mask = np.array([[True, True, False], [True, True, True]])
    v_mask = np.array([[True, True, True, False, False], [True] * 5])
    masked = np.asarray(layers.Attention()([q, v], mask=[q_mask, v_mask]))
    short = np.asarray(layers.Attention()([q[:1], v[:1, :3]]))
    np.testing.assert_allclose(masked[0, :2], short[0, :2], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(masked[0, 2], 0.0)  # padded queries give zeros
    causal = np.asarray(layers.Attention()([q, q], use_causal_mask=True))
    np.testing.assert_allclose(causal[:, 0], q[:, 0], rtol=1e-5)  # the first query sees only itself


def test_mha_layer_test():
    run_layer_test(
        layers.MultiHeadAttention,
        {"num_heads": 2, "key_dim": 3},
        input_shape=[(2, 4, 5), (2, 6, 5)],
        input_data=None,
        expected_output_shape=(2, 4, 5),
        expected_num_trainable_weights=8,
        run_gradient_check=False,
    )
    run_layer_test(
        layers.MultiHeadAttention,
        {"num_heads": 3, "key_dim": 2, "value_dim": 4, "use_bias": False, "output_shape": 6, "dropout": 0.1},
        input_shape=[(2, 4, 5), (2, 3, 7), (2, 3, 2)],
        expected_output_shape=(2, 4, 6),
        expected_num_trainable_weights=4,
        run_gradient_check=False,
    )
    # the layer takes query, value (and key) as separate arguments: check gradients directly
    mha = layers.MultiHeadAttention(2, 3, dtype="float64")
    check_layer_gradients(mha, [_x(2, 3, 4), _x(2, 5, 4)])
    gated = layers.MultiHeadAttention(2, 2, use_gate=True, dtype="float64")
    check_layer_gradients(
        gated, [_x(1, 3, 4), _x(1, 3, 4)], call=lambda lay, xs: lay(xs[0], xs[1], use_causal_mask=True)
    )


def test_mha_weights_and_values_against_numpy():
    q, v = _x(2, 4, 6), _x(2, 5, 3)
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=2, bias_initializer="random_normal")
    out, scores = mha(q, v, return_attention_scores=True)
    weights = mha.get_weights()
    assert [w.shape for w in weights] == [
        (6, 2, 3),
        (2, 3),
        (3, 2, 3),
        (2, 3),
        (3, 2, 2),
        (2, 2),
        (2, 2, 6),
        (6,),
    ]
    assert [w.path for w in mha.weights][::2] == [
        "query/kernel",
        "key/kernel",
        "value/kernel",
        "attention_output/kernel",
    ]
    wq, bq, wk, bk, wv, bv, wo, bo = weights
    qh = np.einsum("btd,dhk->bthk", q, wq) + bq
    kh = np.einsum("bsd,dhk->bshk", v, wk) + bk
    vh = np.einsum("bsd,dhk->bshk", v, wv) + bv
    s = _softmax(np.einsum("bthk,bshk->bhts", qh / np.sqrt(3), kh))
    ref = np.einsum("bhts,bshk->bthk", s, vh)
    ref = np.einsum("bthk,hkd->btd", ref, wo) + bo
    np.testing.assert_allclose(np.asarray(scores), s, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(out), ref, rtol=1e-5, atol=1e-5)


def test_mha_masks():
    x = _x(2, 5, 4)
    mha = layers.MultiHeadAttention(2, 2)
    causal = np.asarray(mha(x, x, use_causal_mask=True))
    explicit = np.asarray(mha(x, x, attention_mask=np.tril(np.ones((2, 5, 5), bool))))
    np.testing.assert_allclose(causal, explicit, rtol=1e-6)
    prefix = np.asarray(mha(x[:, :3], x[:, :3], use_causal_mask=True))
    np.testing.assert_allclose(causal[:, :3], prefix, rtol=1e-5, atol=1e-6)
    # a padded value (from an Embedding mask) is never attended to
    ids = np.array([[1, 2, 3, 0, 0]])
    emb = layers.Embedding(5, 4, mask_zero=True)
    e = emb(ids)
    y = np.asarray(mha(e, e))
    short = np.asarray(mha(emb(ids[:, :3]), emb(ids[:, :3])))
    np.testing.assert_allclose(y[:, :3], short, rtol=1e-5, atol=1e-6)
    assert tf.keras.backend.get_keras_mask(mha(e, e)) is not None


def test_mha_over_two_attention_axes_and_functional_scores():
    x = _x(2, 3, 4, 5)
    mha = layers.MultiHeadAttention(2, 3, attention_axes=(1, 2))
    out, scores = mha(x, x, return_attention_scores=True)
    assert tuple(out.shape) == (2, 3, 4, 5) and tuple(scores.shape) == (2, 2, 3, 4, 3, 4)
    flat = layers.MultiHeadAttention(2, 3)
    flat.build((2, 12, 5), (2, 12, 5))
    flat.set_weights(mha.get_weights())
    np.testing.assert_allclose(
        np.asarray(out).reshape(2, 12, 5),
        np.asarray(flat(x.reshape(2, 12, 5), x.reshape(2, 12, 5))),
        rtol=1e-5,
        atol=1e-6,
    )
    q, v = keras.Input((4, 6)), keras.Input((7, 6))
    o, s = layers.MultiHeadAttention(3, 2)(q, v, return_attention_scores=True)
    assert tuple(o.shape) == (None, 4, 6) and tuple(s.shape) == (None, 3, 4, 7)


def test_mha_config_and_errors():
    mha = layers.MultiHeadAttention(4, 8, value_dim=5, dropout=0.1, output_shape=(3,), attention_axes=1)
    again = layers.MultiHeadAttention.from_config(mha.get_config())
    assert (again.num_heads, again.key_dim, again.value_dim, again.dropout) == (4, 8, 5, 0.1)
    with pytest.raises(ValueError, match="num_heads=0"):
        layers.MultiHeadAttention(0, 2)
    with pytest.raises(ValueError, match="key_dim=-1"):
        layers.MultiHeadAttention(2, -1)
    with pytest.raises(ValueError, match="score_mode='sum'"):
        layers.Attention(score_mode="sum")
    with pytest.raises(ValueError, match="list of inputs"):
        layers.Attention()(_x(2, 3, 4))


@pytest.mark.parametrize("name", fixture_names("multi_head_attention", "attention_"))
def test_matches_keras(name):
    check_fixture(name)
