"""Each graph pass changes the graph as intended and leaves its results unchanged."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.framework import primitives as P
from tensorflux.framework.passes import algebraic, buffer_reuse, constant_folding, cse, dce, fusion, optimize


def _raw(f, *args):
    """A fresh copy of ``f``'s graph as traced, before any pass."""
    return tf.function(f).get_concrete_function(*args).raw_graph.copy()


def _names(g):
    return [n.name for n in g.nodes]


def _same_results(before, after, *arrays):
    a = before.copy().run(*arrays)
    b = after.run(*arrays)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))


X = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")


def test_dce_removes_unused_work_and_keeps_effects():
    v = tf.Variable(0.0)

    def f(x):
        _unused = tf.exp(x) * 2.0
        v.assign_add(1.0)  # an effect nobody reads: kept
        return x + 1.0

    g = _raw(f, tf.constant(X))
    before = g.copy()
    removed = dce.run(g)
    assert removed == 2  # exp and the multiply
    assert "exp" not in _names(g) and "assign_variable" in _names(g)
    _same_results(before, g, X)
    assert dce.run(g) == 0


def test_cse_merges_equal_pure_nodes_but_not_random_draws():
    def f(x):
        return tf.exp(x) + tf.exp(x) + tf.random.normal((3, 4)) + tf.random.normal((3, 4))

    g = _raw(f, tf.constant(X))
    assert _names(g).count("exp") == 2
    merged = cse.run(g)
    assert merged >= 1
    assert _names(g).count("exp") == 1
    assert _names(g).count("random_draw") == 2
    h = _raw(lambda x: tf.exp(x) * tf.exp(x) + 1.0, tf.constant(X))
    before = h.copy()
    cse.run(h)
    _same_results(before, h, X)


def test_cse_merges_equal_small_constants():
    g = _raw(lambda x: x * 2.0 + x * 2.0, tf.constant(X))
    assert len(g.constants) == 2
    cse.run(g)
    assert len(g.constants) == 1 and _names(g) == ["multiply", "add"]


def test_constant_folding_evaluates_constant_subgraphs_once():
    def f(x):
        scale = tf.sqrt(tf.constant(4.0)) + 1.0  # depends on nothing the call passes
        return x * scale

    g = _raw(f, tf.constant(X))
    before = g.copy()
    assert _names(g) == ["sqrt", "add", "multiply"]
    assert constant_folding.run(g) == 2
    assert _names(g) == ["multiply"]
    assert any(np.asarray(c).tolist() == 3.0 for c in g.constants.values())
    _same_results(before, g, X)


def test_constant_folding_leaves_variables_and_random_draws_alone():
    v = tf.Variable(2.0)
    g = _raw(lambda x: x * (v + 1.0) + tf.random.uniform(()), tf.constant(X))
    n = len(g.nodes)
    constant_folding.run(g)
    assert len(g.nodes) == n


@pytest.mark.parametrize(
    "f",
    [
        lambda x: x * 1.0,
        lambda x: 1.0 * x,
        lambda x: x + 0.0,
        lambda x: 0.0 + x,
        lambda x: x - 0.0,
        lambda x: x / 1.0,
        lambda x: tf.identity(x),
        lambda x: tf.stop_gradient(x),
        lambda x: P.unary(P.cast, x, dtype=np.dtype("float32")),  # tf.cast itself skips a no-op cast
        lambda x: tf.transpose(tf.transpose(x)),
        lambda x: tf.reshape(tf.reshape(x, (12,)), (3, 4)),
    ],
)
def test_algebraic_removes_operations_that_change_nothing(f):
    g = _raw(f, tf.constant(X))
    before = g.copy()
    assert algebraic.run(g) >= 1
    dce.run(g)
    assert g.nodes == [] and g.outputs == g.inputs
    _same_results(before, g, X)


