"""ConvLSTM1D/2D/3D: parity with Keras 3, gradients, masks, states, dropout, saving and training.

The Keras fixtures in tests/fixtures/conv_lstm/ come from scripts/golden_conv_lstm.py.
"""

import doctest
import importlib
import json
import os

import numpy as np
import pytest
from _catalogue_goldens import check_layer_gradients

import tensorflux as tf
from tensorflux.keras.layers.rnn.conv_lstm import ConvLSTMCell
from tensorflux.keras.layers.rnn.conv_lstm1d import ConvLSTM1D
from tensorflux.keras.layers.rnn.conv_lstm2d import ConvLSTM2D
from tensorflux.keras.layers.rnn.conv_lstm3d import ConvLSTM3D
from tensorflux.ops import dropout_ops
from tensorflux.testing import check_gradients
from tensorflux.testing.layer_test import run_layer_test

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "conv_lstm")
CLASSES = {"ConvLSTM1D": ConvLSTM1D, "ConvLSTM2D": ConvLSTM2D, "ConvLSTM3D": ConvLSTM3D}
CASES = sorted(f[:-4] for f in os.listdir(FIXTURES) if f.endswith(".npz"))
RNG = np.random.default_rng(7)


def _x(*shape):
    return RNG.standard_normal(shape).astype("float32")


def _load(name):
    with np.load(os.path.join(FIXTURES, f"{name}.npz"), allow_pickle=False) as f:
        g = {k: f[k] for k in f.files}
    return json.loads(str(g.pop("spec"))), g


# -- parity with Keras ----------------------------------------------------------------------------
def _run_case(name, dtype):
    spec, g = _load(name)
    layer = CLASSES[spec["class_name"]](**spec["config"], dtype=dtype)
    x = tf.constant(g["x"].astype(dtype))
    kwargs = {}
    if "mask" in g:
        kwargs["mask"] = tf.constant(g["mask"])
    layer.build(x.shape)
    names = ["kernel", "recurrent_kernel"] + (["bias"] if "bias" in g else [])
    layer.set_weights([g[n].astype(dtype) for n in names])
    sources = list(layer.trainable_weights) + [x]
    keys = names + ["x"]
    if "h0" in g:
        h0, c0 = tf.constant(g["h0"].astype(dtype)), tf.constant(g["c0"].astype(dtype))
        kwargs["initial_state"] = [h0, c0]
        sources += [h0, c0]
        keys += ["h0", "c0"]
    with tf.GradientTape() as tape:
        tape.watch(x)
        if "h0" in g:
            tape.watch([h0, c0])
        out = layer(x, **kwargs)
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        loss = 0.0
        for key, o in zip(("y", "h", "c"), outs):
            loss = loss + tf.reduce_sum(tf.constant(g[f"w_{key}"].astype(dtype)) * o)
    grads = tape.gradient(loss, sources)
    return g, dict(zip(("y", "h", "c"), outs)), dict(zip(keys, grads))


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("dtype, tol", [("float64", 1e-9), ("float32", 2e-5)])
def test_matches_keras(name, dtype, tol):
    g, outs, grads = _run_case(name, dtype)
    assert len(outs) == sum(k in g for k in ("y", "h", "c"))
    for key, o in outs.items():
        assert o.dtype.name == dtype
        np.testing.assert_allclose(o.numpy(), g[key], rtol=tol, atol=tol, err_msg=f"{name}: output {key}")
    for key, grad in grads.items():
        np.testing.assert_allclose(
            np.asarray(grad), g[f"g_{key}"], rtol=tol, atol=tol, err_msg=f"{name}: gradient of {key}"
        )


