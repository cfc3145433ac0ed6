"""AdditiveAttention and GroupQueryAttention: Keras parity, NumPy references, masks, saving, training."""

import numpy as np
import pytest
from _catalogue_goldens import check_layer_gradients
from _layers_a_goldens import check_golden, golden_names

import tensorflux as tf
from tensorflux.keras.layers.attention.additive_attention import AdditiveAttention
from tensorflux.keras.layers.attention.attention import Attention
from tensorflux.keras.layers.attention.grouped_query_attention import (
    GroupedQueryAttention,
    GroupQueryAttention,
)
from tensorflux.testing.layer_test import run_layer_test

RNG = np.random.default_rng(11)


def _x(*shape):
    return RNG.standard_normal(shape).astype("float32")


def _softmax(s):
    e = np.exp(s - s.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


# -- AdditiveAttention ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", golden_names("additive_attention"))
def test_additive_matches_keras(name):
    check_golden(name)


def test_additive_layer_test():
    assert issubclass(AdditiveAttention, Attention)
    run_layer_test(
        AdditiveAttention,
        {},
        input_shape=[(2, 3, 4), (2, 5, 4)],
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=1,
        supports_masking=True,
    )
    run_layer_test(
        AdditiveAttention,
        {"use_scale": False, "dropout": 0.2},
        input_shape=[(2, 3, 4), (2, 5, 6), (2, 5, 4)],
        expected_output_shape=(2, 3, 6),
        expected_num_trainable_weights=0,
    )


def test_additive_values_against_numpy():
    q, v, k = _x(2, 3, 4), _x(2, 5, 6), _x(2, 5, 4)
    layer = AdditiveAttention()
    out, w = layer([q, v, k], return_attention_scores=True)
    scale = layer.scale.numpy()
    assert scale.shape == (4,)
    ref_w = _softmax((scale * np.tanh(q[:, :, None] + k[:, None])).sum(-1))
    np.testing.assert_allclose(np.asarray(w), ref_w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(out), ref_w @ v, rtol=1e-5, atol=1e-6)
    # masks: hidden keys get no weight, hidden queries give zeros
    q_mask = np.array([[True, False, True], [True] * 3])
    v_mask = np.array([[True, True, False, False, True], [True] * 5])
    out, w = layer([q, v, k], mask=[q_mask, v_mask], return_attention_scores=True)
    np.testing.assert_array_equal(np.asarray(w)[0, :, 2:4], 0.0)
    np.testing.assert_array_equal(np.asarray(out)[0, 1], 0.0)
    assert layer.compute_mask([q, v], [q_mask, v_mask]) is q_mask


def test_additive_config_has_no_score_mode():
    layer = AdditiveAttention(use_scale=False, dropout=0.1, seed=3, name="add")
    config = layer.get_config()
    assert "score_mode" not in config
    assert config["use_scale"] is False and config["dropout"] == 0.1 and config["seed"] == 3
    assert AdditiveAttention.from_config(config).get_config() == config
    assert AdditiveAttention().use_scale is True  # Keras' default differs from Attention's
    assert tf.keras.layers.AdditiveAttention is AdditiveAttention


def test_additive_gradients_float64():
    layer = AdditiveAttention(dtype="float64")
    check_layer_gradients(layer, [_x(2, 3, 4), _x(2, 5, 4)], call=lambda lay, xs: lay(xs))


def test_additive_errors():
    layer = AdditiveAttention()
    with pytest.raises(ValueError, match="list of inputs"):
        layer(_x(2, 3, 4))
    with pytest.raises(ValueError, match="length 2 or 3"):
        layer([_x(2, 3, 4)])
    with pytest.raises(ValueError, match="same last dimension"):
        AdditiveAttention()([_x(2, 3, 4), _x(2, 5, 6), _x(2, 5, 5)])


# -- GroupQueryAttention -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", golden_names("gqa"))
def test_gqa_matches_keras(name):
    check_golden(name)


def _gqa_reference(layer, q, v, k=None, mask=None):
    """Per-head NumPy attention with the key/value heads repeated for their query groups."""
    k = v if k is None else k
    w = [x.numpy() for x in layer.weights]
    qp = np.einsum("bqm,muh->bquh", q, w[0]) + w[1]
    kp = np.einsum("bkm,mvh->bkvh", k, w[2]) + w[3]
    vp = np.einsum("bkm,mvh->bkvh", v, w[4]) + w[5]
    rep = layer.num_query_heads // layer.num_key_value_heads
    kp, vp = np.repeat(kp, rep, axis=2), np.repeat(vp, rep, axis=2)
    s = np.einsum("bquh,bkuh->buqk", qp, kp) / np.sqrt(layer.head_dim)
    if mask is not None:
        s = np.where(mask[:, None], s, -1e9)
    p = _softmax(s)
    o = np.einsum("buqk,bkuh->bquh", p, vp)
    return np.einsum("bquh,uhm->bqm", o, w[6]) + w[7], p


@pytest.mark.parametrize("kv_heads", [1, 2, 4])
def test_gqa_against_numpy(kv_heads):
    layer = GroupQueryAttention(
        head_dim=3, num_query_heads=4, num_key_value_heads=kv_heads, bias_initializer="random_normal"
    )
    q, v, k = _x(2, 3, 8), _x(2, 5, 8), _x(2, 5, 6)
    out, scores = layer(q, v, k, return_attention_scores=True)
    ref, ref_p = _gqa_reference(layer, q, v, k)
    np.testing.assert_allclose(np.asarray(out), ref, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.asarray(scores), ref_p, rtol=1e-5, atol=1e-6)
    assert scores.shape == (2, 4, 3, 5)
    mask = RNG.random((2, 3, 5)) > 0.5
    mask[..., 1] = True
    fast = layer(q, v, k, attention_mask=mask)
    np.testing.assert_allclose(
        np.asarray(fast), _gqa_reference(layer, q, v, k, mask)[0], rtol=1e-5, atol=1e-5
    )


def test_gqa_weights_follow_keras_layout():
    layer = GroupQueryAttention(head_dim=3, num_query_heads=6, num_key_value_heads=2, use_gate=True)
    layer.build((2, 4, 8), (2, 5, 7))
    shapes = [(w.path, tuple(w.shape)) for w in layer.weights]
    assert shapes == [
        ("query/kernel", (8, 6, 3)),
        ("query/bias", (6, 3)),
        ("key/kernel", (7, 2, 3)),
        ("key/bias", (2, 3)),
        ("gate/kernel", (8, 6, 3)),
        ("gate/bias", (6, 3)),
        ("value/kernel", (7, 2, 3)),
        ("value/bias", (2, 3)),
        ("attention_output/kernel", (6, 3, 8)),
        ("attention_output/bias", (8,)),
    ]


def test_gqa_masks_from_embedding_and_causal():
    emb = tf.keras.layers.Embedding(10, 8, mask_zero=True)
    ids = np.array([[3, 4, 0, 0], [1, 2, 5, 0]])
    x = emb(ids)
    layer = GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1)
    _, scores = layer(x, x, return_attention_scores=True)
    s = np.asarray(scores)
    np.testing.assert_array_equal(s[0, :, :, 2:], 0.0)  # padded keys get no weight
    np.testing.assert_allclose(s[0, :, :2].sum(-1), 1.0, rtol=1e-6)
    _, causal = layer(x, x, use_causal_mask=True, return_attention_scores=True)
    assert np.all(np.triu(np.asarray(causal)[1, 0], 1) == 0)