def test_algebraic_merges_transposes_and_reshapes_and_keeps_broadcasts():
    g = _raw(lambda x: tf.transpose(tf.transpose(x[None], (1, 0, 2)), (0, 2, 1)), tf.constant(X))
    before = g.copy()
    algebraic.run(g)
    dce.run(g)
    assert _names(g).count("transpose") == 1
    _same_results(before, g, X)
    g = _raw(lambda x: tf.reshape(tf.reshape(x, (2, 6)), (6, 2)), tf.constant(X))
    before = g.copy()
    algebraic.run(g)
    dce.run(g)
    assert _names(g) == ["reshape"] and g.nodes[0].inputs == g.inputs
    _same_results(before, g, X)
    # x * ones((2, 3, 4)) broadcasts x to a larger shape: not an identity
    g = _raw(lambda x: x * tf.ones((2, 3, 4)), tf.constant(X))
    assert algebraic.run(g) == 0 and _names(g) == ["multiply"]


def test_fusion_runs_an_elementwise_chain_as_one_node():
    def f(x, b):
        return tf.tanh(tf.nn.relu(x + b) * 2.0 - 1.0)

    b = np.linspace(-1, 1, 4).astype("float32")
    g = _raw(f, tf.constant(X), tf.constant(b))
    before = g.copy()
    assert fusion.run(g) == 1
    assert _names(g) == ["fused"]
    assert g.nodes[0].prim.members == ["add", "relu", "multiply", "subtract", "tanh"]
    assert "fused tanh(subtract(multiply(relu(add(%0, %1))" in str(g)
    _same_results(before, g, X, b)


def test_fusion_stops_at_values_used_elsewhere_and_at_shape_changes():
    def f(x, b):
        h = tf.exp(x)  # used twice: stays a value of its own
        return h * 2.0 + h, tf.reduce_sum(x + 1.0, axis=0) * 3.0

    g = _raw(f, tf.constant(X), tf.constant(X[0]))
    before = g.copy()
    fusion.run(g)
    names = _names(g)
    assert "exp" in names and "reduce_sum" in names
    _same_results(before, g, X, X[0])


def test_buffer_reuse_writes_into_dead_intermediates_only():
    v = tf.Variable(np.ones((3, 4), "float32"))

    def f(x):
        a = x @ tf.ones((4, 4))  # a fresh buffer
        b = tf.exp(a)  # may write over a
        c = b * v  # may write over b (v is a variable: never written)
        keep = tf.sqrt(tf.abs(c))  # writes over a temporary
        return c + keep, keep  # keep is an output: never written over

    g = _raw(f, tf.constant(X))
    before = g.copy()
    x = X.copy()
    assert buffer_reuse.run(g) >= 2
    donors = {n.inputs[n.donate] for n in g.nodes if n.donate is not None}
    assert not donors & set(g.inputs)  # the caller's arrays are never written
    assert not donors & set(g.outputs)
    reads = {n.outputs[0] for n in g.nodes if n.name == "read_variable"}
    assert not donors & reads
    _same_results(before, g, x)
    np.testing.assert_array_equal(x, X)  # the input is unchanged
    np.testing.assert_array_equal(v.numpy(), np.ones((3, 4)))


def test_buffer_reuse_respects_views_used_later():
    def f(x):
        a = tf.exp(x)
        view = tf.reshape(a, (12,))  # a view of a's buffer, read after the add below
        b = a + 1.0
        return b, view * 2.0

    g = _raw(f, tf.constant(X))
    before = g.copy()
    buffer_reuse.run(g)
    add = next(n for n in g.nodes if n.name == "add")
    assert add.donate is None
    _same_results(before, g, X)


def test_optimize_runs_every_pass_on_sub_graphs_too():
    def f(x):
        return tf.cond(tf.reduce_sum(x) > 0, lambda: tf.nn.relu(x * 1.0 + 2.0) * 3.0, lambda: tf.identity(x))

    g = _raw(f, tf.constant(X))
    opt = optimize(g)
    cond = next(n for n in opt.nodes if n.name == "cond")
    assert _names(cond.params["true_graph"]) == ["fused"]
    assert _names(cond.params["false_graph"]) == []
    for x in (X, -np.abs(X)):
        _same_results(g, opt, x)
