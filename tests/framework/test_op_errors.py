"""Bad input raises errors that name the op, the shapes or dtypes, and the fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import tensorflux as tf


def test_matmul_shape_mismatch_names_op_and_both_shapes():
    a, b = tf.ones((2, 3)), tf.ones((2, 3))
    for call in (lambda: tf.matmul(a, b), lambda: a @ b):
        with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(2, 3\)"):
            call()
    with pytest.raises(ValueError, match=r"matmul.*\(4, 2, 3\).*\(5, 3, 2\)"):
        tf.ones((4, 2, 3)) @ tf.ones((5, 3, 2))
    with pytest.raises(ValueError, match=r"matmul.*rank"):
        tf.matmul(tf.ones((3,)), tf.ones((3, 2)))


@pytest.mark.parametrize(
    "op", [lambda x, y: x + y, lambda x, y: x * y, tf.maximum, tf.math.squared_difference]
)
def test_broadcast_mismatch_names_op_and_both_shapes(op):
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(4, 3\).*broadcast"):
        op(tf.ones((2, 3)), tf.ones((4, 3)))


def test_broadcast_mismatch_message_names_the_op():
    with pytest.raises(ValueError, match=r"^add: incompatible shapes \(2, 3\) and \(4, 3\)"):
        tf.ones((2, 3)) + tf.ones((4, 3))


def test_mixed_dtypes_raise_type_error():
    with pytest.raises(TypeError, match=r"add.*float32.*int32.*tf\.cast"):
        tf.constant([1.0, 2.0]) + tf.constant([1, 2])
    with pytest.raises(TypeError, match=r"multiply.*float32.*float64"):
        tf.constant([1.0]) * tf.constant([1.0], dtype=tf.float64)
    with pytest.raises(TypeError, match=r"Python float 1.5.*int32"):
        tf.constant([1, 2]) + 1.5
    with pytest.raises(TypeError, match="dtype"):
        tf.concat([tf.ones((2,)), tf.zeros((2,), tf.int32)], 0)
    with pytest.raises(TypeError, match="where"):
        tf.where(tf.constant([True]), tf.constant([1.0]), tf.constant([1]))


def test_indexing_out_of_range_raises_index_error():
    x = tf.ones((2, 3))
    with pytest.raises(IndexError, match=r"shape \(2, 3\).*index 5 is out of bounds for axis 0"):
        x[5]
    with pytest.raises(IndexError, match="axis 1"):
        x[:, -4]
    with pytest.raises(IndexError):
        x[[0, 2]]
    with pytest.raises(IndexError, match=r"gather.*\[0, 2\)"):
        tf.gather(x, [0, 3])
    with pytest.raises(IndexError):
        x[0, 0, 0]


def test_reshape_and_other_shape_errors_name_the_op():
    with pytest.raises(ValueError, match=r"reshape.*\(2, 3\)"):
        tf.reshape(tf.ones((2, 3)), (4, 2))
    with pytest.raises(ValueError, match="squeeze"):
        tf.squeeze(tf.ones((2, 3)), axis=0)
    with pytest.raises(ValueError, match="expand_dims"):
        tf.expand_dims(tf.ones((2,)), 3)
    with pytest.raises(ValueError, match="boolean_mask"):
        tf.boolean_mask(tf.ones((2, 3)), tf.constant([True, False, True]))


def test_gather_needs_integer_indices():
    with pytest.raises(TypeError, match="integers"):
        tf.gather(tf.ones((3,)), tf.constant([0.0, 1.0]))


def test_integer_power_of_negative_exponent():
    with pytest.raises(ValueError, match=r"^power: Integers to negative"):
        tf.constant(2) ** -1


def test_output_gradient_count_must_match():
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * 2.0
    with pytest.raises(ValueError, match="output_gradients"):
        tape.gradient([y, y], x, output_gradients=[tf.constant(1.0)])


def test_bad_unconnected_gradients_value():
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * 2.0
    with pytest.raises(ValueError, match="unconnected_gradients"):
        tape.gradient(y, x, unconnected_gradients="zeros")


def test_unknown_backend_is_rejected_at_import():
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "TENSORFLUX_BACKEND": "jax", "PYTHONPATH": str(root)}
    r = subprocess.run(
        [sys.executable, "-c", "import tensorflux"], env=env, capture_output=True, text=True, cwd=root
    )
    assert r.returncode != 0 and "TENSORFLUX_BACKEND='jax' is not a known backend" in r.stderr
