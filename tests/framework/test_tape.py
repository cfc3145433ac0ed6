"""GradientTape: watching, persistence, unconnected sources, higher order, jacobians, custom gradients."""

from __future__ import annotations

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.testing import assert_allclose, check_gradients


def grad(f, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


# -- higher order ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "f, d1, d2",
    [
        (tf.tanh, lambda x: 1 - np.tanh(x) ** 2, lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2)),
        (tf.sin, np.cos, lambda x: -np.sin(x)),
        (lambda x: x**3, lambda x: 3 * x**2, lambda x: 6 * x),
        (lambda x: x * x * x, lambda x: 3 * x**2, lambda x: 6 * x),
    ],
    ids=["tanh", "sin", "pow3", "mul3"],
)
def test_second_derivatives(f, d1, d2):
    xv = np.array([-1.3, -0.2, 0.4, 1.7])
    x = tf.constant(xv)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        dy = inner.gradient(y, x)
    d2y = outer.gradient(dy, x)
    assert_allclose(dy, d1(xv), rtol=1e-12)
    assert_allclose(d2y, d2(xv), rtol=1e-12)


def test_third_derivative_of_x_cubed():
    x = tf.constant(2.0, dtype=tf.float64)
    with tf.GradientTape() as t3:
        t3.watch(x)
        with tf.GradientTape() as t2:
            t2.watch(x)
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = x**3
            d1 = t1.gradient(y, x)
        d2 = t2.gradient(d1, x)
    assert float(t3.gradient(d2, x)) == pytest.approx(6.0)


def test_second_order_gradients_of_rules_match_finite_differences():
    """Rules are written with ops, so the gradient of a gradient is itself checkable."""

    def first_grad(f):
        def g(x):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = f(x)
            return tape.gradient(y, x)

        return g

    x = np.array([[0.3, -0.8, 1.1], [0.6, 0.2, -0.4]])
    for f in (
        tf.nn.softmax,
        tf.math.log_softmax,
        tf.sigmoid,
        lambda v: tf.reduce_prod(v, axis=1),
        tf.math.erf,
    ):
        check_gradients(first_grad(f), [x])


# -- jacobians ---------------------------------------------------------------------------------------
def test_jacobian_3_to_2():
    xv = np.array([0.5, -1.5, 0.8])
    x = tf.constant(xv)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.stack([x[0] * x[1], tf.sin(x[2]) + x[0]])
    j = tape.jacobian(y, x)
    assert j.shape == (2, 3)
    assert_allclose(j, [[xv[1], xv[0], 0.0], [1.0, 0.0, np.cos(xv[2])]], rtol=1e-12)


