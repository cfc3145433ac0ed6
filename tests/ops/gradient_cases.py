"""Gradient test cases, one entry per primitive of ``framework/primitives.py`` that has a rule.

``CASES[name]`` is a list of ``(function, inputs)``: the function applies the primitive (through
the public op where there is one) to float64 tensors; ``test_gradients.py`` checks each case
against central differences, and the coverage test fails when a differentiable primitive has
no entry here.  Inputs stay small (a few dozen elements) so that finite differences are quick,
and away from kinks (ties of max, zero of abs, integer boundaries of floormod).
"""

from __future__ import annotations

import numpy as np

import tensorflux as tf
from tensorflux.framework import primitives as P


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def rand(*shape: int, lo: float = -1.0, hi: float = 1.0, seed: int = 0) -> np.ndarray:
    return _rng(seed).uniform(lo, hi, size=shape)


def distinct(*shape: int, seed: int = 0) -> np.ndarray:
    """Values that are pairwise at least 0.1 apart (no ties for max, sort, top_k)."""
    n = int(np.prod(shape)) if shape else 1
    vals = (np.arange(n) - n / 2) * 0.37 + 0.05
    return _rng(seed).permutation(vals).reshape(shape)


def away_from_zero(*shape: int, seed: int = 0) -> np.ndarray:
    x = rand(*shape, lo=0.2, hi=1.5, seed=seed)
    signs = np.where(_rng(seed + 1).random(shape) < 0.5, -1.0, 1.0)
    return x * signs


def spd(n: int, seed: int = 0) -> np.ndarray:
    """A well-conditioned matrix (for inv, det, solve)."""
    return rand(n, n, seed=seed) + n * np.eye(n)


# Broadcast pairs used by every binary elementwise primitive.
BROADCAST_SHAPES = [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3)), ((4, 1, 3), (2, 1))]


def _binary(fn, lo=-1.0, hi=1.0, ylo=None, yhi=None):
    ylo = lo if ylo is None else ylo
    yhi = hi if yhi is None else yhi
    return [
        (fn, [rand(*sx, lo=lo, hi=hi, seed=i), rand(*sy, lo=ylo, hi=yhi, seed=10 + i)])
        for i, (sx, sy) in enumerate(BROADCAST_SHAPES)
    ]


def _max_min_cases(fn):
    # x and y interleave without ties: x from one half-grid, y from the other
    cases = []
    for i, (sx, sy) in enumerate(BROADCAST_SHAPES):
        x = distinct(*sx, seed=i) if sx else np.array(0.03)
        y = distinct(*sy, seed=20 + i) + 0.11
        cases.append((fn, [x, y]))
    return cases


def _floormod_cases():
    # x / y stays away from whole numbers, where floormod jumps
    y = np.array([[1.5, 2.0, 2.5], [1.25, 1.75, 3.0]])
    x = y * np.array([[0.3, 1.4, -0.6], [2.5, -1.3, 0.7]])
    return [(tf.math.floormod, [x, y]), (tf.math.floormod, [x, np.array([1.7, 2.3, 2.9])])]


def _unary(fn, lo=-1.0, hi=1.0, shape=(2, 3)):
    return [(fn, [rand(*shape, lo=lo, hi=hi, seed=1)]), (fn, [rand(lo=lo, hi=hi, seed=2)])]


def _cast_to_own_dtype(x):
    # the cast primitive itself (tf.cast returns its input unchanged when the dtype is the same)
    return P.unary(P.cast, x, dtype=x._value.dtype)


X23 = rand(2, 3, seed=3)
X234 = rand(2, 3, 4, seed=4)
D234 = distinct(2, 3, 4, seed=5)

