"""tensorflux: the TensorFlow and Keras API on NumPy.

>>> import tensorflux as tf
>>> x = tf.Variable(3.0)
>>> with tf.GradientTape() as tape:
...     y = x * x
>>> float(tape.gradient(y, x))
6.0
"""

from __future__ import annotations

import importlib as _importlib
from typing import Any as _Any

from tensorflux import config, dtypes, linalg, math, nest, nn, random  # noqa: F401
from tensorflux.framework import gradients as _gradients  # noqa: F401  (attaches the gradient table)
from tensorflux.framework.dtypes import (  # noqa: F401
    DType,
    as_dtype,
    bfloat16,
    bool,
    complex64,
    complex128,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    uint8,
    uint16,
    uint32,
    uint64,
)
from tensorflux.framework.shape import TensorShape  # noqa: F401
from tensorflux.framework.tape import GradientTape, UnconnectedGradients, custom_gradient  # noqa: F401
from tensorflux.framework.tensor import Tensor, convert_to_tensor, is_tensor  # noqa: F401
from tensorflux.framework.variables import Variable  # noqa: F401
from tensorflux.ops.array_ops import (  # noqa: F401
    argsort,
    boolean_mask,
    broadcast_static_shape,
    broadcast_to,
    cast,
    concat,
    constant,
    expand_dims,
    eye,
    fill,
    gather,
    gather_nd,
    identity,
    linspace,
    meshgrid,
    newaxis,
    one_hot,
    ones,
    ones_like,
    pad,
    range,
    rank,
    reshape,
    reverse,
    scatter_nd,
    sequence_mask,
    shape,
    shape_n,
    size,
    sort,
    split,
    squeeze,
    stack,
    stop_gradient,
    tensor_scatter_nd_add,
    tensor_scatter_nd_update,
    tile,
    transpose,
    unique,
    unstack,
    where,
    zeros,
    zeros_like,
)
from tensorflux.ops.clip_ops import clip_by_global_norm, clip_by_norm, clip_by_value  # noqa: F401
from tensorflux.ops.linalg_ops import einsum, matmul, norm, tensordot  # noqa: F401
from tensorflux.ops.math_ops import (  # noqa: F401
    abs,
    add,
    add_n,
    argmax,
    argmin,
    cos,
    cumsum,
    divide,
    equal,
    exp,
    floor,
    greater,
    greater_equal,
    less,
    less_equal,
    log,
    logical_and,
    logical_not,
    logical_or,
    maximum,
    minimum,
    multiply,
    negative,
    not_equal,
    pow,
    realdiv,
    reduce_all,
    reduce_any,
    reduce_logsumexp,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_std,
    reduce_sum,
    reduce_variance,
    round,
    rsqrt,
    sigmoid,
    sign,
    sin,
    sqrt,
    square,
    subtract,
    tanh,
    truediv,
)

__version__ = "0.1.0"

# Heavier subpackages load on first use, so `import tensorflux` stays fast.
_LAZY = {
    "keras": "tensorflux.keras",
    "data": "tensorflux.data",
    "testing": "tensorflux.testing",
    "onnx": "tensorflux.onnx",
    "image": "tensorflux.image",
}


# Names re-exported on first use (graph tracing and TensorSpec are not needed to import tensorflux).
_LAZY_NAMES = {
    "TensorSpec": "tensorflux.data.spec",
    "function": "tensorflux.framework.function",
    "cond": "tensorflux.ops.control_flow_ops",
    "while_loop": "tensorflux.ops.control_flow_ops",
    "case": "tensorflux.ops.control_flow_ops",
    "IndexedSlices": "tensorflux.framework.indexed_slices",
    "device": "tensorflux.framework.devices",
}


def __getattr__(name: str) -> _Any:
    if name in _LAZY:
        mod = _importlib.import_module(_LAZY[name])
        globals()[name] = mod
        return mod
    if name in _LAZY_NAMES:
        value = getattr(_importlib.import_module(_LAZY_NAMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'tensorflux' has no attribute {name!r}")
