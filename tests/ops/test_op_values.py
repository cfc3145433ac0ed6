"""Forward values and dtypes of the public ops, against NumPy or hand-computed results.

The dtypes follow what TensorFlow 2 returns for the same calls.
"""

from __future__ import annotations

import numpy as np
import pytest

import tensorflux as tf

A = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7.0 - 1.5


def close(t, ref, rtol=1e-6, atol=1e-7):
    np.testing.assert_allclose(np.asarray(t), ref, rtol=rtol, atol=atol)


# -- creation ---------------------------------------------------------------------------------------
def test_creation_ops():
    assert tf.zeros((2, 3)).dtype == tf.float32 and tf.zeros((2, 3)).shape == (2, 3)
    assert tf.ones([2], dtype=tf.int32).numpy().tolist() == [1, 1]
    assert tf.fill([2], 3).dtype == tf.int32 and tf.fill([2], 3.0).dtype == tf.float32
    close(tf.fill((2, 2), 1.5), np.full((2, 2), 1.5))
    assert tf.zeros_like(tf.constant([1, 2])).dtype == tf.int32
    assert tf.ones_like(tf.constant([1.0]), dtype=tf.float64).dtype == tf.float64
    close(tf.eye(2, 3), np.eye(2, 3))
    assert tf.eye(2, batch_shape=[3]).shape == (3, 2, 2)
    assert tf.range(5).numpy().tolist() == [0, 1, 2, 3, 4] and tf.range(5).dtype == tf.int32
    assert tf.range(3.0).dtype == tf.float32
    close(tf.range(1, 4, 0.5), np.arange(1, 4, 0.5))
    close(tf.linspace(0.0, 1.0, 3), [0.0, 0.5, 1.0])
    assert tf.linspace(0.0, 1.0, 3).dtype == tf.float32
    c = tf.constant(0.5, shape=(2, 2))
    close(c, np.full((2, 2), 0.5))
    assert tf.constant([1, 2, 3, 4], shape=(2, 2)).shape == (2, 2)


# -- shape ops ----------------------------------------------------------------------------------------
def test_shape_ops():
    x = tf.constant(A)
    assert tf.reshape(x, (4, -1)).shape == (4, 6)
    close(tf.transpose(x), A.transpose())
    close(tf.transpose(x, [0, 2, 1]), A.transpose(0, 2, 1))
    assert tf.expand_dims(x, -1).shape == (2, 3, 4, 1)
    assert tf.expand_dims(x, 0).shape == (1, 2, 3, 4)
    assert tf.squeeze(tf.ones((1, 2, 1))).shape == (2,)
    assert tf.squeeze(tf.ones((1, 2, 1)), axis=-1).shape == (1, 2)
    close(tf.concat([x, x], axis=-1), np.concatenate([A, A], axis=-1))
    close(tf.stack([x, x], axis=1), np.stack([A, A], axis=1))
    parts = tf.unstack(x, axis=2)
    assert len(parts) == 4 and parts[1].shape == (2, 3)
    close(parts[1], A[:, :, 1])
    s = tf.split(x, 2, axis=2)
    assert [p.shape for p in s] == [(2, 3, 2), (2, 3, 2)]
    s = tf.split(tf.range(10), [3, -1])
    assert [p.numpy().tolist() for p in s] == [[0, 1, 2], [3, 4, 5, 6, 7, 8, 9]]
    close(tf.tile(tf.constant([[1.0, 2.0]]), [2, 2]), [[1, 2, 1, 2], [1, 2, 1, 2]])
    close(tf.pad(tf.ones((2, 2)), [[1, 0], [0, 1]]), [[0, 0, 0], [1, 1, 0], [1, 1, 0]])
    close(tf.pad(tf.constant([[1.0, 2.0]]), [[0, 0], [2, 2]], mode="REFLECT"), [[1, 2, 1, 2, 1, 2]])
    close(tf.pad(tf.constant([[1.0, 2.0]]), [[0, 0], [1, 1]], mode="SYMMETRIC"), [[1, 1, 2, 2]])
    assert tf.broadcast_to(tf.constant([1.0, 2.0]), (3, 2)).shape == (3, 2)
    assert tf.shape(x).numpy().tolist() == [2, 3, 4] and tf.shape(x).dtype == tf.int32
    assert int(tf.rank(x)) == 3 and int(tf.size(x)) == 24 and tf.size(x).dtype == tf.int32
    close(tf.reverse(x, [1]), A[:, ::-1])
    for indexing in ("xy", "ij"):
        grids = tf.meshgrid([1.0, 2.0, 3.0], [4.0, 5.0], indexing=indexing)
        for g, r in zip(grids, np.meshgrid([1.0, 2.0, 3.0], [4.0, 5.0], indexing=indexing)):
            close(g, r)
    assert tf.broadcast_static_shape(tf.TensorShape([2, 1]), tf.TensorShape([3])) == (2, 3)


