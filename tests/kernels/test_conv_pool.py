"""The fused first convolution + 2x2 max pool (``conv_bias_pool``) and its graph pass.

Integer-valued images and filters keep every product exact, so the fused kernels must give the
bits of the separate ones (conv_bias, max pool, max-pool gradient, filter gradient), ties included.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.framework.passes import conv_pool as conv_pool_pass

conv_k = importlib.import_module("tensorflux.backend.numpy.conv")
pool_k = importlib.import_module("tensorflux.backend.numpy.pool")
cp_k = importlib.import_module("tensorflux.backend.numpy.conv_pool")

rng = np.random.default_rng(5)
VALID2 = ((0, 0), (0, 0))


def _ints(shape, lo=-3, hi=4, dtype=np.float32):
    return rng.integers(lo, hi, shape).astype(dtype)


CASES = [
    ((6, 28, 28, 1), (3, 3, 1, 8), (1, 1), (1, 1), VALID2),  # the seed CNN's first block
    ((3, 13, 12, 1), (3, 3, 1, 4), (1, 1), (1, 1), ((1, 1), (1, 1))),  # SAME padding, odd height
    ((4, 17, 17, 1), (3, 3, 1, 5), (2, 2), (1, 1), VALID2),  # strided
    ((2, 16, 15, 1), (2, 3, 1, 3), (1, 1), (2, 1), ((0, 1), (2, 0))),  # dilated, uneven padding
    ((5, 13, 13, 6), (3, 3, 6, 8), (1, 1), (1, 1), VALID2),  # the seed CNN's second block (11 -> 5)
    ((3, 12, 11, 3), (3, 3, 3, 4), (1, 1), (1, 1), ((1, 1), (1, 1))),  # RGB, SAME, odd width
    ((2, 15, 15, 2), (3, 2, 2, 3), (2, 1), (1, 2), ((0, 1), (1, 1))),  # strided and dilated
]


def _reference(x, w, b, strides, dilations, pads, y_of_q, g, relu):
    """The separate kernels: conv (+ bias), max pool, its gradient, the conv's gradients."""
    if conv_k.bias_folds(x.shape, w.shape):
        a = conv_k.conv_bias(x, w, b, strides, dilations, pads)
    else:
        a = conv_k.bias_add(conv_k.conv(x, w, strides, dilations, pads), b, -1)
    q = pool_k.max_pool(a, (2, 2), (2, 2), VALID2)
    y = y_of_q(q)
    grad = pool_k.max_pool_relu_grad if relu else pool_k.max_pool_grad
    d = grad(a, y, g, (2, 2), (2, 2), VALID2)
    dx = conv_k.conv_backprop_input(d, w, x.shape, strides, dilations, pads)
    dw = conv_k.conv_backprop_filter(x, d, w.shape, strides, dilations, pads)
    return q, dx, dw, conv_k.bias_add_grad(d, -1)


@pytest.mark.parametrize("x_shape, w_shape, strides, dilations, pads", CASES)
@pytest.mark.parametrize("relu", [True, False])
def test_fused_kernels_equal_the_separate_ones(x_shape, w_shape, strides, dilations, pads, relu):
    x = _ints(x_shape, 0, 3)  # small counts: many tied windows
    w, b = _ints(w_shape), _ints(w_shape[-1:])
    y_of_q = (lambda q: np.maximum(q, 0)) if relu else (lambda q: q)
    q, wcols, taps = cp_k.conv_bias_pool(x, w, b, strides, dilations, pads, keep=True)
    g = _ints(q.shape)
    want_q, want_dx, want_dw, want_db = _reference(x, w, b, strides, dilations, pads, y_of_q, g, relu)
    np.testing.assert_array_equal(q, want_q)
    np.testing.assert_array_equal(cp_k.conv_bias_pool(x, w, b, strides, dilations, pads), want_q)
    args = (g, y_of_q(q), wcols, taps, w, x.shape, strides, dilations, pads, relu)
    dx, dw, db = cp_k.conv_bias_pool_backprop(*args, True)
    np.testing.assert_array_equal(dx, want_dx)
    np.testing.assert_array_equal(dw, want_dw)
    np.testing.assert_array_equal(db, want_db)
    dw2, db2 = cp_k.conv_bias_pool_backprop(*args, False)
    np.testing.assert_array_equal(dw2, want_dw)
    np.testing.assert_array_equal(db2, want_db)


def test_fits():
    assert cp_k.conv_pool_fits((8, 28, 28, 1), (3, 3, 1, 32), (1, 1), (1, 1), VALID2)
    assert cp_k.conv_pool_fits((8, 28, 28, 3), (3, 3, 3, 32), (1, 1), (1, 1), VALID2)  # RGB
    assert not cp_k.conv_pool_fits((8, 28, 28, 4), (3, 3, 2, 32), (1, 1), (1, 1), VALID2)  # groups
    assert cp_k.conv_pool_fits((8, 4, 5, 1), (3, 3, 1, 32), (1, 1), (1, 1), VALID2)  # 2x3: one window
    assert not cp_k.conv_pool_fits((8, 3, 9, 1), (3, 3, 1, 32), (1, 1), (1, 1), VALID2)  # 1x7: none
    assert not cp_k.conv_pool_fits((8, 28, 1), (3, 1, 32), (1,), (1,), ((0, 0),))  # 1-D