def test_config_matches_keras():
    with open(os.path.join(FIXTURES, "keras_configs.json")) as f:
        keras_configs = json.load(f)
    made = {
        "ConvLSTM1D": ConvLSTM1D(3, 2, name="c1"),
        "ConvLSTM2D": ConvLSTM2D(
            3, (3, 2), strides=(2, 1), padding="same", return_state=True, dropout=0.25, name="c2"
        ),
        "ConvLSTM3D": ConvLSTM3D(2, 2, go_backwards=True, unit_forget_bias=False, name="c3"),
    }
    for cls, layer in made.items():
        ours = json.loads(json.dumps(tf.keras.utils.serialize_keras_object(layer)["config"]))
        theirs = keras_configs[cls]
        assert sorted(ours) == sorted(theirs), cls
        for key, value in theirs.items():
            if key.endswith("_initializer"):  # GlorotUniform's extra Keras 3.15 keys are the initializer's
                assert ours[key]["class_name"] == value["class_name"], (cls, key)
            else:
                assert ours[key] == value, (cls, key)


def test_defaults_and_weights():
    layer = ConvLSTM2D(4, 3)
    assert (layer.strides, layer.padding, layer.data_format, layer.dilation_rate) == (
        (1, 1),
        "valid",
        "channels_last",
        (1, 1),
    )
    assert layer.activation is tf.keras.activations.tanh
    assert layer.recurrent_activation is tf.keras.activations.sigmoid
    assert (layer.dropout, layer.recurrent_dropout, layer.unit_forget_bias) == (0.0, 0.0, True)
    layer(_x(2, 3, 6, 6, 5))
    kernel, recurrent, bias = layer.get_weights()
    assert kernel.shape == (3, 3, 5, 16) and recurrent.shape == (3, 3, 4, 16)
    np.testing.assert_array_equal(bias, [0] * 4 + [1] * 4 + [0] * 8)
    flat = recurrent.reshape(-1, 16)  # Orthogonal: orthonormal columns of the flattened kernel
    np.testing.assert_allclose(flat.T @ flat, np.eye(16), atol=1e-5)
    assert [w.path.split("/")[-1] for w in layer.weights] == ["kernel", "recurrent_kernel", "bias"]


def test_exported_through_keras_layers():
    assert tf.keras.layers.ConvLSTM1D is ConvLSTM1D
    assert tf.keras.layers.ConvLSTM2D is ConvLSTM2D
    assert tf.keras.layers.ConvLSTM3D is ConvLSTM3D


# -- Keras' layer checks (config round trip, shapes, float64 gradients, a training step) ---------------
@pytest.mark.parametrize(
    "cls, kwargs, input_shape, out_shape",
    [
        (ConvLSTM1D, {"filters": 2, "kernel_size": 3}, (2, 3, 6, 2), (2, 4, 2)),
        (
            ConvLSTM2D,
            {"filters": 2, "kernel_size": 2, "padding": "same", "return_sequences": True},
            (2, 3, 4, 3, 2),
            (2, 3, 4, 3, 2),
        ),
        (
            ConvLSTM2D,
            {"filters": 2, "kernel_size": 3, "strides": 2, "return_state": True},
            (2, 2, 5, 5, 1),
            [(2, 2, 2, 2), (2, 2, 2, 2), (2, 2, 2, 2)],
        ),
        (
            ConvLSTM3D,
            {"filters": 1, "kernel_size": 2, "data_format": "channels_first"},
            (1, 2, 2, 3, 3, 3),
            (1, 1, 2, 2, 2),
        ),
    ],
)
def test_layer_test(cls, kwargs, input_shape, out_shape):
    run_layer_test(
        cls,
        kwargs,
        input_shape=input_shape,
        expected_output_shape=out_shape,
        expected_num_trainable_weights=3,
        expected_num_non_trainable_weights=0,
        supports_masking=True,
    )


def test_finite_difference_gradient_of_input():
    layer = ConvLSTM2D(2, 2, padding="same", return_sequences=True, dtype="float64")
    layer.build((2, 3, 3, 3, 2))
    rng = np.random.default_rng(3)
    layer.set_weights([rng.uniform(-0.6, 0.6, size=tuple(w.shape)) for w in layer.weights])
    check_gradients(lambda x: layer(x), [rng.standard_normal((2, 3, 3, 3, 2))])