def test_split_bad_sizes():
    with pytest.raises(ValueError, match="split"):
        tf.split(tf.range(10), 3)
    with pytest.raises(ValueError, match="do not add up"):
        tf.split(tf.range(10), [3, 3])


# -- selection ----------------------------------------------------------------------------------------
def test_selection_ops():
    x = tf.constant(A)
    close(tf.gather(x, [1, 0]), A[[1, 0]])
    close(tf.gather(x, [[0, 3], [1, 1]], axis=2), np.take(A, [[0, 3], [1, 1]], axis=2))
    close(tf.gather_nd(x, [[0, 1], [1, 2]]), np.stack([A[0, 1], A[1, 2]]))
    close(tf.gather_nd(x, [[0, 1, 2]]), [A[0, 1, 2]])
    close(tf.scatter_nd([[1], [3], [1]], tf.constant([1.0, 2.0, 3.0]), [4]), [0.0, 4.0, 0.0, 2.0])
    close(
        tf.tensor_scatter_nd_update(tf.zeros((2, 2)), [[0, 1], [1, 0]], [5.0, 6.0]),
        [[0.0, 5.0], [6.0, 0.0]],
    )
    close(tf.tensor_scatter_nd_add(tf.ones((3,)), [[0], [0]], [1.0, 2.0]), [4.0, 1.0, 1.0])
    close(tf.where(x > 0, x, tf.zeros_like(x)), np.where(A > 0, A, 0))
    close(tf.where(x > 0, x, 0.0), np.where(A > 0, A, 0))
    idx = tf.where(tf.constant([[True, False], [False, True]]))
    assert idx.dtype == tf.int64 and idx.numpy().tolist() == [[0, 0], [1, 1]]
    close(tf.boolean_mask(x, x > 0), A[A > 0])
    close(tf.boolean_mask(tf.constant([[1.0, 2.0], [3.0, 4.0]]), [True, False]), [[1.0, 2.0]])
    oh = tf.one_hot([0, 2, -1], 3)
    assert oh.dtype == tf.float32
    close(oh, [[1, 0, 0], [0, 0, 1], [0, 0, 0]])
    close(tf.one_hot([1], 2, on_value=5.0, off_value=-1.0), [[-1.0, 5.0]])
    assert tf.one_hot([1, 0], 2, axis=0).numpy().tolist() == [[0.0, 1.0], [1.0, 0.0]]
    vals, idx = tf.unique(tf.constant([3, 1, 3, 2, 1]))
    assert vals.numpy().tolist() == [3, 1, 2] and idx.numpy().tolist() == [0, 1, 0, 2, 1]
    assert tf.sequence_mask([1, 3], 4).numpy().tolist() == [
        [True, False, False, False],
        [True, True, True, False],
    ]


def test_cast_identity_stop_gradient():
    x = tf.constant([1.7, -1.7])
    assert tf.cast(x, tf.int32).numpy().tolist() == [1, -1]  # truncation toward zero, as TensorFlow
    assert tf.cast(x, "float64").dtype == tf.float64
    assert tf.cast(tf.constant([0, 2]), tf.bool).numpy().tolist() == [False, True]
    assert tf.identity(x) is not x
    close(tf.identity(x), [1.7, -1.7])
    close(tf.stop_gradient(x), [1.7, -1.7])


