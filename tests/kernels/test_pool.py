"""Pooling: golden values (PyTorch/TensorFlow), finite differences, ties and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from _kernel_goldens import cases, check_golden

import tensorflux as tf
from tensorflux.testing import check_gradients

POOL = cases("pool.npz")
_OPS = {
    "max_pool1d": tf.nn.max_pool1d,
    "max_pool2d": tf.nn.max_pool2d,
    "avg_pool1d": tf.nn.avg_pool1d,
    "avg_pool2d": tf.nn.avg_pool2d,
}


@pytest.mark.parametrize("case", list(POOL))
def test_pool_matches_golden(case):
    data = POOL[case]
    p = data["params"]
    f = _OPS[p["op"]]
    check_golden(lambda x: f(x, p["ksize"], p["strides"], p["padding"]), data, ["x"], ["x"])


rng = np.random.default_rng(1)


@pytest.mark.parametrize(
    "op,ksize,strides,padding",
    [
        (tf.nn.max_pool2d, 2, 2, "VALID"),
        (tf.nn.max_pool2d, 3, 2, "SAME"),
        (tf.nn.max_pool2d, [2, 3], [1, 2], "VALID"),
        (tf.nn.avg_pool2d, 2, 2, "VALID"),
        (tf.nn.avg_pool2d, 3, 2, "SAME"),
        (tf.nn.avg_pool2d, 3, 1, "SAME"),
    ],
)
def test_pool2d_finite_differences(op, ksize, strides, padding):
    # distinct values, so the max is unique and differentiable
    x = rng.permutation(2 * 5 * 6 * 2).reshape(2, 5, 6, 2) * 0.1
    check_gradients(lambda x: op(x, ksize, strides, padding), [x])


def test_pool1d_3d_and_nchw_finite_differences():
    x1 = rng.permutation(2 * 7 * 3).reshape(2, 7, 3) * 0.1
    check_gradients(lambda x: tf.nn.max_pool1d(x, 3, 2, "SAME"), [x1])
    check_gradients(lambda x: tf.nn.avg_pool1d(x, 2, 1, "VALID"), [x1])
    x3 = rng.permutation(1 * 4 * 4 * 4 * 2).reshape(1, 4, 4, 4, 2) * 0.1
    check_gradients(lambda x: tf.nn.max_pool3d(x, 2, 2, "VALID"), [x3])
    check_gradients(lambda x: tf.nn.avg_pool3d(x, 2, 1, "SAME"), [x3])
    xc = rng.permutation(2 * 3 * 4 * 4).reshape(2, 3, 4, 4) * 0.1
    check_gradients(lambda x: tf.nn.max_pool2d(x, 2, 2, "VALID", data_format="NCHW"), [xc])


def test_max_pool_ties_route_to_first():
    x = tf.constant(np.zeros((1, 4, 4, 1), np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.max_pool2d(x, 2, 2, "VALID")
    g = tape.gradient(y, x).numpy()[0, :, :, 0]
    expect = np.zeros((4, 4))
    expect[::2, ::2] = 1.0
    np.testing.assert_array_equal(g, expect)
    # overlapping windows: each window still gives its whole gradient to one input
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.max_pool2d(x, 3, 1, "VALID")
    g = tape.gradient(y, x).numpy()[0, :, :, 0]
    assert g.sum() == 4.0 and g[0, 0] == 1.0 and g[0, 1] == 1.0 and g[1, 1] == 1.0


def test_generic_max_pool_and_values():
    x = tf.reshape(tf.range(16.0), (1, 4, 4, 1))
    np.testing.assert_array_equal(tf.nn.max_pool(x, 2, 2, "VALID").numpy().ravel(), [5, 7, 13, 15])
    np.testing.assert_array_equal(tf.nn.avg_pool(x, 2, 2, "VALID").numpy().ravel(), [2.5, 4.5, 10.5, 12.5])
    # SAME average counts only real inputs: the corner window of 3x3/s1 holds 4 values
    np.testing.assert_allclose(tf.nn.avg_pool2d(x, 3, 1, "SAME").numpy()[0, 0, 0, 0], (0 + 1 + 4 + 5) / 4)


def test_global_pooling_is_a_reduction():
    x = rng.standard_normal((2, 3, 3, 4)).astype(np.float32)
    np.testing.assert_allclose(
        tf.reduce_mean(x, axis=[1, 2]).numpy(), tf.nn.avg_pool2d(x, 3, 3, "VALID").numpy()[:, 0, 0]
    )
    np.testing.assert_allclose(
        tf.reduce_max(x, axis=[1, 2]).numpy(), tf.nn.max_pool2d(x, 3, 3, "VALID").numpy()[:, 0, 0]
    )


def test_bad_input_errors():
    x = tf.ones((1, 4, 4, 2))
    with pytest.raises(ValueError, match=r"max_pool2d: the input must have rank 4.*\(4, 4, 2\)"):
        tf.nn.max_pool2d(tf.ones((4, 4, 2)), 2, 2, "VALID")
    with pytest.raises(ValueError, match=r"window \(ksize 5\) is larger than the input \(size 4"):
        tf.nn.max_pool2d(x, 5, 1, "VALID")
    with pytest.raises(ValueError, match=r"strides must be positive.*strides=-2"):
        tf.nn.avg_pool2d(x, 2, -2, "VALID")
    with pytest.raises(ValueError, match=r"ksize must be positive.*ksize=0"):
        tf.nn.avg_pool2d(x, 0, 1, "VALID")
    with pytest.raises(ValueError, match=r"data_format must be 'NHWC'.*'NWHC'"):
        tf.nn.max_pool2d(x, 2, 2, "VALID", data_format="NWHC")
