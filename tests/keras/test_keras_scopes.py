"""``keras.name_scope``, ``StatelessScope``, ``SymbolicScope``, ``RematScope``/``remat`` (Keras 3.15)."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras import scopes
from tensorflux.keras.scopes import RematScope, StatelessScope, SymbolicScope, name_scope, remat


def test_name_scope_paths_dedup_and_override():
    assert scopes.current_path() == ""
    owner = object()
    with name_scope("a", caller=owner) as outer:
        assert (outer.name, outer.caller) == ("a", owner)
        with name_scope("a", caller=owner):  # same caller and name: not nested again
            assert scopes.current_path() == "a"
            with name_scope("b"):
                assert scopes.current_path() == "a/b"
                with name_scope("c", override_parent="/x/y"):
                    assert scopes.current_path() == "x/y/c"
        assert scopes.current_path() == "a"
    assert scopes.current_path() == ""
    with pytest.raises(ValueError, match="cannot contain character `/`"):
        name_scope("a/b")


def test_stateless_scope_reads_given_values_and_collects_updates():
    w = tf.Variable([1.0, 2.0], name="w")
    step = tf.Variable(0, name="step")
    untouched = tf.Variable(5.0)
    with StatelessScope([(w, np.array([10.0, 20.0]))]) as scope:
        np.testing.assert_array_equal(w.numpy(), [10.0, 20.0])
        np.testing.assert_array_equal((w * 2.0).numpy(), [20.0, 40.0])
        w.assign_sub([1.0, 1.0])
        step.assign_add(1)
        np.testing.assert_array_equal(scope.get_current_value(w).numpy(), [9.0, 19.0])
        assert scope.get_current_value(untouched) is None
    # nothing changed outside, the updates are in the scope
    np.testing.assert_array_equal(w.numpy(), [1.0, 2.0])
    assert int(step.numpy()) == 0
    np.testing.assert_array_equal(scope.get_current_value(w).numpy(), [9.0, 19.0])
    assert int(scope.get_current_value(step).numpy()) == 1
    assert scope.get_current_value(untouched) is None
    assert scope.get_current_value(w).dtype == w.dtype  # values are cast to the variable's dtype


def test_stateless_scope_runs_a_layer_with_other_weights():
    layer = tf.keras.layers.Dense(2, use_bias=False, kernel_initializer="ones")
    x = np.ones((1, 3), "float32")
    ref = layer(x).numpy()
    kernel = np.arange(6, dtype="float32").reshape(3, 2)
    with StatelessScope([(layer.kernel, kernel)]):
        np.testing.assert_allclose(layer(x).numpy(), x @ kernel)
    np.testing.assert_allclose(layer(x).numpy(), ref)


def test_stateless_scope_optimizer_step_is_collected():
    v = tf.Variable([1.0, -1.0])
    opt = tf.keras.optimizers.SGD(learning_rate=0.5)
    opt.build([v])
    with StatelessScope() as scope:
        opt.apply_gradients([(tf.constant([2.0, 2.0]), v)])
    np.testing.assert_array_equal(v.numpy(), [1.0, -1.0])
    np.testing.assert_allclose(scope.get_current_value(v).numpy(), [0.0, -2.0])


def test_stateless_scope_nested_and_add_update():
    v = tf.Variable(1.0)
    with StatelessScope([(v, 2.0)]) as outer:
        with StatelessScope() as inner:
            inner.add_update((v, 7.0))
            assert float(v.numpy()) == 7.0
        assert float(v.numpy()) == 2.0 and float(inner.get_current_value(v).numpy()) == 7.0
        assert scopes.get_stateless_scope() is outer
    assert float(v.numpy()) == 1.0 and not scopes.in_stateless_scope()


def test_stateless_scope_errors():
    v = tf.Variable([1.0, 2.0])
    with pytest.raises(ValueError, match="must be Variable instances"):
        StatelessScope([(np.zeros(2), 1.0)])
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        StatelessScope([(v, [1.0, 2.0, 3.0])])


def test_symbolic_scope_is_recorded():
    assert not scopes.in_symbolic_scope()
    with SymbolicScope() as s:
        assert scopes.in_symbolic_scope() and scopes.get_symbolic_scope() is s
    assert scopes.get_symbolic_scope() is None


def test_remat_scope_and_remat():
    assert scopes.get_current_remat_mode() is None
    with RematScope(mode="larger_than", output_size_threshold=10):
        mode = scopes.get_current_remat_mode()
        assert (mode.mode, mode.output_size_threshold, mode.layer_names) == ("larger_than", 10, [])
        with RematScope(mode=None):
            assert scopes.get_current_remat_mode().mode is None
    assert scopes.get_current_remat_mode() is None
    with pytest.raises(ValueError, match="Invalid mode 'partial'"):
        RematScope(mode="partial")

    def f(x):
        return tf.sin(x) * x

    g = remat(f)
    assert g is f
    x = tf.constant(0.7)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = g(x)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), np.cos(0.7) * 0.7 + np.sin(0.7), rtol=1e-6)
    with pytest.raises(TypeError, match="callable"):
        remat(3)