# -- math ---------------------------------------------------------------------------------------------
UNARY = {
    "sqrt": (tf.sqrt, np.sqrt, (0.1, 3.0)),
    "rsqrt": (tf.math.rsqrt, lambda v: 1 / np.sqrt(v), (0.1, 3.0)),
    "square": (tf.square, np.square, (-2.0, 2.0)),
    "exp": (tf.exp, np.exp, (-2.0, 2.0)),
    "log": (tf.math.log, np.log, (0.1, 3.0)),
    "log1p": (tf.math.log1p, np.log1p, (-0.5, 2.0)),
    "expm1": (tf.math.expm1, np.expm1, (-2.0, 2.0)),
    "sin": (tf.sin, np.sin, (-3.0, 3.0)),
    "cos": (tf.cos, np.cos, (-3.0, 3.0)),
    "tan": (tf.math.tan, np.tan, (-1.0, 1.0)),
    "tanh": (tf.tanh, np.tanh, (-3.0, 3.0)),
    "sigmoid": (tf.sigmoid, lambda v: 1 / (1 + np.exp(-v)), (-3.0, 3.0)),
    "abs": (tf.abs, np.abs, (-2.0, 2.0)),
    "sign": (tf.sign, np.sign, (-2.0, 2.0)),
    "floor": (tf.floor, np.floor, (-2.0, 2.0)),
    "ceil": (tf.math.ceil, np.ceil, (-2.0, 2.0)),
    "round": (tf.round, np.round, (-2.0, 2.0)),
    "negative": (tf.negative, np.negative, (-2.0, 2.0)),
    "reciprocal": (tf.math.reciprocal, lambda v: 1 / v, (0.5, 2.0)),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_math(name):
    fn, ref, (lo, hi) = UNARY[name]
    v = np.linspace(lo, hi, 13).astype(np.float32)
    y = fn(tf.constant(v))
    assert y.dtype == tf.float32
    close(y, ref(v.astype(np.float64)), rtol=2e-6, atol=1e-6)


def test_round_is_half_to_even():
    assert tf.round(tf.constant([0.5, 1.5, 2.5, -0.5])).numpy().tolist() == [0.0, 2.0, 2.0, -0.0]


def test_binary_math():
    x = tf.constant([[1.0, -2.0, 3.5]])
    y = tf.constant([[2.0], [-1.5]])
    xv, yv = x.numpy(), y.numpy()
    close(tf.add(x, y), xv + yv)
    close(tf.subtract(x, y), xv - yv)
    close(tf.multiply(x, y), xv * yv)
    close(tf.divide(x, y), xv / yv)
    close(tf.maximum(x, y), np.maximum(xv, yv))
    close(tf.minimum(x, y), np.minimum(xv, yv))
    close(tf.math.floordiv(x, y), np.floor_divide(xv, yv))
    close(tf.math.floormod(x, y), np.mod(xv, yv))
    close(tf.pow(tf.abs(x), y), np.abs(xv) ** yv)
    close(tf.math.squared_difference(x, y), (xv - yv) ** 2)
    close(tf.math.atan2(x, y), np.arctan2(xv, yv))
    close(tf.math.divide_no_nan(x, tf.constant([[0.0, 2.0, 0.0]])), [[0.0, -1.0, 0.0]])
    close(tf.math.xlogy(tf.constant([0.0, 2.0]), tf.constant([0.0, 3.0])), [0.0, 2 * np.log(3.0)])
    close(tf.add_n([x, x, x]), 3 * xv)


def test_integer_math_follows_tensorflow():
    assert int(tf.constant(-5) // 2) == -3 and int(tf.constant(-5) % 3) == 1
    assert (tf.constant(2) ** 3).dtype == tf.int32
    q = tf.constant([1, 2]) / tf.constant([2, 2])  # int / int is float64, as TensorFlow's truediv
    assert q.dtype == tf.float64
    close(q, [0.5, 1.0])
    assert (tf.constant([1, 2]) / 2).dtype == tf.float64


def test_comparisons_and_logic():
    x = tf.constant([1.0, 2.0, 3.0])
    assert tf.equal(x, 2.0).numpy().tolist() == [False, True, False]
    assert tf.not_equal(x, 2.0).numpy().tolist() == [True, False, True]
    assert tf.less(x, 2.0).numpy().tolist() == [True, False, False]
    assert tf.less_equal(x, 2.0).numpy().tolist() == [True, True, False]
    assert tf.greater(x, 2.0).numpy().tolist() == [False, False, True]
    assert tf.greater_equal(x, 2.0).numpy().tolist() == [False, True, True]
    a = tf.constant([True, True, False])
    b = tf.constant([True, False, False])
    assert tf.logical_and(a, b).numpy().tolist() == [True, False, False]
    assert tf.logical_or(a, b).numpy().tolist() == [True, True, False]
    assert tf.math.logical_xor(a, b).numpy().tolist() == [False, True, False]
    assert tf.logical_not(a).numpy().tolist() == [False, False, True]
    assert tf.math.is_nan(tf.constant([np.nan, 1.0])).numpy().tolist() == [True, False]
    assert tf.math.is_finite(tf.constant([np.inf, 1.0])).numpy().tolist() == [False, True]


# -- reductions ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 2), [1, 2]])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions(axis, keepdims):
    x = tf.constant(A)
    ax = tuple(axis) if isinstance(axis, list) else axis
    for ours, ref in [
        (tf.reduce_sum, np.sum),
        (tf.reduce_mean, np.mean),
        (tf.reduce_max, np.max),
        (tf.reduce_min, np.min),
        (tf.reduce_prod, np.prod),
        (tf.math.reduce_variance, np.var),
        (tf.math.reduce_std, np.std),
    ]:
        y = ours(x, axis=axis, keepdims=keepdims)
        expected = ref(A.astype(np.float64), axis=ax, keepdims=keepdims)
        assert y.shape == np.shape(expected), ours.__name__
        assert y.dtype == tf.float32
        close(y, expected, rtol=1e-5, atol=1e-6)
    lse = tf.reduce_logsumexp(x, axis=axis, keepdims=keepdims)
    close(lse, np.log(np.sum(np.exp(A.astype(np.float64)), axis=ax, keepdims=keepdims)), rtol=1e-6)
    b = x > 0
    assert (
        tf.reduce_any(b, axis=axis, keepdims=keepdims).numpy().tolist()
        == np.any(A > 0, ax, keepdims=keepdims).tolist()
    )
    assert (
        tf.reduce_all(b, axis=axis, keepdims=keepdims).numpy().tolist()
        == np.all(A > 0, ax, keepdims=keepdims).tolist()
    )


def test_integer_reductions_keep_the_dtype():
    x = tf.constant([[1, 2], [3, -8]])
    assert tf.reduce_sum(x).dtype == tf.int32 and int(tf.reduce_sum(x)) == -2
    assert tf.reduce_prod(x, axis=0).dtype == tf.int32
    assert (
        tf.reduce_mean(tf.constant([1, 2])).dtype == tf.int32
        and int(tf.reduce_mean(tf.constant([1, 2]))) == 1
    )
    assert tf.reduce_mean(x, axis=1).numpy().tolist() == [1, -2]  # truncation toward zero


def test_reduce_logsumexp_with_inf():
    x = tf.constant([[-np.inf, -np.inf], [0.0, -np.inf]])
    np.testing.assert_array_equal(tf.reduce_logsumexp(x, axis=1).numpy(), [-np.inf, 0.0])


def test_arg_and_sort_ops():
    x = tf.constant([[1.0, 3.0, 2.0], [4.0, 0.0, 5.0]])
    am = tf.argmax(x, axis=1)
    assert am.dtype == tf.int64 and am.numpy().tolist() == [1, 2]
    assert tf.argmin(x, axis=0).numpy().tolist() == [0, 1, 0]
    assert tf.argmax(tf.constant([[1, 3], [4, 2]])).numpy().tolist() == [1, 0]
    assert tf.argmax(x, axis=1, output_type=tf.int32).dtype == tf.int32
    close(tf.sort(x), np.sort(x.numpy()))
    close(tf.sort(x, direction="DESCENDING"), -np.sort(-x.numpy()))
    assert tf.argsort(x).numpy().tolist() == [[0, 2, 1], [1, 0, 2]]
    assert tf.argsort(x, direction="DESCENDING").dtype == tf.int32
    v, i = tf.math.top_k(tf.constant([1.0, 3.0, 3.0, 2.0]), 3)
    assert v.numpy().tolist() == [3.0, 3.0, 2.0] and i.numpy().tolist() == [1, 2, 3] and i.dtype == tf.int32
    top = tf.math.top_k(x, k=2)
    assert top.values.numpy().tolist() == [[3.0, 2.0], [5.0, 4.0]] and top.indices.numpy().tolist() == [
        [1, 2],
        [2, 0],
    ]
    with pytest.raises(ValueError, match="top_k"):
        tf.math.top_k(x, k=4)


def test_cumulative():
    x = tf.constant([1, 2, 3])
    assert tf.cumsum(x).numpy().tolist() == [1, 3, 6]
    assert tf.cumsum(x, exclusive=True).numpy().tolist() == [0, 1, 3]
    assert tf.cumsum(x, reverse=True).numpy().tolist() == [6, 5, 3]
    assert tf.cumsum(x, exclusive=True, reverse=True).numpy().tolist() == [5, 3, 0]
    assert tf.math.cumprod(x, exclusive=True).numpy().tolist() == [1, 1, 2]
    assert tf.math.cumprod(x, reverse=True).numpy().tolist() == [6, 6, 3]
    close(tf.cumsum(tf.constant(A), axis=1), np.cumsum(A, axis=1))


# -- linear algebra -------------------------------------------------------------------------------------
def test_linalg_values():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 3, 4)).astype(np.float32)
    b = rng.standard_normal((2, 4, 5)).astype(np.float32)
    close(tf.matmul(a, b), a @ b, rtol=1e-5, atol=1e-6)
    close(tf.matmul(a, a, transpose_b=True), a @ a.transpose(0, 2, 1), rtol=1e-5, atol=1e-6)
    close(tf.matmul(a, a, transpose_a=True), a.transpose(0, 2, 1) @ a, rtol=1e-5, atol=1e-6)
    close(tf.matmul(a, b[0]), a @ b[0], rtol=1e-5, atol=1e-6)
    close(tf.einsum("bij,bjk->bik", a, b), a @ b, rtol=1e-5, atol=1e-6)
    close(tf.einsum("ij->", a[0]), a[0].sum(), rtol=1e-5)
    close(tf.einsum("...ij,...jk->...ik", a, b), a @ b, rtol=1e-5, atol=1e-6)
    close(tf.einsum("...ij,jk", a, b[0]), a @ b[0], rtol=1e-5, atol=1e-6)
    close(tf.einsum("ii->i", a[0, :3, :3]), np.diag(a[0, :3, :3]))
    close(tf.einsum("ii", a[0, :3, :3]), np.trace(a[0, :3, :3]), rtol=1e-6)
    close(tf.tensordot(a, b, axes=[[2], [1]]), np.tensordot(a, b, axes=[[2], [1]]), rtol=1e-5, atol=1e-6)
    close(tf.tensordot(a[0], b[0], axes=1), a[0] @ b[0], rtol=1e-5, atol=1e-6)
    m = (rng.standard_normal((3, 3)) + 3 * np.eye(3)).astype(np.float64)
    close(tf.linalg.inv(m), np.linalg.inv(m), rtol=1e-10)
    close(tf.linalg.det(m), np.linalg.det(m), rtol=1e-10)
    sign, logdet = tf.linalg.slogdet(m)
    close(sign * tf.exp(logdet), np.linalg.det(m), rtol=1e-10)
    close(tf.linalg.solve(m, np.ones((3, 1))), np.linalg.solve(m, np.ones((3, 1))), rtol=1e-10)
    close(tf.linalg.trace(m), np.trace(m))
    close(tf.linalg.diag_part(m), np.diag(m))
    spd = m @ m.T
    close(tf.linalg.cholesky(spd), np.linalg.cholesky(spd), rtol=1e-10)
    close(tf.linalg.matrix_transpose(a), a.transpose(0, 2, 1))
    close(tf.linalg.matvec(m, np.ones(3)), m @ np.ones(3))


