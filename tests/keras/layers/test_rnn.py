"""Recurrent layers: SimpleRNN, LSTM, GRU and RNN over cells: shapes, masks, states, dropout, parity."""

import numpy as np
import pytest
from _catalogue_goldens import check_fixture, check_layer_gradients, fixture_names

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import layers
from tensorflux.testing.layer_test import run_layer_test

RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.standard_normal(shape).astype("float32")


@pytest.mark.parametrize(
    "cls, kwargs, out_shape",
    [
        (layers.SimpleRNN, {"units": 3}, (2, 3)),
        (
            layers.SimpleRNN,
            {"units": 3, "activation": "relu", "return_sequences": True, "go_backwards": True},
            (2, 4, 3),
        ),
        (layers.LSTM, {"units": 3, "return_sequences": True}, (2, 4, 3)),
        (layers.LSTM, {"units": 2, "return_state": True}, [(2, 2), (2, 2), (2, 2)]),
        (layers.LSTM, {"units": 2, "use_bias": False, "unit_forget_bias": False}, (2, 2)),
        (layers.GRU, {"units": 3}, (2, 3)),
        (
            layers.GRU,
            {"units": 3, "reset_after": False, "return_sequences": True, "return_state": True},
            [(2, 4, 3), (2, 3)],
        ),
        (layers.LSTM, {"units": 2, "activation": "softsign", "return_sequences": True}, (2, 4, 2)),
        (layers.GRU, {"units": 2, "recurrent_activation": "hard_sigmoid", "unroll": True}, (2, 2)),
    ],
)
def test_recurrent_layer_test(cls, kwargs, out_shape):
    n = 3 if kwargs.get("use_bias", True) else 2
    run_layer_test(
        cls,
        kwargs,
        input_shape=(2, 4, 3),
        expected_output_shape=out_shape,
        expected_num_trainable_weights=n,
        supports_masking=True,
    )


def test_rnn_over_cells_layer_test():
    # the cell instances are shared by the copies run_layer_test makes: the float64 gradient check is separate
    run_layer_test(
        layers.RNN,
        {"cell": layers.LSTMCell(3), "return_sequences": True},
        input_shape=(2, 4, 3),
        expected_output_shape=(2, 4, 3),
        expected_num_trainable_weights=3,
        run_gradient_check=False,
    )
    run_layer_test(
        layers.RNN,
        {"cell": [layers.SimpleRNNCell(4), layers.GRUCell(2)], "return_state": True},
        input_shape=(2, 3, 3),
        expected_output_shape=[(2, 2), (2, 4), (2, 2)],
        expected_num_trainable_weights=6,
        run_gradient_check=False,
    )
    f64 = {"dtype": "float64"}
    check_layer_gradients(layers.RNN(layers.LSTMCell(3, **f64), return_sequences=True, **f64), [_x(2, 4, 3)])
    stacked = layers.RNN([layers.SimpleRNNCell(2, **f64), layers.GRUCell(2, reset_after=False, **f64)], **f64)
    check_layer_gradients(stacked, [_x(2, 3, 3)])


def test_weight_layouts_and_defaults():
    lstm = layers.LSTM(4)
    lstm(_x(2, 3, 5))
    kernel, recurrent, bias = lstm.get_weights()
    assert kernel.shape == (5, 16) and recurrent.shape == (4, 16)
    np.testing.assert_array_equal(bias, [0] * 4 + [1] * 4 + [0] * 8)  # unit_forget_bias
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(4), atol=1e-5)  # orthogonal rows
    gru = layers.GRU(4)
    gru(_x(2, 3, 5))
    assert [w.shape for w in gru.get_weights()] == [(5, 12), (4, 12), (2, 12)]
    gru_before = layers.GRU(4, reset_after=False)
    gru_before(_x(2, 3, 5))
    assert gru_before.get_weights()[2].shape == (12,)
    assert [w.path for w in lstm.weights] == [
        "lstm_cell/kernel",
        "lstm_cell/recurrent_kernel",
        "lstm_cell/bias",
    ]