def test_jacobian_of_matrix_output_and_several_sources():
    w = tf.constant(np.arange(6.0).reshape(2, 3))
    b = tf.constant([1.0, 2.0, 3.0], dtype=tf.float64)
    x = tf.constant([[1.0, -1.0]], dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch([w, b])
        y = tf.matmul(x, w) + b  # (1, 3)
    jw, jb = tape.jacobian(y, [w, b])
    assert jw.shape == (1, 3, 2, 3) and jb.shape == (1, 3, 3)
    assert_allclose(jb[0], np.eye(3))
    expected = np.zeros((1, 3, 2, 3))
    for k in range(3):
        expected[0, k, :, k] = [1.0, -1.0]
    assert_allclose(jw, expected)


def test_jacobian_unconnected_source():
    x, z = tf.constant([1.0, 2.0]), tf.constant([3.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, z])
        y = x * 2.0
    assert tape.jacobian(y, z) is None
    j = tape.jacobian(y, z, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert j.shape == (2, 1) and not j.numpy().any()


def test_batch_jacobian():
    rng = np.random.default_rng(0)
    xv, wv = rng.standard_normal((4, 3)), rng.standard_normal((3, 2))
    x, w = tf.constant(xv), tf.constant(wv)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.tanh(tf.matmul(x, w))  # (4, 2)
    j = tape.batch_jacobian(y, x)
    assert j.shape == (4, 2, 3)
    expected = (1 - np.tanh(xv @ wv) ** 2)[:, :, None] * wv.T[None]
    assert_allclose(j, expected, rtol=1e-12)


# -- watching and persistence ------------------------------------------------------------------------
def test_persistent_tape_allows_several_gradients():
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    assert float(tape.gradient(y, x)) == 6.0
    assert float(tape.gradient(z, x)) == 108.0
    assert float(tape.gradient(z, y)) == 18.0  # with respect to an intermediate tensor


def test_non_persistent_tape_can_be_used_once():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="persistent"):
        tape.gradient(y, x)


def test_trainable_variables_are_watched_automatically():
    v = tf.Variable(2.0)
    frozen = tf.Variable(5.0, trainable=False)
    with tf.GradientTape() as tape:
        y = v * v * frozen
    gv, gf = tape.gradient(y, [v, frozen])
    assert float(gv) == 20.0 and gf is None
    assert tape.watched_variables() == (v,)


def test_watch_accessed_variables_false():
    v, w = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(w)
        y = v * w
    gv, gw = tape.gradient(y, [v, w])
    assert gv is None and float(gw) == 2.0


def test_unconnected_gradients():
    x, z = tf.constant([1.0, 2.0]), tf.constant([[3.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, z])
        y = tf.reduce_sum(x * x)
    assert tape.gradient(y, z) is None
    assert tape.gradient(y, z, unconnected_gradients=tf.UnconnectedGradients.NONE) is None
    for zero in (tf.UnconnectedGradients.ZERO, "zero"):
        g = tape.gradient(y, z, unconnected_gradients=zero)
        assert g.shape == (1, 1) and g.dtype == tf.float32 and float(g[0, 0]) == 0.0


def test_integer_and_bool_sources_give_none():
    i = tf.constant([1, 2])
    b = tf.constant([True, False])
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([i, b, x])
        y = tf.cast(i, tf.float32) * x + tf.cast(b, tf.float32)
    gi, gb, gx = tape.gradient(y, [i, b, x])
    assert gi is None and gb is None
    assert_allclose(gx, [1.0, 2.0])
    assert tape.gradient(y, i, unconnected_gradients="zero") is None


def test_stop_recording():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        with tape.stop_recording():
            z = y * 10.0  # not recorded: z is a constant to the tape
        w = y + z
    assert float(tape.gradient(w, x)) == 4.0


def test_stop_gradient_blocks_the_path():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * tf.stop_gradient(x * x)
    assert float(tape.gradient(y, x)) == 4.0


def test_nested_sources_keep_their_structure():
    a, b, c = tf.constant(1.0), tf.constant([2.0, 3.0]), tf.Variable(4.0)
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        y = a * tf.reduce_sum(b) * c
    g = tape.gradient(y, {"x": [a, {"y": b}], "c": c})
    assert set(g) == {"x", "c"}
    assert float(g["x"][0]) == 20.0
    assert_allclose(g["x"][1]["y"], [4.0, 4.0])
    assert float(g["c"]) == 5.0


def test_output_gradients_and_non_scalar_target():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    assert_allclose(tape.gradient(y, x), [2.0, 4.0, 6.0])  # a non-scalar target is summed
    assert_allclose(tape.gradient(y, x, output_gradients=tf.constant([1.0, 0.0, -1.0])), [2.0, 0.0, -6.0])
    assert_allclose(tape.gradient([y, x], x), [3.0, 5.0, 7.0])  # several targets add up


def test_gradient_of_a_source_with_respect_to_itself():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
    assert_allclose(tape.gradient(x, x), [1.0, 1.0])


def test_gradient_of_reused_tensor_accumulates():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x + x * x + tf.sin(x) * x
    expected = 1 + 2 * 3.0 + np.cos(3.0) * 3.0 + np.sin(3.0)
    assert float(tape.gradient(y, x)) == pytest.approx(expected, rel=1e-6)


def test_no_tape_no_recording_and_bad_sources():
    x = tf.constant(1.0)
    y = x * 2.0  # no tape active: nothing is recorded
    with tf.GradientTape() as tape:
        tape.watch(x)
    assert tape.gradient(y, x) is None
    with tf.GradientTape() as tape:
        with pytest.raises(ValueError, match="Tensor"):
            tape.watch(3.0)
    with pytest.raises(ValueError, match="sources"):
        tape.gradient(y, [1.0])


def test_variable_updates_after_the_forward_pass():
    v = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(v * v)
    assert_allclose(tape.gradient(y, v), [2.0, 4.0])


# -- custom_gradient -----------------------------------------------------------------------------------
def test_custom_gradient_log1pexp():
    @tf.custom_gradient
    def log1pexp(x):
        e = tf.exp(x)

        def grad_fn(upstream):
            return upstream * (1 - 1 / (1 + e))

        return tf.math.log(1 + e), grad_fn

    x = tf.constant([0.0, 1.0, 2.0])
    g = grad(log1pexp, x)
    assert_allclose(g, 1 / (1 + np.exp(-x.numpy())), rtol=1e-6)


def test_custom_gradient_several_inputs_and_outputs():
    @tf.custom_gradient
    def f(a, b):
        def grad_fn(da, db):
            return da * 10.0 + db, da + db * 20.0

        return (a * b, a + b), grad_fn

    a, b = tf.constant(2.0), tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        p, s = f(a, b)
        y = p + 2.0 * s
    ga, gb = tape.gradient(y, [a, b])
    assert float(ga) == 12.0 and float(gb) == 41.0


def test_custom_gradient_clips_inside_the_graph():
    @tf.custom_gradient
    def clip_gradient(x):
        return tf.identity(x), lambda dy: tf.clip_by_value(dy, -0.5, 0.5)

    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(clip_gradient(x * 3.0))
    assert_allclose(tape.gradient(y, x), [1.5, 1.5])
