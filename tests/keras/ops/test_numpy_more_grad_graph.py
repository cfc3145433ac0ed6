"""Gradients (finite differences, float64), tf.function and functional-model use of the extra keras.ops."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import ops
from tensorflux.testing import check_gradients

rng = np.random.RandomState(3)
X = rng.randn(3, 4)
Y = rng.randn(3, 4)
POS = np.abs(X) + 0.5
V3 = rng.randn(4, 3)
W3 = rng.randn(4, 3)
# distinct values so that sorts and maxima have no ties under finite differences
D = (rng.permutation(24).reshape(2, 3, 4) + rng.rand(2, 3, 4) * 0.5) / 7.0
NAN_MASK = rng.rand(2, 3, 4) < 0.25
FIRST = np.arange(4) == 0


def _with_nan(x):
    return ops.where(NAN_MASK, np.nan, x)


GRADS = [
    ("log2", lambda x: ops.log2(x), [POS]),
    ("log10", lambda x: ops.log10(x), [POS]),
    ("exp2", lambda x: ops.exp2(x), [X]),
    ("cbrt", lambda x: ops.cbrt(x), [X]),
    ("arcsinh", lambda x: ops.arcsinh(x), [X]),
    ("arccosh", lambda x: ops.arccosh(x), [POS + 1]),
    ("arctanh", lambda x: ops.arctanh(x), [X / 4]),
    ("deg2rad", lambda x: ops.deg2rad(x) + ops.rad2deg(x), [X]),
    ("sinc", lambda x: ops.sinc(x), [X]),
    ("i0", lambda x: ops.i0(x), [X[0] * 3]),
    ("i0_large", lambda x: ops.i0(x), [np.array([19.0, 24.0, -30.0])]),
    ("fmod", lambda a, b: ops.fmod(a, b), [X * 5, POS]),
    ("fmax_fmin", lambda a, b: ops.fmax(a, b) + 2 * ops.fmin(a, b), [X, Y]),
    ("logaddexp2", lambda a, b: ops.logaddexp2(a, b), [X, Y]),
    ("ldexp", lambda a: ops.ldexp(a, np.array([1, 2, 0, 3], "int32")), [X]),
    ("heaviside", lambda b: ops.heaviside(np.array([0.0, -1.0, 0.0, 2.0]), b), [Y[0]]),
    ("divide_no_nan", lambda a, b: ops.divide_no_nan(a, b), [X, POS]),
    ("append", lambda a, b: ops.append(a, b, axis=0), [X, Y]),
    ("stack_ops", lambda a, b: ops.hstack([a, b]) * ops.hstack([b, a]) + ops.sum(ops.vstack([a, b])), [X, Y]),
    ("dstack", lambda a, b: ops.dstack([a, b]) ** 2, [X, Y]),
    ("splits", lambda a: ops.array_split(a, 3, axis=1)[0] * ops.sum(ops.vsplit(a, [1])[1]), [X]),
    ("diag", lambda a: ops.diag(a, 1), [X]),
    ("diag_build", lambda a: ops.diag(a[0], -1) * 3.0, [X]),
    ("diagflat", lambda a: ops.diagflat(a[:2]), [X]),
    ("diff", lambda a: ops.diff(a, 2, axis=1) ** 2, [X]),
    ("roll_rot90", lambda a: ops.roll(a, (1, -2), axis=(0, 1)) * ops.rot90(ops.rot90(a)), [X]),
    ("flip_lrud", lambda a: ops.fliplr(a) * ops.flipud(a), [X]),
    ("tril_triu", lambda a: ops.tril(a, 1) * 2.0 + ops.triu(a, -1) ** 2, [X]),
    ("broadcast_copy", lambda a: ops.broadcast_to(ops.copy(a[0]), (2, 4)) * a[:2], [X]),
    ("get_item", lambda a: ops.get_item(a, (slice(1, None), 2)) ** 2, [X]),
    ("select", lambda a, b: ops.select([a > 0.5, b > 0], [a * b, a + b], 0.0), [X, Y]),
    ("vander", lambda a: ops.vander(a[0], 3), [X]),
    (
        "nansum_mean",
        lambda x: ops.nansum(_with_nan(x), axis=1) + ops.sum(ops.nanmean(_with_nan(x), axis=2)),
        [D],
    ),
    # one NaN per slice for std: the std of a single remaining value has an infinite gradient
    (
        "nanvar_std",
        lambda x: ops.nanvar(_with_nan(x), axis=2) + ops.nanstd(ops.where(FIRST, np.nan, x), axis=2),
        [D],
    ),
    ("nanmax_min", lambda x: ops.nanmax(_with_nan(x), axis=2) + ops.nanmin(_with_nan(x), axis=2), [D]),
    ("nanprod", lambda x: ops.nanprod(_with_nan(x), axis=2), [D]),
    ("nancum", lambda x: ops.nancumsum(_with_nan(x), axis=2) + ops.nancumprod(_with_nan(x), axis=1), [D]),
    ("quantile", lambda x: ops.quantile(x, [0.1, 0.5, 0.77], axis=2), [D]),
    ("median", lambda x: ops.median(x, axis=(0, 2), keepdims=True), [D]),
    (
        "percentile_methods",
        lambda x: (
            ops.percentile(x, 35, axis=1, method="midpoint") + ops.percentile(x, 35, axis=1, method="lower")
        ),
        [D],
    ),
    ("nanquantile", lambda x: ops.nanquantile(_with_nan(x), 0.4, axis=2), [D]),
    ("ptp", lambda x: ops.ptp(x, axis=1), [D]),
    ("corrcoef", lambda x: ops.corrcoef(x), [X]),
    (
        "correlate",
        lambda a, v: ops.correlate(a, v, "full") + ops.sum(ops.correlate(a, v, "same")),
        [X[0], Y[1, :3]],
    ),
    ("trapezoid", lambda y: ops.trapezoid(y, x=np.array([0.0, 0.5, 2.0, 2.5]), axis=1), [X]),
    ("cross", lambda a, b: ops.cross(a, b), [V3, W3]),
    ("cross_2d", lambda a, b: ops.cross(a[:, :2], b), [V3, W3]),
    ("inner", lambda a, b: ops.inner(a, b), [X, Y]),
    ("vdot", lambda a, b: ops.vdot(a, b), [X, Y]),
    ("kron", lambda a, b: ops.kron(a[:2, :2], b), [X, Y]),
    ("slogdet", lambda a: ops.slogdet(a @ ops.transpose(a) + 0.5 * ops.eye(3, dtype="float64"))[1], [X]),
]


@pytest.mark.parametrize("name, f, inputs", GRADS, ids=[g[0] for g in GRADS])
def test_gradients_match_finite_differences(name, f, inputs):
    check_gradients(f, inputs)


def test_non_differentiable_ops_give_no_gradient():
    x = tf.constant([1.5, -2.0, 0.25], dtype="float64")
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        outs = [ops.isclose(x, 1.5), ops.signbit(x), ops.isin(x, [1.5]), ops.searchsorted([0.0, 1.0], x)]
    for o in outs:
        assert tape.gradient(o, x) is None


def test_ops_inside_tf_function_follow_the_inputs():
    @tf.function
    def f(x, k):
        return (
            ops.nanmedian(x, axis=1),
            ops.tril(x, -1),
            ops.roll(x, 1, axis=1),
            ops.left_shift(k, 2),
            ops.isin(k, [3, 4]),
            ops.digitize(x, [0.0, 0.5]),
            ops.nonzero(k > 3),
        )

    for seed in (0, 1):
        r = np.random.RandomState(seed)
        x = r.randn(3, 4).astype("float32")
        x[0, 1] = np.nan
        k = r.randint(0, 8, size=(5,)).astype("int32")
        med, low, rolled, shifted, member, bins, nz = f(x, k)
        np.testing.assert_allclose(ops.convert_to_numpy(med), np.nanmedian(x, axis=1), rtol=1e-6)
        np.testing.assert_array_equal(ops.convert_to_numpy(low), np.tril(x, -1))
        np.testing.assert_array_equal(ops.convert_to_numpy(rolled), np.roll(x, 1, axis=1))
        np.testing.assert_array_equal(ops.convert_to_numpy(shifted), k << 2)
        np.testing.assert_array_equal(ops.convert_to_numpy(member), np.isin(k, [3, 4]))
        np.testing.assert_array_equal(ops.convert_to_numpy(bins), np.digitize(x, [0.0, 0.5]))
        np.testing.assert_array_equal(ops.convert_to_numpy(nz[0]), np.nonzero(k > 3)[0])
    assert f.experimental_get_tracing_count() == 1


def test_data_dependent_ops_refuse_tracing_clearly():
    with pytest.raises(ValueError, match="unique.*tf.function"):
        tf.function(lambda v: ops.unique(v))(np.array([1.0, 1.0]))
    with pytest.raises(ValueError, match="bincount.*tf.function"):
        tf.function(lambda v: ops.bincount(v))(np.array([1, 1]))
    with pytest.raises(ValueError, match="unique.*symbolic"):
        ops.unique(keras.Input((3,)))


def test_symbolic_use_in_a_functional_model():
    inp = keras.Input((4, 4))
    a = ops.triu(inp) + ops.flipud(ops.diag(ops.arange(4.0)))
    b = ops.quantile(inp, [0.25, 0.75], axis=-1)  # (2, batch, 4)
    c = ops.log2(ops.abs(ops.diff(inp, axis=-1)) + 1.0)
    out = ops.concatenate([a, ops.moveaxis(b, 0, -1), c], axis=-1)
    assert tuple(out.shape) == (None, 4, 4 + 2 + 3)
    model = keras.Model(inp, out)
    x = rng.randn(2, 4, 4).astype("float32")
    want = np.concatenate(
        [
            np.triu(x) + np.flipud(np.diag(np.arange(4.0))),
            np.moveaxis(np.quantile(x, [0.25, 0.75], axis=-1), 0, -1),
            np.log2(np.abs(np.diff(x, axis=-1)) + 1.0),
        ],
        -1,
    )
    np.testing.assert_allclose(ops.convert_to_numpy(model(x)), want, rtol=1e-5, atol=1e-6)
    parts = ops.hsplit(inp, 2)
    assert [tuple(p.shape) for p in parts] == [(None, 2, 4), (None, 2, 4)]


@pytest.mark.parametrize(
    "module",
    ["shape", "elementwise", "bitwise", "stats", "search", "products", "windows"],
)
def test_docstring_examples(module):
    import doctest
    import importlib

    mod = importlib.import_module(f"tensorflux.keras.ops.numpy_{module}")
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