def test_gqa_dropout_only_in_training():
    layer = GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, dropout=0.5, seed=1)
    q = _x(2, 6, 4)
    a = layer(q, q).numpy()
    np.testing.assert_array_equal(a, layer(q, q, training=False).numpy())
    assert not np.allclose(a, layer(q, q, training=True).numpy())


def test_gqa_config_and_export():
    layer = GroupQueryAttention(
        head_dim=4,
        num_query_heads=4,
        num_key_value_heads=2,
        dropout=0.1,
        use_bias=False,
        sliding_window=3,
        seed=2,
    )
    config = layer.get_config()
    for key, value in {
        "head_dim": 4,
        "num_query_heads": 4,
        "num_key_value_heads": 2,
        "dropout": 0.1,
        "use_bias": False,
        "use_gate": False,
        "sliding_window": 3,
        "seed": 2,
    }.items():
        assert config[key] == value
    assert "flash_attention" not in config
    assert GroupQueryAttention.from_config(config).get_config() == config
    assert GroupQueryAttention is GroupedQueryAttention
    assert tf.keras.layers.GroupQueryAttention is GroupedQueryAttention
    assert GroupQueryAttention(2, 2, 1, flash_attention=False)._flash_attention is False


def test_gqa_gradients_float64():
    layer = GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2, dtype="float64")
    check_layer_gradients(layer, [_x(2, 3, 5), _x(2, 4, 5)])
    gated = GroupQueryAttention(
        head_dim=2, num_query_heads=2, num_key_value_heads=1, use_gate=True, dtype="float64"
    )
    check_layer_gradients(
        gated,
        [_x(2, 3, 5), _x(2, 4, 5)],
        call=lambda lay, xs: lay(xs[0], xs[1], return_attention_scores=True)[0],
    )


