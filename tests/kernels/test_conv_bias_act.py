"""The conv layers' inference kernel ``conv_bias_act``: conv + bias (+ ReLU) written into one array.

Checked against the separate kernels (which a tape makes the layers use), through finite
differences (a graph traced without a tape and replayed under one), through the expansion pass
(the optimised graph is the separate kernels' graph), and for its memory: one output, not two.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.framework import nn_primitives as NP
from tensorflux.framework import primitives as P
from tensorflux.keras.layers.convolutional.base_conv import BaseConv
from tensorflux.ops import conv_ops
from tensorflux.testing import check_gradients

rng = np.random.default_rng(3)
layers = tf.keras.layers

CASES = [
    (layers.Conv2D, (2, 9, 9, 1), dict(filters=4, kernel_size=3, activation="relu")),  # bias folds
    (layers.Conv2D, (2, 9, 8, 3), dict(filters=4, kernel_size=3, strides=2, padding="same")),
    (layers.Conv2D, (1, 1, 1, 1), dict(filters=2, kernel_size=1, activation="relu")),  # one tap
    (layers.Conv1D, (2, 10, 3), dict(filters=5, kernel_size=2, dilation_rate=2, activation="relu")),
    (layers.Conv3D, (1, 5, 6, 4, 2), dict(filters=3, kernel_size=2, padding="same", activation="relu")),
]


def _layer(cls, shape, kw):
    layer = cls(**kw)
    layer.build(shape)
    layer.bias.assign(rng.standard_normal(layer.bias.shape).astype(np.float32))
    return layer


@pytest.mark.parametrize("cls,shape,kw", CASES)
def test_inference_call_matches_the_separate_kernels(cls, shape, kw):
    layer = _layer(cls, shape, kw)
    x = rng.standard_normal(shape).astype(np.float32)
    fused = layer(x).numpy()
    with tf.GradientTape():  # a tape makes the layer run conv, bias_add and the activation
        separate = layer(x).numpy()
    np.testing.assert_allclose(fused, separate, rtol=1e-5, atol=1e-6)
    if kw.get("activation") == "relu":
        assert (fused >= 0).all()


def test_the_layer_binds_it_only_where_nothing_needs_the_pre_activation():
    def nodes(layer, x):
        graph = tf.function(layer).get_concrete_function(tf.constant(x)).raw_graph
        return [n.name for n in graph.nodes if n.name != "read_variable"]

    x = np.ones((1, 6, 6, 2), np.float32)
    assert nodes(layers.Conv2D(3, 3, activation="relu"), x) == ["conv_bias_act"]
    assert nodes(layers.Conv2D(3, 3, activation="tanh"), x)[:2] == ["conv", "bias_add"]
    assert nodes(layers.Conv2D(3, 3, use_bias=False), x) == ["conv"]
    assert nodes(layers.Conv2D(4, 3, groups=2), x)[0] == "conv"
    assert "conv_bias_act" not in nodes(layers.Conv1D(3, 3, padding="causal"), np.ones((1, 6, 2), np.float32))

    class Standardized(layers.Conv2D):  # Keras' documented way to change the convolution
        def convolution_op(self, inputs, kernel):
            return super().convolution_op(inputs, kernel * 2.0)

    layer = Standardized(3, 3, activation="relu")
    assert "conv_bias_act" not in nodes(layer, x)
    with tf.GradientTape():
        expected = layer(x).numpy()
    np.testing.assert_allclose(layer(x).numpy(), expected, rtol=1e-6)


@pytest.mark.parametrize("activation", ["relu", None])
def test_gradient_matches_finite_differences(activation):
    geom = dict(strides=(2, 1), padding="SAME", dilations=(1, 2), nd=2)

    def f(x, w, b):
        return conv_ops._conv_bias_act(
            x, w, b, geom["strides"], geom["padding"], geom["dilations"], 2, activation
        )

    x = rng.standard_normal((2, 5, 6, 3))
    w = rng.standard_normal((2, 3, 3, 4))
    b = rng.standard_normal(4)
    y = f(tf.constant(x), tf.constant(w), tf.constant(b)).numpy()
    if activation == "relu":
        assert np.abs(y[y > 0]).min() > 1e-4  # away from the ReLU's kink
    check_gradients(f, [x, w, b])


def test_a_graph_traced_without_a_tape_gives_gradients_under_one():
    model = tf.keras.Sequential(
        [tf.keras.Input((8, 8, 1)), layers.Conv2D(4, 3, activation="relu"), layers.Flatten(), layers.Dense(2)]
    )
    x = tf.constant(rng.standard_normal((3, 8, 8, 1)).astype(np.float32))
    f = tf.function(lambda t: model(t))
    f(x)  # traced with no tape: the conv layer recorded conv_bias_act
    assert "conv_bias_act" in str(f.get_concrete_function(x).raw_graph)
    with tf.GradientTape() as tape:
        tape.watch(x)
        traced = tf.reduce_sum(f(x) ** 2)
    with tf.GradientTape() as tape2:
        tape2.watch(x)
        eager = tf.reduce_sum(model(x) ** 2)
    got = tape.gradient(traced, [x, *model.trainable_weights])
    want = tape2.gradient(eager, [x, *model.trainable_weights])
    for g, e in zip(got, want):
        np.testing.assert_allclose(g.numpy(), e.numpy(), rtol=1e-5, atol=1e-6)


def test_second_order_gradient_through_it():
    x = tf.constant(rng.standard_normal((1, 5, 5, 2)))
    w = tf.constant(rng.standard_normal((3, 3, 2, 2)))
    b = tf.constant(rng.standard_normal(2))

    def first(w):
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = P.bind(
                NP.conv_bias_act,
                (x, w, b),
                dict(strides=(1, 1), dilations=(1, 1), pads=((0, 0), (0, 0)), activation=None),
            )
            s = tf.reduce_sum(y**2)
        return inner.gradient(s, x)

    check_gradients(lambda w: tf.reduce_sum(first(w) ** 2), [w.numpy()])


def test_the_optimised_graph_is_the_separate_kernels_graph(monkeypatch):
    def optimised():
        model = tf.keras.Sequential(
            [
                tf.keras.Input((12, 12, 1)),
                layers.Conv2D(4, 3, activation="relu"),
                layers.MaxPooling2D(),
                layers.Conv2D(6, 3, activation="relu"),
                layers.Conv2D(6, 3),
            ]
        )
        cf = tf.function(lambda t: model(t)).get_concrete_function(
            tf.constant(np.ones((5, 12, 12, 1), np.float32))
        )
        kernels = [str(n.name) for n in cf.graph.nodes if n.name != "read_variable"]  # (bias read earlier)
        return kernels, str(cf.raw_graph).count("conv_bias_act")

    fused, n_fused = optimised()
    monkeypatch.setattr(BaseConv, "_one_kernel", lambda self, inputs: False)  # the separate kernels
    separate, n_separate = optimised()
    assert (n_fused, n_separate) == (3, 0)
    assert fused == separate
    assert "conv_bias_pool" in fused  # the passes still fuse the first block for inference


def test_an_eager_inference_call_holds_one_output_array():
    layer = layers.Conv2D(64, 3, activation="relu")
    x = rng.random((50, 28, 28, 1), dtype=np.float32)
    layer(x[:1])
    out_bytes = 50 * 26 * 26 * 64 * 4  # 8.7 MB; the im2col matrix is 1.2 MB
    tracemalloc.start()
    try:
        y = layer(x)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert y.shape == (50, 26, 26, 64)
    assert peak < 1.4 * out_bytes  # conv, bias_add and relu as separate kernels: two outputs at once