def test_norms():
    x = tf.constant([[3.0, -4.0], [0.0, 0.0]])
    close(tf.norm(x), 5.0)
    close(tf.norm(x, axis=1), [5.0, 0.0])
    close(tf.norm(x, ord=1), 7.0)
    close(tf.norm(x, ord=np.inf, axis=1), [4.0, 0.0])
    close(tf.norm(x, ord=3, axis=1), [(27 + 64) ** (1 / 3), 0.0], rtol=1e-6)
    assert tf.norm(x, axis=1, keepdims=True).shape == (2, 1)
    with pytest.raises(ValueError, match="ord"):
        tf.norm(x, ord=-1)


def test_clipping():
    close(tf.clip_by_value(tf.constant([-2.0, 0.5, 3.0]), -1.0, 1.0), [-1.0, 0.5, 1.0])
    close(tf.clip_by_norm(tf.constant([3.0, 4.0]), 1.0), [0.6, 0.8])
    close(tf.clip_by_norm(tf.constant([0.3, 0.4]), 1.0), [0.3, 0.4])
    close(tf.clip_by_norm(tf.constant([0.0, 0.0]), 1.0), [0.0, 0.0])
    clipped, norm = tf.clip_by_global_norm([tf.constant([3.0, 4.0]), None, tf.constant([12.0])], 6.5)
    close(norm, 13.0)
    close(clipped[0], [1.5, 2.0])
    assert clipped[1] is None
    close(clipped[2], [6.0])
