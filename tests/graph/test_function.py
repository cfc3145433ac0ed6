"""tf.function: tracing, retracing per signature, replay semantics, gradients, errors, printing."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.framework.tracing import OperatorNotAllowedInGraphError


def test_results_equal_eager_and_later_calls_replay():
    calls = []

    def f(x, y):
        calls.append(1)  # a Python side effect: runs only while tracing
        return tf.nn.relu(x @ y) * 2.0 + tf.reduce_sum(y)

    g = tf.function(f)
    rng = np.random.default_rng(0)
    for _ in range(3):
        x = tf.constant(rng.normal(size=(4, 3)).astype("float32"))
        y = tf.constant(rng.normal(size=(3, 5)).astype("float32"))
        np.testing.assert_allclose(g(x, y).numpy(), f(x, y).numpy(), rtol=1e-6, atol=1e-6)
    assert g.experimental_get_tracing_count() == 1
    assert len(calls) == 3 + 1  # three eager calls of f, one trace


def test_retraces_per_shape_dtype_and_python_value():
    f = tf.function(lambda x, scale: x * scale)
    f(tf.ones((2,)), 2.0)
    f(tf.ones((2,)) * 5, 2.0)
    assert f.experimental_get_tracing_count() == 1
    f(tf.ones((3,)), 2.0)  # new shape
    f(tf.ones((3,), dtype="float64"), 2.0)  # new dtype
    assert f.experimental_get_tracing_count() == 3
    out = f(tf.ones((3,)), 4.0)  # new Python value: traced again, not frozen
    assert f.experimental_get_tracing_count() == 4
    np.testing.assert_array_equal(out.numpy(), [4.0, 4.0, 4.0])
    np.testing.assert_array_equal(
        f(np.full((3,), 2.0, "float32"), 4.0).numpy(), [8.0] * 3
    )  # arrays count as tensors
    assert f.experimental_get_tracing_count() == 4


def test_variables_are_captured_by_reference_and_assignments_replay():
    v = tf.Variable([1.0, 2.0])
    counter = tf.Variable(0, dtype="int64")

    @tf.function
    def step(x):
        counter.assign_add(1)
        v.assign(v * x)
        return v + 0.0

    np.testing.assert_array_equal(step(tf.constant(2.0)).numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(step(tf.constant(3.0)).numpy(), [6.0, 12.0])
    v.assign([1.0, 1.0])  # changed outside: the graph reads the new value
    np.testing.assert_array_equal(step(tf.constant(5.0)).numpy(), [5.0, 5.0])
    assert int(counter) == 3
    assert step.experimental_get_tracing_count() == 1


def test_random_draws_are_not_frozen_and_follow_the_eager_sequence():
    def f(x):
        return tf.nn.dropout(x, 0.5) + tf.random.normal((4,))

    x = tf.ones((4,))
    tf.random.set_seed(3)
    eager = [f(x).numpy() for _ in range(3)]
    g = tf.function(f)
    tf.random.set_seed(3)
    traced = [g(x).numpy() for _ in range(3)]
    for a, b in zip(eager, traced):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(traced[1], traced[2])


def test_training_step_with_tape_and_optimizer_matches_eager():
    from tensorflux import keras

    rng = np.random.default_rng(1)
    x = rng.normal(size=(48, 6)).astype("float32")
    y = rng.integers(0, 3, 48)

    def run(traced):
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [keras.Input((6,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(3)]
        )
        opt = keras.optimizers.Adam(0.01)
        loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

        def step(xb, yb):
            with tf.GradientTape() as tape:
                loss = loss_fn(yb, model(xb, training=True))
            grads = tape.gradient(loss, model.trainable_weights)
            opt.apply_gradients(zip(grads, model.trainable_weights))
            return loss

        fn = tf.function(step) if traced else step
        losses = [float(fn(x[i : i + 12], y[i : i + 12])) for _ in range(4) for i in range(0, 48, 12)]
        if traced:
            assert fn.experimental_get_tracing_count() == 1
        return model.get_weights() + [v.numpy() for v in opt.variables], losses

    (we, le), (wt, lt) = run(False), run(True)
    np.testing.assert_allclose(lt, le, rtol=1e-6)
    for a, b in zip(we, wt):
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-6)


def test_gradient_of_a_traced_function_under_an_outer_tape():
    w = tf.Variable([1.0, 2.0, 3.0])
    f = tf.function(lambda x: tf.reduce_sum(tf.nn.relu(x * w) ** 2))
    x = tf.constant([1.0, -2.0, 0.5])
    f(x)  # trace outside any tape
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    gx, gw = tape.gradient(y, [x, w])
    # d/dx sum(relu(x w)^2) = 2 relu(x w) w [x w > 0]
    np.testing.assert_allclose(gx.numpy(), [2.0, 0.0, 9.0], rtol=1e-6)
    np.testing.assert_allclose(gw.numpy(), [2.0, 0.0, 1.5], rtol=1e-6)


def test_python_bool_of_a_symbolic_tensor_suggests_cond():
    @tf.function
    def f(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(OperatorNotAllowedInGraphError, match=r"tf\.cond"):
        f(tf.constant(1.0))
    assert isinstance(OperatorNotAllowedInGraphError("x"), TypeError)


@pytest.mark.parametrize(
    "read, message",
    [
        (lambda t: t.numpy(), r"\.numpy\(\)"),
        (float, "Python float"),
        (int, "Python int"),
        (np.asarray, "NumPy"),
    ],
)
def test_reading_a_symbolic_value_in_python_raises(read, message):
    f = tf.function(lambda x: read(x * 2))
    with pytest.raises(OperatorNotAllowedInGraphError, match=message):
        f(tf.constant(1.0))
    v = tf.Variable(2.0)
    g = tf.function(lambda: read(v))
    with pytest.raises(OperatorNotAllowedInGraphError):
        g()
    # a value that does not depend on inputs or variables can be read while tracing
    h = tf.function(lambda x: x * float(tf.constant(3.0) + 1.0))
    assert float(h(tf.constant(2.0))) == 8.0


def test_failed_trace_undoes_its_effects():
    v = tf.Variable(1.0)

    @tf.function
    def f(x):
        v.assign_add(10.0)
        return x.numpy()

    with pytest.raises(OperatorNotAllowedInGraphError):
        f(tf.constant(1.0))
    assert float(v) == 1.0


def test_input_signature_checks_and_converts():
    f = tf.function(lambda x: x * 2, input_signature=[tf.TensorSpec((None, 2), "float32")])
    np.testing.assert_array_equal(f(np.ones((3, 2))).numpy(), np.full((3, 2), 2.0, "float32"))
    assert f(np.ones((3, 2))).dtype == tf.float32
    with pytest.raises(ValueError, match="not compatible"):
        f(tf.ones((3, 3)))
    cf = f.get_concrete_function()
    assert "float32[1,2]" in str(cf.graph)


def test_get_concrete_function_traces_without_running():
    v = tf.Variable(0.0)

    @tf.function
    def f(x):
        v.assign_add(1.0)
        return tf.reduce_sum(tf.exp(x)) + v

    cf = f.get_concrete_function(tf.TensorSpec((2, 3), tf.float32))
    assert float(v) == 0.0  # tracing alone changes no state
    text = str(cf.graph)
    for piece in (
        "graph f(%0: float32[2,3])",
        "exp",
        "reduce_sum",
        "assign_variable 'Variable'",
        "float32[]",
    ):
        assert piece in text, text
    assert float(f(tf.ones((2, 3)))) == pytest.approx(6 * np.e + 1.0)
    assert f.experimental_get_tracing_count() == 1  # the call reused the concrete function


def test_graph_printing_lists_ops_inputs_shapes_and_dtypes():
    f = tf.function(lambda x, i: tf.cast(tf.reduce_max(x, axis=1), "int32") + i)
    cf = f.get_concrete_function(tf.ones((4, 3)), tf.constant(1))
    lines = str(cf.graph).splitlines()
    assert lines[0] == "graph <lambda>(%0: float32[4,3], %1: int32[]) -> (%4: int32[4]):"
    assert "  %2: float32[4] = reduce_max(%0; axis=1, keepdims=False)" in lines
    assert "  %3: int32[4] = cast(%2; dtype=int32)" in lines
    assert "  %4: int32[4] = add(%3, %1)  # writes into %3" in lines  # buffer reuse shows


def test_methods_nested_functions_and_structures():
    class Scaler:
        def __init__(self, s):
            self.s = tf.Variable(s)

        @tf.function
        def __call__(self, x):
            return {"scaled": x * self.s, "parts": [x, x + 1.0]}

    a, b = Scaler(2.0), Scaler(3.0)
    out = a(tf.constant([1.0]))
    assert sorted(out) == ["parts", "scaled"]
    assert float(out["scaled"][0]) == 2.0 and float(out["parts"][1][0]) == 2.0
    assert float(b(tf.constant([1.0]))["scaled"][0]) == 3.0  # another instance, its own variable

    inner = tf.function(lambda x: x * 3.0)
    outer = tf.function(lambda x: inner(x) + 1.0)  # inlined while tracing the outer function
    assert float(outer(tf.constant(2.0))) == 7.0
    assert inner.experimental_get_tracing_count() == 0


def test_symbolic_integer_index_reads_the_value_when_run():
    f = tf.function(lambda x, i: x[i] * 2.0)
    x = tf.constant([1.0, 2.0, 3.0])
    assert float(f(x, tf.constant(0))) == 2.0
    assert float(f(x, tf.constant(2))) == 6.0
    assert f.experimental_get_tracing_count() == 1


def test_run_functions_eagerly_and_replay_errors_name_the_node():
    f = tf.function(lambda x: x + 1.0)
    tf.config.run_functions_eagerly(True)
    try:
        assert float(f(tf.constant(1.0))) == 2.0
        assert f.experimental_get_tracing_count() == 0
    finally:
        tf.config.run_functions_eagerly(False)
    g = tf.function(lambda x, idx: tf.gather(x, idx))
    g(tf.constant([1.0, 2.0]), tf.constant([1]))
    with pytest.raises(Exception, match="gather"):
        g(tf.constant([1.0, 2.0]), tf.constant([5]))


def test_a_view_of_a_traced_value_made_outside_the_ops_is_refused():
    # NumPy on ``_value`` escapes the tracer; a view of traced memory is caught instead of frozen
    f = tf.function(lambda x: tf.Tensor(x._value.T) * 2.0)
    with pytest.raises(OperatorNotAllowedInGraphError, match="tensor ops"):
        f(tf.ones((2, 3)))