CASES = {
    # -- elementwise, two inputs (every broadcast pattern) --------------------------------------
    "add": _binary(tf.add) + [(lambda x, y: x + y, [X23, np.array(0.5)])],
    "subtract": _binary(tf.subtract) + [(lambda x, y: y - x, [X23, rand(3, seed=9)])],
    "multiply": _binary(tf.multiply) + [(lambda x: x * x, [X23])],
    "divide": _binary(tf.divide, ylo=0.5, yhi=2.0),
    "power": _binary(tf.pow, lo=0.5, hi=2.0, ylo=-1.5, yhi=2.5) + [(lambda x: x**3, [rand(2, 2, seed=8)])],
    "maximum": _max_min_cases(tf.maximum),
    "minimum": _max_min_cases(tf.minimum),
    "floormod": _floormod_cases(),
    "arctan2": _binary(tf.math.atan2, lo=0.2, hi=1.5),
    # -- elementwise, one input -------------------------------------------------------------------
    "negative": _unary(tf.negative),
    "abs": [(tf.abs, [away_from_zero(2, 3)])],
    "sign": [(lambda x: tf.sign(x) * x, [away_from_zero(2, 3)])],
    "exp": _unary(tf.exp),
    "log": _unary(tf.math.log, lo=0.3, hi=3.0),
    "log1p": _unary(tf.math.log1p, lo=-0.5, hi=2.0),
    "expm1": _unary(tf.math.expm1),
    "sqrt": _unary(tf.sqrt, lo=0.3, hi=3.0),
    "rsqrt": _unary(tf.math.rsqrt, lo=0.3, hi=3.0),
    "square": _unary(tf.square),
    "reciprocal": _unary(tf.math.reciprocal, lo=0.4, hi=2.0),
    "sin": _unary(tf.sin, lo=-3.0, hi=3.0),
    "cos": _unary(tf.cos, lo=-3.0, hi=3.0),
    "tan": _unary(tf.math.tan, lo=-1.2, hi=1.2),
    "arcsin": _unary(tf.math.asin, lo=-0.8, hi=0.8),
    "arccos": _unary(tf.math.acos, lo=-0.8, hi=0.8),
    "arctan": _unary(tf.math.atan, lo=-3.0, hi=3.0),
    "sinh": _unary(tf.math.sinh, lo=-2.0, hi=2.0),
    "cosh": _unary(tf.math.cosh, lo=-2.0, hi=2.0),
    "tanh": _unary(tf.tanh, lo=-2.0, hi=2.0),
    "sigmoid": _unary(tf.sigmoid, lo=-4.0, hi=4.0),
    "relu": [(tf.nn.relu, [away_from_zero(3, 4)])],
    # the relu backward, differentiated with respect to the incoming gradient (second order)
    "relu_grad": [
        (lambda g: P.binary(P.relu_grad, g, tf.constant(away_from_zero(3, 4, seed=7))), [rand(3, 4, seed=8)])
    ],
    "softplus": _unary(tf.nn.softplus, lo=-4.0, hi=4.0),
    "erf": _unary(tf.math.erf, lo=-3.0, hi=3.0),
    "cast": [(_cast_to_own_dtype, [X23])],
    "identity": [(tf.identity, [X23])],
    # -- along an axis ----------------------------------------------------------------------------
    "softmax": [(tf.nn.softmax, [X234]), (lambda x: tf.nn.softmax(x, axis=0), [X23])],
    "log_softmax": [(tf.nn.log_softmax, [X234]), (lambda x: tf.nn.log_softmax(x, axis=1), [X234])],
    "logsumexp": [
        (tf.reduce_logsumexp, [X234]),
        (lambda x: tf.reduce_logsumexp(x, axis=1), [X234]),
        (lambda x: tf.reduce_logsumexp(x, axis=(0, 2), keepdims=True), [X234]),
    ],
    # -- reductions -------------------------------------------------------------------------------
    "reduce_sum": [
        (tf.reduce_sum, [X234]),
        (lambda x: tf.reduce_sum(x, axis=1), [X234]),
        (lambda x: tf.reduce_sum(x, axis=[0, 2], keepdims=True), [X234]),
        (lambda x: tf.reduce_sum(x, axis=-1, keepdims=False), [X23]),
    ],
    "reduce_mean": [
        (tf.reduce_mean, [X234]),
        (lambda x: tf.reduce_mean(x, axis=(1, 2)), [X234]),
        (lambda x: tf.reduce_mean(x, axis=0, keepdims=True), [X23]),
    ],
    "reduce_max": [
        (tf.reduce_max, [D234]),
        (lambda x: tf.reduce_max(x, axis=1), [D234]),
        (lambda x: tf.reduce_max(x, axis=(0, 2), keepdims=True), [D234]),
    ],
    "reduce_min": [
        (tf.reduce_min, [D234]),
        (lambda x: tf.reduce_min(x, axis=-1, keepdims=True), [D234]),
    ],
    "reduce_prod": [
        (tf.reduce_prod, [rand(2, 3, lo=0.5, hi=1.5)]),
        (lambda x: tf.reduce_prod(x, axis=1), [X234]),
        (lambda x: tf.reduce_prod(x, axis=(0, 2), keepdims=True), [X234]),
        # a zero among the factors: the rule must not divide by it
        (lambda x: tf.reduce_prod(x, axis=0), [np.array([[0.0, 1.5], [2.0, -0.5], [0.7, 1.1]])]),
    ],
    "cumsum": [
        (lambda x: tf.cumsum(x, axis=1), [X234]),
        (lambda x: tf.cumsum(x, axis=0, exclusive=True), [X23]),
        (lambda x: tf.cumsum(x, axis=-1, reverse=True), [X23]),
        (lambda x: tf.cumsum(x, axis=1, exclusive=True, reverse=True), [X23]),
    ],
    "cumprod": [
        (lambda x: tf.math.cumprod(x, axis=1), [rand(2, 4, lo=0.5, hi=1.5)]),
        (lambda x: tf.math.cumprod(x, axis=0, reverse=True), [rand(3, 2, lo=0.5, hi=1.5)]),
    ],
    # -- shape --------------------------------------------------------------------------------------
    "reshape": [(lambda x: tf.reshape(x, (4, 6)), [X234]), (lambda x: tf.reshape(x, [-1]), [X23])],
    "transpose": [(tf.transpose, [X234]), (lambda x: tf.transpose(x, perm=[1, 2, 0]), [X234])],
    "broadcast_to": [
        (lambda x: tf.broadcast_to(x, (2, 4, 3)), [rand(4, 1)]),
        (lambda x: tf.broadcast_to(x, (3, 2)), [rand(2)]),
    ],
    "concat": [
        (lambda x, y: tf.concat([x, y], axis=0), [X23, rand(1, 3)]),
        (lambda x, y: tf.concat([x, y, x], axis=-1), [X23, rand(2, 2)]),
    ],
    "stack": [
        (lambda x, y: tf.stack([x, y]), [X23, rand(2, 3, seed=7)]),
        (lambda x, y: tf.stack([x, y], axis=-1), [X23, rand(2, 3, seed=7)]),
    ],
    "tile": [(lambda x: tf.tile(x, [2, 3]), [X23]), (lambda x: tf.tile(x, [1, 2, 1]), [X234])],
    "pad": [
        (lambda x: tf.pad(x, [[1, 0], [2, 1]]), [X23]),
        (lambda x: tf.pad(x, [[0, 0], [1, 1], [0, 2]], constant_values=3.0), [X234]),
    ],
    "flip": [(lambda x: tf.reverse(x, [1]), [X234]), (lambda x: tf.reverse(x, [0, 2]), [X234])],
    # -- selection: indexing --------------------------------------------------------------------------
    "getitem": [
        (lambda x: x[1], [X234]),
        (lambda x: x[-1, 1:], [X234]),
        (lambda x: x[:, ::2, 1:3], [X234]),
        (lambda x: x[..., -1], [X234]),
        (lambda x: x[:, tf.newaxis, 0], [X234]),
        (lambda x: x[None, ..., 2:0:-1], [X234]),
        (lambda x: x[[1, 0, 1]], [X234]),  # integer array with a repeat: gradients add up
        (lambda x: x[:, [2, 0, 2, 2]], [X23]),
        (lambda x: x[tf.constant([0, 1]), tf.constant([2, 0])], [X23]),
        (lambda x: x[x > 0], [X234]),  # boolean mask
        (lambda x: x[np.array([True, False, True])], [X23.T.copy()]),
        (lambda x: x[tf.constant(1)], [X23]),
    ],
    "getitem_grad": [
        (lambda g: P.unary(P.getitem_grad, g, index=(slice(0, 2),), basic=True, shape=(3, 3)), [X23]),
        (
            lambda g: P.unary(P.getitem_grad, g, index=(np.array([0, 2, 0]),), basic=False, shape=(3, 3)),
            [rand(3, 3, seed=6)],
        ),
    ],
    "gather": [
        (lambda x: tf.gather(x, [2, 0, 2]), [rand(4, 3)]),
        (lambda x: tf.gather(x, [[0, 1], [1, 1]], axis=1), [X234]),
        (lambda x: tf.gather(x, 3, axis=-1), [X234]),
    ],
    "gather_grad": [
        (
            lambda g: P.bind(P.gather_grad, (g, tf.constant([2, 0, 2])), {"axis": 0, "shape": (4, 3)}),
            [rand(3, 3)],
        ),
        (
            lambda g: P.bind(P.gather_grad, (g, tf.constant([1, 1])), {"axis": 1, "shape": (2, 3)}),
            [rand(2, 2)],
        ),
    ],
    "gather_nd": [
        (lambda x: tf.gather_nd(x, [[0, 1], [1, 2], [0, 1]]), [X234]),
        (lambda x: tf.gather_nd(x, [[1, 2, 3], [0, 0, 0]]), [X234]),
    ],
    "scatter_nd": [
        (lambda u: tf.scatter_nd([[0], [2], [0]], u, [4, 3]), [rand(3, 3)]),
        (lambda u: tf.scatter_nd([[1, 1], [0, 2]], u, [2, 3]), [rand(2)]),
    ],
    "tensor_scatter_nd_update": [
        (lambda x, u: tf.tensor_scatter_nd_update(x, [[0], [2]], u), [rand(4, 3), rand(2, 3, seed=3)]),
        (lambda x, u: tf.tensor_scatter_nd_update(x, [[1, 2], [0, 0]], u), [X23, rand(2, seed=4)]),
    ],
    "tensor_scatter_nd_add": [
        (lambda x, u: tf.tensor_scatter_nd_add(x, [[0], [2], [0]], u), [rand(4, 3), rand(3, 3, seed=3)]),
    ],
    "where": [
        (lambda x, y: tf.where(x > y, x, y), [rand(2, 3), rand(2, 3, seed=5)]),
        (lambda x, y: tf.where(tf.constant([True, False, True]), x, y), [X23, rand(2, 1, seed=5)]),
    ],
    "take_along_axis": [
        (lambda x: P.bind(P.take_along_axis, (x, tf.constant([[2, 0], [1, 1]])), {"axis": 1}), [X23]),
    ],
    "put_along_axis_add": [
        (
            lambda v: P.bind(
                P.put_along_axis_add, (tf.constant([[2, 0], [1, 1]]), v), {"shape": (2, 3), "axis": 1}
            ),
            [rand(2, 2)],
        ),
    ],
    "sort": [
        (tf.sort, [D234]),
        (lambda x: tf.sort(x, axis=0, direction="DESCENDING"), [D234]),
    ],
    "top_k": [
        (lambda x: tf.math.top_k(x, k=2).values, [D234]),
        (lambda x: tf.math.top_k(x, k=4).values * 2.0, [distinct(5)]),
    ],
    "boolean_mask": [
        (lambda x: tf.boolean_mask(x, tf.constant([True, False, True])), [rand(3, 2)]),
        (lambda x: tf.boolean_mask(x, x > 0), [X234]),
    ],
    # -- linear algebra ---------------------------------------------------------------------------
    "matmul": [
        (tf.matmul, [rand(2, 3), rand(3, 4, seed=1)]),
        (tf.matmul, [rand(2, 2, 3), rand(2, 3, 4, seed=1)]),  # batched
        (tf.matmul, [rand(2, 2, 3), rand(3, 4, seed=1)]),  # batch broadcast
        (lambda a, b: tf.matmul(a, b, transpose_a=True), [rand(2, 3, 2), rand(2, 3, 4, seed=1)]),
        (lambda a, b: tf.matmul(a, b, transpose_b=True), [rand(2, 2, 3), rand(4, 3, seed=1)]),
        (lambda a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True), [rand(3, 2), rand(4, 3, seed=1)]),
        (lambda a, b: a @ b, [rand(3), rand(3, 2, seed=1)]),  # vector @ matrix
        (lambda a, b: a @ b, [rand(2, 3), rand(3, seed=1)]),  # matrix @ vector
        (lambda a, b: a @ b, [rand(3), rand(3, seed=1)]),  # vector @ vector
    ],
    "einsum": [
        (lambda a, b: tf.einsum("ij,jk->ik", a, b), [rand(2, 3), rand(3, 4, seed=1)]),
        (lambda a, b: tf.einsum("bij,bjk->bik", a, b), [rand(2, 2, 3), rand(2, 3, 2, seed=1)]),
        (lambda a: tf.einsum("ij->ji", a), [X23]),
        (lambda a: tf.einsum("ijk->j", a), [X234]),
        (lambda a, b: tf.einsum("i,i->", a, b), [rand(4), rand(4, seed=1)]),
        (lambda a, b: tf.einsum("ij,j->i", a, b), [X23, rand(3, seed=1)]),
        (lambda a, b: tf.einsum("ik,jk", a, b), [X23, rand(4, 3, seed=1)]),  # implicit output
        (lambda a, b: tf.einsum("...ij,...jk->...ik", a, b), [rand(2, 2, 3), rand(3, 2, seed=1)]),  # ellipsis
        (lambda a, b: tf.einsum("...i,...i->...", a, b), [rand(2, 1, 3), rand(4, 3, seed=1)]),  # broadcast
        (lambda a: tf.einsum("ii->i", a), [rand(3, 3)]),  # diagonal
        (lambda a, b: tf.einsum("bii,bi->b", a, b), [rand(2, 3, 3), rand(2, 3, seed=1)]),
        (
            lambda a, b, c: tf.einsum("ij,jk,kl->il", a, b, c),
            [rand(2, 3), rand(3, 2, seed=1), rand(2, 2, seed=2)],
        ),
    ],
    "inv": [(tf.linalg.inv, [spd(3)]), (tf.linalg.inv, [np.stack([spd(2, seed=1), spd(2, seed=2)])])],
    "det": [(tf.linalg.det, [spd(3)]), (tf.linalg.det, [np.stack([spd(2, seed=1), spd(2, seed=2)])])],
    "slogdet": [
        (lambda x: tf.linalg.slogdet(x)[1], [spd(3)]),
        (lambda x: tf.linalg.slogdet(x)[1], [np.stack([spd(2, seed=1), -spd(2, seed=2)])]),
    ],
    "solve": [
        (tf.linalg.solve, [spd(3), rand(3, 2, seed=1)]),
        (tf.linalg.solve, [np.stack([spd(2, seed=1), spd(2, seed=2)]), rand(2, 2, 1, seed=3)]),
    ],
    "trace": [(tf.linalg.trace, [rand(3, 3)]), (tf.linalg.trace, [X234])],
    "matrix_diag_part": [
        (tf.linalg.diag_part, [rand(3, 3)]),
        (tf.linalg.diag_part, [X234]),
        (tf.linalg.diag_part, [rand(4, 2)]),
    ],
    "cholesky": [
        # symmetric input built from x, so that both triangles of x matter
        (
            lambda x: tf.linalg.cholesky(tf.matmul(x, x, transpose_b=True) + tf.eye(3, dtype=tf.float64)),
            [rand(3, 3)],
        ),
    ],
}
