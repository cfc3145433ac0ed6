"""``tf.linalg``."""

from tensorflux.ops.array_ops import eye  # noqa: F401
from tensorflux.ops.linalg_ops import (  # noqa: F401
    cholesky,
    det,
    diag_part,
    einsum,
    inv,
    l2_normalize,
    matmul,
    matrix_transpose,
    matvec,
    norm,
    slogdet,
    solve,
    tensordot,
    trace,
)
