"""Keras 3's linear-algebra ops (``keras.ops.linalg.*``, also at ``keras.ops.*``).

``det``, ``inv``, ``solve``, ``solve_triangular``, ``cholesky``, ``cholesky_inverse`` and ``norm``
are built on tensorflux primitives with gradients; ``svd`` is differentiable through its singular
values (``compute_uv=False``); ``qr``, ``pinv``, ``lstsq`` and ``matrix_rank`` are forward only.
"""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import gradients as _G
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine.op_layer import symbolic_op
from tensorflux.keras.ops.core import convert_to_tensor
from tensorflux.keras.ops.math import norm  # noqa: F401
from tensorflux.ops import array_ops as A
from tensorflux.ops import linalg_ops as L
from tensorflux.ops import math_ops as M


def _t(x: Any) -> Tensor:
    x = x if isinstance(x, Tensor) else convert_to_tensor(x)
    return x if x.dtype.is_floating else A.cast(x, "float32")


def _square(x: Tensor, op: str) -> Tensor:
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(
            f"{op}: x must be a (batch of) square matrices (..., n, n); received shape {x.shape}."
        )
    return x


def _swap(x: Tensor) -> Tensor:
    return L.matrix_transpose(x)


_svd = P.primitive("keras_linalg_svd", lambda x: tuple(B.svd(x)), multiple_results=True)
_qr = P.primitive("keras_linalg_qr", lambda x: tuple(B.qr(x)), multiple_results=True)


def _svd_vjp(g: Any, x: Tensor, out: Any, **_: Any) -> tuple[Tensor]:
    gu, gs, gv = g
    for name, gi in (("u", gu), ("vh", gv)):
        if gi is not None and bool(M.reduce_any(M.not_equal(gi, 0.0))):
            raise NotImplementedError(
                f"svd: the gradient through the singular vectors ({name}) is not implemented; "
                "differentiate svd(x, compute_uv=False)."
            )
    u, _, vh = out
    # d(sum g * s) / dA = U diag(g) V^T
    return (L.matmul(u * A.expand_dims(gs, -2), vh),)


_G.register(_svd, _svd_vjp)


@symbolic_op
def det(x: Any) -> Tensor:
    """Determinant of each square matrix.

    >>> float(det([[2.0, 0.0], [0.0, 3.0]]))
    6.0
    """
    return L.det(_square(_t(x), "det"))


@symbolic_op
def inv(x: Any) -> Tensor:
    """Inverse of each square matrix.

    >>> inv([[2.0, 0.0], [0.0, 4.0]]).numpy().tolist()
    [[0.5, 0.0], [0.0, 0.25]]
    """
    return L.inv(_square(_t(x), "inv"))


@symbolic_op
def solve(a: Any, b: Any) -> Tensor:
    """``x`` with ``a @ x = b`` (``b`` a matrix, or a vector when ``a`` is one matrix).

    >>> solve([[2.0, 0.0], [0.0, 4.0]], [2.0, 4.0]).numpy().tolist()
    [1.0, 1.0]
    """
    a = _square(_t(a), "solve")
    b = A.cast(_t(b), a.dtype)
    if b.ndim == a.ndim - 1:
        return A.squeeze(L.solve(a, A.expand_dims(b, -1)), -1)
    return L.solve(a, b)


@symbolic_op
def solve_triangular(a: Any, b: Any, lower: bool = False) -> Tensor:
    """``x`` with ``a @ x = b`` using only the ``lower`` (or upper) triangle of ``a``.

    >>> solve_triangular([[2.0, 9.0], [1.0, 4.0]], [2.0, 6.0], lower=True).numpy().tolist()
    [1.0, 1.25]
    """
    a = _square(_t(a), "solve_triangular")
    n = int(a.shape[-1])
    r = A.range(n)
    keep = M.greater_equal(r[:, None], r[None, :]) if lower else M.less_equal(r[:, None], r[None, :])
    return solve(A.where(keep, a, A.zeros_like(a)), b)


@symbolic_op
def cholesky(x: Any, upper: bool = False) -> Tensor:
    """The Cholesky factor ``L`` (``x = L L^T``), or ``L^T`` when ``upper``.

    >>> cholesky([[4.0, 2.0], [2.0, 2.0]]).numpy().tolist()
    [[2.0, 0.0], [1.0, 1.0]]
    """
    c = L.cholesky(_square(_t(x), "cholesky"))
    return _swap(c) if upper else c


@symbolic_op
def cholesky_inverse(x: Any, upper: bool = False) -> Tensor:
    """The inverse of ``L L^T`` given its Cholesky factor ``x`` (``U^T U`` when ``upper``).

    >>> cholesky_inverse([[2.0, 0.0], [0.0, 1.0]]).numpy().tolist()
    [[0.25, 0.0], [0.0, 1.0]]
    """
    f = _square(_t(x), "cholesky_inverse")
    a = L.matmul(f, f, transpose_a=True) if upper else L.matmul(f, f, transpose_b=True)
    eye = A.eye(int(f.shape[-1]), dtype=f.dtype)
    return L.solve(a, A.broadcast_to(eye, tuple(f.shape)))