def test_finite_difference_gradients_with_mask_and_states():
    f64 = {"dtype": "float64"}
    mask = np.array([[True, False, True], [False, True, True]])
    layer = ConvLSTM2D(2, 3, padding="same", go_backwards=True, return_state=True, **f64)
    check_layer_gradients(layer, [_x(2, 3, 3, 4, 2)], call=lambda lay, xs: lay(xs[0], mask=mask))
    states = [_x(2, 2, 3, 2), _x(2, 2, 3, 2)]
    layer = ConvLSTM2D(2, (2, 1), strides=(2, 1), return_sequences=True, **f64)
    check_layer_gradients(
        layer, [_x(2, 2, 4, 3, 2)] + states, call=lambda lay, xs: lay(xs[0], initial_state=list(xs[1:]))
    )


# -- behaviour ------------------------------------------------------------------------------------
def test_channels_first_matches_channels_last():
    x = _x(2, 3, 5, 4, 2)
    last = ConvLSTM2D(3, 2, strides=(2, 1), padding="same", return_sequences=True, return_state=True)
    first = ConvLSTM2D.from_config({**last.get_config(), "data_format": "channels_first"})
    y_last = last(x)
    x_first = np.transpose(x, (0, 1, 4, 2, 3))
    first(x_first)
    first.set_weights(last.get_weights())
    y_first = first(x_first)
    y_back = np.transpose(y_first[0].numpy(), (0, 1, 3, 4, 2))
    np.testing.assert_allclose(y_back, y_last[0].numpy(), atol=1e-6)
    for a, b in zip(y_first[1:], y_last[1:]):
        np.testing.assert_allclose(np.transpose(a.numpy(), (0, 2, 3, 1)), b.numpy(), atol=1e-6)
    assert first.compute_output_shape((2, 3, 2, 5, 4))[0] == (2, 3, 3, 3, 4)


def test_cell_step_matches_layer():
    # the layer convolves all steps at once; the cell's own call does one step the Keras way
    layer = ConvLSTM1D(3, 2, padding="same", return_sequences=True, return_state=True)
    x = _x(2, 4, 5, 2)
    y, h, c = layer(x)
    states = [tf.zeros((2, 5, 3)), tf.zeros((2, 5, 3))]
    steps = []
    for t in range(4):
        out, states = layer.cell(tf.constant(x[:, t]), states)
        steps.append(out.numpy())
    np.testing.assert_allclose(np.stack(steps, 1), y.numpy(), atol=1e-6)
    np.testing.assert_allclose(states[1].numpy(), c.numpy(), atol=1e-6)
    assert isinstance(layer.cell, ConvLSTMCell) and layer.cell.name == "conv_lstm_cell"


def _reference_step(layer, x, h, c, dp, rec):
    """One ConvLSTM step written gate by gate (Keras' cell), with explicit per-gate masks."""
    kernel, recurrent, bias = (w.numpy() for w in layer.weights)
    f = layer.filters
    sig, act = layer.recurrent_activation, layer.activation
    z = []
    for gate in range(4):
        cols = slice(gate * f, (gate + 1) * f)
        zx = tf.nn.convolution(x * dp[gate], kernel[..., cols], padding="SAME") + bias[cols]
        z.append(zx + tf.nn.convolution(h * rec[gate], recurrent[..., cols], padding="SAME"))
    c = sig(z[1]) * c + sig(z[0]) * act(z[2])
    return sig(z[3]) * act(c), c


