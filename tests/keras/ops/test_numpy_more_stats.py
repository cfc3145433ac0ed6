"""keras.ops NaN reductions, quantiles, searching/counting and window functions against NumPy."""

import warnings

import numpy as np
import pytest

from tensorflux.keras import ops

rng = np.random.RandomState(2)
X = rng.randn(3, 4, 5)
XN = X.copy()
XN[0, 1, :] = np.nan
XN[1, 2, 3] = np.nan
XN[2, :, 0] = np.nan
I = rng.randint(-5, 9, size=(4, 6)).astype("int32")


def _np(x):
    return ops.convert_to_numpy(x)


def _nan_ref(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(*args, **kwargs)


@pytest.mark.parametrize(
    "name", ["nansum", "nanprod", "nanmean", "nanvar", "nanstd", "nanmax", "nanmin", "nanmedian"]
)
@pytest.mark.parametrize("axis", [None, 0, 2, (0, 2)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_nan_reductions(name, axis, keepdims):
    got = _np(getattr(ops, name)(XN, axis=axis, keepdims=keepdims))
    want = _nan_ref(getattr(np, name), XN, axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(got, want, rtol=1e-12, equal_nan=True)


def test_nan_reductions_all_nan_slice_and_ints():
    allnan = np.full((2, 3), np.nan, "float32")
    for name in ["nanmean", "nanvar", "nanstd", "nanmax", "nanmin", "nanmedian"]:
        assert np.isnan(_np(getattr(ops, name)(allnan, axis=1))).all(), name
    assert float(ops.nansum(allnan)) == 0.0
    assert ops.nansum(I).dtype == "int32" and int(ops.nansum(I)) == I.sum()
    assert ops.nanmean(I).dtype == "float32"
    assert ops.nanmax(I).dtype == "int32"


@pytest.mark.parametrize("name", ["nanargmax", "nanargmin"])
def test_nanarg(name):
    x = XN[1]
    np.testing.assert_array_equal(_np(getattr(ops, name)(x, axis=1)), getattr(np, name)(x, axis=1))
    assert int(getattr(ops, name)(x)) == getattr(np, name)(x)


@pytest.mark.parametrize("name", ["nancumsum", "nancumprod"])
def test_nancumulative(name):
    np.testing.assert_allclose(_np(getattr(ops, name)(XN, axis=1)), getattr(np, name)(XN, axis=1), rtol=1e-12)
    np.testing.assert_allclose(_np(getattr(ops, name)(XN)), getattr(np, name)(XN), rtol=1e-12)


@pytest.mark.parametrize("method", ["linear", "lower", "higher", "midpoint", "nearest"])
@pytest.mark.parametrize("q", [0.0, 0.37, 1.0, [0.1, 0.5, 0.95]])
@pytest.mark.parametrize("axis", [None, 1, (0, 2), -1])
def test_quantile(method, q, axis):
    for keepdims in (False, True):
        got = _np(ops.quantile(X, q, axis=axis, method=method, keepdims=keepdims))
        want = np.quantile(X, q, axis=axis, method=method, keepdims=keepdims)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_percentile_median_and_nan_variants():
    np.testing.assert_allclose(
        _np(ops.percentile(X, [5, 50], axis=2)), np.percentile(X, [5, 50], axis=2), rtol=1e-12
    )
    np.testing.assert_allclose(_np(ops.median(X, axis=(1, 2))), np.median(X, axis=(1, 2)), rtol=1e-12)
    q = [0.2, 0.8]
    got = _np(ops.nanquantile(XN, q, axis=2, method="nearest"))
    np.testing.assert_allclose(got, _nan_ref(np.nanquantile, XN, q, axis=2, method="nearest"), rtol=1e-12)
    got = _np(ops.nanpercentile(XN, 30, axis=1))
    np.testing.assert_allclose(got, _nan_ref(np.nanpercentile, XN, 30, axis=1), rtol=1e-12, equal_nan=True)
    # a NaN anywhere in the slice makes the plain quantile NaN, as NumPy
    np.testing.assert_array_equal(np.isnan(_np(ops.median(XN, axis=2))), np.isnan(np.median(XN, axis=2)))
    assert ops.median(I).dtype == "float32"
    with pytest.raises(ValueError, match="method"):
        ops.quantile(X, 0.5, method="cubic")


def test_ptp_corrcoef_correlate_trapezoid():
    np.testing.assert_array_equal(_np(ops.ptp(I, axis=0)), np.ptp(I, axis=0))
    np.testing.assert_allclose(_np(ops.corrcoef(X[0])), np.corrcoef(X[0]), rtol=1e-12)
    assert float(ops.corrcoef(X[0, 0])) == pytest.approx(1.0)
    for n in range(1, 6):
        for m in range(1, 6):
            a, v = rng.randn(n), rng.randn(m)
            for mode in ("valid", "same", "full"):
                np.testing.assert_allclose(
                    _np(ops.correlate(a, v, mode)), np.correlate(a, v, mode), rtol=1e-12
                )
    np.testing.assert_allclose(_np(ops.trapezoid(X, axis=1)), np.trapezoid(X, axis=1), rtol=1e-12)
    np.testing.assert_allclose(_np(ops.trapezoid(X, dx=0.5)), np.trapezoid(X, dx=0.5), rtol=1e-12)
    xs = np.cumsum(rng.rand(5))
    np.testing.assert_allclose(_np(ops.trapezoid(X, x=xs)), np.trapezoid(X, x=xs), rtol=1e-12)
    with pytest.raises(ValueError, match="correlate"):
        ops.correlate(X, X[0, 0])


def test_search_and_count():
    seq = np.sort(rng.randn(10))
    vals = np.concatenate([rng.randn(6), seq[:3]])
    for side in ("left", "right"):
        np.testing.assert_array_equal(
            _np(ops.searchsorted(seq, vals, side=side)), np.searchsorted(seq, vals, side)
        )
    inc, dec = np.array([-1.0, 0.0, 0.5, 2.0]), np.array([2.0, 0.5, 0.0, -1.0])
    v = np.concatenate([rng.randn(8), inc])
    np.testing.assert_array_equal(_np(ops.digitize(v, inc)), np.digitize(v, inc))
    np.testing.assert_array_equal(_np(ops.digitize(v, dec)), np.digitize(v, dec))
    assert ops.digitize(v, inc).dtype == "int32"
    c = np.abs(I).ravel()
    np.testing.assert_array_equal(_np(ops.bincount(c)), np.bincount(c))
    np.testing.assert_allclose(_np(ops.bincount(c, weights=rng.rand(c.size), minlength=20)).shape, (20,))
    w = rng.rand(c.size).astype("float32")
    np.testing.assert_allclose(_np(ops.bincount(c, weights=w)), np.bincount(c, weights=w), rtol=1e-6)
    rows = np.abs(I)
    np.testing.assert_array_equal(
        _np(ops.bincount(rows, minlength=10)), [np.bincount(r, minlength=10) for r in rows]
    )
    with pytest.raises(ValueError, match="negative"):
        ops.bincount(np.array([1, -1]))
    with pytest.raises(ValueError, match="sparse"):
        ops.bincount(c, sparse=True)


@pytest.mark.parametrize("kwargs", [{}, {"bins": 3}, {"bins": 7, "range": (-1.0, 1.5)}])
def test_histogram(kwargs):
    data = rng.randn(200)
    counts, edges = ops.histogram(data, **kwargs)
    want_c, want_e = np.histogram(data, **kwargs)
    np.testing.assert_array_equal(_np(counts), want_c)
    np.testing.assert_allclose(_np(edges), want_e, rtol=1e-12)
    c, e = ops.histogram(np.full(4, 2.0), bins=2)
    np.testing.assert_array_equal(_np(c), np.histogram(np.full(4, 2.0), bins=2)[0])


def test_argpartition_partitions():
    x = rng.randn(4, 9)
    for k in (0, 3, 8):
        idx = _np(ops.argpartition(x, k, axis=1))
        part = np.take_along_axis(x, idx, axis=1)
        kth = np.sort(x, axis=1)[:, k : k + 1]
        assert (part[:, k : k + 1] == kth).all()
        assert (part[:, :k] <= kth).all() and (part[:, k + 1 :] >= kth).all()
        assert sorted(idx[0].tolist()) == list(range(9))
    with pytest.raises(ValueError, match="kth"):
        ops.argpartition(x, 9)


def test_unique_nonzero_unravel():
    x = np.array([[3, 1, 3], [2, 1, 7]], "int32")
    vals, index, inverse, counts = ops.unique(x, return_index=True, return_inverse=True, return_counts=True)
    want = np.unique(x, return_index=True, return_inverse=True, return_counts=True)
    for g, w in zip((vals, index, inverse, counts), want):
        np.testing.assert_array_equal(_np(g), np.asarray(w).reshape(np.shape(_np(g))))
    np.testing.assert_array_equal(_np(inverse), want[2].reshape(x.shape))
    np.testing.assert_array_equal(_np(ops.unique(x)), np.unique(x))
    unsorted, inv = ops.unique(x, sorted=False, return_inverse=True)
    np.testing.assert_array_equal(_np(unsorted), [3, 1, 2, 7])
    np.testing.assert_array_equal(_np(unsorted)[_np(inv)], x)
    np.testing.assert_array_equal(_np(ops.unique(x, size=7, fill_value=-1)), [1, 2, 3, 7, -1, -1, -1])
    nz = ops.nonzero(I)
    for g, w in zip(nz, np.nonzero(I)):
        np.testing.assert_array_equal(_np(g), w)
    assert nz[0].dtype == "int32"
    got = ops.unravel_index(np.array([0, 7, 22], "int32"), (2, 3, 4))
    for g, w in zip(got, np.unravel_index([0, 7, 22], (2, 3, 4))):
        np.testing.assert_array_equal(_np(g), w)


@pytest.mark.parametrize("name", ["bartlett", "blackman", "hamming", "hanning"])
@pytest.mark.parametrize("n", [0, 1, 2, 5, 8])
def test_windows(name, n):
    got = getattr(ops, name)(n)
    assert got.dtype == "float32"
    np.testing.assert_allclose(_np(got), getattr(np, name)(n), atol=1e-6)


def test_kaiser_and_ranges():
    for n, beta in [(1, 2.0), (6, 0.0), (7, 5.0), (12, 14.0)]:
        np.testing.assert_allclose(_np(ops.kaiser(n, beta)), np.kaiser(n, beta), rtol=1e-6, atol=1e-7)
    for args in [(0, 2, 5), (1, 3, 4, False), (2, 0, 3)]:
        np.testing.assert_allclose(_np(ops.logspace(*args)), np.logspace(*args), rtol=1e-6)
    np.testing.assert_allclose(
        _np(ops.logspace(0, 4, 5, base=2.0)), np.logspace(0, 4, 5, base=2.0), rtol=1e-6
    )
    for args in [(1, 1000, 4), (1, 1000, 4, False), (-2, -50, 5), (3, 3, 1)]:
        np.testing.assert_allclose(_np(ops.geomspace(*args)), np.geomspace(*args), rtol=1e-6)
    assert ops.logspace(0, 1, 3, dtype="float64").dtype == "float64"
    with pytest.raises(ValueError, match="same sign"):
        ops.geomspace(-1, 1)
