"""``tf.nn``: activations here; convolution, pooling, normalization and losses join as kernels land."""

from tensorflux.ops.activation_ops import (  # noqa: F401
    elu,
    gelu,
    leaky_relu,
    log_softmax,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softplus,
    softsign,
    swish,
    tanh,
)
from tensorflux.ops.linalg_ops import l2_normalize  # noqa: F401
from tensorflux.ops.math_ops import reduce_logsumexp as _rlse


def logsumexp(x, axis=None, keepdims=False, name=None):  # type: ignore[no-untyped-def]
    return _rlse(x, axis, keepdims)