@symbolic_op
def svd(x: Any, full_matrices: bool = True, compute_uv: bool = True) -> Any:
    """Singular value decomposition ``x = u @ diag(s) @ vh``; ``s`` alone when ``compute_uv=False``.

    >>> svd([[3.0, 0.0], [0.0, 4.0]], compute_uv=False).numpy().tolist()
    [4.0, 3.0]
    """
    x = _t(x)
    if x.ndim < 2:
        raise ValueError(f"svd: x must have rank >= 2; received shape {x.shape}.")
    u, s, vh = P.bind(_svd, (x,), {})
    if not compute_uv:
        return s
    if full_matrices and x.shape[-1] != x.shape[-2]:
        raise NotImplementedError(
            f"svd: full_matrices=True is only available for square matrices here (shape {x.shape}); "
            "pass full_matrices=False."
        )
    return u, s, vh


@symbolic_op
def qr(x: Any, mode: str = "reduced") -> tuple[Tensor, Tensor]:
    """QR decomposition ``x = q @ r`` (forward only; no gradient).

    >>> q, r = qr([[2.0, 0.0], [0.0, 3.0]])
    >>> [round(abs(float(v)), 4) for v in r.numpy().ravel()]
    [2.0, 0.0, 0.0, 3.0]
    """
    x = _t(x)
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: mode must be 'reduced' or 'complete'; received mode={mode!r}.")
    if mode == "complete" and x.shape[-2] > x.shape[-1]:
        raise NotImplementedError(
            f"qr: mode='complete' for tall matrices (shape {x.shape}) is not available."
        )
    return tuple(P.bind(_qr, (x,), {}))  # type: ignore[return-value]


def _rcond_default(x: Tensor) -> float:
    import sys

    eps = 1.1920929e-07 if x.dtype.name == "float32" else sys.float_info.epsilon
    return 10.0 * max(int(x.shape[-1]), int(x.shape[-2])) * eps


@symbolic_op
def pinv(x: Any, rcond: float | None = None) -> Tensor:
    """Moore-Penrose pseudo-inverse (singular values below ``rcond * max(s)`` are dropped).

    >>> pinv([[2.0, 0.0], [0.0, 0.0]]).numpy().tolist()
    [[0.5, 0.0], [0.0, 0.0]]
    """
    x = _t(x)
    u, s, vh = P.bind(_svd, (x,), {})
    cut = (_rcond_default(x) if rcond is None else float(rcond)) * M.reduce_max(s, axis=-1, keepdims=True)
    keep = M.greater(s, cut)
    sinv = A.where(keep, 1.0 / A.where(keep, s, A.ones_like(s)), A.zeros_like(s))
    return L.matmul(_swap(vh) * A.expand_dims(sinv, -2), u, transpose_b=True)


@symbolic_op
def lstsq(a: Any, b: Any, rcond: float | None = None) -> Tensor:
    """Least-squares solution of ``a @ x = b`` (through the pseudo-inverse).

    >>> [round(float(v), 4) for v in lstsq([[1.0], [1.0]], [1.0, 3.0])]
    [2.0]
    """
    a = _t(a)
    b = A.cast(_t(b), a.dtype)
    p = pinv(a, rcond)
    if b.ndim == 1:
        return A.squeeze(L.matmul(p, A.expand_dims(b, -1)), -1)
    return L.matmul(p, b)


@symbolic_op
def matrix_rank(x: Any, tol: float | None = None) -> Tensor:
    """Number of singular values above ``tol`` (default ``max(s) * max(m, n) * eps``), as int32.

    >>> int(matrix_rank([[1.0, 2.0], [2.0, 4.0]]))
    1
    """
    import sys

    x = _t(x)
    s = svd(x, compute_uv=False)
    if tol is None:
        eps = 1.1920929e-07 if x.dtype.name == "float32" else sys.float_info.epsilon
        cut = M.reduce_max(s, axis=-1, keepdims=True) * (max(int(x.shape[-1]), int(x.shape[-2])) * eps)
    else:
        cut = float(tol)
    return M.reduce_sum(A.cast(M.greater(s, cut), "int32"), axis=-1)


def jvp(fun: Any, primals: Any, tangents: Any, has_aux: bool = False) -> Any:
    """Forward-mode product ``(fun(*primals), J @ tangents)``, computed as the transpose of a VJP.

    >>> y, t = jvp(lambda x: x * x, (convert_to_tensor([3.0]),), (convert_to_tensor([1.0]),))
    >>> t.numpy().tolist()
    [6.0]
    """
    from tensorflux.framework.tape import GradientTape

    xs = [_t(p) for p in primals]
    ts = [A.cast(_t(v), x.dtype) for v, x in zip(tangents, xs)]
    if len(xs) != len(ts):
        raise ValueError(f"jvp: primals and tangents differ in length ({len(xs)} vs {len(ts)}).")
    aux = None
    with GradientTape() as outer:
        with GradientTape() as inner:
            for x in xs:
                inner.watch(x)
            res = fun(*xs)
            y, aux = (res[0], res[1]) if has_aux else (res, None)
        # g(u) = J^T u is linear in u: the gradient of <g(u), tangents> with respect to u is J @ tangents
        u = A.zeros_like(y)
        outer.watch(u)
        g = inner.gradient(y, xs, output_gradients=u)
        dot = A.zeros((), y.dtype)
        for gi, ti in zip(g, ts):
            if gi is not None:
                dot = dot + M.reduce_sum(gi * ti)
    out_t = outer.gradient(dot, u)
    out_t = A.zeros_like(y) if out_t is None else out_t
    return (y, out_t, aux) if has_aux else (y, out_t)


from tensorflux.keras.ops.linalg_decomp import eig, eigh, lu_factor  # noqa: E402,F401
