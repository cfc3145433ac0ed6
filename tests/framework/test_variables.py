"""tf.Variable: creation, assignment, use in ops and tapes."""

from __future__ import annotations

import numpy as np
import pytest

import tensorflux as tf


def test_creation():
    v = tf.Variable([1.0, 2.0])
    assert isinstance(v, tf.Tensor) and v.dtype == tf.float32 and v.shape == (2,)
    assert v.trainable and v.name == "Variable:0"
    assert tf.Variable(1).dtype == tf.int32
    assert tf.Variable(0.1, dtype=tf.float64).numpy() == 0.1
    assert tf.Variable(lambda: tf.ones((2, 2)), name="w").name == "w:0"
    assert not tf.Variable(1.0, trainable=False).trainable
    a = np.ones(3, np.float32)
    v = tf.Variable(a)
    a[0] = 5.0  # the variable owns a copy
    assert v.numpy().tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="initial_value"):
        tf.Variable()


def test_assign_add_sub():
    v = tf.Variable([1.0, 2.0])
    snapshot = v.value()
    assert v.assign([3.0, 4.0]) is v
    assert v.numpy().tolist() == [3.0, 4.0]
    v.assign_add([1.0, 1.0])
    assert v.numpy().tolist() == [4.0, 5.0]
    v.assign_sub(tf.constant([0.5, 0.5]))
    assert v.numpy().tolist() == [3.5, 4.5]
    assert v.assign(0.0, read_value=False) is None
    assert v.numpy().tolist() == [0.0, 0.0]
    # tensors read before the updates keep their values
    assert snapshot.numpy().tolist() == [1.0, 2.0]
    with pytest.raises(ValueError, match="shape"):
        v.assign([1.0, 2.0, 3.0])


def test_assign_keeps_the_dtype():
    v = tf.Variable([1.0, 2.0])
    v.assign(np.array([3.0, 4.0]))  # float64 array into a float32 variable
    assert v.dtype == tf.float32
    i = tf.Variable([1, 2])
    i.assign_add([1, 1])
    assert i.dtype == tf.int32 and i.numpy().tolist() == [2, 3]


def test_numpy_returns_a_copy():
    v = tf.Variable([1.0, 2.0])
    a = v.numpy()
    a[0] = 10.0
    assert v.numpy().tolist() == [1.0, 2.0]


def test_variables_in_ops():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    for out in (v + 1.0, 1.0 + v, v * v, tf.matmul(v, v), tf.reduce_sum(v), v[0], tf.nn.relu(v), -v):
        assert type(out) is tf.Tensor
    np.testing.assert_allclose((v @ v).numpy(), np.array([[7.0, 10.0], [15.0, 22.0]]))
    np.testing.assert_allclose(np.asarray(v), [[1.0, 2.0], [3.0, 4.0]])
    assert float(v[1, 1]) == 4.0
    assert tf.convert_to_tensor(v).dtype == tf.float32 and type(tf.convert_to_tensor(v)) is tf.Tensor


def test_variables_are_hashable_and_compare_elementwise():
    v, w = tf.Variable(1.0), tf.Variable(1.0)
    assert len({v, w}) == 2
    assert bool(v == w)


def test_gradient_through_assigned_variable():
    v = tf.Variable(3.0)
    v.assign(2.0)
    with tf.GradientTape() as tape:
        y = v * v * v
    assert float(tape.gradient(y, v)) == 12.0
