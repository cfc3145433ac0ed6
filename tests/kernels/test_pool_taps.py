"""2x2 max pools under a tape keep which input of each window won (``max_pool_taps``); the
gradient then routes by them.  Both must give the bits of the comparing kernels, ties included."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import tensorflux as tf

pool_k = importlib.import_module("tensorflux.backend.numpy.pool")
nn_p = importlib.import_module("tensorflux.framework.nn_primitives")

rng = np.random.default_rng(11)
VALID2 = ((0, 0), (0, 0))


def _tied(shape):
    x = rng.standard_normal(shape).astype(np.float32)
    x[:, :4, :4] = 0.25  # a flat region: four-way ties
    if min(shape[1:3]) >= 8:
        x[:, 5, :] = x[:, 4, :]  # two-way ties between the rows of a window
        x[:, :, 7] = x[:, :, 6]  # and between its columns
    x[:, -2:, :] = 0.0  # all-zero windows (a zero pooled value: masked by a fused ReLU)
    x[:, 0, 1] = -0.0  # a negative zero tied with zeros
    return x


@pytest.mark.parametrize("shape", [(4, 26, 26, 32), (3, 11, 11, 8), (2, 2, 2, 1), (5, 9, 10, 3)])
def test_taps_forward_and_gradient_equal_the_comparing_kernels(shape):
    x = _tied(shape)
    want_y = pool_k.max_pool(x, (2, 2), (2, 2), VALID2)
    y, taps = pool_k.max_pool_taps(x, (2, 2), (2, 2), VALID2)
    np.testing.assert_array_equal(y, want_y)
    g = rng.standard_normal(y.shape).astype(np.float32)
    want = pool_k.max_pool_grad(x, y, g, (2, 2), (2, 2), VALID2)
    got = pool_k.max_pool_grad_taps(g, taps, x.shape)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(want))
    # one input per window gets its gradient; an odd last row or column none
    assert np.count_nonzero(got) == np.count_nonzero(g)
    want_relu = pool_k.max_pool_relu_grad(x, y, g, (2, 2), (2, 2), VALID2)
    got_relu = pool_k.max_pool_grad_taps(g, taps, x.shape, y)
    np.testing.assert_array_equal(got_relu, want_relu)
    np.testing.assert_array_equal(np.signbit(got_relu), np.signbit(want_relu))


def test_taps_pick_the_first_maximum_in_row_major_order():
    # windows [[a, b], [c, d]]: the winner of each is the first of its maxima, a-b-c-d
    wins = {
        (1, 3, 3, 2): 1,
        (3, 1, 3, 2): 0,
        (1, 2, 3, 3): 2,
        (0, 0, 0, 0): 0,
        (1, 1, 2, 2): 2,
        (2, 1, 2, 2): 0,
    }
    x = np.zeros((len(wins), 2, 2, 1), np.float32)
    for i, w in enumerate(wins):
        x[i] = np.reshape(w, (2, 2, 1))
    y, taps = pool_k.max_pool_taps(x, (2, 2), (2, 2), VALID2)
    dx = pool_k.max_pool_grad_taps(np.ones_like(y), taps, x.shape)
    assert [int(np.argmax(d.ravel())) for d in dx] == list(wins.values())


def test_fit():
    assert pool_k.pool_taps_fit((8, 4, 4, 3), (2, 2), (2, 2), VALID2)
    assert not pool_k.pool_taps_fit((8, 4, 4, 3), (3, 3), (3, 3), VALID2)  # not 2x2
    assert not pool_k.pool_taps_fit((8, 4, 4, 3), (2, 2), (1, 1), VALID2)  # overlapping
    assert not pool_k.pool_taps_fit((8, 5, 5, 3), (2, 2), (2, 2), ((0, 1), (0, 1)))  # padded
    assert not pool_k.pool_taps_fit((8, 4, 3), (2,), (2,), ((0, 0),))  # 1-D
    assert not pool_k.pool_taps_fit((8, 1, 4, 3), (2, 2), (2, 2), VALID2)  # no full window


W0 = np.random.default_rng(3).standard_normal((3, 3, 1, 4)).astype(np.float32)


def _model_grads(x, traced, persistent=False):
    w = tf.Variable(W0)

    def f(x):
        with tf.GradientTape(persistent=persistent) as tape:
            h = tf.nn.max_pool2d(tf.nn.relu(tf.nn.conv2d(x, w, 1, "VALID")), 2, 2, "VALID")
            loss = tf.reduce_sum(h * h)
        g1 = tape.gradient(loss, w)
        return (g1, tape.gradient(loss, w)) if persistent else g1

    return (tf.function(f) if traced else f)(tf.constant(x))


@pytest.mark.parametrize("traced", [False, True])
def test_tape_keeps_the_taps_and_the_gradient_uses_them(monkeypatch, traced):
    x = _tied((2, 13, 13, 1))
    taken = []
    real = pool_k.max_pool_grad_taps
    monkeypatch.setattr(nn_p.B, "max_pool_grad_taps", lambda *a: taken.append(1) or real(*a))
    got = _model_grads(x, traced)
    assert taken, "the gradient did not use the kept taps"
    monkeypatch.setattr(nn_p.B, "pool_taps_fit", lambda *a: False)  # the comparing kernels
    want = _model_grads(x, traced)
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_second_gradient_of_a_persistent_tape_compares_again():
    x = _tied((2, 13, 13, 1))
    g1, g2 = _model_grads(x, traced=False, persistent=True)
    np.testing.assert_array_equal(g1.numpy(), g2.numpy())


def test_no_taps_without_a_tape(monkeypatch):
    calls = []
    monkeypatch.setattr(nn_p.B, "max_pool_taps", lambda *a: calls.append(1))
    tf.nn.max_pool2d(tf.constant(_tied((1, 4, 4, 2))), 2, 2, "VALID")
    assert not calls
