"""The pool_relu pass and what a finished trace keeps alive."""

from __future__ import annotations

import gc
import weakref

import numpy as np

import tensorflux as tf
from tensorflux.framework.passes import conv_pool, optimize, pool_relu

rng = np.random.default_rng(3)


def _conv_relu_pool_grads(x, w, b):
    with tf.GradientTape() as tape:
        h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w, 1, "VALID"), b))
        h = tf.nn.max_pool2d(h, 2, 2, "VALID")
        loss = tf.reduce_sum(h * h)
    return tape.gradient(loss, [w, b])


def _data():
    x = rng.standard_normal((4, 9, 9, 2)).astype(np.float32)
    x[:, :4, :4] = 0.0  # flat input: equal conv outputs, ties in the pool windows
    w = tf.Variable(rng.standard_normal((3, 3, 2, 3)).astype(np.float32))
    b = tf.Variable(np.array([0.1, -0.2, 0.0], np.float32))
    return tf.constant(x), w, b


def test_pass_fuses_the_relu_gradient_into_the_pool_gradient_and_keeps_results(monkeypatch):
    monkeypatch.setattr(conv_pool, "run", lambda g: 0)  # it would fuse the conv, bias and pool on top
    x, w, b = _data()
    f = tf.function(_conv_relu_pool_grads)
    names = [n.name for n in f.get_concrete_function(x, w, b).graph.nodes]
    assert "max_pool_relu_grad" in names
    assert "max_pool_grad" not in names and "relu_grad" not in names
    traced = f(x, w, b)
    eager = _conv_relu_pool_grads(x, w, b)
    for t, e in zip(traced, eager):
        np.testing.assert_allclose(t.numpy(), e.numpy(), rtol=1e-6, atol=1e-6)


def test_pass_leaves_a_pool_gradient_that_is_used_elsewhere():
    x, w, b = _data()

    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            r = tf.nn.relu(x)
            loss = tf.reduce_sum(tf.nn.max_pool2d(r, 2, 2, "VALID"))
        return tape.gradient(loss, [x, r])  # the pool gradient itself is an output

    g = tf.function(f).get_concrete_function(x).raw_graph.copy()
    assert pool_relu.run(g) == 0


def test_pass_needs_the_relu_of_the_pooled_value():
    x, _, _ = _data()

    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            r = tf.nn.relu(x)
            loss = tf.reduce_sum(tf.nn.max_pool2d(x, 2, 2, "VALID")) + tf.reduce_sum(r)
        return tape.gradient(loss, x)

    g = tf.function(f).get_concrete_function(x).raw_graph.copy()
    assert pool_relu.run(g) == 0
    assert "max_pool_grad" in [n.name for n in optimize(g).nodes]


def test_a_finished_trace_keeps_no_intermediate_alive():
    seen = []

    def f(x):
        h = tf.exp(x) * 2.0
        seen.append(weakref.ref(h._value))
        return tf.reduce_sum(h)

    gc.disable()  # the release must not depend on the cyclic collector
    try:
        out = tf.function(f)(tf.ones((64, 64)))
        assert float(out) > 0
        assert seen and seen[0]() is None
    finally:
        gc.enable()


def test_a_trace_frees_what_the_function_drops_while_it_runs():
    alive = []

    def f(x):
        h = tf.exp(x)
        ref = weakref.ref(h._value)
        del h
        alive.append(ref() is not None)
        return x + 1.0

    gc.disable()
    try:
        tf.function(f)(tf.ones((32, 32)))
    finally:
        gc.enable()
    assert alive == [False]


def test_traced_values_stay_right_when_dropped_arrays_free_their_ids():
    # temporaries die inside the trace and new arrays may take their ids (addresses): the graph
    # must still tie every value to the op that made it
    def f(x):
        acc = x
        for i in range(30):
            tmp = tf.exp(x * (0.01 * i))
            acc = acc + tf.reduce_sum(tmp, axis=0)
            del tmp
        return acc * 0.5

    traced = tf.function(f)
    for seed in (0, 1):
        x = tf.constant(np.random.default_rng(seed).standard_normal((16, 8)).astype(np.float32))
        np.testing.assert_allclose(traced(x).numpy(), f(x).numpy(), rtol=1e-6, atol=1e-6)
    assert traced.experimental_get_tracing_count() == 1


def _conv_relu_pool(x, w, b, ksize=2, strides=2):
    return tf.nn.max_pool2d(
        tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w, 1, "VALID"), b)), ksize, strides, "VALID"
    )


def _relu_and_pool_order(fn):
    graph = fn.raw_graph.copy()
    pool_relu.run(graph)
    names = [n.name for n in graph.nodes if n.name in ("relu", "max_pool")]
    relu = next(n for n in graph.nodes if n.name == "relu")
    return names, graph.avals[relu.outputs[0]][0]


def test_relu_moves_after_a_tiling_pool_with_the_same_values(monkeypatch):
    monkeypatch.setattr(conv_pool, "run", lambda g: 0)  # it would fuse the conv, bias and pool on top
    x, w, b = _data()
    f = tf.function(_conv_relu_pool)
    names, relu_shape = _relu_and_pool_order(f.get_concrete_function(x, w, b))
    assert names == ["max_pool", "relu"] and relu_shape == (4, 3, 3, 3)  # on the pooled grid
    np.testing.assert_array_equal(f(x, w, b).numpy(), _conv_relu_pool(x, w, b).numpy())
    # and in a training step, with the fused gradient reading the pool's input (ties included)
    g = tf.function(_conv_relu_pool_grads)
    names, _ = _relu_and_pool_order(g.get_concrete_function(x, w, b))
    assert names == ["max_pool", "relu"]
    for t, e in zip(g(x, w, b), _conv_relu_pool_grads(x, w, b)):
        np.testing.assert_array_equal(t.numpy(), e.numpy())


def test_relu_stays_before_overlapping_pools_and_when_read_elsewhere():
    x, w, b = _data()
    f = tf.function(lambda x, w, b: _conv_relu_pool(x, w, b, ksize=3, strides=2))
    assert _relu_and_pool_order(f.get_concrete_function(x, w, b))[0] == ["relu", "max_pool"]

    def both(x, w, b):
        r = tf.nn.relu(tf.nn.conv2d(x, w, 1, "VALID"))
        return tf.nn.max_pool2d(r, 2, 2, "VALID"), r

    h = tf.function(both)
    assert _relu_and_pool_order(h.get_concrete_function(x, w, b))[0] == ["relu", "max_pool"]
    for t, e in zip(h(x, w, b), both(x, w, b)):
        np.testing.assert_array_equal(t.numpy(), e.numpy())
