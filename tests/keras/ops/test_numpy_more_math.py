"""keras.ops elementwise math, comparisons, bitwise ops and products against NumPy."""

import numpy as np
import pytest

from tensorflux.keras import ops

rng = np.random.RandomState(1)
X = rng.randn(3, 4).astype("float32")
Y = rng.randn(3, 4).astype("float32")
POS = np.abs(X) + 0.25
I = rng.randint(-20, 30, size=(3, 4)).astype("int32")
J = rng.randint(1, 12, size=(4,)).astype("int32")
SPECIAL = np.array([0.0, -0.0, 1.5, -2.5, np.inf, -np.inf, np.nan], "float32")


def _np(x):
    return ops.convert_to_numpy(x)


UNARY = [
    ("log2", POS, np.log2),
    ("log10", POS, np.log10),
    ("exp2", X, np.exp2),
    ("cbrt", X * 5, np.cbrt),
    ("trunc", X * 3, np.trunc),
    ("deg2rad", X * 90, np.deg2rad),
    ("rad2deg", X, np.rad2deg),
    ("fabs", X, np.fabs),
    ("arcsinh", X * 3, np.arcsinh),
    ("arccosh", POS + 1, np.arccosh),
    ("arctanh", X / 4, np.arctanh),
    ("angle", X, np.angle),
    ("sinc", np.array([0.0, 0.25, -1.5, 3.0], "float32"), np.sinc),
    ("i0", np.array([0.0, 0.5, -3.0, 10.0, 19.5, 21.0, 40.0], "float64"), np.i0),
    ("signbit", SPECIAL, np.signbit),
    ("isposinf", SPECIAL, np.isposinf),
    ("isneginf", SPECIAL, np.isneginf),
    ("real", X, np.real),
    ("imag", X, np.imag),
    ("conj", X, np.conj),
    ("conjugate", X, np.conjugate),
    ("isreal", X, np.isreal),
    ("bitwise_invert", I, np.invert),
    ("bitwise_not", I, np.invert),
]


@pytest.mark.parametrize("name, x, ref", UNARY, ids=[u[0] for u in UNARY])
def test_unary(name, x, ref):
    got = _np(getattr(ops, name)(x))
    want = ref(x)
    np.testing.assert_allclose(got, want, rtol=2e-6 if x.dtype == np.float32 else 1e-13, atol=1e-7)
    if want.dtype.kind in "bi" or x.dtype == np.float64:
        assert got.dtype == want.dtype


def test_integer_inputs_give_floatx():
    for name in ["log2", "log10", "exp2", "cbrt", "deg2rad", "rad2deg", "fabs", "arcsinh", "sinc", "i0"]:
        assert getattr(ops, name)(np.array([1, 2], "int32")).dtype == "float32", name
    assert ops.trunc(I).dtype == "int32"


BINARY = [
    ("fmax", np.where(rng.rand(3, 4) < 0.3, np.nan, X).astype("float32"), Y, np.fmax),
    ("fmin", X, np.where(rng.rand(3, 4) < 0.3, np.nan, Y).astype("float32"), np.fmin),
    ("fmod", X * 5, np.float32(1.5), np.fmod),
    ("fmod", I, J, np.fmod),
    ("fmod", I, -J, np.fmod),
    (
        "heaviside",
        np.array([-1.0, 0.0, 0.0, 2.0], "float32"),
        np.array([0.5, 0.25, 1.0, 7.0], "float32"),
        np.heaviside,
    ),
    ("ldexp", X, J, np.ldexp),
    ("logaddexp2", X * 10, Y * 10, np.logaddexp2),
    ("nextafter", X, Y, np.nextafter),
    ("nextafter", SPECIAL, np.float32(1.0), np.nextafter),
    ("gcd", I, J, np.gcd),
    ("lcm", I, J, np.lcm),
    ("isclose", X, X + np.float32(3e-5) * np.sign(X), np.isclose),
    ("isclose", SPECIAL, SPECIAL, np.isclose),
    ("bitwise_and", I, J, np.bitwise_and),
    ("bitwise_or", I, J, np.bitwise_or),
    ("bitwise_xor", I, J, np.bitwise_xor),
    ("left_shift", np.abs(I), J % 5, np.left_shift),
    ("bitwise_left_shift", np.abs(I), J % 5, np.left_shift),
    ("right_shift", I, J % 5, np.right_shift),
    ("bitwise_right_shift", I, J % 5, np.right_shift),
    ("divide_no_nan", X, np.where(rng.rand(3, 4) < 0.3, 0, Y).astype("float32"), None),
]


