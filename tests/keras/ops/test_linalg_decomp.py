"""keras.ops eig, eigh, lu_factor against Keras 3, by hand and by differences.

Golden values: scripts/golden_decomp_optim.py.
"""

import doctest
import importlib
import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras.ops.linalg_decomp import eig, eigh, lu_factor
from tensorflux.testing import check_gradients

FIX = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "keras_ops_decomp", "decomp.npz")


@pytest.fixture(scope="module")
def gold():
    with np.load(FIX) as f:
        return dict(f)


def _sign_align(v, ref):
    # eigenvectors are defined up to sign: flip each column of v to agree with ref
    signs = np.sign(np.sum(v * ref, axis=-2, keepdims=True))
    return v * signs


@pytest.mark.parametrize("name, rtol", [("eigh", 2e-5), ("eigh64", 1e-12)])
def test_eigh_matches_keras(gold, name, rtol):
    x = gold[f"{name}_x"]
    w, v = eigh(x)
    assert w.dtype == x.dtype and v.dtype == x.dtype
    assert tuple(w.shape) == x.shape[:-1] and tuple(v.shape) == x.shape
    np.testing.assert_allclose(w.numpy(), gold[f"{name}_out0"], rtol=rtol, atol=rtol * 10)
    ref = gold[f"{name}_out1"]
    np.testing.assert_allclose(_sign_align(v.numpy(), ref), ref, rtol=rtol * 10, atol=rtol * 10)


def test_eigh_reads_only_the_lower_triangle():
    a = np.array([[2.0, 100.0], [1.0, 2.0]])
    w, _ = eigh(a)
    np.testing.assert_allclose(w.numpy(), [1.0, 3.0], rtol=1e-12)


def _match(values, ref):
    """Index into ``values`` of the nearest value to each of ``ref`` (orders differ between solvers)."""
    out = []
    for r in ref:
        i = int(np.argmin(np.abs(values - r)))
        assert i not in out
        out.append(i)
    return np.array(out)


def test_eig_matches_keras_up_to_order_and_phase(gold):
    x = gold["eig_x"]
    w, v = eig(x)
    assert w.dtype == tf.complex64 and v.dtype == tf.complex64
    w, v = w.numpy(), v.numpy()
    for b in range(x.shape[0]):
        # the definition: x v = v diag(w), unit columns
        np.testing.assert_allclose(x[b] @ v[b], v[b] * w[b][None, :], atol=1e-5)
        np.testing.assert_allclose(np.linalg.norm(v[b], axis=0), 1.0, rtol=1e-5)
        idx = _match(w[b], gold["eig_out0"][b])
        np.testing.assert_allclose(w[b][idx], gold["eig_out0"][b], rtol=1e-5, atol=1e-5)
        # the same eigenvector up to a complex phase: |<v, v_ref>| = 1
        overlap = np.abs(np.sum(np.conj(v[b][:, idx]) * gold["eig_out1"][b], axis=0))
        np.testing.assert_allclose(overlap, 1.0, rtol=1e-4)


def test_eig_of_float64_is_complex128_and_complex_eigenvalues():
    w, _ = eig(np.array([[0.0, -2.0], [2.0, 0.0]]))
    assert w.dtype == tf.complex128
    np.testing.assert_allclose(sorted(w.numpy().imag), [-2.0, 2.0])


def _permutation(pivots):
    """The row order the swaps make: ``x[rows] = L U``."""
    rows = np.arange(len(pivots))
    for i, p in enumerate(pivots):
        rows[[i, p]] = rows[[p, i]]
    return rows


@pytest.mark.parametrize("name, rtol", [("lu", 1e-5), ("lu64", 1e-12)])
def test_lu_factor_matches_keras(gold, name, rtol):
    x = gold[f"{name}_x"]
    lu, pivots = lu_factor(x)
    assert lu.dtype == x.dtype and pivots.dtype == tf.int32
    np.testing.assert_allclose(lu.numpy(), gold[f"{name}_out0"], rtol=rtol, atol=rtol)
    # Keras' TensorFlow backend returns the inverse of the row permutation the swaps make
    flat_piv = pivots.numpy().reshape(-1, x.shape[-1])
    flat_perm = gold[f"{name}_out1"].reshape(flat_piv.shape)
    for piv, perm in zip(flat_piv, flat_perm):
        np.testing.assert_array_equal(np.argsort(_permutation(piv)), perm)


def _reconstruct(x, lu, piv):
    m, n = x.shape
    k = min(m, n)
    low = np.tril(lu, -1)[:, :k] + np.eye(m, k)
    up = np.triu(lu)[:k]
    rows = np.arange(m)
    for i, p in enumerate(piv):
        rows[[i, p]] = rows[[p, i]]
    return x[rows], low @ up


@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (5, 3), (2, 3, 4, 4), (1, 1)])
def test_lu_factor_reconstructs_and_pivots_on_the_largest_entry(shape):
    x = np.random.default_rng(1).normal(size=shape)
    lu, piv = lu_factor(x)
    lu, piv = lu.numpy(), piv.numpy()
    assert lu.shape == shape and piv.shape == shape[:-2] + (min(shape[-2:]),)
    flat_x, flat_lu = x.reshape((-1,) + shape[-2:]), lu.reshape((-1,) + shape[-2:])
    for xb, lub, pb in zip(flat_x, flat_lu, piv.reshape(flat_x.shape[0], -1)):
        permuted, product = _reconstruct(xb, lub, pb)
        np.testing.assert_allclose(product, permuted, rtol=1e-12, atol=1e-12)
        # partial pivoting: every multiplier is at most 1 in magnitude
        assert np.all(np.abs(np.tril(lub, -1)) <= 1.0 + 1e-12)


