"""Gradients through tf.while_loop traced inside tf.function: equal to eager and to finite differences."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.testing import check_gradients


def _fd(fun, x, eps=1e-6):
    """Central differences of the scalar ``fun`` (numpy float64 in, float out) at ``x``."""
    x = np.array(x, np.float64)
    g = np.zeros_like(x)
    for k in np.ndindex(*x.shape):
        hi, lo = x.copy(), x.copy()
        hi[k] += eps
        lo[k] -= eps
        g[k] = (fun(hi) - fun(lo)) / (2 * eps)
    return g


def test_gradient_of_a_variable_read_in_the_body_replays_for_any_trip_count():
    x = tf.Variable(2.0)

    def f(n):
        with tf.GradientTape() as t:
            _, y = tf.while_loop(
                lambda i, y: i < n, lambda i, y: (i + 1, y * x), (tf.constant(0), tf.constant(1.0))
            )
        return t.gradient(y, x)

    traced = tf.function(f)
    assert float(traced(tf.constant(3))) == pytest.approx(12.0)  # 3 x^2
    for n, want in ((4, 32.0), (1, 1.0), (0, 0.0), (6, 192.0)):  # n x^(n-1), same graph
        got = traced(tf.constant(n))
        assert float(got) == pytest.approx(want)
        if n:  # eagerly a loop that never runs leaves y unconnected (None); the graph gives 0
            assert float(got) == pytest.approx(float(f(tf.constant(n))))
    assert traced.experimental_get_tracing_count() == 1


def test_gradients_of_initial_value_captured_tensor_and_variable_match_finite_differences():
    w = tf.Variable(np.array([0.3, -0.2], np.float64))

    def loss(y0, a, n):
        c = tf.sin(a) * 2.0  # computed in the function, captured by the body

        def body(i, y):
            return i + 1, tf.tanh(y * w + c) + 0.5 * y

        _, y = tf.while_loop(lambda i, y: i < n, body, (tf.constant(0), y0))
        return tf.reduce_sum(y * y)

    @tf.function
    def grads(y0, a, n):
        with tf.GradientTape() as t:
            t.watch([y0, a])
            out = loss(y0, a, n)
        return t.gradient(out, [y0, a, w])

    y0 = np.array([0.7, -1.1])
    a = np.array([0.4, 0.9])
    for n in (3, 5):
        g_y0, g_a, g_w = grads(tf.constant(y0), tf.constant(a), tf.constant(n))
        with tf.GradientTape() as t:  # eager reference
            ty0, ta = tf.constant(y0), tf.constant(a)
            t.watch([ty0, ta])
            out = loss(ty0, ta, tf.constant(n))
        e_y0, e_a, e_w = t.gradient(out, [ty0, ta, w])
        np.testing.assert_allclose(g_y0.numpy(), e_y0.numpy(), rtol=1e-12)
        np.testing.assert_allclose(g_a.numpy(), e_a.numpy(), rtol=1e-12)
        np.testing.assert_allclose(g_w.numpy(), e_w.numpy(), rtol=1e-12)

        nt = tf.constant(n)
        fd_y0 = _fd(lambda v, nt=nt: float(loss(tf.constant(v), tf.constant(a), nt)), y0)
        fd_a = _fd(lambda v, nt=nt: float(loss(tf.constant(y0), tf.constant(v), nt)), a)
        w0 = w.numpy().copy()

        def with_w(v, nt=nt):
            w.assign(v)
            return float(loss(tf.constant(y0), tf.constant(a), nt))

        fd_w = _fd(with_w, w0)
        w.assign(w0)
        np.testing.assert_allclose(g_y0.numpy(), fd_y0, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(g_a.numpy(), fd_a, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(g_w.numpy(), fd_w, rtol=1e-6, atol=1e-9)
    assert grads.experimental_get_tracing_count() == 1


def test_maximum_iterations_and_an_integer_counter_get_the_right_gradient():
    @tf.function
    def f(y0):
        with tf.GradientTape() as t:
            t.watch(y0)
            i, y = tf.while_loop(
                lambda i, y: y < 1e6,
                lambda i, y: (i + 1, y * 3.0),
                (tf.constant(0), y0),
                maximum_iterations=4,
            )
        return t.gradient(y, y0), i

    g, i = f(tf.constant(1.5, tf.float64))
    assert int(i) == 4 and float(g) == pytest.approx(81.0)  # stopped by maximum_iterations
    g, i = f(tf.constant(5e5, tf.float64))
    assert int(i) == 1 and float(g) == pytest.approx(3.0)  # stopped by the condition


def test_nested_loops_reading_a_variable():
    x = tf.Variable(1.3, dtype=tf.float64)

    def f(n, m):
        def outer(i, y):
            _, z = tf.while_loop(lambda j, z: j < m, lambda j, z: (j + 1, z * x), (tf.constant(0), y))
            return i + 1, z + x

        with tf.GradientTape() as t:
            _, y = tf.while_loop(lambda i, y: i < n, outer, (tf.constant(0), tf.constant(1.0, tf.float64)))
        return y, t.gradient(y, x)

    traced = tf.function(f)
    for n, m in ((2, 3), (3, 1), (1, 0)):
        y, g = traced(tf.constant(n), tf.constant(m))
        ey, eg = f(tf.constant(n), tf.constant(m))
        assert float(y) == pytest.approx(float(ey), rel=1e-12)
        assert float(g) == pytest.approx(float(eg), rel=1e-12)

        def value(v, n=n, m=m):
            x.assign(float(v))
            return float(f(tf.constant(n), tf.constant(m))[0])

        fd = _fd(value, np.array(1.3))
        x.assign(1.3)
        assert float(g) == pytest.approx(float(fd), rel=1e-6)
    assert traced.experimental_get_tracing_count() == 1


def test_an_outer_tape_around_a_traced_loop_matches_finite_differences():
    # the tape is outside the tf.function: the graph is replayed through the registry
    @tf.function
    def f(y0, c):
        return tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, tf.sin(y) * c + y), (0, y0))[1]

    check_gradients(f, [np.array([0.2, -0.5]), np.array([1.5, 0.7])])


def test_an_outer_tape_reaches_a_variable_read_in_a_traced_loop():
    # replay_bind hands the while node to control flow (graph.REPLAY_BINDERS), which records
    # the variables the body reads: the gradient is not lost
    x = tf.Variable(np.float64(1.3))

    @tf.function
    def f(n):
        return tf.while_loop(
            lambda i, y: i < n, lambda i, y: (i + 1, y * x), (0, tf.constant(np.float64(1.0)))
        )[1]

    f(tf.constant(3))
    for n in (3, 5):
        with tf.GradientTape() as tape:
            y = f(tf.constant(n))
        assert float(tape.gradient(y, x)) == pytest.approx(n * 1.3 ** (n - 1), rel=1e-12)


def test_the_untaped_loop_keeps_no_history():
    f = tf.function(lambda n: tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s * 2.0), (0, 1.0)))
    text = str(f.get_concrete_function(tf.constant(3)).graph)
    assert "while_loop(" in text and "history" not in text and "while_loop_grad" not in text
    x = tf.Variable(2.0)

    @tf.function
    def g(n):
        with tf.GradientTape() as t:  # the tape watches nothing the loop uses
            _, y = tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * 2.0), (0, tf.constant(1.0)))
            z = y * x
        return t.gradient(z, x)

    assert float(g(tf.constant(3))) == 8.0
    assert "history" not in str(g.get_concrete_function(tf.constant(3)).graph)


def test_second_order_through_a_traced_loop_is_refused():
    x = tf.Variable(2.0)

    @tf.function
    def f():
        with tf.GradientTape() as outer:
            with tf.GradientTape() as inner:
                _, y = tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * x), (0, tf.constant(1.0)))
            g = inner.gradient(y, x)
        return outer.gradient(g, x)

    with pytest.raises(NotImplementedError, match="Second-order"):
        f()


class _Power(tf.keras.layers.Layer):
    def build(self, shape):
        self.w = self.add_weight(shape=(), initializer="ones")

    def call(self, x):
        _, y = tf.while_loop(lambda i, y: i < 2, lambda i, y: (i + 1, y * self.w), (tf.constant(0), x))
        return y


def _fit(run_eagerly):
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input((1,)), _Power()])
    model.compile(tf.keras.optimizers.SGD(0.01), "mse", run_eagerly=run_eagerly)
    x = np.linspace(0.5, 1.5, 8, dtype=np.float32).reshape(8, 1)
    hist = model.fit(x, 4.0 * x, epochs=3, batch_size=4, verbose=0)
    return model, hist.history["loss"]


def test_fit_with_a_loop_over_a_weight_stays_traced_and_matches_eager():
    traced, loss_t = _fit(False)
    eager, loss_e = _fit(True)
    assert traced._traced is True
    np.testing.assert_allclose(loss_t, loss_e, rtol=1e-5)
    w_t, w_e = float(traced.layers[0].w.numpy()), float(eager.layers[0].w.numpy())
    assert w_t == pytest.approx(w_e, rel=1e-5) and w_t > 1.0  # it trained: w^2 moves towards 4


def test_a_loop_inside_a_cond_branch_and_a_loop_variable_initialised_from_a_captured_tensor():
    x = tf.Variable(2.0, dtype=tf.float64)

    def f(n, p, y0):
        with tf.GradientTape(persistent=True) as t:
            t.watch(y0)

            def loop():  # y0 is both the initial value and a tensor the body uses
                return tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * x + y0), (0, y0))[1] + x

            y = tf.cond(p, loop, lambda: x * y0)
        return y, t.gradient(y, x), t.gradient(y, y0)

    traced = tf.function(f)
    y0 = tf.constant(1.5, tf.float64)
    # true branch: y = y0 (x^n + ... + x + 1) + x
    for n, p in ((3, True), (2, True), (3, False)):
        got = traced(tf.constant(n), tf.constant(p), y0)
        want = f(tf.constant(n), tf.constant(p), y0)
        for a, b in zip(got, want):
            assert float(a) == pytest.approx(float(b), rel=1e-12)
    y, gx, gy0 = traced(tf.constant(3), tf.constant(True), y0)
    assert float(y) == pytest.approx(1.5 * 15 + 2.0)
    assert float(gx) == pytest.approx(1.5 * (3 * 4 + 2 * 2 + 1) + 1.0)
    assert float(gy0) == pytest.approx(15.0)
    assert traced.experimental_get_tracing_count() == 1
