"""keras.ops real, imag, conj, angle, isreal on complex tensors and polar, view_as_complex, view_as_real,
against Keras 3.15 goldens (scripts/golden_image_aug2.py), with gradients against finite differences."""

import doctest
import importlib
import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras.ops import numpy_complex as C
from tensorflux.keras.ops import numpy_elementwise as E
from tensorflux.testing import check_gradients

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "image_aug2", "complex_ops.npz")


@pytest.fixture(scope="module")
def g():
    with np.load(FIXTURE, allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


@pytest.mark.parametrize("name", ["real", "imag", "conj", "conjugate", "angle", "isreal"])
@pytest.mark.parametrize("which", ["z", "z128"])
def test_parts_of_complex_inputs_match_keras(g, name, which):
    z = g[which]
    y = getattr(E, name)(tf.constant(z)).numpy()
    key = "conj" if name == "conjugate" else name
    if which == "z":
        expected = g[key]
    elif name == "real":
        expected = g["real128"]
    elif name == "angle":
        expected = g["angle128"]  # Keras takes complex128 to complex64 first: float32
    else:  # Keras' other answers on complex128 are NumPy's
        expected = {"imag": np.imag(z), "conj": np.conj(z), "isreal": np.isreal(z)}[key]
    assert y.dtype == expected.dtype and y.shape == expected.shape
    if y.dtype == bool:
        np.testing.assert_array_equal(y, expected)
    else:
        np.testing.assert_allclose(y, expected, rtol=1e-6, atol=1e-7)


def test_real_inputs_keep_their_old_answers(g):
    x = np.array([-2.0, 0.0, 3.0], "float32")
    np.testing.assert_array_equal(E.real(x).numpy(), x)
    np.testing.assert_array_equal(E.imag(x).numpy(), np.zeros(3, "float32"))
    np.testing.assert_array_equal(E.conj(x).numpy(), x)
    np.testing.assert_array_equal(E.isreal(x).numpy(), [True, True, True])
    np.testing.assert_allclose(E.angle(x).numpy(), g["angle_real"])


def test_polar_and_views_match_keras(g):
    z = C.polar(g["r"], g["theta"])
    assert z.dtype == "complex64"
    np.testing.assert_allclose(z.numpy(), g["polar"], rtol=1e-6, atol=1e-6)
    z64 = C.polar(g["r"].astype("float64"), g["theta"].astype("float64"))
    assert z64.dtype == "complex128"
    np.testing.assert_allclose(z64.numpy(), g["polar64"], rtol=1e-12)
    for key, x in (("view_as_complex", g["pairs"]), ("view_as_complex64", g["pairs"].astype("float64"))):
        y = C.view_as_complex(x)
        assert y.dtype == "complex64"  # Keras casts every input to complex64
        np.testing.assert_array_equal(y.numpy(), g[key])
    for key, z in (("view_as_real", g["z"]), ("view_as_real128", g["z128"])):
        y = C.view_as_real(tf.constant(z))
        assert y.dtype == g[key].dtype
        np.testing.assert_array_equal(y.numpy(), g[key])
    np.testing.assert_array_equal(C.view_as_real(np.array([1.0, -2.0], "float32")).numpy(), [[1, 0], [-2, 0]])
    np.testing.assert_array_equal(C.view_as_real(C.view_as_complex(g["pairs"])).numpy(), g["pairs"])


def test_bad_inputs_name_the_op():
    with pytest.raises(ValueError, match=r"view_as_complex.*size 2.*\(2, 3\)"):
        C.view_as_complex(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="polar.*same shape"):
        C.polar(np.ones(3, "float32"), np.ones(2, "float32"))
    with pytest.raises(TypeError, match="polar.*same dtype"):
        C.polar(np.ones(3, "float32"), np.ones(3, "float64"))


def test_gradients_through_complex_intermediates():
    rng = np.random.default_rng(0)
    r, theta = rng.random((3, 2)) + 0.5, rng.random((3, 2)) * 4 - 2

    def parts(r, theta):
        z = C.polar(r, theta)
        return E.real(z) * 2.0 + E.imag(E.conj(z)) * 3.0 + C.view_as_real(z)[..., 1]

    check_gradients(parts, [r, theta])
    # real parts of real inputs are the identity, imaginary parts constant
    check_gradients(lambda x: E.real(x) * x + E.imag(x) + E.conj(x), [r])


def test_angle_gradient_matches_the_analytic_one():
    # angle(r e^{i theta}) = theta (computed in float32, as Keras): d/dtheta = 1, d/dr = 0
    r = tf.constant(np.array([0.5, 1.0, 2.0]))
    theta = tf.constant(np.array([-2.0, 0.3, 1.5]))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([r, theta])
        a = E.angle(C.polar(r, theta))
    np.testing.assert_allclose(a.numpy(), theta.numpy(), rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(a, theta).numpy(), np.ones(3), rtol=1e-5)
    np.testing.assert_allclose(tape.gradient(a, r).numpy(), np.zeros(3), atol=1e-6)


def test_view_as_complex_gradient():
    p = tf.constant(np.array([[1.0, 2.0], [-0.5, 3.0]], "float32"))
    with tf.GradientTape() as tape:
        tape.watch(p)
        z = C.view_as_complex(p)
        loss = tf.reduce_sum(E.real(z) * 3.0 + E.imag(z) ** 2)
    np.testing.assert_allclose(tape.gradient(loss, p).numpy(), [[3.0, 4.0], [3.0, 6.0]])


def test_symbolic_inputs_build_a_model():
    keras = tf.keras
    inputs = keras.Input((3, 2))
    z = C.view_as_complex(inputs)
    assert tuple(z.shape) == (None, 3) and z.dtype == "complex64"
    model = keras.Model(inputs, C.view_as_real(E.conj(z)))
    x = np.random.default_rng(1).random((2, 3, 2)).astype("float32")
    np.testing.assert_array_equal(model.predict(x, verbose=0), x * [1, -1])


@pytest.mark.parametrize(
    "module", ["tensorflux.keras.ops.numpy_complex", "tensorflux.keras.ops.numpy_elementwise"]
)
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
