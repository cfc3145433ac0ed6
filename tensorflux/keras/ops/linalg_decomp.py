"""Keras 3's eigen and LU decompositions (``keras.ops.eig``, ``eigh``, ``lu_factor``; also in ``linalg``).

``eigh`` is differentiable (where the eigenvalues are distinct); ``eig`` returns complex tensors
(complex64 for float32 input, as with Keras' TensorFlow backend) and ``lu_factor`` returns LAPACK's
``(lu, pivots)`` as Keras' JAX and NumPy backends (and SciPy) do; both are forward only.
"""

from __future__ import annotations

from typing import Any

from tensorflux.framework import decomp_primitives as D
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine.op_layer import symbolic_op
from tensorflux.keras.ops.core import convert_to_tensor
from tensorflux.ops import array_ops as A


def _float_matrix(x: Any, op: str, square: bool = True) -> Tensor:
    x = x if isinstance(x, Tensor) else convert_to_tensor(x)
    if not x.dtype.is_floating:
        if x.dtype.is_complex:
            raise TypeError(f"{op}: complex input is not supported; received dtype {x.dtype.name}.")
        x = A.cast(x, "float32")
    if x.ndim < 2:
        raise ValueError(
            f"{op}: expected a tensor of rank >= 2 (a matrix or a batch of them); received shape "
            f"{tuple(x.shape)}."
        )
    if square and x.shape[-1] != x.shape[-2]:
        raise ValueError(
            f"{op}: expected a (batch of) square matrices (..., M, M); received shape {tuple(x.shape)}."
        )
    return x


@symbolic_op
def eigh(x: Any) -> tuple[Tensor, Tensor]:
    """Eigenvalues (ascending) and eigenvectors (columns) of symmetric matrices.

    Only the lower triangle of ``x`` is read.

    Args:
        x: Tensor of shape ``(..., M, M)``.

    Returns:
        ``(eigenvalues, eigenvectors)`` of shapes ``(..., M)`` and ``(..., M, M)``.

    >>> w, v = eigh([[2.0, 1.0], [1.0, 2.0]])
    >>> w.numpy().tolist()
    [1.0, 3.0]
    """
    w, v = P.bind(D.eigh, (_float_matrix(x, "eigh"),), {})
    return w, v


@symbolic_op
def eig(x: Any) -> tuple[Tensor, Tensor]:
    """Eigenvalues and eigenvectors (columns, unit norm) of general square matrices, as complex tensors.

    Args:
        x: Tensor of shape ``(..., M, M)``.

    Returns:
        ``(eigenvalues, eigenvectors)`` of shapes ``(..., M)`` and ``(..., M, M)``, complex64
        (complex128 for float64 input).

    >>> w, v = eig([[2.0, 0.0], [0.0, 3.0]])
    >>> w.numpy().tolist()
    [(2+0j), (3+0j)]
    """
    w, v = P.bind(D.eig, (_float_matrix(x, "eig"),), {})
    return w, v


@symbolic_op
def lu_factor(x: Any) -> tuple[Tensor, Tensor]:
    """LU decomposition with partial pivoting, as ``scipy.linalg.lu_factor``.

    ``lu`` holds ``U`` on and above the diagonal and the unit-diagonal ``L`` below it; at step
    ``i`` row ``i`` was swapped with row ``pivots[i]`` (0-based, int32), so that
    ``P x = L U``.  Rectangular ``(..., M, N)`` input gives ``min(M, N)`` pivots.

    Args:
        x: Tensor of shape ``(..., M, N)``.

    Returns:
        ``(lu, pivots)`` of shapes ``(..., M, N)`` and ``(..., min(M, N))``.

    >>> lu, pivots = lu_factor([[1.0, 2.0], [3.0, 4.0]])
    >>> pivots.numpy().tolist()
    [1, 1]
    """
    lu, pivots = P.bind(D.lu_factor, (_float_matrix(x, "lu_factor", square=False),), {})
    return lu, pivots
