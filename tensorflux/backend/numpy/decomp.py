"""Matrix decompositions on NumPy: symmetric and general eigen-decomposition, LU with pivoting.

Every function takes a (batch of) matrices ``(..., m, n)``.  ``lu_factor`` follows LAPACK's
``getrf`` (what ``scipy.linalg.lu_factor`` and ``jax.scipy.linalg.lu_factor`` return): one array
holding ``L`` (unit diagonal, not stored) below the diagonal and ``U`` on and above it, and the
0-based row swaps ``pivots``, row ``i`` having been swapped with row ``pivots[i]`` at step ``i``.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _working(x: Any) -> Any:
    # LAPACK has no half precision: compute in float32 and round the results back
    return x.astype(np.float32) if x.dtype.itemsize < 4 else x


def eigh(x: Any) -> tuple[Any, Any]:
    """Eigenvalues (ascending) and orthonormal eigenvectors (columns) of symmetric ``x``.

    Only the lower triangle of ``x`` is read, as in LAPACK's ``syevd`` and TensorFlow.

    >>> w, v = eigh(np.array([[2.0, 0.0], [0.0, 1.0]]))
    >>> w.tolist()
    [1.0, 2.0]
    """
    w, v = np.linalg.eigh(_working(x), UPLO="L")
    return w.astype(x.dtype, copy=False), v.astype(x.dtype, copy=False)


def eig(x: Any) -> tuple[Any, Any]:
    """Eigenvalues and unit eigenvectors (columns) of a general real ``x``, always complex.

    The result is complex64 for inputs of at most 32 bits and complex128 for float64, as in
    TensorFlow (NumPy alone returns real arrays when every eigenvalue happens to be real).

    >>> w, v = eig(np.array([[0.0, -1.0], [1.0, 0.0]]))
    >>> sorted(w.imag.tolist())
    [-1.0, 1.0]
    """
    w, v = np.linalg.eig(_working(x))
    dtype = np.complex128 if x.dtype == np.float64 else np.complex64
    return w.astype(dtype, copy=False), v.astype(dtype, copy=False)


def lu_factor(x: Any) -> tuple[Any, Any]:
    """LU decomposition with partial pivoting: ``(lu, pivots)`` as LAPACK's ``getrf`` gives them.

    Vectorised over the batch and the rows; the only Python loop runs over the ``min(m, n)``
    columns.  A zero pivot (a singular matrix) leaves its column unscaled, as LAPACK does.

    >>> lu, piv = lu_factor(np.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> lu.tolist(), piv.tolist()
    ([[3.0, 4.0], [0.3333333333333333, 0.6666666666666667]], [1, 1])
    """
    a: Any = np.array(_working(x), copy=True)
    shape = a.shape
    m, n = shape[-2:]
    k = min(m, n)
    a = a.reshape((-1, m, n))
    batch = np.arange(a.shape[0])
    pivots = np.empty((a.shape[0], k), np.int32)
    for j in range(k):
        # the first row of largest magnitude in column j at or below the diagonal (LAPACK's i_amax)
        p = j + np.argmax(np.abs(a[:, j:, j]), axis=1)
        pivots[:, j] = p
        rows = a[batch, p].copy()
        a[batch, p] = a[:, j]
        a[:, j] = rows
        pivot = a[:, j, j]
        nonzero = pivot != 0
        scale = np.where(nonzero, pivot, 1)
        a[:, j + 1 :, j] /= scale[:, None]
        # rank-1 update of the trailing block
        a[:, j + 1 :, j + 1 :] -= a[:, j + 1 :, j, None] * a[:, j, None, j + 1 :]
    lu = a.reshape(shape).astype(x.dtype, copy=False)
    return lu, pivots.reshape(shape[:-2] + (k,))


__all__ = ["eig", "eigh", "lu_factor"]
