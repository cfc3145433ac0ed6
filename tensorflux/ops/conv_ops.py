"""Convolutions of ``tf.nn``: conv1d/2d/3d, depthwise, separable and transposed, plus ``bias_add``.

Every convolution is the one N-d ``conv`` primitive on channels-last data; channels-first
inputs are transposed around it.  Arguments follow TensorFlow: ``strides`` and ``dilations``
as an int, N ints or N+2 ints; ``padding`` as ``"VALID"``, ``"SAME"`` or explicit pairs.
"""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import nn_primitives as NP
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.ops._util import static, t

_DEFAULT_FORMAT = {1: "NWC", 2: "NHWC", 3: "NDHWC"}


def _channels_first(data_format: Any, nd: int, op: str) -> bool:
    fmt = _DEFAULT_FORMAT[nd] if data_format is None else str(data_format).upper()
    if fmt in ("NWC", "NHWC", "NDHWC", "CHANNELS_LAST"):
        return False
    if fmt in ("NCW", "NCHW", "NCDHW", "CHANNELS_FIRST"):
        return True
    raise ValueError(
        f"{op}: data_format must be {_DEFAULT_FORMAT[nd]!r} (channels last) or "
        f"{'NC' + _DEFAULT_FORMAT[nd][1:-1]!r} (channels first); received data_format={data_format!r}."
    )


def _spatial_arg(value: Any, nd: int, name: str, op: str, first: bool, default: int = 1) -> tuple[int, ...]:
    """``strides``/``dilations``/``ksize`` as N ints; N+2 forms must have 1 for batch and channels."""
    v = static(value)
    if v is None:
        v = default
    vals = (int(v),) * nd if isinstance(v, int) else tuple(int(i) for i in v)
    if len(vals) == 1:
        vals = vals * nd
    elif len(vals) == nd + 2:
        outer = (vals[0], vals[1]) if first else (vals[0], vals[-1])
        if outer != (1, 1):
            raise ValueError(
                f"{op}: {name} for the batch and channel dimensions must be 1; received {name}={list(vals)}."
            )
        vals = vals[2:] if first else vals[1:-1]
    elif len(vals) != nd:
        raise ValueError(
            f"{op}: {name} must be an int or a list of 1, {nd} or {nd + 2} ints; received {name}={v!r}."
        )
    if any(i < 1 for i in vals):
        raise ValueError(f"{op}: {name} must be positive integers; received {name}={value!r}.")
    return vals


