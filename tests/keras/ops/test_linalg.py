"""keras.ops.linalg against Keras 3 goldens (scripts/golden_keras_ops_e.py) and finite differences."""

import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import ops
from tensorflux.keras.ops import linalg
from tensorflux.testing import check_gradients

G = dict(
    np.load(os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "keras_ops", "e_linalg.npz"))
)
m, spd, b, tall, lf = G["in_m"], G["in_spd"], G["in_b"], G["in_tall"], G["in_lf"]

CASES = {
    "det": lambda: linalg.det(m),
    "inv": lambda: linalg.inv(m),
    "solve": lambda: linalg.solve(m, b),
    "solve_tri_lower": lambda: linalg.solve_triangular(m, b, lower=True),
    "solve_tri_upper": lambda: linalg.solve_triangular(m, b),
    "chol": lambda: linalg.cholesky(spd),
    "chol_upper": lambda: linalg.cholesky(spd, upper=True),
    "chol_inv": lambda: linalg.cholesky_inverse(lf),
    "chol_inv_upper": lambda: linalg.cholesky_inverse(np.swapaxes(lf, -1, -2), upper=True),
    "svd_s": lambda: linalg.svd(tall, compute_uv=False),
    "pinv": lambda: linalg.pinv(tall),
    "lstsq": lambda: linalg.lstsq(tall, G["in_rhs"]),
    "rank": lambda: linalg.matrix_rank(G["in_low"]),
    "rank_full": lambda: linalg.matrix_rank(m),
    "norm_fro": lambda: linalg.norm(m, axis=(-2, -1)),
    "norm_vec": lambda: linalg.norm(m, ord=3, axis=-1),
    "logdet": lambda: ops.logdet(spd),
}


def test_every_golden_has_a_case():
    assert sorted(CASES) == sorted(k[4:] for k in G if k.startswith("out_"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_keras(name):
    got = ops.convert_to_numpy(CASES[name]())
    want = G["out_" + name]
    assert got.shape == want.shape
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_exported_at_ops_level():
    for name in (
        "det",
        "inv",
        "solve",
        "solve_triangular",
        "cholesky",
        "cholesky_inverse",
        "svd",
        "qr",
        "pinv",
        "lstsq",
        "matrix_rank",
        "jvp",
    ):
        assert getattr(ops, name) is getattr(linalg, name)
    assert ops.linalg.norm is ops.norm


def test_svd_and_qr_reconstruct():
    u, s, vh = linalg.svd(m)
    np.testing.assert_allclose((u.numpy() * s.numpy()[..., None, :]) @ vh.numpy(), m, rtol=1e-4, atol=1e-4)
    q, r = linalg.qr(tall)
    assert q.shape == (5, 3) and r.shape == (3, 3)
    np.testing.assert_allclose(q.numpy() @ r.numpy(), tall, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.tril(r.numpy(), -1), 0.0)


R = np.random.default_rng(7)


def _spd(n):
    a = R.standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


@pytest.mark.parametrize(
    "f, inputs",
    [
        (linalg.det, [R.standard_normal((2, 3, 3))]),
        (linalg.inv, [R.standard_normal((3, 3)) + 3 * np.eye(3)]),
        (linalg.solve, [R.standard_normal((3, 3)) + 3 * np.eye(3), R.standard_normal((3, 2))]),
        (
            lambda a, x: linalg.solve_triangular(a, x, lower=True),
            [R.standard_normal((3, 3)) + 3 * np.eye(3), R.standard_normal(3)],
        ),
        (lambda a: linalg.cholesky(a + tf.transpose(a), upper=True), [_spd(3)]),
        (
            lambda f: linalg.cholesky_inverse(f + 3.0 * tf.eye(3, dtype="float64")),
            [np.tril(R.standard_normal((3, 3)))],
        ),
        (lambda a: linalg.svd(a, compute_uv=False), [R.standard_normal((4, 3))]),
        (lambda a: ops.logdet(a + tf.transpose(a)), [_spd(3)]),
        (lambda a: linalg.norm(a, ord=3, axis=0), [R.standard_normal((4, 3))]),
    ],
)
def test_gradients(f, inputs):
    check_gradients(f, inputs)


def test_jvp_matches_the_jacobian():
    x = tf.constant(R.standard_normal(3))
    t = tf.constant(R.standard_normal(3))

    def f(x):
        return tf.sin(x) * tf.reduce_sum(x * x)

    y, jt = linalg.jvp(f, (x,), (t,))
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = f(x)
    jac = tape.jacobian(out, x).numpy()
    np.testing.assert_allclose(y.numpy(), f(x).numpy())
    np.testing.assert_allclose(jt.numpy(), jac @ t.numpy(), rtol=1e-10)
    y2, jt2, aux = linalg.jvp(lambda x: (f(x), "aux"), (x,), (t,), has_aux=True)
    assert aux == "aux"
    np.testing.assert_allclose(jt2.numpy(), jt.numpy())


def test_svd_gradient_of_singular_vectors_raises():
    x = tf.constant(R.standard_normal((3, 3)))
    with tf.GradientTape() as tape:
        tape.watch(x)
        u, s, vh = linalg.svd(x)
        loss = tf.reduce_sum(u)
    with pytest.raises(NotImplementedError, match="compute_uv=False"):
        tape.gradient(loss, x)


def test_inside_tf_function_and_symbolic():
    @tf.function
    def f(a, c):
        return linalg.solve(a, c) + linalg.inv(a)[..., :2]

    want = G["out_solve"] + G["out_inv"][..., :2]
    np.testing.assert_allclose(f(tf.constant(m), tf.constant(b)).numpy(), want, rtol=1e-4, atol=1e-4)
    inp = keras.Input((4, 4))
    model = keras.Model(inp, linalg.det(inp))
    np.testing.assert_allclose(model(m).numpy(), G["out_det"], rtol=1e-4)


def test_errors():
    with pytest.raises(ValueError, match="det: x must be a \\(batch of\\) square"):
        linalg.det(tall)
    with pytest.raises(ValueError, match="qr: mode"):
        linalg.qr(tall, mode="raw")