def test_gqa_errors():
    with pytest.raises(ValueError, match="divisible"):
        GroupQueryAttention(head_dim=2, num_query_heads=3, num_key_value_heads=2)
    with pytest.raises(ValueError, match="head_dim"):
        GroupQueryAttention(head_dim=0, num_query_heads=2, num_key_value_heads=1)
    with pytest.raises(NotImplementedError, match="flash_attention"):
        GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, flash_attention=True)
    layer = GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1)
    with pytest.raises(ValueError, match="rank 3"):
        layer(_x(2, 3, 4, 4), _x(2, 3, 4, 4))
    with pytest.raises(ValueError, match="needs `value`"):
        GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1)(_x(2, 3, 4))
    with pytest.raises(ValueError, match="last dimension"):
        layer.compute_output_shape((2, 3, 4), (2, 5, 6))
    layer(_x(2, 3, 4), _x(2, 5, 4))
    with pytest.raises(ValueError, match="same batch and sequence"):
        layer(_x(2, 3, 4), _x(2, 5, 4), _x(2, 6, 4))


# -- saving and training -------------------------------------------------------------------------------


def _model():
    q_in = tf.keras.Input((3, 8))
    v_in = tf.keras.Input((5, 8))
    x = GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2, name="gqa")(q_in, v_in)
    x = AdditiveAttention(name="add")([x, v_in])
    out = tf.keras.layers.Dense(1)(tf.keras.layers.Flatten()(x))
    return tf.keras.Model([q_in, v_in], out)


def test_save_load_round_trip(tmp_path):
    model = _model()
    q, v = _x(4, 3, 8), _x(4, 5, 8)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = tf.keras.models.load_model(path)
    assert type(loaded.get_layer("gqa")) is GroupedQueryAttention
    assert type(loaded.get_layer("add")) is AdditiveAttention
    np.testing.assert_allclose(loaded.predict([q, v], verbose=0), model.predict([q, v], verbose=0), rtol=1e-5)


def test_traced_fit_matches_eager_fit():
    q, v, y = _x(8, 3, 8), _x(8, 5, 8), _x(8, 1)
    initial = _model().get_weights()
    trained = []
    for eager in (False, True):
        model = _model()
        model.set_weights(initial)
        model.compile(optimizer="sgd", loss="mse", run_eagerly=eager)
        history = model.fit([q, v], y, batch_size=4, epochs=2, shuffle=False, verbose=0)
        assert np.all(np.isfinite(history.history["loss"]))
        trained.append(model.get_weights())
    for a, b in zip(*trained):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert not np.allclose(trained[0][0], initial[0])


def test_loads_a_model_saved_by_keras():
    # keras_model.keras (scripts/golden_layers_a.py) uses every layer of this batch, weights set by Keras
    import os

    from _layers_a_goldens import FIXTURES

    from tensorflux.keras.layers.core.einsum_dense import EinsumDense
    from tensorflux.keras.layers.normalization.rms_normalization import RMSNormalization
    from tensorflux.keras.layers.normalization.spectral_normalization import SpectralNormalization
    from tensorflux.keras.layers.regularization.alpha_dropout import AlphaDropout

    model = tf.keras.models.load_model(os.path.join(FIXTURES, "keras_model.keras"))
    kinds = [type(layer) for layer in model.layers]
    for cls in (GroupedQueryAttention, AdditiveAttention, EinsumDense, RMSNormalization, AlphaDropout):
        assert cls in kinds
    assert SpectralNormalization in kinds
    with np.load(os.path.join(FIXTURES, "keras_model.npz")) as g:
        y = model.predict([g["q"], g["v"]], verbose=0)
        np.testing.assert_allclose(y, g["y"], rtol=1e-5, atol=1e-6)
