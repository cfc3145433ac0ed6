"""Tensor behaviour: operators, Python protocols, printing and dtype rules, as in TensorFlow 2."""
# ruff: noqa: E501  (the printed forms below are TensorFlow's exact strings, kept one case per line)

from __future__ import annotations

import operator

import numpy as np
import pytest

import tensorflux as tf

# (expression, repr, str) exactly as TensorFlow 2.21 prints them (recorded with tensorflow-cpu
# under NumPy 2; the expressions are evaluated with `tf` bound to tensorflux).
PRINTED = [
    ("tf.constant(0.1)", "<tf.Tensor: shape=(), dtype=float32, numpy=0.10000000149011612>",
     "tf.Tensor(0.1, shape=(), dtype=float32)"),
    ("tf.constant(3)", "<tf.Tensor: shape=(), dtype=int32, numpy=3>", "tf.Tensor(3, shape=(), dtype=int32)"),
    ("tf.constant(True)", "<tf.Tensor: shape=(), dtype=bool, numpy=True>", "tf.Tensor(True, shape=(), dtype=bool)"),
    ("tf.constant([1.0, 2.5])", "<tf.Tensor: shape=(2,), dtype=float32, numpy=array([1. , 2.5], dtype=float32)>",
     "tf.Tensor([1.  2.5], shape=(2,), dtype=float32)"),
    ("tf.constant([[1, 2], [3, 4]])",
     "<tf.Tensor: shape=(2, 2), dtype=int32, numpy=\narray([[1, 2],\n       [3, 4]], dtype=int32)>",
     "tf.Tensor(\n[[1 2]\n [3 4]], shape=(2, 2), dtype=int32)"),
    ("tf.constant([[1.5, 2.25], [3.0, 4.0]], dtype=tf.float64)",
     "<tf.Tensor: shape=(2, 2), dtype=float64, numpy=\narray([[1.5 , 2.25],\n       [3.  , 4.  ]])>",
     "tf.Tensor(\n[[1.5  2.25]\n [3.   4.  ]], shape=(2, 2), dtype=float64)"),
    ("tf.zeros((2, 0))", "<tf.Tensor: shape=(2, 0), dtype=float32, numpy=array([], shape=(2, 0), dtype=float32)>",
     "tf.Tensor([], shape=(2, 0), dtype=float32)"),
    ("tf.range(2000.0)",
     "<tf.Tensor: shape=(2000,), dtype=float32, numpy=\narray([0.000e+00, 1.000e+00, 2.000e+00, ..., 1.997e+03, "
     "1.998e+03,\n       1.999e+03], shape=(2000,), dtype=float32)>",
     "tf.Tensor([0.000e+00 1.000e+00 2.000e+00 ... 1.997e+03 1.998e+03 1.999e+03], shape=(2000,), dtype=float32)"),
    ("tf.constant([True, False])", "<tf.Tensor: shape=(2,), dtype=bool, numpy=array([ True, False])>",
     "tf.Tensor([ True False], shape=(2,), dtype=bool)"),
    ("tf.constant(np.array([1, 2]))", "<tf.Tensor: shape=(2,), dtype=int64, numpy=array([1, 2])>",
     "tf.Tensor([1 2], shape=(2,), dtype=int64)"),
    ("tf.ones((2, 1, 2), dtype=tf.float16)",
     "<tf.Tensor: shape=(2, 1, 2), dtype=float16, numpy=\narray([[[1., 1.]],\n\n       [[1., 1.]]], dtype=float16)>",
     "tf.Tensor(\n[[[1. 1.]]\n\n [[1. 1.]]], shape=(2, 1, 2), dtype=float16)"),
]  # fmt: skip

VARIABLES_PRINTED = [
    ("tf.Variable([1.0, 2.0])",
     "<tf.Variable 'Variable:0' shape=(2,) dtype=float32, numpy=array([1., 2.], dtype=float32)>"),
    ("tf.Variable(1.0, name='w')", "<tf.Variable 'w:0' shape=() dtype=float32, numpy=1.0>"),
    ("tf.Variable([[1, 2], [3, 4]], name='m')",
     "<tf.Variable 'm:0' shape=(2, 2) dtype=int32, numpy=\narray([[1, 2],\n       [3, 4]], dtype=int32)>"),
]  # fmt: skip


@pytest.mark.parametrize("expr, rep, text", PRINTED, ids=[p[0] for p in PRINTED])
def test_repr_and_str_match_tensorflow(expr, rep, text):
    t = eval(expr, {"tf": tf, "np": np})
    assert repr(t) == rep
    assert str(t) == text


@pytest.mark.parametrize("expr, rep", VARIABLES_PRINTED, ids=[p[0] for p in VARIABLES_PRINTED])
def test_variable_repr_matches_tensorflow(expr, rep):
    v = eval(expr, {"tf": tf, "np": np})
    assert repr(v) == rep
    assert str(v) == rep