def test_dropout_masks_once_per_sequence(monkeypatch):
    layer = ConvLSTM2D(
        2, 3, padding="same", dropout=0.4, recurrent_dropout=0.3, return_sequences=True, seed=1
    )
    x = _x(2, 4, 3, 3, 2)
    layer(x)  # build
    draws = []
    real = dropout_ops.dropout

    def counting(*args, **kwargs):
        out = real(*args, **kwargs)
        draws.append(out)
        return out

    monkeypatch.setattr(dropout_ops, "dropout", counting)
    seen = {}
    reset = layer.cell.reset_dropout_mask

    def remember():
        seen["dp"], seen["rec"] = layer.cell._dropout_mask, layer.cell._recurrent_dropout_mask
        reset()

    monkeypatch.setattr(layer.cell, "reset_dropout_mask", remember)
    y = layer(x, training=True).numpy()
    assert len(draws) == 8  # 4 input masks and 4 state masks for the whole sequence, not per step
    assert layer.cell._recurrent_dropout_mask is None  # reset after the sequence
    dp, rec = seen["dp"], seen["rec"]
    assert tuple(dp[0].shape) == (2, 3, 3, 2) and tuple(rec[0].shape) == (2, 3, 3, 2)
    assert not np.array_equal(dp[0].numpy(), dp[1].numpy())
    h = c = tf.zeros((2, 3, 3, 2))
    for t in range(4):
        h, c = _reference_step(layer, tf.constant(x[:, t]), h, c, dp, rec)
        np.testing.assert_allclose(h.numpy(), y[:, t], atol=1e-5)
    # inference ignores dropout
    plain = ConvLSTM2D(2, 3, padding="same", return_sequences=True)
    plain(x)
    plain.set_weights(layer.get_weights())
    np.testing.assert_allclose(layer(x, training=False).numpy(), plain(x).numpy(), atol=1e-6)


def test_mask_keeps_states_and_repeats_output():
    layer = ConvLSTM1D(2, 3, padding="same", return_sequences=True, return_state=True)
    x = _x(2, 3, 4, 2)
    mask = np.array([[True, False, True], [True, True, False]])
    y, h, c = layer(x, mask=mask)
    np.testing.assert_allclose(y.numpy()[0, 1], y.numpy()[0, 0])  # masked step repeats the output
    np.testing.assert_allclose(y.numpy()[1, 2], y.numpy()[1, 1])
    _, h2, c2 = layer(x[1:, :2])
    np.testing.assert_allclose(h.numpy()[1], h2.numpy()[0], atol=1e-6)  # trailing masked step: state kept
    np.testing.assert_allclose(c.numpy()[1], c2.numpy()[0], atol=1e-6)
    # Masking gives a (batch, time, steps) mask here: each position is kept or updated on its own
    x[0, 1, :2] = 0.0
    masked = tf.keras.layers.Masking()(x)
    np.testing.assert_allclose(layer(masked)[0].numpy(), layer(x, mask=np.any(x != 0, -1))[0].numpy())
    with pytest.raises(ValueError, match=r"ConvLSTM1D layer .* expects a mask of shape \(batch, time\)"):
        layer(x, mask=np.ones((2, 3, 5), bool))


def test_stateful_carries_states():
    x = _x(2, 4, 5, 1)
    whole = ConvLSTM1D(2, 2, return_state=True)
    _, h_all, c_all = whole(x)
    stateful = ConvLSTM1D(2, 2, stateful=True, return_state=True)
    stateful(x[:, :2])
    stateful.reset_states()
    stateful.set_weights(whole.get_weights())
    stateful(x[:, :2])
    _, h, c = stateful(x[:, 2:])
    np.testing.assert_allclose(h.numpy(), h_all.numpy(), atol=1e-6)
    np.testing.assert_allclose(c.numpy(), c_all.numpy(), atol=1e-6)
    stateful.reset_states()
    assert not np.any(stateful.states[0].numpy())
    with pytest.raises(ValueError, match="stateful"):
        stateful(x[:1])


def test_go_backwards_is_reversed_processing():
    x = _x(2, 3, 4, 4, 1)
    forward = ConvLSTM2D(2, 3, padding="same")
    backward = ConvLSTM2D(2, 3, padding="same", go_backwards=True)
    forward(x)
    backward(x)
    backward.set_weights(forward.get_weights())
    np.testing.assert_allclose(backward(x).numpy(), forward(x[:, ::-1]).numpy(), atol=1e-6)


