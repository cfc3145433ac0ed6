"""``tf.linalg``: matmul, tensordot, einsum, norm, inv, det, solve."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.ops import math_ops as M
from tensorflux.ops._util import axis_arg, static, t
from tensorflux.ops.array_ops import reshape, transpose


def _swap(x: Tensor) -> Tensor:
    nd = x._value.ndim
    return P.unary(P.transpose, x, perm=tuple(range(nd - 2)) + (nd - 1, nd - 2))


def matmul(
    a: Any,
    b: Any,
    transpose_a: bool = False,
    transpose_b: bool = False,
    adjoint_a: bool = False,
    adjoint_b: bool = False,
    a_is_sparse: bool = False,
    b_is_sparse: bool = False,
    output_type: Any = None,
    name: Any = None,
) -> Tensor:  # noqa: E501
    """Matrix product over the last two axes, batched over the leading ones.

    >>> matmul([[1.0, 2.0]], [[3.0], [4.0]]).numpy()
    array([[11.]], dtype=float32)
    """
    a, b = t(a), t(b)
    if a._value.ndim < 2 or b._value.ndim < 2:
        raise ValueError(
            f"matmul: both inputs must have rank >= 2; received shapes {tuple(a._value.shape)} and "
            f"{tuple(b._value.shape)}. Use tf.tensordot or reshape a vector to a matrix."
        )
    if transpose_a or adjoint_a:
        a = _swap(a)
    if transpose_b or adjoint_b:
        b = _swap(b)
    if a._value.shape[-1] != b._value.shape[-2]:
        raise ValueError(
            f"matmul: inner dimensions do not match: a has shape {tuple(a._value.shape)} and b has shape "
            f"{tuple(b._value.shape)} (a's last dimension {a._value.shape[-1]} must equal b's "
            f"second-to-last {b._value.shape[-2]})."
        )
    return P.binary(P.matmul, a, b)


def einsum(equation: str, *inputs: Any, **kwargs: Any) -> Tensor:
    """Einstein summation, as ``np.einsum``: ``einsum("bij,bjk->bik", a, b)`` is a batched matmul.

    An equation without ``->`` sums the letters that appear twice and orders the rest
    alphabetically; ``...`` stands for the leading dimensions.

    >>> einsum("ij->j", [[1.0, 2.0], [3.0, 4.0]]).numpy()
    array([4., 6.], dtype=float32)
    """
    xs = tuple(t(x) for x in inputs)
    eq = equation.replace(" ", "")
    if "..." in eq:
        eq = _expand_ellipsis(eq, [x._value.ndim for x in xs])
    if "->" not in eq:
        letters = "".join(c for c in eq if c.isalpha())
        eq = eq + "->" + "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    lhs = eq.split("->")[0].split(",")
    if len(lhs) != len(xs):
        raise ValueError(f"einsum: the equation {equation!r} names {len(lhs)} operands; received {len(xs)}.")
    return P.bind(P.einsum, xs, {"equation": eq})


def _expand_ellipsis(eq: str, ndims: list[int]) -> str:
    """Replace ``...`` with explicit letters (right-aligned, as broadcasting) so gradients can name them."""
    lhs, arrow, rhs = eq.partition("->")
    subs = lhs.split(",")
    spare = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" if c not in eq]
    counts = [nd - len(s.replace("...", "")) if "..." in s else 0 for s, nd in zip(subs, ndims)]
    n = max(counts, default=0)
    pool = "".join(spare[:n])
    subs = [s.replace("...", pool[n - k :]) for s, k in zip(subs, counts)]
    if arrow:
        return ",".join(subs) + "->" + rhs.replace("...", pool)
    letters = "".join(subs)
    rest = "".join(sorted(c for c in set(letters) if letters.count(c) == 1 and c not in pool))
    return ",".join(subs) + "->" + pool + rest


def tensordot(a: Any, b: Any, axes: Any, name: Any = None) -> Tensor:
    a, b = t(a), t(b)
    na, nb = a._value.ndim, b._value.ndim
    axes = static(axes)
    if isinstance(axes, int):
        ax_a = list(range(na - axes, na))
        ax_b = list(range(axes))
    else:
        ax_a, ax_b = (list(x) if isinstance(x, (list, tuple)) else [x] for x in axes)
        ax_a = [x % na for x in ax_a]
        ax_b = [x % nb for x in ax_b]
    free_a = [i for i in range(na) if i not in ax_a]
    free_b = [i for i in range(nb) if i not in ax_b]
    sa, sb = a._value.shape, b._value.shape
    k = 1
    for i in ax_a:
        k *= sa[i]
    am = reshape(transpose(a, free_a + ax_a), (-1, k))
    bm = reshape(transpose(b, ax_b + free_b), (k, -1))
    return reshape(P.binary(P.matmul, am, bm), [sa[i] for i in free_a] + [sb[i] for i in free_b])


def matvec(a: Any, b: Any, transpose_a: bool = False, name: Any = None) -> Tensor:
    b = t(b)
    out = matmul(a, P.unary(P.reshape, b, shape=b._value.shape + (1,)), transpose_a=transpose_a)
    return P.unary(P.reshape, out, shape=out._value.shape[:-1])


def inv(input: Any, adjoint: bool = False, name: Any = None) -> Tensor:  # noqa: A002
    return P.unary(P.inv, input)


def det(input: Any, name: Any = None) -> Tensor:  # noqa: A002
    return P.unary(P.det, input)


def slogdet(input: Any, name: Any = None) -> tuple[Tensor, Tensor]:  # noqa: A002
    return P.bind(P.slogdet, (t(input),), {})  # type: ignore[no-any-return]


def solve(matrix: Any, rhs: Any, adjoint: bool = False, name: Any = None) -> Tensor:
    return P.binary(P.solve, matrix, rhs)


def cholesky(input: Any, name: Any = None) -> Tensor:  # noqa: A002
    return P.unary(P.cholesky, input)


def trace(x: Any, name: Any = None) -> Tensor:
    return P.unary(P.trace, x)


def diag_part(input: Any, name: Any = None) -> Tensor:  # noqa: A002
    return P.unary(P.matrix_diag_part, input)


def matrix_transpose(a: Any, name: Any = None, conjugate: bool = False) -> Tensor:
    return _swap(t(a))


def norm(
    tensor: Any, ord: Any = "euclidean", axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:  # noqa: A002
    """Vector norms (``ord`` 1, 2/'euclidean', inf) and the Frobenius matrix norm."""
    x = t(tensor)
    ax = axis_arg(axis)
    if ord in ("euclidean", "fro", 2, 2.0):
        return M.reduce_euclidean_norm(x, ax, keepdims)
    if ord == 1:
        return M.reduce_sum(M.abs(x), ax, keepdims)
    if ord in (float("inf"), "inf", "np.inf"):
        return M.reduce_max(M.abs(x), ax, keepdims)
    if isinstance(ord, (int, float)) and ord > 0:
        p = float(ord)
        return M.reduce_sum(M.abs(x) ** p, ax, keepdims) ** (1.0 / p)
    raise ValueError(f"norm: ord={ord!r} is not supported; use 'euclidean', 1, 2, a positive number, or inf.")


def l2_normalize(x: Any, axis: Any = None, epsilon: float = 1e-12, name: Any = None) -> Tensor:
    return M.l2_normalize(x, axis, epsilon)