def test_float16_runs_in_float32():
    x, w, b = (a.astype(np.float16) for a in (_ints((2, 8, 8, 1), 0, 3), _ints((3, 3, 1, 4)), _ints((4,))))
    q, cols, taps = cp_k.conv_bias_pool(x, w, b, (1, 1), (1, 1), VALID2, keep=True)
    assert q.dtype == np.float16 and cols.dtype == np.float32 and taps.dtype == bool
    g = np.ones(q.shape, np.float16)
    dw, db = cp_k.conv_bias_pool_backprop(g, q, cols, taps, w, x.shape, (1, 1), (1, 1), VALID2, True, False)
    assert dw.dtype == np.float16 and db.dtype == np.float16


def _first_block(x, w0, b0, traced):
    w, b = tf.Variable(w0), tf.Variable(b0)

    def f(x):
        with tf.GradientTape() as tape:
            h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w, 1, "VALID"), b))
            p = tf.nn.max_pool2d(h, 2, 2, "VALID")
            loss = tf.reduce_sum(p * p)
        return p, tape.gradient(loss, [w, b])

    return (tf.function(f) if traced else f)(tf.constant(x))


def test_traced_first_block_fuses_and_matches_eager(monkeypatch):
    x = _ints((4, 14, 14, 1), 0, 3)
    w0, b0 = _ints((3, 3, 1, 6)), _ints((6,))
    calls = []
    real = conv_pool_pass.run
    monkeypatch.setattr(conv_pool_pass, "run", lambda g: calls.append(real(g)) or calls[-1])
    p, (dw, db) = _first_block(x, w0, b0, traced=True)
    assert calls == [1]
    p0, (dw0, db0) = _first_block(x, w0, b0, traced=False)
    np.testing.assert_array_equal(p.numpy(), p0.numpy())
    np.testing.assert_array_equal(dw.numpy(), dw0.numpy())
    np.testing.assert_array_equal(db.numpy(), db0.numpy())


def test_not_fused_when_the_conv_output_is_read_elsewhere():
    w, b = tf.Variable(_ints((3, 3, 1, 2))), tf.Variable(tf.zeros(2))

    def f(x):
        with tf.GradientTape() as tape:
            h = tf.nn.bias_add(tf.nn.conv2d(x, w, 1, "VALID"), b)
            loss = tf.reduce_sum(tf.nn.max_pool2d(h, 2, 2, "VALID")) + tf.reduce_sum(h)
        return tape.gradient(loss, [w, b])

    g = tf.function(f).get_concrete_function(tf.ones((1, 6, 6, 1))).graph
    assert "conv_bias_pool" not in {n.prim.name for n in g.nodes}


def test_inference_fuses_the_forward_and_fit_trains_the_block():
    model = tf.keras.Sequential(
        [
            tf.keras.Input((12, 12, 1)),
            tf.keras.layers.Conv2D(4, 3, activation="relu"),
            tf.keras.layers.MaxPooling2D(2),
            tf.keras.layers.Conv2D(3, 2, activation="relu", padding="same"),
            tf.keras.layers.MaxPooling2D(2),
            tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(2),
        ]
    )
    model.set_weights([_ints(v.shape, -2, 3) for v in model.get_weights()])
    x = _ints((8, 12, 12, 1), 0, 3)
    want = model(x).numpy()  # eager, separate kernels; integer data: exact products
    f = tf.function(lambda t: model(t))
    names = [n.prim.name for n in f.get_concrete_function(tf.constant(x)).graph.nodes]
    assert names.count("conv_bias_pool") == 2
    # one sample (model(x), predict(x)): the separate kernels' small-batch paths stay
    assert "conv_bias_pool" not in str(f.get_concrete_function(tf.constant(x[:1])).graph)
    for n in (8, 5, 3, 1):  # from 4 images the fused kernel, below that the separate ones
        np.testing.assert_array_equal(f(tf.constant(x[:n])).numpy(), want[:n])
    np.testing.assert_array_equal(model.predict(x, batch_size=8, verbose=0), want)
    # under an outer tape the traced forward still gives gradients (the raw graph is replayed)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(f(tf.constant(x)))
    grads = tape.gradient(loss, model.trainable_variables)
    with tf.GradientTape() as tape:
        loss0 = tf.reduce_sum(model(x))
    for g, g0 in zip(grads, tape.gradient(loss0, model.trainable_variables)):
        np.testing.assert_array_equal(g.numpy(), g0.numpy())
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()
    model.fit(x, np.zeros((8, 2), np.float32), epochs=1, batch_size=4, verbose=0)
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_fused_primitive_below_the_fused_batch_runs_the_separate_kernels():
    from tensorflux.framework import nn_primitives as NP
    from tensorflux.framework.primitives import bind

    x, w, b = _ints((2, 8, 8, 3), 0, 3), _ints((3, 3, 3, 4)), _ints((4,))
    pads = ((0, 0), (0, 0))
    params = {"strides": (1, 1), "dilations": (1, 1), "pads": pads}
    got = bind(NP.conv_bias_pool, (tf.constant(x), tf.constant(w), tf.constant(b)), params).numpy()
    want = cp_k.conv_bias_pool(x, w, b, (1, 1), (1, 1), pads)
    np.testing.assert_array_equal(got, want)


