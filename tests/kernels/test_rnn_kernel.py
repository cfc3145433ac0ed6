"""Whole-sequence SimpleRNN / LSTM / GRU kernels: finite differences, PyTorch and Keras goldens, errors."""

import glob
import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.ops import rnn_ops
from tensorflux.testing import check_gradients

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kernels")
B, T, F, U = 2, 4, 3, 3
MASK = np.array([[True, False, True, True], [False, True, True, False]])
GATES = {"simple_rnn": 1, "lstm": 4, "gru": 3}


def _weights(kind, rng, reset_after=True):
    g = GATES[kind]
    bias_shape = (2, g * U) if kind == "gru" and reset_after else (g * U,)
    return [
        rng.normal(size=(F, g * U)) * 0.6,
        rng.normal(size=(U, g * U)) * 0.6,
        rng.normal(size=bias_shape) * 0.5,
    ]


def _run(kind, x, states, weights, **kw):
    """Call the kernel and return (outputs, *final_states)."""
    if kind == "lstm":
        return rnn_ops.lstm(x, states[0], states[1], *weights, **kw)
    if kind == "gru":
        return rnn_ops.gru(x, states[0], *weights, **kw)
    return rnn_ops.simple_rnn(x, states[0], *weights, **kw)


def _flat(results):
    return tf.concat([tf.reshape(r, (-1,)) for r in results], 0)


OPTIONS = [
    {},
    {"go_backwards": True},
    {"return_sequences": False},
    {"mask": MASK},
    {"mask": MASK, "go_backwards": True, "return_sequences": False},
    {"mask": MASK, "zero_output_for_mask": True},
]
CASES = (
    [("lstm", {}, o) for o in OPTIONS]
    + [("gru", {"reset_after": ra}, o) for ra in (True, False) for o in OPTIONS]
    + [
        ("simple_rnn", {"activation": a}, o)
        for a in ("tanh", "relu", "sigmoid", "linear")
        for o in OPTIONS[:5]
    ]
)


@pytest.mark.parametrize(
    "kind,cell,opts", CASES, ids=lambda v: str(v) if not isinstance(v, dict) else ",".join(v)
)
def test_gradients_match_finite_differences(kind, cell, opts):
    rng = np.random.default_rng(0)
    n_states = 2 if kind == "lstm" else 1
    x = rng.normal(size=(B, T, F))
    states = [rng.normal(size=(B, U)) for _ in range(n_states)]
    weights = _weights(kind, rng, cell.get("reset_after", True))

    def f(x, *rest):
        return _flat(_run(kind, x, rest[:n_states], rest[n_states:], **cell, **opts))

    check_gradients(f, [x] + states + weights)


@pytest.mark.parametrize("kind", ["lstm", "gru", "simple_rnn"])
def test_gradient_of_weights_only_and_of_final_state_only(kind):
    # the first layer's input is not watched: the kernel skips dx; only the final state is used
    rng = np.random.default_rng(1)
    x = tf.constant(rng.normal(size=(B, T, F)))
    weights = [tf.Variable(w) for w in _weights(kind, rng)]
    with tf.GradientTape() as tape:
        out = _run(kind, x, [None, None], weights, mask=MASK)
        loss = tf.reduce_sum(out[1] * out[1])
    partial = tape.gradient(loss, weights)
    xs = [tf.constant(x)] + [tf.constant(w.numpy()) for w in weights]
    with tf.GradientTape() as tape:
        for v in xs:
            tape.watch(v)
        out = _run(kind, xs[0], [None, None], xs[1:], mask=MASK)
        loss = tf.reduce_sum(out[1] * out[1])
    full = tape.gradient(loss, xs)
    for a, b in zip(partial, full[1:]):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)


def _goldens():
    return sorted(
        glob.glob(os.path.join(FIXTURES, "rnn_torch_lstm.npz"))
        + glob.glob(os.path.join(FIXTURES, "rnn_torch_gru.npz"))
        + glob.glob(os.path.join(FIXTURES, "rnn_keras_*.npz"))
    )


def _kind(path):
    name = os.path.basename(path)
    return next(k for k in ("simple_rnn", "lstm", "gru") if f"_{k}" in name)


@pytest.mark.parametrize("path", _goldens(), ids=lambda p: os.path.basename(p)[4:-4])
@pytest.mark.parametrize("dtype,rtol,atol", [("float64", 1e-9, 1e-11), ("float32", 2e-4, 2e-5)])
def test_forward_and_gradients_match_goldens(path, dtype, rtol, atol):
    d = np.load(path)
    kind = _kind(path)
    names = ["h", "c"] if kind == "lstm" else ["h"]
    kw = {"mask": d["mask"]} if "mask" in d else {}
    for flag in ("go_backwards", "return_sequences", "zero_output_for_mask"):
        if flag in d:
            kw[flag] = bool(d[flag])
    if kind == "gru":
        kw["reset_after"] = bool(d["reset_after"]) if "reset_after" in d else True
    if kind == "simple_rnn":
        kw["activation"] = str(d["activation"])
    inputs = [tf.constant(d[k].astype(dtype)) for k in ["x"] + [n + "0" for n in names]]
    weights = [tf.constant(d[k].astype(dtype)) for k in ("kernel", "recurrent_kernel", "bias")]
    with tf.GradientTape() as tape:
        for v in inputs + weights:
            tape.watch(v)
        out = _run(kind, inputs[0], inputs[1:], weights, **kw)
        loss = tf.reduce_sum(out[0] * d["w_y"].astype(dtype))
        for r, n in zip(out[1:], names):
            loss = loss + tf.reduce_sum(r * d["w_" + n].astype(dtype))
    grads = tape.gradient(loss, inputs + weights)
    assert out[0].dtype == dtype and grads[-1].dtype == dtype
    for r, n in zip(out, ["y"] + names):
        np.testing.assert_allclose(r.numpy(), d[n], rtol=rtol, atol=atol, err_msg=n)
    keys = ["g_x"] + [f"g_{n}0" for n in names] + ["g_kernel", "g_recurrent_kernel", "g_bias"]
    for g, k in zip(grads, keys):
        np.testing.assert_allclose(g.numpy(), d[k], rtol=rtol, atol=atol, err_msg=k)


