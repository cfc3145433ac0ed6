"""The conv layers' kernel ``conv_bias_act``: conv + bias (+ ReLU) written into one array.

Checked against the separate kernels (``_separate`` makes the layers use them), forward and
backward, through finite differences (also for a graph traced without a tape and replayed under
one), through the expansion pass (optimised inference and training graphs are the separate
kernels' graphs), and for its memory: one output, not two.
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


@pytest.fixture
def separate(monkeypatch):
    """Call to make the conv layers run conv, bias_add and the activation as separate kernels."""
    return lambda: monkeypatch.setattr(BaseConv, "_one_kernel", lambda self, inputs: False)


@pytest.mark.parametrize("cls,shape,kw", CASES)
def test_forward_and_gradients_match_the_separate_kernels(cls, shape, kw, separate):
    layer = _layer(cls, shape, kw)
    x = tf.constant(rng.standard_normal(shape).astype(np.float32))

    def run():
        plain = layer(x).numpy()
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = layer(x)
            loss = tf.reduce_sum(y * y)
        grads = tape.gradient(loss, [x, layer.kernel, layer.bias])
        return plain, y.numpy(), [g.numpy() for g in grads]

    fused = run()
    separate()
    apart = run()
    np.testing.assert_allclose(fused[0], apart[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(fused[1], apart[1], rtol=1e-5, atol=1e-6)
    for g, e in zip(fused[2], apart[2]):
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-5)
    if kw.get("activation") == "relu":
        assert (fused[0] >= 0).all()


def test_the_layers_that_bind_it():
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


@pytest.mark.parametrize("activation", ["relu", None])
def test_second_order_gradient_through_it(activation):
    # (a gradient penalty, as WGAN-GP's, differentiates a gradient through the layers)
    x = tf.constant(rng.standard_normal((1, 5, 5, 2)))
    w = tf.constant(rng.standard_normal((3, 3, 2, 2)))
    b = tf.constant(rng.standard_normal(2))

    def first(w):
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = P.bind(
                NP.conv_bias_act,
                (x, w, b),
                dict(strides=(1, 1), dilations=(1, 1), pads=((0, 0), (0, 0)), activation=activation),
            )
            s = tf.reduce_sum(y**2)
        return inner.gradient(s, x)

    # (values reach 1e3-1e4: differences carry ~1e-5 of rounding noise)
    check_gradients(lambda w: tf.reduce_sum(first(w) ** 2), [w.numpy()], atol=1e-4)


def _model():
    return tf.keras.Sequential(
        [
            tf.keras.Input((12, 12, 1)),
            layers.Conv2D(4, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(6, 3, activation="relu"),
            layers.Conv2D(6, 3),
            layers.Flatten(),
            layers.Dense(3),
        ]
    )


def _kernels(cf):
    # the kernels in order, and how many conv_bias_act nodes were traced (read_variable nodes may
    # stand elsewhere: the separate kernels read a bias after the conv)
    return [str(n.name) for n in cf.graph.nodes if n.name != "read_variable"], str(cf.raw_graph).count(
        "conv_bias_act"
    )


def test_the_optimised_inference_graph_is_the_separate_kernels_graph(separate):
    def optimised():
        model = _model()
        return _kernels(tf.function(lambda t: model(t)).get_concrete_function(tf.ones((5, 12, 12, 1))))

    fused, n_fused = optimised()
    separate()
    apart, n_apart = optimised()
    assert (n_fused, n_apart) == (3, 0)
    assert fused == apart
    assert "conv_bias_pool" in fused  # the passes still fuse the first block for inference


def test_training_gives_the_separate_kernels_graph_and_bits(separate):
    x = rng.random((96, 12, 12, 1), dtype=np.float32)
    y = np.arange(96) % 3

    def train():
        tf.keras.utils.set_random_seed(0)
        model = _model()
        model.compile(optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(x, y, batch_size=32, epochs=2, verbose=0)
        (concrete,) = model.make_train_function().function._cache.values()
        return _kernels(concrete), model.get_weights()

    (fused, n_fused), w_fused = train()
    separate()
    (apart, n_apart), w_apart = train()
    assert (n_fused, n_apart) == (3, 0)
    assert fused == apart and "conv_bias_pool_backprop" in fused
    for a, b in zip(w_fused, w_apart):
        np.testing.assert_array_equal(a, b)


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
