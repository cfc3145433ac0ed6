"""Max and average pooling of ``tf.nn`` (1-D, 2-D, 3-D), channels last or first.

Global pooling is a reduction: ``tf.reduce_mean(x, axis=[1, 2])`` / ``tf.reduce_max`` (what the
Keras GlobalAveragePooling / GlobalMaxPooling layers use).
"""

from __future__ import annotations

from typing import Any

from tensorflux.framework import nn_primitives as NP
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.ops._util import t
from tensorflux.ops.conv_ops import (
    _RESOLVED,
    _channels_first,
    _check_rank,
    _pads,
    _plain,
    _remember,
    _spatial_arg,
    _to_first,
    _to_last,
)


def _pool(
    prim: P.Primitive, x: Any, ksize: Any, strides: Any, padding: Any, data_format: Any, nd: Any, op: str
) -> Tensor:
    x = t(x)
    key = None
    if _plain(ksize) and _plain(strides) and _plain(padding) and _plain(data_format):
        key = ("pool", x._value.shape, ksize, strides, padding, data_format, nd, op)
        hit = _RESOLVED.get(key)
        if hit is not None:
            # the same call was checked before: only the transposes and the kernel remain
            first, nd, params = hit
            if first:
                x = _to_last(x, nd)
            y = P.bind(prim, (x,), dict(params))
            return _to_first(y, nd) if first else y
    if nd is None:
        nd = x._value.ndim - 2
        if nd not in (1, 2, 3):
            raise ValueError(f"{op}: input must have rank 3, 4 or 5; received shape {tuple(x._value.shape)}.")
    _check_rank(x, nd + 2, "the input", op)
    first = _channels_first(data_format, nd, op)
    if first:
        x = _to_last(x, nd)
    ks = _spatial_arg(ksize, nd, "ksize", op, first)
    st = _spatial_arg(strides, nd, "strides", op, first)
    sizes = x._value.shape[1:-1]
    pads = _pads(padding, sizes, ks, st, (1,) * nd, op, first)
    for i, (s, k, (lo, hi)) in enumerate(zip(sizes, ks, pads)):
        if s + lo + hi < k:
            raise ValueError(
                f"{op}: the window (ksize {k}) is larger than the input (size {s}, padding {lo + hi}) "
                f"in spatial "
                f"dimension {i}; input shape {tuple(x._value.shape)}. Use padding='SAME' or a smaller ksize."
            )
        if max(lo, hi) >= k:
            raise ValueError(f"{op}: explicit padding {(lo, hi)} must be smaller than the window size {k}.")
    params = {"ksize": ks, "strides": st, "pads": pads}
    if key is not None:
        _remember(key, (first, nd, params))
    y = P.bind(prim, (x,), dict(params))
    return _to_first(y, nd) if first else y


def max_pool(
    input: Any, ksize: Any, strides: Any, padding: Any, data_format: Any = None, name: Any = None
) -> Tensor:  # noqa: A002
    """Max pooling; the number of spatial dims is taken from the input's rank.

    >>> import tensorflux as tf
    >>> tf.nn.max_pool(tf.reshape(tf.range(16.0), (1, 4, 4, 1)), 2, 2, "VALID").numpy().ravel()
    array([ 5.,  7., 13., 15.], dtype=float32)
    """
    return _pool(NP.max_pool, input, ksize, strides, padding, data_format, None, "max_pool")


def max_pool1d(
    input: Any, ksize: Any, strides: Any, padding: Any, data_format: Any = "NWC", name: Any = None
) -> Tensor:  # noqa: A002,E501
    """Max pooling over the width of ``(batch, width, channels)``.

    >>> import tensorflux as tf
    >>> tf.nn.max_pool1d(tf.reshape(tf.range(6.0), (1, 6, 1)), 2, 2, "VALID").numpy().ravel()
    array([1., 3., 5.], dtype=float32)
    """
    return _pool(NP.max_pool, input, ksize, strides, padding, data_format, 1, "max_pool1d")


def max_pool2d(
    input: Any, ksize: Any, strides: Any, padding: Any, data_format: Any = "NHWC", name: Any = None
) -> Tensor:  # noqa: A002,E501
    """Max pooling of NHWC images; the gradient goes to the first maximum of each window.

    >>> import tensorflux as tf
    >>> tf.nn.max_pool2d(tf.ones((8, 28, 28, 32)), ksize=2, strides=2, padding="VALID").shape
    TensorShape([8, 14, 14, 32])
    """
    return _pool(NP.max_pool, input, ksize, strides, padding, data_format, 2, "max_pool2d")


def max_pool3d(
    input: Any, ksize: Any, strides: Any, padding: Any, data_format: Any = "NDHWC", name: Any = None
) -> Tensor:  # noqa: A002,E501
    """Max pooling of NDHWC volumes.

    >>> import tensorflux as tf
    >>> tf.nn.max_pool3d(tf.ones((1, 4, 4, 4, 2)), 2, 2, "VALID").shape
    TensorShape([1, 2, 2, 2, 2])
    """
    return _pool(NP.max_pool, input, ksize, strides, padding, data_format, 3, "max_pool3d")


def avg_pool(
    input: Any, ksize: Any, strides: Any, padding: Any, data_format: Any = None, name: Any = None
) -> Tensor:  # noqa: A002
    """Average pooling; with SAME padding each window averages only its real inputs (as TensorFlow).

    >>> import tensorflux as tf
    >>> tf.nn.avg_pool(tf.reshape(tf.range(16.0), (1, 4, 4, 1)), 2, 2, "VALID").numpy().ravel()
    array([ 2.5,  4.5, 10.5, 12.5], dtype=float32)
    """
    return _pool(NP.avg_pool, input, ksize, strides, padding, data_format, None, "avg_pool")


def avg_pool1d(
    input: Any, ksize: Any, strides: Any, padding: Any, data_format: Any = "NWC", name: Any = None
) -> Tensor:  # noqa: A002,E501
    """Average pooling over the width of ``(batch, width, channels)``.

    >>> import tensorflux as tf
    >>> tf.nn.avg_pool1d(tf.reshape(tf.range(6.0), (1, 6, 1)), 3, 3, "VALID").numpy().ravel()
    array([1., 4.], dtype=float32)
    """
    return _pool(NP.avg_pool, input, ksize, strides, padding, data_format, 1, "avg_pool1d")


def avg_pool2d(
    input: Any, ksize: Any, strides: Any, padding: Any, data_format: Any = "NHWC", name: Any = None
) -> Tensor:  # noqa: A002,E501
    """Average pooling of NHWC images.

    >>> import tensorflux as tf
    >>> tf.nn.avg_pool2d(tf.ones((1, 5, 5, 1)), 2, 2, "SAME").numpy().ravel()
    array([1., 1., 1., 1., 1., 1., 1., 1., 1.], dtype=float32)
    """
    return _pool(NP.avg_pool, input, ksize, strides, padding, data_format, 2, "avg_pool2d")


def avg_pool3d(
    input: Any, ksize: Any, strides: Any, padding: Any, data_format: Any = "NDHWC", name: Any = None
) -> Tensor:  # noqa: A002,E501
    """Average pooling of NDHWC volumes.

    >>> import tensorflux as tf
    >>> tf.nn.avg_pool3d(tf.ones((1, 4, 4, 4, 2)), 2, 2, "VALID").shape
    TensorShape([1, 2, 2, 2, 2])
    """
    return _pool(NP.avg_pool, input, ksize, strides, padding, data_format, 3, "avg_pool3d")