def _same_pads(sizes: Any, ksize: Any, strides: Any, dilations: Any) -> tuple[tuple[int, int], ...]:
    pads = []
    for s, k, st, d in zip(sizes, ksize, strides, dilations):
        out = -(-s // st)
        total = max((out - 1) * st + (k - 1) * d + 1 - s, 0)
        pads.append((total // 2, total - total // 2))
    return tuple(pads)


def _pads(padding: Any, sizes: Any, ksize: Any, strides: Any, dilations: Any, op: str, first: bool) -> Any:
    nd = len(sizes)
    if isinstance(padding, str):
        mode = padding.upper()
        if mode == "VALID":
            return ((0, 0),) * nd
        if mode == "SAME":
            return _same_pads(sizes, ksize, strides, dilations)
        raise ValueError(
            f"{op}: padding must be 'VALID', 'SAME' or explicit pairs; received padding={padding!r}."
        )
    pairs = [tuple(int(v) for v in p) for p in static(padding)]
    if len(pairs) == nd + 2:
        outer = pairs[:2] if first else [pairs[0], pairs[-1]]
        if any(p != (0, 0) for p in outer):
            raise ValueError(
                f"{op}: explicit padding of the batch and channel dimensions must be 0; received {pairs}."
            )
        pairs = pairs[2:] if first else pairs[1:-1]
    if len(pairs) != nd or any(len(p) != 2 or min(p) < 0 for p in pairs):
        raise ValueError(
            f"{op}: explicit padding must be {nd + 2} non-negative (before, after) pairs; "
            f"received padding={padding!r}."
        )
    return tuple(pairs)


def _to_last(x: Tensor, nd: int) -> Tensor:
    return P.unary(P.transpose, x, perm=(0,) + tuple(range(2, nd + 2)) + (1,))


def _to_first(x: Tensor, nd: int) -> Tensor:
    return P.unary(P.transpose, x, perm=(0, nd + 1) + tuple(range(1, nd + 1)))


def _check_rank(x: Tensor, rank: int, what: str, op: str) -> None:
    if x._value.ndim != rank:
        raise ValueError(
            f"{op}: {what} must have rank {rank}; received a tensor of shape {tuple(x._value.shape)} "
            f"(rank {x._value.ndim})."
        )


def _geometry(
    x_shape: Any, w_shape: Any, nd: int, strides: Any, padding: Any, dilations: Any, op: str, first: bool
) -> Any:
    """Check shapes and resolve the arguments; returns the params of the ``conv`` primitive."""
    ksize = tuple(w_shape[:nd])
    sizes = x_shape[1:-1]
    st = _spatial_arg(strides, nd, "strides", op, first)
    dl = _spatial_arg(dilations, nd, "dilations", op, first)
    c, cg, f = x_shape[-1], w_shape[-2], w_shape[-1]
    if cg <= 0 or c % cg:
        raise ValueError(
            f"{op}: the input has {c} channels (shape {tuple(x_shape)}) but the filter expects {cg} input "
            f"channels (shape {tuple(w_shape)}); the input channels must be a multiple of the filter's."
        )
    groups = c // cg
    if f % groups:
        raise ValueError(
            f"{op}: with {groups} groups (input channels {c} / filter input channels {cg}) the number of "
            f"filters {f} must be divisible by {groups}; filter shape {tuple(w_shape)}."
        )
    pads = _pads(padding, sizes, ksize, st, dl, op, first)
    for i, (s, k, d, (lo, hi)) in enumerate(zip(sizes, ksize, dl, pads)):
        span = (k - 1) * d + 1
        if s + lo + hi < span:
            raise ValueError(
                f"{op}: the filter (size {k}, dilation {d}, so spanning {span}) is larger than the padded "
                f"input (size {s} + padding {lo + hi}) in spatial dimension {i}; "
                f"input shape {tuple(x_shape)}, "
                f"filter shape {tuple(w_shape)}. Use padding='SAME' or a smaller kernel."
            )
    return {"strides": st, "dilations": dl, "pads": pads, "groups": groups}


def convolution(
    input: Any,  # noqa: A002
    filters: Any,
    strides: Any = None,
    padding: Any = "VALID",
    data_format: Any = None,
    dilations: Any = None,
    name: Any = None,
) -> Tensor:
    """N-d convolution (1, 2 or 3 spatial dims), the rank taken from ``filters``.

    >>> import tensorflux as tf
    >>> tf.nn.convolution(tf.ones((1, 5, 5, 1)), tf.ones((3, 3, 1, 2))).shape
    TensorShape([1, 3, 3, 2])
    """
    w = t(filters)
    nd = w._value.ndim - 2
    if nd not in (1, 2, 3):
        raise ValueError(
            f"convolution: filters must have rank 3, 4 or 5 (spatial dims + in and out channels); received "
            f"shape {tuple(w._value.shape)}."
        )
    return _conv(input, w, strides, padding, data_format, dilations, nd, f"conv{nd}d")


# Resolved arguments of calls already checked, keyed by the shapes and the (hashable) arguments:
# a layer calling the same convolution again skips the normalisation and the checks.
_RESOLVED: dict[tuple[Any, ...], Any] = {}
_MAX_RESOLVED = 512


def _plain(v: Any) -> bool:
    """Whether ``v`` can be part of a cache key (None, an int, a string, or a tuple of ints/strings)."""
    tv = type(v)
    if v is None or tv is int or tv is str:
        return True
    return tv is tuple and all(type(i) is int or type(i) is str for i in v)


def _remember(key: Any, value: Any) -> Any:
    if len(_RESOLVED) >= _MAX_RESOLVED:
        _RESOLVED.clear()
    _RESOLVED[key] = value
    return value


def _conv(
    x: Any, w: Tensor, strides: Any, padding: Any, data_format: Any, dilations: Any, nd: int, op: str
) -> Tensor:
    x = t(x)
    first, params = _resolve(x, w, strides, padding, data_format, dilations, nd, op)
    if first:
        x = _to_last(x, nd)
    y = P.bind(NP.conv, (x, w), dict(params))
    return _to_first(y, nd) if first else y


def _resolve(
    x: Tensor, w: Tensor, strides: Any, padding: Any, data_format: Any, dilations: Any, nd: int, op: str
) -> tuple[bool, dict[str, Any]]:
    """``(channels first?, the conv kernel's params)``, checked once per geometry and then cached."""
    key = None
    if _plain(strides) and _plain(padding) and _plain(dilations) and _plain(data_format):
        key = ("conv", x._value.shape, w._value.shape, strides, padding, data_format, dilations, nd, op)
        hit = _RESOLVED.get(key)
        if hit is not None:
            return hit  # type: ignore[no-any-return]
    _check_rank(x, nd + 2, "the input", op)
    _check_rank(w, nd + 2, "the filter", op)
    first = _channels_first(data_format, nd, op)
    shape = x._value.shape
    if first:
        shape = shape[:1] + shape[2:] + shape[1:2]
    params = _geometry(shape, w._value.shape, nd, strides, padding, dilations, op, first)
    return _remember(key, (first, params)) if key is not None else (first, params)


def _conv_bias_act(
    x: Tensor, w: Tensor, b: Tensor, strides: Any, padding: Any, dilations: Any, nd: int, activation: Any
) -> Tensor:
    """``activation(conv(x, w) + b)`` for channels-last inputs as one kernel that writes one array.

    For the conv layers' forward when no tape records: nothing needs the pre-activation then.
    ``activation`` is ``"relu"`` or None.
    """
    first, params = _resolve(x, w, strides, padding, None, dilations, nd, f"conv{nd}d")
    params = {k: v for k, v in params.items() if k != "groups"}
    return P.bind(NP.conv_bias_act, (x, w, b), {**params, "activation": activation})


def conv1d(
    input: Any,  # noqa: A002
    filters: Any,
    stride: Any,
    padding: Any,
    data_format: Any = "NWC",
    dilations: Any = None,
    name: Any = None,
) -> Tensor:
    """1-D convolution of ``(batch, width, channels)`` with filters ``(width, in, out)``.

    >>> import tensorflux as tf
    >>> tf.nn.conv1d(tf.ones((2, 8, 3)), tf.ones((3, 3, 4)), stride=1, padding="SAME").shape
    TensorShape([2, 8, 4])
    """
    return _conv(input, t(filters), stride, padding, data_format, dilations, 1, "conv1d")


def conv2d(
    input: Any,  # noqa: A002
    filters: Any,
    strides: Any,
    padding: Any,
    data_format: Any = "NHWC",
    dilations: Any = None,
    name: Any = None,
) -> Tensor:
    """2-D convolution of NHWC (or NCHW) images with filters ``(height, width, in / groups, out)``.

    >>> import tensorflux as tf
    >>> tf.nn.conv2d(tf.ones((1, 28, 28, 1)), tf.ones((3, 3, 1, 32)), strides=1, padding="VALID").shape
    TensorShape([1, 26, 26, 32])
    """
    return _conv(input, t(filters), strides, padding, data_format, dilations, 2, "conv2d")


def conv3d(
    input: Any,  # noqa: A002
    filters: Any,
    strides: Any,
    padding: Any,
    data_format: Any = "NDHWC",
    dilations: Any = None,
    name: Any = None,
) -> Tensor:
    """3-D convolution of NDHWC volumes with filters ``(depth, height, width, in, out)``.

    >>> import tensorflux as tf
    >>> tf.nn.conv3d(tf.ones((1, 4, 4, 4, 1)), tf.ones((2, 2, 2, 1, 3)), [1, 1, 1, 1, 1], "VALID").shape
    TensorShape([1, 3, 3, 3, 3])
    """
    return _conv(input, t(filters), strides, padding, data_format, dilations, 3, "conv3d")


def depthwise_conv2d(
    input: Any,  # noqa: A002
    filter: Any,  # noqa: A002
    strides: Any,
    padding: Any,
    data_format: Any = None,
    dilations: Any = None,
    name: Any = None,
) -> Tensor:
    """Each input channel convolved with its own ``multiplier`` filters: filter ``(kh, kw, C, M)``.

    Output channel ``c * M + m`` is channel ``c`` filtered by ``filter[..., c, m]`` (a grouped
    convolution with ``C`` groups).

    >>> import tensorflux as tf
    >>> tf.nn.depthwise_conv2d(tf.ones((1, 5, 5, 3)), tf.ones((3, 3, 3, 2)), [1, 1, 1, 1], "SAME").shape
    TensorShape([1, 5, 5, 6])
    """
    w = t(filter)
    x = t(input)
    op = "depthwise_conv2d"
    _check_rank(w, 4, "the filter", op)
    _check_rank(x, 4, "the input", op)
    kh, kw, c, m = w._value.shape
    first = _channels_first(data_format, 2, op)
    xc = x._value.shape[1 if first else -1]
    if xc != c:
        raise ValueError(
            f"{op}: the input has {xc} channels (shape {tuple(x._value.shape)}) but the filter has {c} "
            f"(shape {tuple(w._value.shape)}); filter shape must be (height, width, in_channels, multiplier)."
        )
    wg = P.unary(P.reshape, w, shape=(kh, kw, 1, c * m))
    return _conv(x, wg, strides, padding, data_format, dilations, 2, op)


def separable_conv2d(
    input: Any,  # noqa: A002
    depthwise_filter: Any,
    pointwise_filter: Any,
    strides: Any,
    padding: Any,
    data_format: Any = None,
    dilations: Any = None,
    name: Any = None,
) -> Tensor:
    """A depthwise convolution followed by a 1x1 convolution mixing the channels.

    >>> import tensorflux as tf
    >>> x = tf.ones((1, 5, 5, 3))
    >>> tf.nn.separable_conv2d(x, tf.ones((3, 3, 3, 2)), tf.ones((1, 1, 6, 4)), [1, 1, 1, 1], "VALID").shape
    TensorShape([1, 3, 3, 4])
    """
    pw = t(pointwise_filter)
    _check_rank(pw, 4, "the pointwise filter", "separable_conv2d")
    if tuple(pw._value.shape[:2]) != (1, 1):
        raise ValueError(
            f"separable_conv2d: the pointwise filter must be 1x1; received shape {tuple(pw._value.shape)}."
        )
    h = depthwise_conv2d(input, depthwise_filter, strides, padding, data_format, dilations)
    return _conv(h, pw, 1, "VALID", data_format, None, 2, "separable_conv2d")


def _conv_transpose(
    x: Any,
    w: Any,
    output_shape: Any,
    strides: Any,
    padding: Any,
    data_format: Any,
    dilations: Any,
    nd: int,
    op: str,
) -> Tensor:
    x = t(x)
    w = t(w)
    _check_rank(x, nd + 2, "the input", op)
    _check_rank(w, nd + 2, "the filter", op)
    first = _channels_first(data_format, nd, op)
    shape = static(output_shape)
    shape = tuple(int(s) for s in (shape if isinstance(shape, (tuple, list)) else (shape,)))
    if first:
        x = _to_last(x, nd)
    if len(shape) == nd:  # spatial sizes only
        shape = (x._value.shape[0],) + shape + (w._value.shape[-2],)
    elif len(shape) == nd + 2:
        if first:
            shape = (shape[0],) + tuple(shape[2:]) + (shape[1],)
    else:
        raise ValueError(
            f"{op}: output_shape must have {nd + 2} entries; received output_shape={output_shape!r}."
        )
    # filters are (*k, out_channels, in_channels): the forward conv maps the output back to x
    if shape[-1] != w._value.shape[-2] or x._value.shape[-1] != w._value.shape[-1]:
        raise ValueError(
            f"{op}: filter shape {tuple(w._value.shape)} must be (*kernel, output_channels, input_channels); "
            f"the input has {x._value.shape[-1]} channels and output_shape asks for {shape[-1]}."
        )
    if shape[0] != x._value.shape[0]:
        raise ValueError(
            f"{op}: output_shape batch {shape[0]} differs from the input batch {x._value.shape[0]}."
        )
    params = _geometry(shape, w._value.shape, nd, strides, padding, dilations, op, first)
    expect = tuple(
        B.conv_output_size(s, k, st, d, lo, hi)
        for s, k, st, d, (lo, hi) in zip(
            shape[1:-1], w._value.shape[:nd], params["strides"], params["dilations"], params["pads"]
        )
    )
    if expect != tuple(x._value.shape[1:-1]):
        raise ValueError(
            f"{op}: output_shape {list(shape)} is inconsistent with the input: a convolution of that shape "
            f"with this filter, strides and padding gives spatial size {list(expect)}, but the input has "
            f"{list(x._value.shape[1:-1])} (input shape {tuple(x._value.shape)})."
        )
    y = P.bind(NP.conv_backprop_input, (x, w), {"x_shape": shape, **params})
    return _to_first(y, nd) if first else y


def conv2d_transpose(
    input: Any,  # noqa: A002
    filters: Any,
    output_shape: Any,
    strides: Any,
    padding: Any = "SAME",
    data_format: Any = "NHWC",
    dilations: Any = None,
    name: Any = None,
) -> Tensor:
    """The transpose (gradient) of ``conv2d``; filters are ``(height, width, out_channels, in_channels)``.

    >>> import tensorflux as tf
    >>> tf.nn.conv2d_transpose(tf.ones((1, 4, 4, 8)), tf.ones((3, 3, 2, 8)), (1, 8, 8, 2), 2).shape
    TensorShape([1, 8, 8, 2])
    """
    return _conv_transpose(
        input, filters, output_shape, strides, padding, data_format, dilations, 2, "conv2d_transpose"
    )


def conv1d_transpose(
    input: Any,  # noqa: A002
    filters: Any,
    output_shape: Any,
    strides: Any,
    padding: Any = "SAME",
    data_format: Any = "NWC",
    dilations: Any = None,
    name: Any = None,
) -> Tensor:
    """The transpose (gradient) of ``conv1d``; filters are ``(width, out_channels, in_channels)``.

    >>> import tensorflux as tf
    >>> tf.nn.conv1d_transpose(tf.ones((2, 5, 4)), tf.ones((3, 2, 4)), (2, 10, 2), 2).shape
    TensorShape([2, 10, 2])
    """
    return _conv_transpose(
        input, filters, output_shape, strides, padding, data_format, dilations, 1, "conv1d_transpose"
    )


def conv3d_transpose(
    input: Any,  # noqa: A002
    filters: Any,
    output_shape: Any,
    strides: Any,
    padding: Any = "SAME",
    data_format: Any = "NDHWC",
    dilations: Any = None,
    name: Any = None,
) -> Tensor:
    """The transpose (gradient) of ``conv3d``; filters are ``(d, h, w, out_channels, in_channels)``.

    >>> import tensorflux as tf
    >>> tf.nn.conv3d_transpose(tf.ones((1, 2, 2, 2, 4)), tf.ones((2, 2, 2, 1, 4)), (1, 4, 4, 4, 1), 2).shape
    TensorShape([1, 4, 4, 4, 1])
    """
    return _conv_transpose(
        input, filters, output_shape, strides, padding, data_format, dilations, 3, "conv3d_transpose"
    )


def bias_add(value: Any, bias: Any, data_format: Any = None, name: Any = None) -> Tensor:
    """Add a per-channel bias (last axis, or axis 1 for ``NC...`` formats).

    >>> import tensorflux as tf
    >>> tf.nn.bias_add(tf.zeros((2, 3)), [1.0, 2.0, 3.0]).numpy()[0]
    array([1., 2., 3.], dtype=float32)
    """
    x = t(value)
    b = t(bias)
    xv, bv = x._value, b._value
    axis = -1 if data_format is None else _bias_axis(data_format)
    if xv.ndim < 2 or bv.ndim != 1 or xv.shape[axis] != bv.shape[0] or bv.dtype != xv.dtype:
        _bias_add_error(x, b, axis, data_format)
    return P.bind(NP.bias_add, (x, b), {"axis": axis})


def _bias_axis(data_format: Any) -> int:
    return 1 if str(data_format).upper().startswith("NC") else -1


def _bias_add_error(x: Tensor, b: Tensor, axis: int, data_format: Any) -> None:
    if x._value.ndim < 2:
        raise ValueError(f"bias_add: value must have rank >= 2; received shape {tuple(x._value.shape)}.")
    if b._value.ndim != 1:
        raise ValueError(f"bias_add: bias must be 1-D; received shape {tuple(b._value.shape)}.")
    if x._value.shape[axis] != b._value.shape[0]:
        raise ValueError(
            f"bias_add: the bias has {b._value.shape[0]} entries but value has "
            f"{x._value.shape[axis]} channels "
            f"(value shape {tuple(x._value.shape)}, data_format={data_format!r})."
        )
    raise TypeError(f"bias_add: value is {x.dtype.name} but bias is {b.dtype.name}; cast one of them.")
