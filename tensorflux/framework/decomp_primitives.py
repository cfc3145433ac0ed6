"""Primitives of the matrix decompositions (``eigh``, ``eig``, ``lu_factor``) and their rules.

``eigh`` is differentiable with the rule TensorFlow uses for ``SelfAdjointEigV2``; the rule is
written with primitives, so nested tapes give higher-order gradients.  It holds where the
eigenvalues are distinct (the eigenvectors of a repeated eigenvalue are not unique, and the
rule divides by the eigenvalue gaps).  ``eig`` (complex results) and ``lu_factor`` (integer
pivots) are forward only: a tape that reaches them raises.
"""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.gradients import _c, _eye_like, _reshape, _swap, register
from tensorflux.framework.primitives import primitive
from tensorflux.framework.tensor import Tensor

eigh = primitive("eigh", multiple_results=True)
eig = primitive("eig", multiple_results=True)
lu_factor = primitive("lu_factor", multiple_results=True)


def _mm(a: Tensor, b: Tensor) -> Tensor:
    return P.binary(P.matmul, a, b)


def _eigh_vjp(g: Any, x: Tensor, out: Any, **_: Any) -> tuple[Tensor]:
    ge, gv = g
    e, v = out
    eye = _eye_like(v)
    shape = e._value.shape
    inner = _c(0.0, v)
    if ge is not None:
        inner = inner + _reshape(ge, shape[:-1] + (1, shape[-1])) * eye
    if gv is not None:
        # f[i, j] = 1 / (e_j - e_i) off the diagonal and 0 on it; adding the identity to the gaps
        # keeps the diagonal's division finite without a select
        gaps = _reshape(e, shape[:-1] + (1, shape[-1])) - _reshape(e, shape + (1,))
        f = (_c(1.0, eye) - eye) / (gaps + eye)
        inner = inner + f * _mm(_swap(v), gv)
    grad = _mm(_mm(v, inner), _swap(v))
    # the forward reads only the lower triangle: fold the upper part onto it, diagonal once
    lower = P.unary(P.cumsum, eye, axis=-2, exclusive=False, reverse=False) - _c(0.5, eye) * eye
    return ((grad + _swap(grad)) * lower,)


register(eigh, _eigh_vjp)


def _no_gradient(name: str, why: str) -> Any:
    def rule(*_: Any, **__: Any) -> Any:
        raise NotImplementedError(f"{name}: no gradient is defined ({why}).")

    return rule


register(eig, _no_gradient("eig", "its results are complex; for symmetric matrices use eigh"))
register(lu_factor, _no_gradient("lu_factor", "the factorization is forward only"))