# -- operators ---------------------------------------------------------------------------------------
X = np.array([[1.5, -2.0, 3.0], [0.5, 4.0, -1.0]], dtype=np.float32)
Y = np.array([[2.0, 0.5, -1.5], [1.0, 3.0, 2.5]], dtype=np.float32)

ARITH = [operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv, operator.mod]


@pytest.mark.parametrize("op", ARITH + [operator.pow], ids=lambda o: o.__name__)
def test_arithmetic_operators(op):
    x, y = tf.constant(X), tf.constant(Y)
    xv, yv = (np.abs(X), Y) if op is operator.pow else (X, Y)
    if op is operator.pow:
        x = tf.constant(xv)
    out = op(x, y)
    assert isinstance(out, tf.Tensor) and out.dtype == tf.float32
    np.testing.assert_allclose(out.numpy(), op(xv, yv), rtol=1e-6)


@pytest.mark.parametrize("op", ARITH, ids=lambda o: o.__name__)
def test_reflected_operators_with_scalars_and_arrays(op):
    x = tf.constant(X)
    for other in (2.5, 3, np.float32(2.5), np.full((2, 3), 1.5, np.float32), np.full((3,), 2.0)):
        left, right = op(other, x), op(x, other)
        assert isinstance(left, tf.Tensor) and isinstance(right, tf.Tensor)
        # the operand that is not a tensor takes the tensor's dtype, as in TensorFlow
        assert left.dtype == tf.float32 and right.dtype == tf.float32
        ov = np.asarray(other, dtype=np.float32)
        np.testing.assert_allclose(left.numpy(), op(ov, X), rtol=1e-6)
        np.testing.assert_allclose(right.numpy(), op(X, ov), rtol=1e-6)


def test_pow_and_matmul_operators():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose((2.0**x).numpy(), 2.0 ** x.numpy())
    np.testing.assert_allclose((x**2).numpy(), x.numpy() ** 2)
    m = np.array([[1.0, 0.0], [1.0, 1.0]], np.float32)
    for out, ref in [(x @ x, x.numpy() @ x.numpy()), (x @ m, x.numpy() @ m), (m @ x, m @ x.numpy())]:
        assert isinstance(out, tf.Tensor)
        np.testing.assert_allclose(out.numpy(), ref)
    assert isinstance(np.add(np.ones(2, np.float32), tf.constant([1.0, 2.0])), tf.Tensor)


def test_unary_operators():
    x = tf.constant(X)
    np.testing.assert_array_equal((-x).numpy(), -X)
    np.testing.assert_array_equal(abs(x).numpy(), np.abs(X))
    assert +x is x
    i = tf.constant([5, -3])
    assert (~i).numpy().tolist() == [~5, ~-3]


@pytest.mark.parametrize("op", [operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne])
def test_comparisons(op):
    x, y = tf.constant(X), tf.constant(Y)
    out = op(x, y)
    assert out.dtype == tf.bool
    np.testing.assert_array_equal(out.numpy(), op(X, Y))
    np.testing.assert_array_equal(op(x, 1.0).numpy(), op(X, np.float32(1.0)))
    np.testing.assert_array_equal(op(1.0, x).numpy(), op(np.float32(1.0), X))


def test_eq_with_none_is_false_and_tensors_are_unhashable():
    x = tf.constant([1.0])
    assert (x == None) is False  # noqa: E711  (TensorFlow returns False, not a tensor)
    assert (x != None) is True  # noqa: E711
    with pytest.raises(TypeError, match="unhashable"):
        hash(x)
    assert {x.ref(): 1}[x.ref()] == 1
    assert x.ref().deref() is x


def test_boolean_operators():
    a = tf.constant([True, True, False, False])
    b = tf.constant([True, False, True, False])
    assert (a & b).numpy().tolist() == [True, False, False, False]
    assert (a | b).numpy().tolist() == [True, True, True, False]
    assert (a ^ b).numpy().tolist() == [False, True, True, False]
    assert (~a).numpy().tolist() == [False, False, True, True]
    assert (a & True).numpy().tolist() == [True, True, False, False]
    assert (False | b).numpy().tolist() == [True, False, True, False]
    i, j = tf.constant([12, 10]), tf.constant([10, 6])
    assert (i & j).numpy().tolist() == [8, 2] and (i | j).numpy().tolist() == [14, 14]


