"""Keras 3's neural-network ops (``keras.ops.relu``, ``keras.ops.softmax``, ...)."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.config import floatx
from tensorflux.framework.tensor import Tensor
from tensorflux.keras import activations as _act
from tensorflux.keras.engine.op_layer import symbolic_op
from tensorflux.keras.ops.core import convert_to_tensor
from tensorflux.ops import activation_ops as AO
from tensorflux.ops import array_ops as A
from tensorflux.ops import math_ops as M


def _t(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


relu = _act.relu
relu6 = _act.relu6
sigmoid = _act.sigmoid
softplus = _act.softplus
softsign = _act.softsign
silu = swish = _act.silu
elu = _act.elu
selu = _act.selu
celu = _act.celu
glu = _act.glu
hard_sigmoid = _act.hard_sigmoid
hard_silu = hard_swish = _act.hard_silu
mish = _act.mish
log_sigmoid = _act.log_sigmoid


@symbolic_op
def leaky_relu(x: Any, negative_slope: float = 0.2) -> Tensor:
    return AO.leaky_relu(_t(x), alpha=negative_slope)


@symbolic_op
def gelu(x: Any, approximate: bool = True) -> Tensor:
    """GELU; ``keras.ops.gelu`` uses the tanh approximation by default (unlike the activation).

    >>> round(float(gelu([1.0])[0]), 4)
    0.8412
    """
    return AO.gelu(_t(x), approximate=approximate)


@symbolic_op
def softmax(x: Any, axis: int = -1) -> Tensor:
    return _act.softmax(x, axis=axis)


@symbolic_op
def log_softmax(x: Any, axis: int = -1) -> Tensor:
    return AO.log_softmax(_t(x), axis=axis)


@symbolic_op
def one_hot(x: Any, num_classes: int, axis: int = -1, dtype: Any = None, sparse: bool = False) -> Tensor:
    """One-hot vectors of ``num_classes`` (float32 by default).

    >>> one_hot([1], 3).numpy().tolist()
    [[0.0, 1.0, 0.0]]
    """
    x = _t(x)
    if not x.dtype.is_integer:
        x = A.cast(x, "int32")
    return A.one_hot(x, num_classes, axis=axis, dtype=dtype or floatx())


@symbolic_op
def multi_hot(inputs: Any, num_classes: int, axis: int = -1, dtype: Any = None) -> Tensor:
    x = _t(inputs)
    if x.ndim == 1:
        x = A.expand_dims(x, 0)
        return A.squeeze(M.reduce_max(one_hot(x, num_classes, dtype=dtype), axis=-2), 0)
    return M.reduce_max(one_hot(x, num_classes, dtype=dtype), axis=-2)


@symbolic_op
def normalize(x: Any, axis: int = -1, order: int = 2, epsilon: float | None = None) -> Tensor:
    """``x`` divided by its ``order``-norm along ``axis`` (Keras' formula, with a floor ``epsilon``)."""
    from tensorflux.framework.config import epsilon as _eps

    x = _t(x)
    eps = _eps() if epsilon is None else epsilon
    if order == 2:
        inv = M.rsqrt(M.reduce_sum(x * x, axis=axis, keepdims=True))
        return x * M.minimum(inv, 1.0 / eps)
    norm = M.reduce_sum(M.abs(x) ** float(order), axis=axis, keepdims=True) ** (1.0 / order)
    return x / M.maximum(norm, eps)


@symbolic_op
def moments(x: Any, axes: Any, keepdims: bool = False) -> tuple[Tensor, Tensor]:
    x = _t(x)
    axes = tuple(axes) if isinstance(axes, (list, tuple)) else (axes,)
    mean = M.reduce_mean(x, axes, keepdims=True)
    var = M.reduce_mean(M.square(x - mean), axes, keepdims=keepdims)
    return (mean if keepdims else A.squeeze(mean, axes)), var


@symbolic_op
def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    return M.reduce_logsumexp(_t(x), tuple(axis) if isinstance(axis, list) else axis, keepdims)


@symbolic_op
def binary_crossentropy(target: Any, output: Any, from_logits: bool = False) -> Tensor:
    """Elementwise binary cross-entropy (probabilities are clipped to [eps, 1 - eps])."""
    from tensorflux.framework.config import epsilon

    y, p = _t(target), _t(output)
    y = A.cast(y, p.dtype)
    if from_logits:
        return M.maximum(p, 0.0) - p * y + M.log1p(M.exp(-M.abs(p)))
    eps = epsilon()
    p = M.minimum(M.maximum(p, eps), 1.0 - eps)
    return -(y * M.log(p) + (1.0 - y) * M.log(1.0 - p))


@symbolic_op
def categorical_crossentropy(target: Any, output: Any, from_logits: bool = False, axis: int = -1) -> Tensor:
    """Cross-entropy against one-hot ``target`` (probabilities renormalised, then clipped)."""
    from tensorflux.framework.config import epsilon

    y, p = _t(target), _t(output)
    y = A.cast(y, p.dtype)
    if from_logits:
        return -M.reduce_sum(y * AO.log_softmax(p, axis=axis), axis=axis)
    p = p / M.reduce_sum(p, axis=axis, keepdims=True)
    eps = epsilon()
    p = M.minimum(M.maximum(p, eps), 1.0 - eps)
    return -M.reduce_sum(y * M.log(p), axis=axis)


@symbolic_op
def sparse_categorical_crossentropy(
    target: Any, output: Any, from_logits: bool = False, axis: int = -1
) -> Tensor:
    """Cross-entropy against integer class ``target``."""
    p = _t(output)
    y = _t(target)
    if y.ndim == p.ndim and y.shape[-1] == 1:
        y = A.squeeze(y, -1)
    return categorical_crossentropy(
        one_hot(A.cast(y, "int32"), p.shape[axis], axis=axis, dtype=p.dtype),
        p,
        from_logits=from_logits,
        axis=axis,
    )


@symbolic_op
def top_k(x: Any, k: int, sorted: bool = True) -> Any:  # noqa: A002
    return M.top_k(_t(x), k=k, sorted=sorted)


@symbolic_op
def in_top_k(targets: Any, predictions: Any, k: int) -> Tensor:
    return M.in_top_k(_t(targets), _t(predictions), k)


# ---- convolution, pooling, normalization, attention (keras.ops.nn) ----


def _fmt(data_format: Any) -> str:
    from tensorflux.framework.config import image_data_format

    fmt = image_data_format() if data_format is None else data_format
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError(
            f"data_format must be 'channels_last' or 'channels_first'; received data_format={data_format!r}."
        )
    return fmt


def _pad_mode(padding: str, op: str) -> str:
    mode = str(padding).lower()
    if mode not in ("valid", "same"):
        raise ValueError(f"{op}: padding must be 'valid' or 'same'; received padding={padding!r}.")
    return mode.upper()


def _ints(v: Any, nd: int) -> tuple[int, ...]:
    return (int(v),) * nd if isinstance(v, int) else tuple(int(i) for i in v)


@symbolic_op
def conv(
    inputs: Any,
    kernel: Any,
    strides: Any = 1,
    padding: str = "valid",
    data_format: str | None = None,
    dilation_rate: Any = 1,
) -> Tensor:
    """N-D convolution; ``kernel`` is ``(*spatial, in_channels, out_channels)`` (grouped if fewer in).

    >>> conv([[[1.0], [2.0], [3.0]]], [[[1.0]], [[1.0]]]).numpy().ravel().tolist()
    [3.0, 5.0]
    """
    from tensorflux.ops import conv_ops

    return conv_ops.convolution(
        _t(inputs), _t(kernel), strides, _pad_mode(padding, "conv"), _fmt(data_format), dilation_rate
    )


def _depthwise(x: Tensor, kernel: Tensor, strides: Any, padding: str, fmt: str, dilation_rate: Any) -> Tensor:
    from tensorflux.ops import conv_ops

    nd = x.ndim - 2
    if nd == 1:  # a 1-D depthwise conv is the 2-D one over a height of 1
        ax = 2 if fmt == "channels_first" else 1
        y = conv_ops.depthwise_conv2d(
            A.expand_dims(x, ax),
            A.expand_dims(kernel, 0),
            (1,) + _ints(strides, 1),
            padding,
            fmt,
            (1,) + _ints(dilation_rate, 1),
        )
        return A.squeeze(y, ax)
    if nd != 2:
        raise ValueError(
            f"depthwise_conv: inputs must have rank 3 or 4 (1 or 2 spatial dims); received shape {x.shape}."
        )
    return conv_ops.depthwise_conv2d(x, kernel, _ints(strides, 2), padding, fmt, _ints(dilation_rate, 2))


@symbolic_op
def depthwise_conv(
    inputs: Any,
    kernel: Any,
    strides: Any = 1,
    padding: str = "valid",
    data_format: str | None = None,
    dilation_rate: Any = 1,
) -> Tensor:
    """Depthwise convolution; ``kernel`` is ``(*spatial, in_channels, multiplier)``.

    >>> depthwise_conv([[[1.0, 2.0], [3.0, 4.0]]], [[[1.0], [10.0]]]).numpy().tolist()
    [[[1.0, 20.0], [3.0, 40.0]]]
    """
    return _depthwise(
        _t(inputs),
        _t(kernel),
        strides,
        _pad_mode(padding, "depthwise_conv"),
        _fmt(data_format),
        dilation_rate,
    )


@symbolic_op
def separable_conv(
    inputs: Any,
    depthwise_kernel: Any,
    pointwise_kernel: Any,
    strides: Any = 1,
    padding: str = "valid",
    data_format: str | None = None,
    dilation_rate: Any = 1,
) -> Tensor:
    """A depthwise convolution then a pointwise (1x1) one mixing the channels.

    >>> separable_conv([[[1.0], [2.0]]], [[[2.0]]], [[[1.0, -1.0]]]).numpy().tolist()
    [[[2.0, -2.0], [4.0, -4.0]]]
    """
    fmt = _fmt(data_format)
    h = _depthwise(
        _t(inputs), _t(depthwise_kernel), strides, _pad_mode(padding, "separable_conv"), fmt, dilation_rate
    )
    return conv(h, pointwise_kernel, 1, "valid", fmt, 1)


def _deconv_length(n: int, k: int, stride: int, padding: str, out_pad: int | None, dilation: int) -> int:
    k = k + (k - 1) * (dilation - 1)
    if out_pad is None:
        return n * stride + max(k - stride, 0) if padding == "VALID" else n * stride
    pad = 0 if padding == "VALID" else k // 2
    return (n - 1) * stride + k - 2 * pad + out_pad


@symbolic_op
def conv_transpose(
    inputs: Any,
    kernel: Any,
    strides: Any = 1,
    padding: str = "valid",
    output_padding: Any = None,
    data_format: str | None = None,
    dilation_rate: Any = 1,
) -> Tensor:
    """Transposed convolution; ``kernel`` is ``(*spatial, out_channels, in_channels)`` as in Keras.

    >>> conv_transpose([[[1.0], [2.0]]], [[[1.0]], [[1.0]]], strides=2).numpy().ravel().tolist()
    [1.0, 1.0, 2.0, 2.0]
    """
    from tensorflux.ops import conv_ops

    x, w = _t(inputs), _t(kernel)
    nd = x.ndim - 2
    if nd not in (1, 2, 3) or w.ndim != nd + 2:
        raise ValueError(
            f"conv_transpose: inputs must have rank 3-5 and kernel rank inputs.ndim; received inputs shape "
            f"{x.shape} and kernel shape {w.shape}."
        )
    fmt = _fmt(data_format)
    mode = _pad_mode(padding, "conv_transpose")
    st, dil = _ints(strides, nd), _ints(dilation_rate, nd)
    op_ = (None,) * nd if output_padding is None else _ints(output_padding, nd)
    sizes = x.shape[2:] if fmt == "channels_first" else x.shape[1:-1]
    spatial = tuple(
        _deconv_length(int(n), int(k), s, mode, p, d)
        for n, k, s, p, d in zip(sizes, w.shape[:nd], st, op_, dil)
    )
    return conv_ops._conv_transpose(x, w, spatial, st, mode, fmt, dil, nd, "conv_transpose")


def _pool(kind: str, inputs: Any, pool_size: Any, strides: Any, padding: str, data_format: Any) -> Tensor:
    from tensorflux.ops import pool_ops

    x = _t(inputs)
    nd = x.ndim - 2
    ks = _ints(pool_size, nd)
    st = ks if strides is None else _ints(strides, nd)
    f = pool_ops.max_pool if kind == "max_pool" else pool_ops.avg_pool
    return f(x, ks, st, _pad_mode(padding, kind), _fmt(data_format))


@symbolic_op
def max_pool(
    inputs: Any, pool_size: Any, strides: Any = None, padding: str = "valid", data_format: str | None = None
) -> Tensor:
    """Max pooling over 1-3 spatial dims (``strides`` default to ``pool_size``).

    >>> max_pool([[[1.0], [3.0], [2.0], [0.0]]], 2).numpy().ravel().tolist()
    [3.0, 2.0]
    """
    return _pool("max_pool", inputs, pool_size, strides, padding, data_format)


@symbolic_op
def average_pool(
    inputs: Any, pool_size: Any, strides: Any = None, padding: str = "valid", data_format: str | None = None
) -> Tensor:
    """Average pooling (with ``'same'`` padding the pad cells are not counted, as TensorFlow).

    >>> average_pool([[[1.0], [3.0], [2.0], [0.0]]], 2).numpy().ravel().tolist()
    [2.0, 1.0]
    """
    return _pool("average_pool", inputs, pool_size, strides, padding, data_format)


def _adaptive(kind: str, inputs: Any, output_size: Any, data_format: Any) -> Tensor:
    # PyTorch's bins: bin i covers [floor(i * n / out), ceil((i + 1) * n / out)).
    x = _t(inputs)
    nd = x.ndim - 2
    first = _fmt(data_format) == "channels_first"
    outs = _ints(output_size, nd)
    reduce = M.reduce_max if kind == "max" else M.reduce_mean
    for d in range(nd):
        ax = d + 2 if first else d + 1
        n, o = int(x.shape[ax]), outs[d]
        parts = []
        for i in range(o):
            lo, hi = (i * n) // o, -((-(i + 1) * n) // o)
            idx = [slice(None)] * x.ndim
            idx[ax] = slice(lo, hi)
            parts.append(reduce(x[tuple(idx)], axis=ax, keepdims=True))
        x = A.concat(parts, ax)
    return x


@symbolic_op
def adaptive_average_pool(inputs: Any, output_size: Any, data_format: str | None = None) -> Tensor:
    """Average pooling to a fixed spatial ``output_size`` (PyTorch's bins).

    >>> adaptive_average_pool([[[1.0], [3.0], [2.0]]], 2).numpy().ravel().tolist()
    [2.0, 2.5]
    """
    return _adaptive("avg", inputs, output_size, data_format)


@symbolic_op
def adaptive_max_pool(inputs: Any, output_size: Any, data_format: str | None = None) -> Tensor:
    """Max pooling to a fixed spatial ``output_size`` (PyTorch's bins).

    >>> adaptive_max_pool([[[1.0], [3.0], [2.0]]], 2).numpy().ravel().tolist()
    [3.0, 3.0]
    """
    return _adaptive("max", inputs, output_size, data_format)


@symbolic_op
def batch_normalization(
    x: Any, mean: Any, variance: Any, axis: int, offset: Any = None, scale: Any = None, epsilon: float = 1e-3
) -> Tensor:
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset`` with 1-D statistics along ``axis``.

    >>> batch_normalization([[1.0, 2.0]], [0.0, 1.0], [1.0, 4.0], axis=1, epsilon=0.0).numpy().tolist()
    [[1.0, 0.5]]
    """
    x = _t(x)
    ax = axis % x.ndim
    shape = [1] * x.ndim
    shape[ax] = int(x.shape[ax])

    def col(v: Any) -> Tensor:
        return A.reshape(A.cast(_t(v), x.dtype), shape)

    inv = M.rsqrt(col(variance) + epsilon)
    if scale is not None:
        inv = inv * col(scale)
    y = (x - col(mean)) * inv
    return y + col(offset) if offset is not None else y


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    return tuple(sorted(a % ndim for a in (axis if isinstance(axis, (list, tuple)) else (axis,))))


@symbolic_op
def layer_normalization(
    x: Any, gamma: Any = None, beta: Any = None, axis: Any = -1, epsilon: float | None = None, **kwargs: Any
) -> Tensor:
    """Normalise over ``axis`` to zero mean and unit variance, then ``* gamma + beta``.

    >>> layer_normalization([[1.0, 3.0]], epsilon=0.0).numpy().tolist()
    [[-1.0, 1.0]]
    """
    from tensorflux.framework.config import epsilon as _eps

    if kwargs.pop("rms_scaling", False):
        raise ValueError("layer_normalization: rms_scaling is deprecated in Keras; use rms_normalization.")
    if kwargs:
        raise TypeError(f"layer_normalization: unexpected arguments {sorted(kwargs)}.")
    x = _t(x)
    eps = _eps() if epsilon is None else epsilon
    axes = _axes(axis, x.ndim)
    mean = M.reduce_mean(x, axes, keepdims=True)
    var = M.reduce_mean(M.square(x - mean), axes, keepdims=True)
    y = (x - mean) * M.rsqrt(var + eps)
    if gamma is not None:
        y = y * A.cast(_t(gamma), x.dtype)
    if beta is not None:
        y = y + A.cast(_t(beta), x.dtype)
    return y


@symbolic_op
def rms_normalization(x: Any, scale: Any = None, axis: Any = -1, epsilon: float | None = None) -> Tensor:
    """``x / sqrt(mean(x**2) + epsilon) * scale`` over ``axis``.

    >>> [round(float(v), 4) for v in rms_normalization([[3.0, 4.0]], epsilon=0.0)[0]]
    [0.8485, 1.1314]
    """
    from tensorflux.framework.config import epsilon as _eps

    x = _t(x)
    eps = _eps() if epsilon is None else epsilon
    y = x * M.rsqrt(M.reduce_mean(M.square(x), _axes(axis, x.ndim), keepdims=True) + eps)
    return y * A.cast(_t(scale), x.dtype) if scale is not None else y


@symbolic_op
def dot_product_attention(
    query: Any,
    key: Any,
    value: Any,
    bias: Any = None,
    mask: Any = None,
    scale: float | None = None,
    is_causal: bool = False,
    flash_attention: bool | None = None,
    attn_logits_soft_cap: float | None = None,
) -> Tensor:
    """Scaled dot-product attention over ``(batch, seq, heads, dim)`` tensors (or ``(seq, heads, dim)``).

    >>> q = convert_to_tensor([[[[1.0]]]])
    >>> dot_product_attention(q, q, q).numpy().ravel().tolist()
    [1.0]
    """
    from tensorflux.ops.attention_ops import scaled_dot_product_attention

    if flash_attention:
        raise ValueError("dot_product_attention: flash_attention=True is not available on this backend.")
    if attn_logits_soft_cap is not None:
        # as Keras on every backend but JAX on TPU
        raise ValueError(
            "dot_product_attention: attn_logits_soft_cap is only supported by Keras for JAX on TPU; "
            f"received attn_logits_soft_cap={attn_logits_soft_cap}. Set it to None."
        )
    q, k, v = _t(query), _t(key), _t(value)
    if q.ndim not in (3, 4):
        raise ValueError(
            f"dot_product_attention: query must be (batch, seq, heads, dim) or (seq, heads, dim); "
            f"got shape {q.shape}."
        )
    unbatched = q.ndim == 3
    if unbatched:
        q, k, v = A.expand_dims(q, 0), A.expand_dims(k, 0), A.expand_dims(v, 0)
    m = None if mask is None else _t(mask)
    if m is not None and m.ndim < 4:
        m = A.reshape(m, (1,) * (4 - m.ndim) + tuple(m.shape))
    out = scaled_dot_product_attention(q, k, v, mask=m, scale=scale, bias=bias, is_causal=is_causal)
    return A.squeeze(out, 0) if unbatched else out


@symbolic_op
def depth_to_space(x: Any, block_size: int, data_format: str = "channels_last") -> Tensor:
    """Move channel blocks into ``block_size x block_size`` spatial tiles (TensorFlow's DCR order).

    >>> depth_to_space([[[[1.0, 2.0, 3.0, 4.0]]]], 2).numpy().ravel().tolist()
    [1.0, 2.0, 3.0, 4.0]
    """
    x = _t(x)
    b = int(block_size)
    first = _fmt(data_format) == "channels_first"
    if x.ndim != 4 or int(x.shape[1 if first else 3]) % (b * b):
        raise ValueError(
            f"depth_to_space: x must be 4-D with channels divisible by block_size**2={b * b}; received shape "
            f"{x.shape}."
        )
    if first:
        n, c, h, w = (int(d) for d in x.shape)
        y = A.transpose(A.reshape(x, (n, b, b, c // (b * b), h, w)), (0, 3, 4, 1, 5, 2))
        return A.reshape(y, (n, c // (b * b), h * b, w * b))
    n, h, w, c = (int(d) for d in x.shape)
    y = A.transpose(A.reshape(x, (n, h, w, b, b, c // (b * b))), (0, 1, 3, 2, 4, 5))
    return A.reshape(y, (n, h * b, w * b, c // (b * b)))


@symbolic_op
def space_to_depth(x: Any, block_size: int, data_format: str = "channels_last") -> Tensor:
    """Move ``block_size x block_size`` spatial tiles into channels (inverse of ``depth_to_space``).

    >>> space_to_depth([[[[1.0], [2.0]], [[3.0], [4.0]]]], 2).numpy().ravel().tolist()
    [1.0, 2.0, 3.0, 4.0]
    """
    x = _t(x)
    b = int(block_size)
    first = _fmt(data_format) == "channels_first"
    hw = x.shape[2:] if first else x.shape[1:3]
    if x.ndim != 4 or int(hw[0]) % b or int(hw[1]) % b:
        raise ValueError(
            f"space_to_depth: x must be 4-D with height and width divisible by block_size={b}; received "
            f"shape {x.shape}."
        )
    if first:
        n, c, h, w = (int(d) for d in x.shape)
        y = A.transpose(A.reshape(x, (n, c, h // b, b, w // b, b)), (0, 3, 5, 1, 2, 4))
        return A.reshape(y, (n, c * b * b, h // b, w // b))
    n, h, w, c = (int(d) for d in x.shape)
    y = A.transpose(A.reshape(x, (n, h // b, b, w // b, b, c)), (0, 1, 3, 2, 4, 5))
    return A.reshape(y, (n, h // b, w // b, c * b * b))


# ---- elementwise activations ----


def _zero(x: Tensor) -> Tensor:
    return A.zeros_like(x)


@symbolic_op
def hard_tanh(x: Any) -> Tensor:
    """``x`` clipped to [-1, 1].

    >>> hard_tanh([-2.0, 0.5]).numpy().tolist()
    [-1.0, 0.5]
    """
    return M.minimum(M.maximum(_t(x), -1.0), 1.0)


@symbolic_op
def hard_shrink(x: Any, threshold: float = 0.5) -> Tensor:
    """``x`` where ``|x| > threshold``, else 0.

    >>> hard_shrink([-1.0, 0.2]).numpy().tolist()
    [-1.0, 0.0]
    """
    x = _t(x)
    return A.where(M.greater(M.abs(x), threshold), x, _zero(x))


@symbolic_op
def soft_shrink(x: Any, threshold: float = 0.5) -> Tensor:
    """``x`` moved ``threshold`` towards 0, and 0 inside ``[-threshold, threshold]``.

    >>> soft_shrink([-1.0, 0.2, 2.0]).numpy().tolist()
    [-0.5, 0.0, 1.5]
    """
    x = _t(x)
    return A.where(
        M.greater(x, threshold), x - threshold, A.where(M.less(x, -threshold), x + threshold, _zero(x))
    )


@symbolic_op
def tanh_shrink(x: Any) -> Tensor:
    """``x - tanh(x)``.

    >>> tanh_shrink([0.0]).numpy().tolist()
    [0.0]
    """
    x = _t(x)
    return x - M.tanh(x)


@symbolic_op
def threshold(x: Any, threshold: float, default_value: float) -> Tensor:
    """``x`` where ``x > threshold``, else ``default_value``.

    >>> threshold([1.0, 3.0], 2.0, -1.0).numpy().tolist()
    [-1.0, 3.0]
    """
    x = _t(x)
    return A.where(M.greater(x, threshold), x, A.fill(tuple(x.shape), A.cast(default_value, x.dtype)))


@symbolic_op
def sparse_plus(x: Any) -> Tensor:
    """0 for ``x <= -1``, ``x`` for ``x >= 1``, ``(x + 1)**2 / 4`` between.

    >>> sparse_plus([-2.0, 0.0, 2.0]).numpy().tolist()
    [0.0, 0.25, 2.0]
    """
    x = _t(x)
    mid = M.square(x + 1.0) * 0.25
    return A.where(M.less_equal(x, -1.0), _zero(x), A.where(M.greater_equal(x, 1.0), x, mid))


@symbolic_op
def sparse_sigmoid(x: Any) -> Tensor:
    """0 for ``x <= -1``, 1 for ``x >= 1``, ``(x + 1) / 2`` between.

    >>> sparse_sigmoid([-2.0, 0.0, 2.0]).numpy().tolist()
    [0.0, 0.5, 1.0]
    """
    x = _t(x)
    return M.minimum(M.maximum((x + 1.0) * 0.5, 0.0), 1.0)


@symbolic_op
def squareplus(x: Any, b: float = 4) -> Tensor:
    """``(x + sqrt(x**2 + b)) / 2``, a smooth ReLU.

    >>> squareplus([0.0]).numpy().tolist()
    [1.0]
    """
    x = _t(x)
    return (x + M.sqrt(M.square(x) + float(b))) * 0.5


@symbolic_op
def sparsemax(x: Any, axis: int = -1) -> Tensor:
    """Euclidean projection onto the probability simplex along ``axis`` (sparse softmax).

    >>> sparsemax([1.0, 0.0, -3.0]).numpy().tolist()
    [1.0, 0.0, 0.0]
    """
    x = _t(x)
    ax = axis % x.ndim
    z = A.sort(x, axis=ax, direction="DESCENDING")
    n = int(x.shape[ax])
    shape = [1] * x.ndim
    shape[ax] = n
    k = A.reshape(A.cast(A.range(1, n + 1), x.dtype), shape)
    csum = M.cumsum(z, axis=ax)
    support = A.cast(M.greater(1.0 + k * z, csum), x.dtype)
    k_z = M.reduce_sum(support, axis=ax, keepdims=True)
    tau = (M.reduce_sum(support * z, axis=ax, keepdims=True) - 1.0) / k_z
    return M.maximum(x - tau, 0.0)


@symbolic_op
def psnr(x1: Any, x2: Any, max_val: float) -> Tensor:
    """Peak signal-to-noise ratio in dB: ``20 log10(max_val) - 10 log10(mse)``.

    >>> round(float(psnr([0.0, 1.0], [0.0, 0.9], 1.0)), 3)
    23.01
    """
    import math

    a, b = _t(x1), _t(x2)
    if tuple(a.shape) != tuple(b.shape):
        raise ValueError(f"psnr: x1 and x2 must have the same shape; received {a.shape} and {b.shape}.")
    mse = M.reduce_mean(M.square(a - b))
    return 20.0 * math.log10(float(max_val)) - 10.0 * M.log(mse) / math.log(10.0)


# ---- im2col / col2im (PyTorch layout: channels first, patches as (C, kH, kW) columns) ----


def _pair(v: Any) -> tuple[int, int]:
    return (int(v), int(v)) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _im2col_kernel(c: int, kh: int, kw: int, dtype: Any) -> Tensor:
    # kernel[i, j, ch, ch * kh * kw + i * kw + j] = 1: output column order (C, kH, kW), as PyTorch
    eye = A.eye(c * kh * kw, dtype=dtype)
    return A.transpose(A.reshape(eye, (c, kh, kw, c * kh * kw)), (1, 2, 0, 3))


@symbolic_op
def unfold(x: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> Tensor:
    """Sliding blocks of an ``(N, C, H, W)`` batch as columns: ``(N, C * kH * kW, L)`` (im2col).

    >>> unfold(convert_to_tensor([[[[1.0, 2.0], [3.0, 4.0]]]]), 2).numpy().ravel().tolist()
    [1.0, 2.0, 3.0, 4.0]
    """
    v = _t(x)
    if v.ndim != 4:
        raise ValueError(f"unfold: x must be (N, C, H, W); received shape {v.shape}.")
    kh, kw = _pair(kernel_size)
    ph, pw = _pair(padding)
    n, c = int(v.shape[0]), int(v.shape[1])
    v = A.pad(A.transpose(v, (0, 2, 3, 1)), [(0, 0), (ph, ph), (pw, pw), (0, 0)])
    y = conv(v, _im2col_kernel(c, kh, kw, v.dtype), strides=_pair(stride), dilation_rate=_pair(dilation))
    return A.transpose(A.reshape(y, (n, -1, c * kh * kw)), (0, 2, 1))


@symbolic_op
def fold(
    x: Any, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1
) -> Tensor:
    """Sum columns ``(N, C * kH * kW, L)`` back into an ``(N, C, H, W)`` image (col2im, adjoint of unfold).

    >>> fold(convert_to_tensor([[[1.0], [2.0], [3.0], [4.0]]]), (2, 2), 2).numpy().ravel().tolist()
    [1.0, 2.0, 3.0, 4.0]
    """
    from tensorflux.ops import conv_ops

    v = _t(x)
    kh, kw = _pair(kernel_size)
    ph, pw = _pair(padding)
    oh, ow = _pair(output_size)
    (sh, sw), (dh, dw) = _pair(stride), _pair(dilation)
    if v.ndim != 3 or int(v.shape[1]) % (kh * kw):
        raise ValueError(
            f"fold: x must be (N, C * kH * kW, L) with kH * kW = {kh * kw}; received shape {v.shape}."
        )
    n, ck, length = (int(d) for d in v.shape)
    c = ck // (kh * kw)
    bh = (oh + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    bw = (ow + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    if bh * bw != length:
        raise ValueError(
            f"fold: x has L={length} blocks but output_size {(oh, ow)}, kernel_size {(kh, kw)}, padding "
            f"{(ph, pw)}, stride {(sh, sw)} and dilation {(dh, dw)} give {bh} x {bw} = {bh * bw}."
        )
    cols = A.reshape(A.transpose(v, (0, 2, 1)), (n, bh, bw, ck))
    img = conv_ops._conv_transpose(
        cols,
        _im2col_kernel(c, kh, kw, v.dtype),
        (oh + 2 * ph, ow + 2 * pw),
        (sh, sw),
        "VALID",
        "channels_last",
        (dh, dw),
        2,
        "fold",
    )
    return A.transpose(img[:, ph : ph + oh, pw : pw + ow, :], (0, 3, 1, 2))


# ---- connectionist temporal classification ----


@symbolic_op
def ctc_loss(target: Any, output: Any, target_length: Any, output_length: Any, mask_index: int = 0) -> Tensor:
    """CTC negative log-likelihood per batch item; ``output`` holds logits ``(batch, time, classes)``.

    ``target`` ``(batch, max_label_length)`` is read up to ``target_length``; ``mask_index`` is the
    blank class. Computed by the forward (alpha) recursion in log space, so it is differentiable.

    >>> logits = convert_to_tensor([[[0.0, 0.0], [0.0, 0.0]]])
    >>> round(float(ctc_loss([[1]], logits, [1], [2])[0]), 4)  # 3 of the 4 paths give "1"
    0.2877
    """
    logits = _t(output)
    if logits.dtype.name not in ("float32", "float64"):
        logits = A.cast(logits, "float32")
    labels = A.cast(_t(target), "int32")
    if logits.ndim != 3 or labels.ndim != 2 or int(labels.shape[0]) != int(logits.shape[0]):
        raise ValueError(
            f"ctc_loss: output must be (batch, time, classes) and target (batch, max_length) with the same "
            f"batch; received output {logits.shape} and target {labels.shape}."
        )
    b, steps, k = (int(d) for d in logits.shape)
    n_lab = int(labels.shape[1])
    s = 2 * n_lab + 1
    blank = int(mask_index) % k
    lab_len = A.reshape(A.cast(_t(target_length), "int32"), (b, 1))
    out_len = A.reshape(A.cast(_t(output_length), "int32"), (b, 1))
    # extended label sequence: blank, l1, blank, l2, ..., blank
    blanks = A.fill((b, n_lab), blank)
    ext = A.concat([A.reshape(A.stack([blanks, labels], axis=-1), (b, 2 * n_lab)), A.fill((b, 1), blank)], 1)
    logp = AO.log_softmax(logits, axis=-1)
    emit = M.reduce_sum(
        A.expand_dims(logp, 2) * A.expand_dims(A.one_hot(ext, k, dtype=logp.dtype), 1), axis=-1
    )
    neg = A.cast(-1e30, logp.dtype)
    pos = A.reshape(A.range(s), (1, s))
    valid = M.less(pos, 2 * lab_len + 1)
    prev2 = A.concat([A.fill((b, 2), -1), ext[:, :-2]], 1)
    skip = M.logical_and(
        M.greater_equal(pos, 2), M.logical_and(M.not_equal(ext, blank), M.not_equal(ext, prev2))
    )
    neg_row = A.fill((b, s), neg)
    alpha = A.where(M.logical_and(M.less(pos, 2), valid), emit[:, 0], neg_row)
    for t in range(1, steps):
        a1 = A.concat([A.fill((b, 1), neg), alpha[:, :-1]], 1)
        a2 = A.where(skip, A.concat([A.fill((b, 2), neg), alpha[:, :-2]], 1), neg_row)
        new = A.where(valid, M.reduce_logsumexp(A.stack([alpha, a1, a2], 0), 0) + emit[:, t], neg_row)
        alpha = A.where(M.less(t, out_len), new, alpha)
    last = M.logical_or(M.equal(pos, 2 * lab_len), M.equal(pos, 2 * lab_len - 1))
    return -M.reduce_logsumexp(A.where(last, alpha, neg_row), axis=1)


def ctc_decode(
    inputs: Any,
    sequence_lengths: Any,
    strategy: str = "greedy",
    beam_width: int = 100,
    top_paths: int = 1,
    merge_repeated: bool = True,
    mask_index: int = 0,
) -> tuple[Tensor, Tensor]:
    """Greedy CTC decoding of ``(batch, time, classes)`` scores: ``(decoded, scores)``.

    ``decoded`` is ``(1, batch, time)`` int32 padded with -1; ``scores`` ``(batch, 1)`` is minus the sum
    of the best score at each step (as TensorFlow). ``strategy="beam_search"`` is not available.

    >>> d, _ = ctc_decode([[[0.1, 0.9], [0.2, 0.8], [0.9, 0.1]]], [3])
    >>> d.numpy().tolist()
    [[[1, -1, -1]]]
    """
    if strategy != "greedy":
        raise NotImplementedError(
            f"ctc_decode: strategy={strategy!r} is not available; use strategy='greedy'."
            if strategy == "beam_search"
            else f"ctc_decode: strategy must be 'greedy' or 'beam_search'; received {strategy!r}."
        )
    x = _t(inputs)
    if not x.dtype.is_floating:
        x = A.cast(x, "float32")
    b, steps, k = (int(d) for d in x.shape)
    blank = int(mask_index) % k
    lengths = A.reshape(A.cast(_t(sequence_lengths), "int32"), (b, 1))
    inside = M.less(A.reshape(A.range(steps), (1, steps)), lengths)
    best = M.argmax(x, axis=-1)
    scores = -M.reduce_sum(
        A.where(inside, M.reduce_max(x, axis=-1), A.zeros_like(x[..., 0])), axis=1, keepdims=True
    )
    # with tensor ops only (so it traces): keep a step when it is inside the sequence, not blank, and
    # (when merging) not a repeat of the previous step; kept labels move to the front, the rest is -1
    best = A.cast(best, "int32")
    keep = M.logical_and(inside, M.not_equal(best, blank))
    if merge_repeated:
        prev = A.concat([A.fill((b, 1), -1), best[:, :-1]], 1)
        keep = M.logical_and(keep, M.not_equal(best, prev))
    slot = M.cumsum(A.cast(keep, "int32"), axis=1) - 1
    hit = M.logical_and(
        A.expand_dims(keep, 2), M.equal(A.expand_dims(slot, 2), A.reshape(A.range(steps), (1, 1, steps)))
    )
    label = (
        M.reduce_sum(A.where(hit, A.expand_dims(best, 2) + 1, A.zeros_like(hit, dtype="int32")), axis=1) - 1
    )
    return A.reshape(label, (1, b, steps)), scores


def __getattr__(name: str) -> Any:
    # keras.ops.nn.polar is numpy_complex.polar; a lazy lookup because numpy_complex imports this module
    if name == "polar":
        from tensorflux.keras.ops.numpy_complex import polar

        return polar
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
