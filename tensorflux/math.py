"""``tf.math``."""

from tensorflux.ops.activation_ops import log_softmax, softmax, softplus, softsign  # noqa: F401
from tensorflux.ops.linalg_ops import l2_normalize  # noqa: F401
from tensorflux.ops.math_ops import *  # noqa: F401,F403
from tensorflux.ops.math_ops import abs, pow, round  # noqa: F401,A004