# -- errors ---------------------------------------------------------------------------------------
def test_errors_name_the_layer():
    layer = ConvLSTM2D(2, 3, name="clstm")
    with pytest.raises(
        ValueError, match=r"ConvLSTM2D layer 'clstm' expects inputs of rank 5.*\(2, 3, 5, 5\)"
    ):
        layer(_x(2, 3, 5, 5))
    layer(_x(2, 3, 5, 5, 2))
    with pytest.raises(ValueError, match=r'layer "clstm".*axis -1 .* value 2.*\(2, 3, 5, 5, 3\)'):
        layer(_x(2, 3, 5, 5, 3))
    with pytest.raises(ValueError, match=r"'clstm' expects `initial_state`.*\(2, 3, 3, 2\)"):
        layer(_x(2, 3, 5, 5, 2), initial_state=[np.zeros((2, 5, 5, 2), "float32")] * 2)
    with pytest.raises(ValueError, match="output would be empty"):
        ConvLSTM2D(2, 4)(_x(1, 2, 3, 3, 1))
    with pytest.raises(ValueError, match="strides > 1.*dilation_rate > 1"):
        ConvLSTM2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="padding"):
        ConvLSTM1D(2, 3, padding="causal")
    with pytest.raises(ValueError, match="filters"):
        ConvLSTM3D(0, 3)


# -- saving and training --------------------------------------------------------------------------
def test_save_and_load_round_trip(tmp_path):
    import zipfile

    import h5py

    model = tf.keras.Sequential(
        [
            tf.keras.Input((3, 6, 6, 2)),
            tf.keras.layers.ConvLSTM2D(3, 3, padding="same", return_sequences=True, dropout=0.1),
            tf.keras.layers.ConvLSTM2D(2, 2, go_backwards=True, recurrent_dropout=0.2),
            tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(1),
        ]
    )
    x = _x(2, 3, 6, 6, 2)
    expected = model.predict(x, verbose=0)
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = tf.keras.models.load_model(path)
    assert type(loaded.layers[0]) is ConvLSTM2D
    assert loaded.layers[1].get_config() == model.layers[1].get_config()
    np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-6)
    with zipfile.ZipFile(path) as zf:
        zf.extract("model.weights.h5", tmp_path)
    with h5py.File(tmp_path / "model.weights.h5", "r") as f:
        assert f["layers/conv_lstm2d/cell/vars/0"].shape == (3, 3, 2, 12)
        assert f["layers/conv_lstm2d_1/cell/vars/1"].shape == (2, 2, 2, 8)


def _tiny_model():
    tf.keras.utils.set_random_seed(5)
    model = tf.keras.Sequential(
        [
            tf.keras.Input((3, 5, 2)),
            tf.keras.layers.ConvLSTM1D(2, 3, padding="same", return_sequences=True),
            tf.keras.layers.ConvLSTM1D(2, 2, dropout=0.0),
            tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(1),
        ]
    )
    return model


def test_fit_traced_matches_eager():
    x, y = _x(8, 3, 5, 2), _x(8, 1)
    losses, weights = [], []
    for eager in (False, True):
        model = _tiny_model()
        model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse", run_eagerly=eager)
        history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
        losses.append(history.history["loss"])
        weights.append(model.get_weights())
    assert losses[0][1] < losses[0][0]
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-5)
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_fit_traced_with_dropout():
    model = tf.keras.Sequential(
        [
            tf.keras.Input((3, 4, 4, 1)),
            tf.keras.layers.ConvLSTM2D(2, 3, padding="same", dropout=0.3, recurrent_dropout=0.3, seed=2),
            tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(_x(6, 3, 4, 4, 1), _x(6, 1), batch_size=3, epochs=1, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert all(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


@pytest.mark.parametrize("module", ["conv_lstm", "conv_lstm1d", "conv_lstm2d", "conv_lstm3d"])
def test_docstring_examples(module):
    mod = importlib.import_module(f"tensorflux.keras.layers.rnn.{module}")
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
