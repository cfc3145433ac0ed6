"""Every gradient rule against central differences in float64 (relative error <= 1e-6)."""

from __future__ import annotations

import numpy as np
import pytest
from gradient_cases import CASES, X23, X234, distinct, rand

import tensorflux as tf
from tensorflux.framework import primitives as P
from tensorflux.testing import check_gradients


def _flat(cases):
    return [
        pytest.param(fn, xs, id=f"{name}-{i}")
        for name, group in cases.items()
        for i, (fn, xs) in enumerate(group)
    ]


@pytest.mark.parametrize("fn, inputs", _flat(CASES))
def test_primitive_gradient(fn, inputs):
    check_gradients(fn, inputs)


def test_every_differentiable_primitive_has_a_gradient_case():
    """Fails when a primitive of framework/primitives.py gains a rule without a case in gradient_cases.py."""
    ours = {v.name for v in vars(P).values() if isinstance(v, P.Primitive) and v.vjp is not None}
    missing = sorted(ours - set(CASES))
    assert not missing, f"primitives with a gradient rule but no gradient test case: {missing}"
    unknown = sorted(set(CASES) - set(P.REGISTRY))
    assert not unknown, f"gradient cases for primitives that do not exist: {unknown}"
    for name, group in CASES.items():
        assert group, f"{name}: empty list of cases"


# Composite ops: not primitives of their own, but public ops whose gradient users rely on.
COMPOSITES = {
    "tensordot_int": (lambda a, b: tf.tensordot(a, b, axes=1), [X23, rand(3, 4, seed=1)]),
    "tensordot_pairs": (
        lambda a, b: tf.tensordot(a, b, axes=[[0, 2], [1, 0]]),
        [X234, rand(4, 2, 3, seed=1)],
    ),
    "tensordot_zero": (lambda a, b: tf.tensordot(a, b, axes=0), [rand(2), rand(3, seed=1)]),
    "norm_euclidean": (tf.norm, [X234]),
    "norm_axis": (lambda x: tf.norm(x, axis=-1), [X234]),
    "norm_keepdims": (lambda x: tf.norm(x, axis=(0, 1), keepdims=True), [X234]),
    "norm_1": (lambda x: tf.norm(x, ord=1, axis=1), [np.array([[0.5, -1.2, 0.3], [-0.7, 0.9, 1.1]])]),
    "norm_inf": (lambda x: tf.norm(x, ord=np.inf, axis=1), [distinct(2, 3)]),
    "norm_3": (lambda x: tf.norm(x, ord=3), [np.array([[0.5, -1.2, 0.3], [-0.7, 0.9, 1.1]])]),
    "reduce_variance": (lambda x: tf.math.reduce_variance(x, axis=1), [X234]),
    "reduce_std": (lambda x: tf.math.reduce_std(x, axis=[0, 2], keepdims=True), [X234]),
    "reduce_euclidean_norm": (lambda x: tf.math.reduce_euclidean_norm(x, axis=0), [X23]),
    "squared_difference": (tf.math.squared_difference, [X23, rand(3, seed=1)]),
    "log_sigmoid": (tf.math.log_sigmoid, [rand(2, 3, lo=-4, hi=4)]),
    "xlogy": (tf.math.xlogy, [X23, rand(2, 3, lo=0.5, hi=2.0, seed=1)]),
    "divide_no_nan": (tf.math.divide_no_nan, [X23, rand(2, 3, lo=0.5, hi=2.0, seed=1)]),
    "l2_normalize": (lambda x: tf.math.l2_normalize(x, axis=1), [X23]),
    "clip_by_value": (
        lambda x: tf.clip_by_value(x, -0.5, 0.5),
        [np.array([[-0.9, -0.2, 0.3], [0.7, 0.1, -0.6]])],
    ),
    "clip_by_norm": (lambda x: tf.clip_by_norm(x, 0.5), [X23]),
    "clip_by_global_norm": (lambda x, y: tf.clip_by_global_norm([x, y], 0.5)[0][1], [X23, rand(3, seed=1)]),
    "split": (lambda x: tf.split(x, [1, 2], axis=1)[1] * 2.0, [X23]),
    "unstack": (lambda x: tf.unstack(x, axis=1)[2], [X234]),
    "expand_dims_squeeze": (lambda x: tf.squeeze(tf.expand_dims(x, 1), axis=1), [X23]),
    "matvec": (tf.linalg.matvec, [X23, rand(3, seed=1)]),
    "add_n": (lambda x, y: tf.add_n([x, y, x]), [X23, rand(2, 3, seed=1)]),
    "meshgrid": (lambda x, y: tf.meshgrid(x, y)[0] * tf.meshgrid(x, y)[1], [rand(3), rand(2, seed=1)]),
    "multiply_no_nan": (tf.math.multiply_no_nan, [X23, rand(2, 3, seed=1)]),
}


@pytest.mark.parametrize("name", sorted(COMPOSITES))
def test_composite_gradient(name):
    fn, inputs = COMPOSITES[name]
    check_gradients(fn, inputs)


def test_check_gradients_catches_a_wrong_rule():
    """The checker itself must fail on a wrong gradient (a custom gradient that is off by 2x)."""

    @tf.custom_gradient
    def wrong_square(x):
        return x * x, lambda dy: dy * x  # the true gradient is 2 * x * dy

    with pytest.raises(AssertionError, match="gradient mismatch"):
        check_gradients(wrong_square, [X23])


def test_gradient_is_summed_over_broadcast_dimensions():
    x = tf.constant([[1.0], [2.0]])  # (2, 1) against (2, 3)
    y = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = x * y
    g = tape.gradient(z, x)
    assert g.shape == (2, 1)
    np.testing.assert_allclose(g.numpy(), [[6.0], [15.0]])


def test_cast_gradient_returns_to_the_input_dtype():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.cast(x, tf.float64) * 3.0
    g = tape.gradient(y, x)
    assert g.dtype == tf.float32
    np.testing.assert_allclose(g.numpy(), [3.0, 3.0])


def test_relu_gradient_is_zero_at_zero_and_finite_at_inf():
    x = tf.constant([-1.0, 0.0, 2.0, np.inf])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.relu(x)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [0.0, 0.0, 1.0, 1.0])


def test_reduce_max_ties_share_the_gradient():
    x = tf.constant([1.0, 3.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_max(x)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [0.0, 0.5, 0.5])


def test_non_differentiable_ops_give_none():
    x = tf.constant([1.2, -0.7, 2.5])
    for op in (tf.floor, tf.round, lambda v: tf.cast(tf.argmax(v), tf.float32), tf.stop_gradient):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = op(x)
        assert tape.gradient(y, x) is None