@pytest.mark.parametrize("name, a, b, ref", BINARY, ids=[f"{c[0]}-{i}" for i, c in enumerate(BINARY)])
def test_binary(name, a, b, ref):
    got = _np(getattr(ops, name)(a, b))
    if ref is None:  # divide_no_nan
        want = np.where(b == 0, 0, a / np.where(b == 0, 1, b))
    else:
        want = ref(a, b)
    if want.dtype.kind in "fc":
        np.testing.assert_allclose(got, want, rtol=2e-6, atol=1e-7, equal_nan=True)
        assert got.dtype == np.result_type(a, b) or got.dtype == np.float32
    else:
        np.testing.assert_array_equal(got, want)
        assert got.dtype == want.dtype or want.dtype == np.int64


def test_isclose_options_and_allclose():
    a = np.array([1.0, np.nan, np.inf, 1.0], "float32")
    b = np.array([1.001, np.nan, np.inf, 1.2], "float32")
    for kw in [{}, {"equal_nan": True}, {"rtol": 1e-2}, {"atol": 0.5}]:
        np.testing.assert_array_equal(_np(ops.isclose(a, b, **kw)), np.isclose(a, b, **kw))
        assert bool(ops.allclose(a, b, **kw)) == np.allclose(a, b, **kw)
    assert ops.allclose(X, X).dtype == "bool"


def test_isin():
    np.testing.assert_array_equal(_np(ops.isin(I, J)), np.isin(I, J))
    np.testing.assert_array_equal(_np(ops.isin(I, J, invert=True)), np.isin(I, J, invert=True))
    np.testing.assert_array_equal(_np(ops.isin(X, X[0])), np.isin(X, X[0]))
    np.testing.assert_array_equal(_np(ops.isin(I, np.array([], "int32"))), np.zeros(I.shape, bool))
    np.testing.assert_array_equal(_np(ops.isin(np.array([1, 2]), [2.0, 5.5])), [False, True])


def test_integer_only_ops_reject_floats():
    with pytest.raises(TypeError, match="gcd"):
        ops.gcd(X, X)
    with pytest.raises(TypeError, match="bitwise_and"):
        ops.bitwise_and(X, 1)
    with pytest.raises(TypeError, match="ldexp"):
        ops.ldexp(X, X)


V3 = rng.randn(5, 3).astype("float32")
W3 = rng.randn(5, 3).astype("float32")


@pytest.mark.parametrize(
    "fn, ref",
    [
        (lambda m: m.cross(V3, W3), lambda: np.cross(V3, W3)),
        (lambda m: m.cross(V3[0], W3), lambda: np.cross(V3[0], W3)),
        (lambda m: m.cross(V3.T, W3.T, axis=0), lambda: np.cross(V3.T, W3.T, axis=0)),
        (lambda m: m.cross(V3.T, W3, axisa=0, axisc=0), lambda: np.cross(V3.T, W3, axisa=0, axisc=0)),
        (
            lambda m: m.cross(V3[:, :2], W3),
            lambda: np.cross(np.pad(V3[:, :2], [(0, 0), (0, 1)]), W3),
        ),
        (lambda m: m.cross(V3[:, :2], W3[:, :2]), lambda: V3[:, 0] * W3[:, 1] - V3[:, 1] * W3[:, 0]),
        (lambda m: m.inner(X, Y), lambda: np.inner(X, Y)),
        (lambda m: m.inner(X[0], 2.0), lambda: np.inner(X[0], 2.0)),
        (lambda m: m.vdot(X, Y), lambda: np.vdot(X, Y)),
        (lambda m: m.kron(X[:2, :3], Y), lambda: np.kron(X[:2, :3], Y)),
        (lambda m: m.kron(X[0], Y), lambda: np.kron(X[0], Y)),
        (lambda m: m.kron(I[:2], J[:2]), lambda: np.kron(I[:2], J[:2])),
        (
            lambda m: m.slogdet(V3[:3] + 3 * np.eye(3, dtype="float32")),
            lambda: np.linalg.slogdet(V3[:3] + 3 * np.eye(3)),
        ),
        (lambda m: m.view(X, "int32"), lambda: X.view("int32")),
        (lambda m: m.view(I, "int16"), lambda: I.view("int16")),
    ],
)
def test_products(fn, ref):
    got, want = fn(ops), ref()
    if isinstance(got, tuple):
        for g, w in zip(got, want):
            np.testing.assert_allclose(_np(g), w, rtol=1e-5)
        return
    np.testing.assert_allclose(_np(got), want, rtol=1e-5, atol=1e-6)


def test_vectorize():
    add = ops.vectorize(lambda a, b: a * 2 + b)
    np.testing.assert_allclose(_np(add(X, Y[0])), X * 2 + Y[0], rtol=1e-6)
    dot = ops.vectorize(lambda u, v: ops.sum(u * v), signature="(n),(n)->()")
    np.testing.assert_allclose(_np(dot(V3, W3[0])), V3 @ W3[0], rtol=1e-5)
    scaled = ops.vectorize(lambda u, k: u * k, excluded={1})
    np.testing.assert_allclose(_np(scaled(X, 3.0)), X * 3.0, rtol=1e-6)
    with pytest.raises(ValueError, match="signature"):
        dot(V3)
