"""``keras.ops``: Keras 3's backend-independent ops (NumPy-like, nn, math, core) on tensorflux.

Every op accepts tensors, arrays and Python values; called on symbolic KerasTensors inside a
functional model definition, it adds a node to the graph instead of computing.
"""

from tensorflux.keras.ops import image, linalg  # noqa: F401
from tensorflux.keras.ops.core import *  # noqa: F401,F403
from tensorflux.keras.ops.core import map, slice  # noqa: F401,A004
from tensorflux.keras.ops.linalg import (  # noqa: F401
    cholesky,
    cholesky_inverse,
    det,
    inv,
    jvp,
    lstsq,
    matrix_rank,
    pinv,
    qr,
    solve,
    solve_triangular,
    svd,
)
from tensorflux.keras.ops.linalg_decomp import eig, eigh, lu_factor  # noqa: F401
from tensorflux.keras.ops.math import *  # noqa: F401,F403
from tensorflux.keras.ops.nn import *  # noqa: F401,F403
from tensorflux.keras.ops.numpy import *  # noqa: F401,F403
from tensorflux.keras.ops.numpy import abs, all, any, max, min, round, sum  # noqa: F401,A004
from tensorflux.keras.ops.numpy_complex import polar, view_as_complex, view_as_real  # noqa: F401