def test_lstm_step_by_hand():
    layer = layers.LSTM(3, return_sequences=True, bias_initializer="random_normal")
    x = _x(2, 4, 2)
    y = np.asarray(layer(x))
    w, u, b = layer.get_weights()
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    h = c = np.zeros((2, 3))
    for t in range(4):
        z = x[:, t] @ w + h @ u + b
        i, f, g, o = np.split(z, 4, axis=1)
        c = sig(f) * c + sig(i) * np.tanh(g)
        h = sig(o) * np.tanh(c)
        np.testing.assert_allclose(y[:, t], h, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls", [layers.SimpleRNN, layers.LSTM, layers.GRU])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_fused_kernel_equals_the_cell_loop(cls, go_backwards):
    layer = cls(
        3, return_sequences=True, return_state=True, go_backwards=go_backwards, bias_initializer="ones"
    )
    generic = layers.RNN(layer.cell, return_sequences=True, return_state=True, go_backwards=go_backwards)
    x = tf.constant(_x(2, 5, 4))
    mask = tf.constant([[True, False, True, True, False], [False, True, True, True, True]])
    for kwargs in ({}, {"mask": mask}):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            fused = layer(x, **kwargs)
            loop = generic(x, **kwargs)
            lf = tf.reduce_sum(fused[0] * fused[0]) + tf.reduce_sum(fused[1])
            ll = tf.reduce_sum(loop[0] * loop[0]) + tf.reduce_sum(loop[1])
        for a, b in zip(fused, loop):
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)
        for ga, gb in zip(
            tape.gradient(lf, [x] + layer.trainable_weights), tape.gradient(ll, [x] + layer.trainable_weights)
        ):
            np.testing.assert_allclose(np.asarray(ga), np.asarray(gb), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("cls", [layers.SimpleRNN, layers.LSTM, layers.GRU])
def test_embedding_mask_equals_the_unpadded_sequence(cls):
    ids = np.array([[4, 2, 7, 0, 0], [3, 9, 1, 5, 2]])
    emb = layers.Embedding(10, 3, mask_zero=True)
    rnn = cls(4)
    y = np.asarray(rnn(emb(ids)))
    alone = np.asarray(rnn(emb(ids[:1, :3])))
    np.testing.assert_allclose(y[:1], alone, rtol=1e-5, atol=1e-6)
    # Masking(0.0) masks the same steps
    vectors = np.asarray(emb(ids))
    vectors[0, 3:] = 0.0
    np.testing.assert_allclose(np.asarray(rnn(layers.Masking(0.0)(vectors))), y, rtol=1e-5, atol=1e-6)
    # the sequence output keeps the mask for the next layer
    seq = layers.LSTM(2, return_sequences=True)(emb(ids))
    np.testing.assert_array_equal(np.asarray(tf.keras.backend.get_keras_mask(seq)), ids != 0)


def test_initial_state_continues_a_sequence():
    layer = layers.LSTM(3, return_sequences=True, return_state=True)
    x = _x(2, 6, 2)
    full, h, c = layer(x)
    first, h1, c1 = layer(x[:, :4])
    second, h2, c2 = layer(x[:, 4:], initial_state=[h1, c1])
    np.testing.assert_allclose(np.asarray(second), np.asarray(full)[:, 4:], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(c2), np.asarray(c), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="2 state.*received 1 initial state"):
        layer(x, initial_state=[h1])


def test_stateful_carries_states_between_batches():
    x = _x(2, 6, 3)
    ref = layers.GRU(4, return_sequences=True, bias_initializer="ones")
    full = np.asarray(ref(x))
    stateful = layers.GRU(4, return_sequences=True, stateful=True)
    stateful.build((2, 6, 3))
    stateful.set_weights(ref.get_weights())
    a = np.asarray(stateful(x[:, :3]))
    b = np.asarray(stateful(x[:, 3:]))
    np.testing.assert_allclose(np.concatenate([a, b], 1), full, rtol=1e-5, atol=1e-6)
    assert len(stateful.states) == 1 and stateful.weights == stateful.trainable_weights
    stateful.reset_states()
    np.testing.assert_allclose(np.asarray(stateful(x[:, :3])), a, rtol=1e-6)
    with pytest.raises(ValueError, match="batch size"):
        stateful(x[:1, :3])
    model = keras.Sequential([keras.Input(batch_shape=(2, None, 3)), layers.SimpleRNN(2, stateful=True)])
    model(x)
    with pytest.raises(ValueError, match="batch size must be static"):
        layers.LSTM(2, stateful=True)(keras.Input((None, 3)))


def test_dropout_only_in_training():
    x = _x(4, 5, 3)
    for layer in (
        layers.LSTM(3, dropout=0.5),
        layers.GRU(3, dropout=0.3, recurrent_dropout=0.4),
        layers.SimpleRNN(3, recurrent_dropout=0.5),
    ):
        plain = np.asarray(layer(x))
        np.testing.assert_array_equal(np.asarray(layer(x)), plain)
        assert not np.allclose(np.asarray(layer(x, training=True)), plain)


def test_input_dropout_mask_is_shared_across_time():
    # a linear cell ignoring its state gives output_t = dropped(x_t) @ W: the same features drop at each step
    layer = layers.SimpleRNN(
        6,
        activation="linear",
        use_bias=False,
        recurrent_initializer="zeros",
        dropout=0.5,
        return_sequences=True,
        kernel_initializer="identity",
    )
    x = np.ones((3, 4, 6), "float32")
    y = np.asarray(layer(x, training=True))
    assert set(np.unique(y)) <= {0.0, 2.0}
    np.testing.assert_array_equal(y, np.broadcast_to(y[:, :1], y.shape))


class MinimalRNNCell(layers.Layer):
    """A user cell: ``h = tanh(x W + h U)``, run by the generic per-step loop."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), name="recurrent_kernel")

    def call(self, inputs, states):
        h = tf.tanh(tf.matmul(inputs, self.kernel) + tf.matmul(states[0], self.recurrent_kernel))
        return h, [h]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_user_cell_and_stacked_cells():
    x = _x(2, 4, 3)
    rnn = layers.RNN(MinimalRNNCell(5), return_sequences=True)
    y = np.asarray(rnn(x))
    w, u = rnn.get_weights()
    h = np.zeros((2, 5))
    for t in range(4):
        h = np.tanh(x[:, t] @ w + h @ u)
        np.testing.assert_allclose(y[:, t], h, rtol=1e-5, atol=1e-6)
    run_layer_test(
        layers.RNN,
        {"cell": MinimalRNNCell(3)},
        input_shape=(2, 4, 3),
        expected_output_shape=(2, 3),
        custom_objects={"MinimalRNNCell": MinimalRNNCell},
        run_gradient_check=False,
    )
    check_layer_gradients(layers.RNN(MinimalRNNCell(3, dtype="float64"), dtype="float64"), [_x(2, 4, 3)])
    stacked = layers.RNN([layers.LSTMCell(4), layers.GRUCell(3)], return_sequences=True)
    ys = np.asarray(stacked(x))
    first = layers.LSTM(4, return_sequences=True)
    second = layers.GRU(3, return_sequences=True)
    first.build(x.shape)
    second.build((2, 4, 4))
    weights = stacked.get_weights()
    first.set_weights(weights[:3])
    second.set_weights(weights[3:])
    np.testing.assert_allclose(ys, np.asarray(second(first(x))), rtol=1e-5, atol=1e-6)


def test_config_round_trip_keeps_the_cell_settings():
    layer = layers.GRU(3, reset_after=False, go_backwards=True, dropout=0.2, seed=4, return_state=True)
    config = layer.get_config()
    assert config["reset_after"] is False and config["go_backwards"] is True and "cell" not in config
    again = layers.GRU.from_config(config)
    assert again.reset_after is False and again.dropout == 0.2 and again.cell.seed == 4
    rnn = layers.RNN(layers.LSTMCell(2), return_sequences=True)
    back = layers.RNN.from_config(rnn.get_config())
    assert isinstance(back.cell, layers.LSTMCell) and back.return_sequences


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="units.*0"):
        layers.LSTM(0)
    with pytest.raises(ValueError, match="state_size"):
        layers.RNN(layers.Dense(3))
    with pytest.raises(ValueError, match=r"lstm.*expected ndim=3, found ndim=2"):
        layers.LSTM(2)(np.zeros((4, 5), "float32"))
    with pytest.raises(ValueError, match="use_cudnn"):
        layers.GRU(2, use_cudnn="yes")


@pytest.mark.parametrize("name", fixture_names("simple_rnn", "lstm", "gru"))
def test_matches_keras(name):
    check_fixture(name)