def test_inference_kernel_builds_its_rows_a_chunk_at_a_time(monkeypatch):
    # a batch larger than one chunk: every chunk's rows are built in a scratch buffer of its own size
    monkeypatch.setattr(cp_k, "_CHUNK_BYTES", 4096)
    x, w, b = _ints((9, 9, 7, 1), 0, 3), _ints((2, 3, 1, 5)), _ints((5,))
    x3, w3 = _ints((9, 8, 6, 3), 0, 3), _ints((3, 2, 3, 4))
    for xs, ws in ((x, w), (x3, w3)):
        pads = ((1, 0), (0, 1))
        want = pool_k.max_pool(
            conv_k.conv_bias(xs, ws, b[: ws.shape[-1]], (1, 1), (1, 1), pads), (2, 2), (2, 2), ((0, 0),) * 2
        )
        got = cp_k.conv_bias_pool(xs, ws, b[: ws.shape[-1]], (1, 1), (1, 1), pads)
        np.testing.assert_array_equal(got, want)
        kept = cp_k.conv_bias_pool(xs, ws, b[: ws.shape[-1]], (1, 1), (1, 1), pads, keep=True)[0]
        np.testing.assert_array_equal(kept, want)


def test_two_blocks_fuse_and_match_eager(monkeypatch):
    # the second block has a multi-channel input and needs its input gradient
    x = _ints((3, 14, 14, 1), 0, 3)
    w1, b1, w2, b2 = _ints((3, 3, 1, 4)), _ints((4,)), _ints((2, 2, 4, 3)), _ints((3,))

    def run(traced):
        vs = [tf.Variable(v) for v in (w1, b1, w2, b2)]

        def f(x):
            with tf.GradientTape() as tape:
                h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, vs[0], 1, "VALID"), vs[1]))
                h = tf.nn.max_pool2d(h, 2, 2, "VALID")
                h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(h, vs[2], 1, "SAME"), vs[3]))
                h = tf.nn.max_pool2d(h, 2, 2, "VALID")
                loss = tf.reduce_sum(h * h)
            return tape.gradient(loss, vs)

        return [g.numpy() for g in (tf.function(f) if traced else f)(tf.constant(x))]

    calls = []
    real = conv_pool_pass.run
    monkeypatch.setattr(conv_pool_pass, "run", lambda g: calls.append(real(g)) or calls[-1])
    got = run(traced=True)
    assert calls == [2]
    for a, b in zip(got, run(traced=False)):
        np.testing.assert_array_equal(a, b)


def _block_model(conv_kwargs, pool_kwargs, channels):
    layers = tf.keras.layers
    return tf.keras.Sequential(
        [
            tf.keras.Input((13, 12, channels)),
            layers.Conv2D(4, 3, activation="relu", **conv_kwargs),
            layers.MaxPooling2D(**pool_kwargs),
            layers.Conv2D(3, 2, activation="relu", padding="same"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(2),
        ]
    )


@pytest.mark.parametrize(
    "conv_kwargs, pool_kwargs, channels",
    [
        ({}, {"pool_size": 2}, 1),
        ({"padding": "same"}, {"pool_size": 2}, 3),
        ({"strides": 2}, {"pool_size": 2}, 1),
        ({"use_bias": False}, {"pool_size": 2}, 1),  # no bias: the block is left alone
        ({}, {"pool_size": 3, "strides": 2}, 2),  # overlapping windows: left alone
    ],
)
def test_fit_traced_equals_fit_eager(conv_kwargs, pool_kwargs, channels):
    x = _ints((8, 13, 12, channels), 0, 3)
    y = _ints((8, 2))
    models = []
    for eager in (True, False):
        tf.keras.utils.set_random_seed(1)
        m = _block_model(conv_kwargs, pool_kwargs, channels)
        m.compile(optimizer=tf.keras.optimizers.SGD(0.01), loss="mse", run_eagerly=eager)
        m.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
        models.append(m)
    for a, b in zip(models[0].get_weights(), models[1].get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
