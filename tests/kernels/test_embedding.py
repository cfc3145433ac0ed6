"""Embedding lookup: TensorFlow goldens, finite differences, sparse gradients, bad ids."""

import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.framework import rnn_primitives
from tensorflux.framework.indexed_slices import IndexedSlices
from tensorflux.ops.embedding_ops import embedding_lookup
from tensorflux.testing import check_gradients

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kernels", "rnn_tf_embedding.npz")


@pytest.mark.parametrize("max_norm", [None, 1.0])
def test_forward_and_gradient_match_tensorflow(max_norm):
    d = np.load(GOLDEN)
    suffix = "" if max_norm is None else "_max_norm"
    p = tf.Variable(d["params"])
    with tf.GradientTape() as tape:
        y = embedding_lookup(p, d["ids"], max_norm=max_norm)
        loss = tf.reduce_sum(y * d["w_y"])
    g = tape.gradient(loss, p)
    np.testing.assert_allclose(y.numpy(), d["y" + suffix], rtol=1e-12)
    np.testing.assert_allclose(g.numpy(), d["g_params" + suffix], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("max_norm", [None, 0.8])
def test_gradient_matches_finite_differences_with_repeated_ids(max_norm):
    rng = np.random.default_rng(0)
    ids = np.array([[1, 4, 1], [0, 1, 4]])
    check_gradients(lambda p: embedding_lookup(p, ids, max_norm=max_norm), [rng.normal(size=(5, 3))])


def test_float32_lookup_keeps_dtype_and_shape():
    p = np.arange(12, dtype="float32").reshape(4, 3)
    y = embedding_lookup(p, np.array([[3], [0]], "int64"))
    assert y.dtype == tf.float32 and y.shape == (2, 1, 3)
    np.testing.assert_array_equal(y.numpy()[:, 0], p[[3, 0]])


def test_large_vocabulary_gives_indexed_slices():
    vocab, dim = 4000, 300  # 1.2e6 elements: above the dense limit
    assert vocab * dim > rnn_primitives.DENSE_EMBEDDING_GRAD_LIMIT
    rng = np.random.default_rng(1)
    p = tf.Variable(rng.normal(size=(vocab, dim)).astype("float32"))
    ids = np.array([[7, 3999, 7], [0, 12, 3]])
    w = rng.normal(size=(2, 3, dim)).astype("float32")
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(embedding_lookup(p, ids) * w)
    g = tape.gradient(loss, p)
    assert isinstance(g, IndexedSlices)
    assert g.shape == (vocab, dim) and g.dtype == tf.float32
    np.testing.assert_array_equal(g.indices.numpy(), ids.reshape(-1))
    np.testing.assert_array_equal(g.values.numpy(), w.reshape(-1, dim))
    np.testing.assert_array_equal(g.dense_shape.numpy(), [vocab, dim])
    dense = np.zeros((vocab, dim), "float32")
    np.add.at(dense, ids.reshape(-1), w.reshape(-1, dim))
    np.testing.assert_array_equal(tf.convert_to_tensor(g).numpy(), dense)
    # used as a tensor, it is its dense value
    np.testing.assert_array_equal((g * 2.0).numpy(), dense * 2)


def test_indexed_slices_concat_adds_sparse_gradients():
    a = IndexedSlices(np.array([[1.0, 2.0]]), np.array([3]), (4, 2))
    b = IndexedSlices(np.array([[10.0, 20.0], [5.0, 5.0]]), np.array([0, 3]), (4, 2))
    total = a.concat(b)
    expected = np.array([[10.0, 20.0], [0, 0], [0, 0], [6.0, 7.0]])
    np.testing.assert_array_equal(tf.convert_to_tensor(total).numpy(), expected)
    np.testing.assert_array_equal(total.indices.numpy(), [3, 0, 3])
    with pytest.raises(ValueError, match="dense shapes differ"):
        a.concat(IndexedSlices(np.zeros((1, 2)), np.array([0]), (5, 2)))


def test_indexed_slices_checks_its_parts():
    with pytest.raises(ValueError, match="one entry per row of values"):
        IndexedSlices(np.zeros((3, 2)), np.array([0, 1]), (5, 2))
    with pytest.raises(ValueError, match="do not fit dense_shape"):
        IndexedSlices(np.zeros((2, 3)), np.array([0, 1]), (5, 2))


def test_second_order_through_the_dense_gradient():
    # loss = sum(lookup(p)^2): dloss/dp = 2 scatter(lookup(p)); h = sum(w * that) -> dh/dp = 2 scatter(w[ids])
    rng = np.random.default_rng(2)
    p = tf.constant(rng.normal(size=(5, 2)))
    w = rng.normal(size=(5, 2))
    ids = np.array([0, 3, 3])
    with tf.GradientTape() as outer:
        outer.watch(p)
        with tf.GradientTape() as inner:
            inner.watch(p)
            y = embedding_lookup(p, ids)
            loss = tf.reduce_sum(y * y)
        h = tf.reduce_sum(inner.gradient(loss, p) * w)
    expected = np.zeros((5, 2))
    np.add.at(expected, ids, 2 * w[ids])
    np.testing.assert_allclose(outer.gradient(h, p).numpy(), expected, rtol=1e-12)


def test_sharded_params_follow_div_strategy():
    table = np.arange(14, dtype="float32").reshape(7, 2)
    shards = [table[:3], table[3:5], table[5:]]  # 7 ids over 3 shards: sizes 3, 2, 2
    ids = np.array([6, 0, 3, 4])
    np.testing.assert_array_equal(embedding_lookup(shards, ids).numpy(), table[ids])
    with pytest.raises(ValueError, match="'div' partition"):
        embedding_lookup([table[:2], table[2:]], ids)


def test_out_of_range_ids_name_the_vocabulary_size():
    p = np.zeros((10, 4), "float32")
    with pytest.raises(IndexError, match=r"ids\[1, 0\] = 12 is not in \[0, 10\).*10 rows"):
        embedding_lookup(p, np.array([[1, 2], [12, 3]]))
    with pytest.raises(IndexError, match=r"ids\[0\] = -1 is not in \[0, 10\)"):
        embedding_lookup(p, np.array([-1, 2]))
    with pytest.raises(TypeError, match="ids must be integers"):
        embedding_lookup(p, np.array([1.0]))