@pytest.mark.parametrize("kind", ["lstm", "gru", "simple_rnn"])
def test_forward_without_tape_matches_forward_under_tape(kind):
    # outside a tape the kernel keeps no workspace (two alternating state slots)
    rng = np.random.default_rng(2)
    x = rng.normal(size=(B, T, F)).astype("float32")
    weights = [w.astype("float32") for w in _weights(kind, rng)]
    for opts in OPTIONS:
        plain = _run(kind, x, [None, None], weights, **opts)
        with tf.GradientTape():
            taped = _run(kind, x, [None, None], weights, **opts)
        for a, b in zip(plain, taped):
            assert a.dtype == tf.float32
            np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_masked_steps_carry_state_and_repeat_output():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(B, T, F))
    weights = _weights("lstm", rng)
    h0, c0 = rng.normal(size=(B, U)), rng.normal(size=(B, U))
    y, h, c = rnn_ops.lstm(x, h0, c0, *weights, mask=MASK)
    y = y.numpy()
    # row 1 starts masked: output zeros (not h0), as Keras; its last step is masked: output repeats
    np.testing.assert_array_equal(y[1, 0], 0)
    np.testing.assert_array_equal(y[1, 3], y[1, 2])
    np.testing.assert_array_equal(y[0, 1], y[0, 0])
    np.testing.assert_array_equal(h.numpy()[1], y[1, 2])
    # the same result as dropping the masked steps of row 0
    y0, h0_, c0_ = rnn_ops.lstm(x[:1, MASK[0]], h0[:1], c0[:1], *weights)
    np.testing.assert_allclose(h.numpy()[0], h0_.numpy()[0], rtol=1e-12)
    np.testing.assert_allclose(c.numpy()[0], c0_.numpy()[0], rtol=1e-12)


def test_go_backwards_equals_reversed_input():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(B, T, F))
    weights = _weights("gru", rng)
    y_back, h_back = rnn_ops.gru(x, None, *weights, go_backwards=True)
    y_rev, h_rev = rnn_ops.gru(x[:, ::-1], None, *weights)
    np.testing.assert_allclose(y_back.numpy(), y_rev.numpy(), rtol=1e-12)
    np.testing.assert_allclose(h_back.numpy(), h_rev.numpy(), rtol=1e-12)


def test_bad_arguments_name_the_problem():
    rng = np.random.default_rng(5)
    w = [a.astype("float32") for a in _weights("lstm", rng)]
    x = np.zeros((B, T, F), "float32")
    with pytest.raises(ValueError, match=r"inputs must have shape \(batch, time, features\)"):
        rnn_ops.lstm(x[0], None, None, *w)
    with pytest.raises(ValueError, match="inputs have 5 features .* the kernel expects 3"):
        rnn_ops.lstm(np.zeros((B, T, 5), "float32"), None, None, *w)
    with pytest.raises(ValueError, match=r"mask must have shape \(batch, time\) = \(2, 4\)"):
        rnn_ops.lstm(x, None, None, *w, mask=np.ones((B, T + 1), bool))
    with pytest.raises(ValueError, match=r"initial_c must have shape \(2, 3\)"):
        rnn_ops.lstm(x, None, np.zeros((B, 4), "float32"), *w)
    with pytest.raises(TypeError, match="kernel has dtype float64"):
        rnn_ops.lstm(x, None, None, w[0].astype("float64"), w[1], w[2])
    with pytest.raises(ValueError, match=r"recurrent_kernel must have shape \(units, 3 \* units\)"):
        rnn_ops.gru(x, None, *w)
    with pytest.raises(NotImplementedError, match="activation='relu'"):
        rnn_ops.lstm(x, None, None, *w, activation="relu")
    with pytest.raises(NotImplementedError, match="recurrent_activation='hard_sigmoid'"):
        rnn_ops.gru(x, None, w[0][:, :9], w[1][:, :9], None, recurrent_activation="hard_sigmoid")
    with pytest.raises(NotImplementedError, match="activation='elu'"):
        rnn_ops.simple_rnn(x, None, w[0][:, :3], w[1][:, :3], activation="elu")


def test_second_order_gradient_raises_clearly():
    rng = np.random.default_rng(6)
    x = tf.constant(rng.normal(size=(B, T, F)))
    k, r, b = (tf.constant(a) for a in _weights("simple_rnn", rng))
    with tf.GradientTape() as outer:
        outer.watch(k)
        with tf.GradientTape() as inner:
            inner.watch(k)
            y, _ = rnn_ops.simple_rnn(x, None, k, r, b)
            loss = tf.reduce_sum(y)
        g = tf.reduce_sum(inner.gradient(loss, k))
    with pytest.raises(NotImplementedError, match="Second-order gradients through simple_rnn"):
        outer.gradient(g, k)
