"""Bidirectional and TimeDistributed: every merge mode, states, masks, configs, gradients and parity."""

import numpy as np
import pytest
from _catalogue_goldens import check_fixture, check_layer_gradients, fixture_names

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import layers
from tensorflux.testing.layer_test import run_layer_test

RNG = np.random.default_rng(1)
F64 = {"dtype": "float64"}


def _x(*shape):
    return RNG.standard_normal(shape).astype("float32")


@pytest.mark.parametrize(
    "merge_mode, out_shape",
    [
        ("concat", (2, 4, 6)),
        ("sum", (2, 4, 3)),
        ("mul", (2, 4, 3)),
        ("ave", (2, 4, 3)),
        (None, [(2, 4, 3), (2, 4, 3)]),
    ],
)
def test_bidirectional_layer_test(merge_mode, out_shape):
    run_layer_test(
        layers.Bidirectional,
        {"layer": layers.LSTM(3, return_sequences=True), "merge_mode": merge_mode},
        input_shape=(2, 4, 3),
        expected_output_shape=out_shape,
        expected_num_trainable_weights=6,
        run_gradient_check=False,
        supports_masking=True,
    )
    layer = layers.Bidirectional(layers.GRU(2, return_sequences=True, **F64), merge_mode=merge_mode, **F64)
    check_layer_gradients(layer, [_x(2, 4, 3)])


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_merges_forward_and_reversed_backward(merge_mode):
    x = _x(2, 5, 3)
    bi = layers.Bidirectional(layers.SimpleRNN(4, return_sequences=True), merge_mode=merge_mode)
    out = bi(x)
    fw = layers.SimpleRNN(4, return_sequences=True)
    bw = layers.SimpleRNN(4, return_sequences=True, go_backwards=True)
    fw.build(x.shape)
    bw.build(x.shape)
    w = bi.get_weights()
    fw.set_weights(w[:3])
    bw.set_weights(w[3:])
    y, y_rev = np.asarray(fw(x)), np.asarray(bw(x))[:, ::-1]
    expected = {
        "concat": np.concatenate([y, y_rev], -1),
        "sum": y + y_rev,
        "mul": y * y_rev,
        "ave": (y + y_rev) / 2,
    }
    if merge_mode is None:
        np.testing.assert_allclose(np.asarray(out[0]), y, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(np.asarray(out[1]), y_rev, rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_allclose(np.asarray(out), expected[merge_mode], rtol=1e-5, atol=1e-6)


def test_bidirectional_states_and_initial_state():
    x = _x(2, 4, 3)
    bi = layers.Bidirectional(layers.LSTM(3, return_state=True))
    out = bi(x)
    assert len(out) == 5 and tuple(out[0].shape) == (2, 6)
    assert [tuple(s.shape) for s in out[1:]] == [(2, 3)] * 4
    assert bi.compute_output_shape((2, 4, 3)) == ((2, 6), (2, 3), (2, 3), (2, 3), (2, 3))
    again = bi(x, initial_state=list(out[1:]))
    assert not np.allclose(np.asarray(again[0]), np.asarray(out[0]))
    with pytest.raises(ValueError, match="even count"):
        bi(x, initial_state=list(out[1:4]))


def test_bidirectional_with_mask_and_backward_layer():
    ids = np.array([[3, 5, 2, 0, 0], [1, 2, 3, 4, 5]])
    emb = layers.Embedding(8, 3, mask_zero=True)
    bi = layers.Bidirectional(layers.GRU(2), backward_layer=layers.GRU(2, go_backwards=True, name="back"))
    y = np.asarray(bi(emb(ids)))
    alone = np.asarray(bi(emb(ids[:1, :3])))
    np.testing.assert_allclose(y[:1], alone, rtol=1e-5, atol=1e-6)
    assert bi.backward_layer.name == "back" and bi.forward_layer.name.startswith("forward_")
    seq = layers.Bidirectional(layers.LSTM(2, return_sequences=True))(emb(ids))
    np.testing.assert_array_equal(np.asarray(tf.keras.backend.get_keras_mask(seq)), ids != 0)


def test_bidirectional_config_and_weights_argument():
    bi = layers.Bidirectional(layers.LSTM(2, return_sequences=True), merge_mode="sum")
    bi(_x(1, 3, 2))
    config = bi.get_config()
    again = layers.Bidirectional.from_config(config)
    assert again.merge_mode == "sum" and again.forward_layer.units == 2 and again.backward_layer.go_backwards
    seeded = layers.Bidirectional(
        layers.LSTM(2, return_sequences=True), merge_mode="sum", weights=bi.get_weights()
    )
    x = _x(2, 3, 2)
    np.testing.assert_allclose(np.asarray(seeded(x)), np.asarray(bi(x)), rtol=1e-6)
    with pytest.raises(ValueError, match="merge mode"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="go_backwards"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2))


def test_bidirectional_in_a_functional_model():
    inp = keras.Input((None,), dtype="int32")
    x = layers.Embedding(20, 4, mask_zero=True)(inp)
    x = layers.Bidirectional(layers.LSTM(3, return_sequences=True))(x)
    x = layers.Bidirectional(layers.GRU(2))(x)
    model = keras.Model(inp, layers.Dense(1)(x))
    assert (
        model.count_params() == 20 * 4 + 2 * (4 * (4 * 3 + 3 * 3 + 3)) + 2 * (3 * (6 * 2 + 2 * 2 + 2 * 2)) + 5
    )
    assert tuple(model(np.array([[1, 2, 3, 0]])).shape) == (1, 1)


def test_time_distributed():
    run_layer_test(
        layers.TimeDistributed,
        {"layer": layers.Dense(3)},
        input_shape=(2, 4, 5),
        expected_output_shape=(2, 4, 3),
        expected_num_trainable_weights=2,
        run_gradient_check=False,
    )
    run_layer_test(
        layers.TimeDistributed,
        {"layer": layers.Conv2D(2, 3)},
        input_shape=(None, 3, 5, 5, 1),
        expected_output_shape=(None, 3, 3, 3, 2),
        run_gradient_check=False,
    )
    check_layer_gradients(
        layers.TimeDistributed(layers.Dense(2, activation="tanh", **F64), **F64), [_x(2, 3, 4)]
    )
    x = _x(2, 4, 5)
    td = layers.TimeDistributed(layers.Dense(3))
    y = np.asarray(td(x))
    for t in range(4):
        np.testing.assert_allclose(y[:, t], np.asarray(td.layer(x[:, t])), rtol=1e-6)
    back = layers.TimeDistributed.from_config(td.get_config())
    assert isinstance(back.layer, layers.Dense) and back.layer.units == 3
    with pytest.raises(ValueError, match="at least 3 dimensions"):
        layers.TimeDistributed(layers.Dense(2))(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="Layer` instance"):
        layers.TimeDistributed("dense")


@pytest.mark.parametrize("name", fixture_names("bidirectional"))
def test_matches_keras(name):
    check_fixture(name)
