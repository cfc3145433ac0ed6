"""The conv_bias pass: a one-channel convolution and its bias (and their gradients) as one kernel."""

from __future__ import annotations

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.backend import ops as B
from tensorflux.framework import nn_primitives as NP
from tensorflux.framework.passes import conv_bias, optimize

rng = np.random.default_rng(5)


def _grads(x, w, b, strides=1, padding="VALID", dilations=1):
    with tf.GradientTape() as tape:
        h = tf.nn.bias_add(tf.nn.conv2d(x, w, strides, padding, dilations=dilations), b)
        loss = tf.reduce_sum(tf.nn.relu(h) * h)
    return [loss] + tape.gradient(loss, [w, b])


def _data(channels=1):
    # large enough (> B._SMALL_MACS multiply-adds, even at stride 2) to take the folded product
    x = rng.standard_normal((128, 20, 20, channels)).astype(np.float32)
    w = tf.Variable(rng.standard_normal((3, 3, channels, 64)).astype(np.float32) / 3)
    b = tf.Variable(rng.standard_normal(64).astype(np.float32))
    return tf.constant(x), w, b


def test_the_folded_product_is_taken():
    x, w, b = _data()
    y, cols = B.conv_bias(x.numpy(), w.numpy(), b.numpy(), (2, 2), (1, 1), ((0, 0), (0, 0)), keep_cols=True)
    assert cols.shape == (128 * 9 * 9, 10)  # the ones column
    np.testing.assert_array_equal(cols[:, 9], 1.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"padding": "SAME"},
        {"strides": 2},
        {"dilations": 2},
        {"padding": [[0, 0], [2, 1], [0, 3], [0, 0]]},
    ],
)
def test_one_channel_conv_and_bias_fuse_and_match_eager(kwargs):
    x, w, b = _data()
    f = tf.function(lambda x, w, b: _grads(x, w, b, **kwargs))
    names = [n.name for n in f.get_concrete_function(x, w, b).graph.nodes]
    assert "conv_bias" in names and "conv_bias_backprop_filter" in names
    for gone in ("conv", "bias_add", "bias_add_grad", "conv_backprop_filter"):
        assert gone not in names
    for t, e in zip(f(x, w, b), _grads(x, w, b, **kwargs)):
        np.testing.assert_allclose(t.numpy(), e.numpy(), rtol=2e-5, atol=2e-5)
    assert not NP._SAVED  # the forward's matrix was taken by the gradient, not left behind


def test_gradients_against_float64_definition():
    x, w, b = _data()
    loss, dw, db = tf.function(_grads)(x, w, b)
    xd, wd, bd = (np.float64(a.numpy()) for a in (x, w, b))
    h = np.zeros((128, 18, 18, 64))
    for i in range(3):
        for j in range(3):
            h += xd[:, i : i + 18, j : j + 18, :1] * wd[i, j, 0]
    h += bd
    dh = 2 * np.maximum(h, 0)  # d/dh of relu(h) * h
    want_dw = np.stack(
        [
            np.stack([(xd[:, i : i + 18, j : j + 18, :1] * dh).sum((0, 1, 2)) for j in range(3)])
            for i in range(3)
        ]
    )[:, :, None, :]
    np.testing.assert_allclose(dw.numpy(), want_dw, rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(db.numpy(), dh.sum((0, 1, 2)), rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(loss.numpy(), (np.maximum(h, 0) * h).sum(), rtol=1e-5)


def test_several_channels_are_left_alone():
    x, w, b = _data(channels=2)
    g = tf.function(_grads).get_concrete_function(x, w, b).raw_graph.copy()
    assert conv_bias.run(g) == 0


def test_bias_without_gradient_fuses_only_the_forward():
    x, w, b = _data()

    def f(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.nn.bias_add(tf.nn.conv2d(x, w, 1, "VALID"), tf.stop_gradient(b)) ** 2)
        return tape.gradient(loss, w)

    names = [n.name for n in tf.function(f).get_concrete_function(x).graph.nodes]
    assert "conv_bias" in names and "conv_backprop_filter" in names
    np.testing.assert_allclose(tf.function(f)(x).numpy(), f(x).numpy(), rtol=2e-5, atol=2e-5)
    assert not NP._SAVED


def test_conv_output_used_twice_is_not_fused():
    x, w, b = _data()

    def f(x):
        y = tf.nn.conv2d(x, w, 1, "VALID")
        return tf.nn.bias_add(y, b) + y

    g = tf.function(f).get_concrete_function(x).raw_graph.copy()
    assert conv_bias.run(g) == 0
    np.testing.assert_allclose(tf.function(f)(x).numpy(), f(x).numpy(), rtol=1e-6, atol=1e-6)


def test_seed_cnn_inference_plan_and_training_step_use_it():
    model = tf.keras.Sequential(
        [
            tf.keras.Input((28, 28, 1)),
            tf.keras.layers.Conv2D(8, 3, activation="relu"),
            tf.keras.layers.MaxPooling2D(2),
            tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(10, activation="softmax"),
        ]
    )
    x = rng.random((16, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, 16)
    eager = model(x).numpy()
    model(x[:1])
    np.testing.assert_allclose(model(x[:1]).numpy(), eager[:1], rtol=1e-5, atol=1e-6)  # the plan
    model.compile("adam", "sparse_categorical_crossentropy")
    w0 = [v.numpy() for v in model.trainable_variables]
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert all(not np.array_equal(a, v.numpy()) for a, v in zip(w0, model.trainable_variables))
    assert not NP._SAVED


def test_optimize_can_leave_the_pass_out():
    x, w, b = _data()
    raw = tf.function(_grads).get_concrete_function(x, w, b).raw_graph
    names = [n.name for n in optimize(raw, passes=("algebraic", "cse", "dce")).nodes]
    assert "conv_bias" not in names and "conv" in names
