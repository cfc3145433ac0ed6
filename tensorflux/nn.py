"""``tf.nn``: activations, convolution, pooling, normalization, dropout, losses from logits,
embedding lookup and scaled dot-product attention.

Global pooling is a reduction (``tf.reduce_mean`` / ``tf.reduce_max`` over the spatial axes).
"""

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
from tensorflux.ops.attention_ops import scaled_dot_product_attention  # noqa: F401
from tensorflux.ops.conv_ops import (  # noqa: F401
    bias_add,
    conv1d,
    conv1d_transpose,
    conv2d,
    conv2d_transpose,
    conv3d,
    conv3d_transpose,
    convolution,
    depthwise_conv2d,
    separable_conv2d,
)
from tensorflux.ops.dropout_ops import dropout  # noqa: F401
from tensorflux.ops.embedding_ops import embedding_lookup  # noqa: F401
from tensorflux.ops.linalg_ops import l2_normalize  # noqa: F401
from tensorflux.ops.math_ops import reduce_logsumexp as _rlse
from tensorflux.ops.nn_loss_ops import (  # noqa: F401
    compute_average_loss,
    l2_loss,
    sigmoid_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits,
    sparse_softmax_cross_entropy_with_logits,
    weighted_cross_entropy_with_logits,
)
from tensorflux.ops.norm_ops import batch_normalization, moments  # noqa: F401
from tensorflux.ops.pool_ops import (  # noqa: F401
    avg_pool,
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    max_pool,
    max_pool1d,
    max_pool2d,
    max_pool3d,
)


def logsumexp(x, axis=None, keepdims=False, name=None):  # type: ignore[no-untyped-def]
    return _rlse(x, axis, keepdims)
