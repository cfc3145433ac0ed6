"""keras.ops array building, stacking, splitting, flipping and triangular ops against NumPy."""

import numpy as np
import pytest

from tensorflux.keras import ops

rng = np.random.RandomState(0)
X = rng.randn(3, 4).astype("float32")
Y = rng.randn(2, 3, 4).astype("float32")
V = rng.randn(5).astype("float32")
I = np.arange(12, dtype="int32").reshape(3, 4)


def _np(x):
    return ops.convert_to_numpy(x)


CASES = [
    ("append_flat", lambda m: m.append(X, V), lambda: np.append(X, V)),
    ("append_axis", lambda m: m.append(X, X[:1], axis=0), lambda: np.append(X, X[:1], axis=0)),
    ("broadcast_to", lambda m: m.broadcast_to(V, (2, 5)), lambda: np.broadcast_to(V, (2, 5))),
    ("copy", lambda m: m.copy(X), lambda: X.copy()),
    ("diag_get", lambda m: m.diag(X), lambda: np.diag(X)),
    ("diag_get_k", lambda m: m.diag(X, -1), lambda: np.diag(X, -1)),
    ("diag_get_far", lambda m: m.diag(X, 7), lambda: np.diag(X, 7)),
    ("diag_make", lambda m: m.diag(V, 2), lambda: np.diag(V, 2)),
    ("diagflat", lambda m: m.diagflat(X[:2, :2], -1), lambda: np.diagflat(X[:2, :2], -1)),
    ("diff", lambda m: m.diff(Y), lambda: np.diff(Y)),
    ("diff_n_axis", lambda m: m.diff(Y, 2, axis=1), lambda: np.diff(Y, 2, axis=1)),
    ("diff_bool", lambda m: m.diff(np.array([True, True, False])), lambda: np.diff([True, True, False])),
    ("dstack", lambda m: m.dstack([X, X]), lambda: np.dstack([X, X])),
    ("dstack_1d", lambda m: m.dstack([V, V]), lambda: np.dstack([V, V])),
    ("hstack", lambda m: m.hstack([X, X[:, :1]]), lambda: np.hstack([X, X[:, :1]])),
    ("hstack_1d", lambda m: m.hstack([V, V]), lambda: np.hstack([V, V])),
    ("vstack", lambda m: m.vstack([V, V]), lambda: np.vstack([V, V])),
    ("vstack_2d", lambda m: m.vstack([X, X[:1]]), lambda: np.vstack([X, X[:1]])),
    ("fliplr", lambda m: m.fliplr(X), lambda: np.fliplr(X)),
    ("flipud", lambda m: m.flipud(Y), lambda: np.flipud(Y)),
    ("get_item", lambda m: m.get_item(Y, (slice(None), 1, slice(1, 3))), lambda: Y[:, 1, 1:3]),
    ("roll_flat", lambda m: m.roll(X, 5), lambda: np.roll(X, 5)),
    ("roll_axis", lambda m: m.roll(Y, -1, axis=2), lambda: np.roll(Y, -1, axis=2)),
    ("roll_multi", lambda m: m.roll(Y, (1, 3), axis=(0, 2)), lambda: np.roll(Y, (1, 3), axis=(0, 2))),
    ("rot90", lambda m: m.rot90(X), lambda: np.rot90(X)),
    ("rot90_k2", lambda m: m.rot90(Y, 2, (1, 2)), lambda: np.rot90(Y, 2, (1, 2))),
    ("rot90_k3", lambda m: m.rot90(Y, -1, (2, 0)), lambda: np.rot90(Y, -1, (2, 0))),
    ("tri", lambda m: m.tri(3, 5, -1), lambda: np.tri(3, 5, -1, dtype="float32")),
    ("tril", lambda m: m.tril(Y, 1), lambda: np.tril(Y, 1)),
    ("triu", lambda m: m.triu(Y, -1), lambda: np.triu(Y, -1)),
    ("vander", lambda m: m.vander(V), lambda: np.vander(V)),
    ("vander_n", lambda m: m.vander(I[0], 3, increasing=True), lambda: np.vander(I[0], 3, increasing=True)),
    (
        "select",
        lambda m: m.select([X > 0, X < -1], [X, -X], 9.0),
        lambda: np.select([X > 0, X < -1], [X, -X], 9.0),
    ),
    ("empty_like", lambda m: m.empty_like(I).shape, lambda: I.shape),
]


@pytest.mark.parametrize("name, fn, ref", CASES, ids=[c[0] for c in CASES])
def test_against_numpy(name, fn, ref):
    got, want = fn(ops), ref()
    if isinstance(want, tuple):
        assert tuple(got) == want
        return
    got = _np(got)
    assert got.shape == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=1e-6)
    # NumPy's vander widens to 64 bits; Keras keeps the input dtype (the golden test checks it)
    if np.asarray(want).dtype.kind != "b" and not name.startswith("vander"):
        assert got.dtype == np.asarray(want).dtype


@pytest.mark.parametrize(
    "fn, ref",
    [
        (lambda m: m.array_split(np.arange(7), 3), lambda: np.array_split(np.arange(7), 3)),
        (lambda m: m.array_split(Y, 3, axis=2), lambda: np.array_split(Y, 3, axis=2)),
        (lambda m: m.array_split(V, [1, 3]), lambda: np.array_split(V, [1, 3])),
        (lambda m: m.hsplit(X, 2), lambda: np.hsplit(X, 2)),
        (lambda m: m.hsplit(V, [2]), lambda: np.hsplit(V, [2])),
        (lambda m: m.vsplit(X, [1]), lambda: np.vsplit(X, [1])),
        (lambda m: m.dsplit(Y, 2), lambda: np.dsplit(Y, 2)),
        (lambda m: m.meshgrid(V, X[0]), lambda: np.meshgrid(V, X[0])),
        (
            lambda m: m.meshgrid(V, X[0], I[0], indexing="ij"),
            lambda: np.meshgrid(V, X[0], I[0], indexing="ij"),
        ),
    ],
)
def test_multi_output(fn, ref):
    got, want = fn(ops), ref()
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(_np(g), w)


def test_creation_dtypes():
    assert ops.array([1, 2]).dtype == "int32"
    assert ops.array([1.0, 2.0]).dtype == "float32"
    assert ops.array(np.ones(2), dtype="int32").dtype == "int32"
    e = ops.empty((2, 3))
    assert e.dtype == "float32" and tuple(e.shape) == (2, 3)
    assert ops.empty((2,), dtype="int32").dtype == "int32"
    assert ops.tri(2, dtype="int32").dtype == "int32"


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: ops.hsplit(X, 3), "array_split"),
        (lambda: ops.vsplit(V, 1), "at least 2-D"),
        (lambda: ops.tril(V), "at least 2-D"),
        (lambda: ops.rot90(X, axes=(1, 1)), "must differ"),
        (lambda: ops.array_split(V, 0), "positive"),
        (lambda: ops.select([X > 0], [X, X]), "same length"),
        (lambda: ops.meshgrid(V, indexing="xx"), "indexing"),
        (lambda: ops.roll(X, (1, 2), axis=(0, 1, 0)), "same length"),
    ],
)
def test_errors_name_the_op(call, match):
    with pytest.raises(ValueError, match=match):
        call()