# -- Python protocols --------------------------------------------------------------------------------
def test_len_iter_and_conversions():
    x = tf.constant(X)
    assert len(x) == 2
    rows = list(x)
    assert len(rows) == 2 and all(isinstance(r, tf.Tensor) for r in rows)
    np.testing.assert_array_equal(rows[1].numpy(), X[1])
    s = tf.constant(2.75)
    assert float(s) == 2.75 and int(s) == 2 and bool(s) is True
    assert bool(tf.constant(0.0)) is False
    assert bool(tf.constant([3])) is True  # one element: as NumPy
    assert [10, 20, 30][tf.constant(1)] == 20
    assert list(range(5))[tf.constant(1) : tf.constant(3)] == [1, 2]
    assert f"{tf.constant(1.25):.1f}" == "1.2"
    with pytest.raises(TypeError, match="len"):
        len(tf.constant(1.0))
    with pytest.raises(TypeError):
        iter(tf.constant(1.0)).__next__()
    with pytest.raises(ValueError, match="ambiguous"):
        bool(tf.constant([1.0, 2.0]))
    with pytest.raises(TypeError, match="scalar"):
        float(tf.constant([2.5]))
    with pytest.raises(TypeError, match="integer"):
        [1, 2][tf.constant(1.0)]


def test_numpy_interop():
    x = tf.constant(X)
    a = np.asarray(x)
    assert isinstance(a, np.ndarray) and a.dtype == np.float32
    np.testing.assert_array_equal(a, X)
    assert np.asarray(x, dtype=np.float64).dtype == np.float64
    assert np.array(x, copy=True) is not x.numpy()
    assert isinstance(x.numpy(), np.ndarray)
    assert isinstance(np.sum(x), np.floating)  # other NumPy functions see an array, as with TensorFlow
    assert x.shape == (2, 3) and x.ndim == 2 and x.get_shape() == [2, 3]
    assert tf.is_tensor(x) and not tf.is_tensor(X)
    assert "CPU" in x.device


def test_indexing_values():
    a = np.arange(24.0).reshape(2, 3, 4)
    x = tf.constant(a)
    for idx in [
        1, -1, (0, 2), (slice(None), 1), (Ellipsis, 1), (1, Ellipsis), (slice(None, None, -1),),
        (slice(0, 2), slice(None), slice(None, None, 2)), (None, 1), (Ellipsis, None),
        ([1, 0, 1],), (slice(None), [2, 0]), (a[..., 0] > 5,), (np.array([True, False]),),
    ]:  # fmt: skip
        np.testing.assert_array_equal(x[idx].numpy(), a[idx], err_msg=repr(idx))
    np.testing.assert_array_equal(x[tf.constant([1, 0])].numpy(), a[[1, 0]])
    np.testing.assert_array_equal(x[x > 20].numpy(), a[a > 20])
    np.testing.assert_array_equal(x[:, tf.newaxis].numpy(), a[:, None])
    np.testing.assert_array_equal(x[tf.constant(1) :].numpy(), a[1:])
    with pytest.raises(TypeError, match="valid indices"):
        x["a"]


# -- dtype rules -------------------------------------------------------------------------------------
def test_python_values_follow_tensorflow_dtype_rules():
    assert tf.constant(1.5).dtype == tf.float32
    assert tf.constant(1).dtype == tf.int32
    assert tf.constant(True).dtype == tf.bool
    assert tf.constant([1, 2.5]).dtype == tf.float32
    assert tf.constant([]).dtype == tf.float32
    assert tf.constant(2**40).dtype == tf.int64  # does not fit int32
    assert tf.constant(1.5, dtype=tf.float64).dtype == tf.float64
    assert tf.constant(0.1, dtype=tf.float64).numpy() == 0.1  # no detour through float32
    assert tf.constant(1, dtype="float32").dtype == tf.float32
    assert tf.convert_to_tensor([[1, 2]], dtype_hint=tf.float32).dtype == tf.float32
    assert tf.convert_to_tensor([1.5], dtype_hint=tf.int32).dtype == tf.float32  # a hint never truncates


def test_numpy_values_keep_their_dtype():
    for dt in (np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64, np.uint8, np.bool_):
        assert tf.constant(np.zeros(2, dt)).dtype == tf.as_dtype(dt)
    assert tf.constant(np.float64(1.5)).dtype == tf.float64
    assert tf.constant([np.float64(1.5), np.float64(2.0)]).dtype == tf.float64
    assert tf.constant([tf.constant(1.0), 2.0]).dtype == tf.float32


def test_conversion_errors():
    with pytest.raises(TypeError, match="int32"):
        tf.constant(1.5, dtype=tf.int32)
    with pytest.raises(TypeError, match="numbers"):
        tf.constant("text")
    with pytest.raises(ValueError, match="non-rectangular"):
        tf.constant([[1, 2], [3]])
    with pytest.raises(ValueError, match="tf.cast"):
        tf.convert_to_tensor(tf.constant(1.0), dtype=tf.float64)


def test_tensors_are_immutable():
    x = tf.constant([1.0, 2.0])
    y = x + 1.0
    assert not hasattr(x, "__setitem__")
    with pytest.raises(AttributeError):
        x.foo = 1  # slots: no stray attributes
    np.testing.assert_array_equal(x.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(y.numpy(), [2.0, 3.0])
