"""tf.cond, tf.while_loop and tf.case: eager, traced (a node holding sub-graphs), and their gradients."""

import numpy as np
import pytest

import tensorflux as tf


def _branchy(x):
    return tf.cond(x > 0, lambda: (x * 2.0, x + 1.0), lambda: (-x, x - 1.0))


@pytest.mark.parametrize("value", [3.0, -4.0])
def test_cond_eager_and_traced_agree(value):
    f = tf.function(_branchy)
    f(tf.constant(1.0))  # traced with the true branch taken
    x = tf.constant(value)
    eager, traced = _branchy(x), f(x)
    expected = (value * 2, value + 1) if value > 0 else (-value, value - 1)
    for e, t, want in zip(eager, traced, expected):
        assert float(e) == float(t) == want
    assert f.experimental_get_tracing_count() == 1
    assert "cond(" in str(f.get_concrete_function(tf.constant(1.0)).graph)


def test_cond_with_a_python_or_constant_predicate_picks_the_branch_while_tracing():
    f = tf.function(lambda x: tf.cond(True, lambda: x + 1.0, lambda: x - 1.0))
    assert float(f(tf.constant(1.0))) == 2.0
    assert "cond(" not in str(f.get_concrete_function(tf.constant(1.0)).graph)


def test_cond_branch_effects_happen_only_in_the_branch_taken():
    v = tf.Variable(0.0)

    @tf.function
    def f(x):
        tf.cond(x > 0, lambda: v.assign_add(1.0), lambda: v.assign_sub(10.0))
        return v + 0.0

    assert float(f(tf.constant(1.0))) == 1.0  # the traced call: only the taken branch's effect stays
    assert float(f(tf.constant(-1.0))) == -9.0
    assert float(f(tf.constant(2.0))) == -8.0


def test_cond_branches_must_agree():
    f = tf.function(lambda x: tf.cond(x > 0, lambda: tf.ones((2,)), lambda: tf.ones((3,))))
    with pytest.raises(ValueError, match="same shape"):
        f(tf.constant(1.0))
    with pytest.raises(TypeError, match="boolean"):
        tf.cond(tf.constant(1.0), lambda: 1, lambda: 2)


def test_gradient_through_a_traced_cond():
    w = tf.Variable([1.0, 2.0, 3.0])

    def loss(x):
        return tf.reduce_sum(tf.cond(x > 0, lambda: x * w, lambda: x - w) ** 2)

    @tf.function
    def grad(x):
        with tf.GradientTape() as tape:
            y = loss(x)
        return tape.gradient(y, w)

    for value in (2.0, -2.0):
        with tf.GradientTape() as tape:
            y = loss(tf.constant(value))
        np.testing.assert_allclose(grad(tf.constant(value)).numpy(), tape.gradient(y, w).numpy(), rtol=1e-6)
    assert grad.experimental_get_tracing_count() == 1


def _collatz_steps(n):
    def body(n, steps):
        return tf.cond(n % 2 == 0, lambda: n // 2, lambda: 3 * n + 1), steps + 1

    return tf.while_loop(lambda n, steps: n > 1, body, (n, tf.constant(0)))[1]


def test_while_loop_eager_and_traced_agree():
    f = tf.function(_collatz_steps)
    for n in (6, 7, 27, 1):
        assert int(f(tf.constant(n))) == int(_collatz_steps(tf.constant(n)))
    assert int(f(tf.constant(27))) == 111
    assert f.experimental_get_tracing_count() == 1
    assert "while_loop(" in str(f.get_concrete_function(tf.constant(3)).graph)


def test_while_loop_with_variables_indexing_and_maximum_iterations():
    acc = tf.Variable(0.0)

    @tf.function
    def f(x):
        def body(i):
            acc.assign_add(x[i])
            return i + 1

        return tf.while_loop(lambda i: i < tf.shape(x)[0], body, [tf.constant(0)], maximum_iterations=3)

    (i,) = f(tf.constant([1.0, 2.0, 4.0, 8.0]))
    assert int(i) == 3 and float(acc) == 7.0
    (i,) = f(tf.constant([1.0, 1.0, 1.0, 1.0]))
    assert int(i) == 3 and float(acc) == 10.0
    eager = tf.while_loop(lambda i, s: i < 4, lambda i, s: (i + 1, s * 2.0), (0, tf.constant(1.0)))
    assert int(eager[0]) == 4 and float(eager[1]) == 16.0


def test_while_loop_variables_must_keep_their_shape():
    f = tf.function(
        lambda x: tf.while_loop(lambda v: tf.reduce_sum(v) < 10, lambda v: tf.concat([v, v], 0), [x])
    )
    with pytest.raises(ValueError, match="shape"):
        f(tf.ones((2,)))


def test_case_eager_and_traced():
    def sign(x):
        return tf.case(
            [(x < 0, lambda: tf.constant(-1)), (x > 0, lambda: tf.constant(1))],
            default=lambda: tf.constant(0),
        )

    f = tf.function(sign)
    for value in (-3.0, 0.0, 5.0):
        assert int(f(tf.constant(value))) == int(sign(tf.constant(value))) == int(np.sign(value))
    assert f.experimental_get_tracing_count() == 1
    with pytest.raises(ValueError, match="exclusive"):
        tf.case(
            [(tf.constant(True), lambda: 1), (tf.constant(True), lambda: 2)],
            default=lambda: 0,
            exclusive=True,
        )


def test_gradient_through_a_traced_while_loop_reading_a_variable():
    # the loop reads x inside its body: traced, the gradient is the eager one, never None
    x = tf.Variable(2.0)

    def f():
        with tf.GradientTape() as tape:
            _, y = tf.while_loop(
                lambda i, y: i < 3, lambda i, y: (i + 1, y * x), (tf.constant(0), tf.constant(1.0))
            )
        return tape.gradient(y, x)

    assert float(f()) == pytest.approx(12.0)  # 3 x^2
    assert float(tf.function(f)()) == pytest.approx(12.0)


def test_fit_stays_traced_for_a_loop_over_weights():
    class Power(tf.keras.layers.Layer):
        def build(self, shape):
            self.w = self.add_weight(shape=(), initializer="ones")

        def call(self, x):
            _, y = tf.while_loop(lambda i, y: i < 2, lambda i, y: (i + 1, y * self.w), (tf.constant(0), x))
            return y

    model = tf.keras.Sequential([tf.keras.Input((1,)), Power()])
    model.compile(tf.keras.optimizers.SGD(0.01), "mse")
    x = np.ones((8, 1), np.float32)
    model.fit(x, 4.0 * x, epochs=3, verbose=0)
    assert model._traced is True
    assert float(model.layers[0].w.numpy()) > 1.0  # it trained: w^2 moves towards 4