def test_lu_factor_by_hand_and_singular():
    lu, piv = lu_factor(np.array([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_allclose(lu.numpy(), [[3.0, 4.0], [1.0 / 3.0, 2.0 / 3.0]], rtol=1e-15)
    assert piv.numpy().tolist() == [1, 1]
    # a zero column: no division by the zero pivot (LAPACK leaves the column as it is)
    lu, piv = lu_factor(np.array([[0.0, 1.0], [0.0, 2.0]]))
    np.testing.assert_array_equal(lu.numpy(), [[0.0, 1.0], [0.0, 2.0]])
    assert piv.numpy().tolist() == [0, 1]


def test_lu_factor_matches_scipy_when_available():
    sl = pytest.importorskip("scipy.linalg")
    x = np.random.default_rng(2).normal(size=(6, 4))
    lu, piv = lu_factor(x)
    ref_lu, ref_piv = sl.lu_factor(x)
    np.testing.assert_allclose(lu.numpy(), ref_lu, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(piv.numpy(), ref_piv)


def _symmetric(n, batch=(), seed=0):
    a = np.random.default_rng(seed).normal(size=batch + (n, n))
    return a + np.swapaxes(a, -1, -2)


def test_eigh_gradient_of_eigenvalues():
    check_gradients(lambda x: eigh(x)[0], [_symmetric(4, (2,))])


def test_eigh_gradient_of_eigenvectors():
    # products within one column do not depend on the column's sign
    def f(x):
        _, v = eigh(x)
        return tf.concat([v * v, v[..., :, :1] * v[..., :, 1:]], axis=-1)

    check_gradients(f, [_symmetric(4, (2,), seed=1)])


def test_eigh_gradient_of_both_with_a_nonsymmetric_input():
    # only the lower triangle is read: the differences see the upper entries as having no effect
    x = np.random.default_rng(2).normal(size=(3, 3))

    def f(x):
        w, v = eigh(x)
        return tf.concat([w[:, None] * v * v, tf.reshape(w, (3, 1))], axis=-1)

    check_gradients(f, [x])


def test_eigh_gradient_of_a_spectral_function_by_hand():
    # sum(w^2) = ||A||_F^2 for symmetric A: d/dA = 2A on the diagonal, 4A below it, 0 above
    a = _symmetric(3, seed=3)
    x = tf.constant(a)
    with tf.GradientTape() as tape:
        tape.watch(x)
        w, _ = eigh(x)
        y = tf.reduce_sum(w * w)
    expect = np.tril(4.0 * a, -1) + np.diag(2.0 * np.diag(a))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), expect, rtol=1e-10, atol=1e-10)


def test_eigh_second_order():
    # the rule is built from primitives, so the gradient of the gradient is taped too
    check_gradients(_first_grad, [_symmetric(3, seed=4)], rtol=1e-5)


def _first_grad(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        w, v = eigh(x)
        y = tf.reduce_sum(w * tf.constant([1.0, 2.0, 3.0], tf.float64)) + tf.reduce_sum(v[:, :1] * v[:, 1:])
    return tape.gradient(y, x)


def test_forward_only_ops_raise_on_gradient():
    x = tf.constant(np.eye(3) + 0.1)
    for fn, match in ((lu_factor, "lu_factor"), (eig, "eig")):
        with tf.GradientTape() as tape:
            tape.watch(x)
            out = fn(x)[0]
        with pytest.raises(NotImplementedError, match=match):
            tape.gradient(out, x)


@pytest.mark.parametrize("fn", [eig, eigh, lu_factor])
def test_bad_shapes_raise_naming_the_op(fn):
    with pytest.raises(ValueError, match=f"{fn.__name__}: expected a tensor of rank >= 2"):
        fn([1.0, 2.0])
    if fn is not lu_factor:
        with pytest.raises(ValueError, match=f"{fn.__name__}: expected a \\(batch of\\) square"):
            fn(np.ones((2, 3)))


def test_integer_input_is_cast_to_float32():
    w, _ = eigh(np.array([[2, 0], [0, 1]]))
    assert w.dtype == tf.float32 and w.numpy().tolist() == [1.0, 2.0]


def test_symbolic_shapes_and_dtypes():
    x = tf.keras.Input((3, 3))
    w, v = eigh(x)
    assert (w.shape, v.shape, w.dtype) == ((None, 3), (None, 3, 3), tf.float32)
    w, v = eig(x)
    assert (w.shape, v.shape, w.dtype) == ((None, 3), (None, 3, 3), tf.complex64)
    lu, piv = lu_factor(tf.keras.Input((3, 5)))
    assert (lu.shape, piv.shape, piv.dtype) == ((None, 3, 5), (None, 3), tf.int32)
    model = tf.keras.Model(x, eigh(x)[0])
    a = _symmetric(3, (2,)).astype("float32")
    np.testing.assert_allclose(model(a).numpy(), np.linalg.eigvalsh(a), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["tensorflux.backend.numpy.decomp", "tensorflux.keras.ops.linalg_decomp"])
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
