"""Convolutions: Conv1D/2D/3D, their transposes, depthwise and separable convolutions.

ONNX convolutions are channels-first, so a channels-last layer is written as
``Transpose -> Conv -> Transpose`` (runtimes fold the transposes between consecutive layers).
Kernels are permuted once at export time from Keras' ``(*kernel_size, in, out)`` layout.
"same" padding becomes explicit pads wherever they do not depend on the input size (stride 1,
or a known spatial size), and ``auto_pad="SAME_UPPER"`` otherwise: TensorFlow puts the odd
pixel at the end, as SAME_UPPER does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tensorflux.keras.layers import (
    Conv1D,
    Conv1DTranspose,
    Conv2D,
    Conv2DTranspose,
    Conv3D,
    Conv3DTranspose,
    DepthwiseConv1D,
    DepthwiseConv2D,
    SeparableConv1D,
    SeparableConv2D,
)
from tensorflux.keras.layers.convolutional.base_conv_transpose import deconv_output_length
from tensorflux.onnx import activations
from tensorflux.onnx._graph import GraphBuilder, Sym
from tensorflux.onnx.registry import register


def to_channels_first(g: GraphBuilder, x: str, rank: int, data_format: str) -> str:
    if data_format == "channels_first":
        return x
    return g.transpose(x, (0, rank + 1) + tuple(range(1, rank + 1)))


def to_channels_last(g: GraphBuilder, x: str, rank: int, data_format: str) -> str:
    if data_format == "channels_first":
        return x
    return g.transpose(x, (0,) + tuple(range(2, rank + 2)) + (1,))


def spatial_dims(x: Sym, rank: int, data_format: str) -> tuple[Any, ...]:
    return x.shape[1:-1] if data_format == "channels_last" else x.shape[2 : 2 + rank]


def padding_attrs(
    padding: str,
    spatial: Sequence[Any],
    kernel: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int] | None = None,
) -> dict[str, Any]:
    """``pads`` (or ``auto_pad``) for a Keras "valid"/"same" window, TensorFlow's way."""
    rank = len(kernel)
    dilations = dilations or (1,) * rank
    if padding == "valid":
        return {"pads": [0] * (2 * rank)}
    begins, ends = [], []
    for size, k, s, d in zip(spatial, kernel, strides, dilations):
        span = (k - 1) * d + 1
        if s == 1:
            total = span - 1
        elif size is not None:
            total = max((-(-size // s) - 1) * s + span - size, 0)
        else:
            return {"auto_pad": "SAME_UPPER"}
        begins.append(total // 2)
        ends.append(total - total // 2)
    return {"pads": begins + ends}


def _keras_to_onnx_kernel(kernel: Any, rank: int) -> Any:
    # (*k, in, out) -> (out, in, *k); the transposed convolutions' (*k, out, in) -> (in, out, *k)
    return np.transpose(np.asarray(kernel, np.float32), (rank + 1, rank) + tuple(range(rank)))


def _finish(g: GraphBuilder, layer: Any, y: str, rank: int) -> str:
    y = to_channels_last(g, y, rank, layer.data_format)
    return activations.emit(g, layer.activation, y, owner=layer)


@register(Conv1D, Conv2D, Conv3D, masks_ok=False)
def conv(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    rank = layer.rank
    w = g.weight(layer, "kernel", _keras_to_onnx_kernel(layer.kernel.numpy(), rank))
    ins = [to_channels_first(g, x.name, rank, layer.data_format), w]
    if layer.bias is not None:
        ins.append(g.weight(layer, "bias", layer.bias.numpy()))
    if layer.padding == "causal":
        pad = {"pads": [layer.dilation_rate[0] * (layer.kernel_size[0] - 1), 0]}
    else:
        pad = padding_attrs(
            layer.padding,
            spatial_dims(x, rank, layer.data_format),
            layer.kernel_size,
            layer.strides,
            layer.dilation_rate,
        )
    y = g.op(
        "Conv",
        ins,
        kernel_shape=list(layer.kernel_size),
        strides=list(layer.strides),
        dilations=list(layer.dilation_rate),
        group=int(layer.groups),
        **pad,
    )
    return _finish(g, layer, y, rank)


@register(Conv1DTranspose, Conv2DTranspose, Conv3DTranspose)
def conv_transpose(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    rank = layer.rank
    w = g.weight(layer, "kernel", _keras_to_onnx_kernel(layer.kernel.numpy(), rank))
    ins = [to_channels_first(g, x.name, rank, layer.data_format), w]
    if layer.bias is not None:
        ins.append(g.weight(layer, "bias", layer.bias.numpy()))
    # TensorFlow crops total//2 at the start; the pads and the output padding do not depend on
    # the input length, so they are read off a length-1 input.
    begins, ends, extra = [], [], []
    output_padding = layer.output_padding or (None,) * rank
    for k, s, d, op in zip(layer.kernel_size, layer.strides, layer.dilation_rate, output_padding):
        span = (k - 1) * d + 1
        out1 = deconv_output_length(1, k, layer.padding, op, s, d)
        total = max(span - out1, 0) if layer.padding == "same" else 0
        begins.append(total // 2)
        ends.append(total - total // 2)
        extra.append(out1 - span + total)
    y = g.op(
        "ConvTranspose",
        ins,
        kernel_shape=list(layer.kernel_size),
        strides=list(layer.strides),
        dilations=list(layer.dilation_rate),
        pads=begins + ends,
        output_padding=extra,
    )
    return _finish(g, layer, y, rank)


def _depthwise_weight(kernel: Any, rank: int) -> Any:
    # (*k, C, M) -> (C * M, 1, *k): output channel c * M + m, as Keras orders them
    k = np.asarray(kernel, np.float32)
    c, m = k.shape[-2:]
    return np.transpose(k, (rank, rank + 1) + tuple(range(rank))).reshape((c * m, 1) + k.shape[:rank])


def _depthwise(g: GraphBuilder, layer: Any, x: Sym, x_cf: str, kernel: Any, bias: str | None) -> str:
    rank = layer.rank
    channels = kernel.shape[rank]
    ins = [x_cf, g.weight(layer, "depthwise_kernel", _depthwise_weight(kernel, rank))]
    if bias is not None:
        ins.append(bias)
    pad = padding_attrs(
        layer.padding,
        spatial_dims(x, rank, layer.data_format),
        layer.kernel_size,
        layer.strides,
        layer.dilation_rate,
    )
    return g.op(
        "Conv",
        ins,
        kernel_shape=list(layer.kernel_size),
        strides=list(layer.strides),
        dilations=list(layer.dilation_rate),
        group=int(channels),
        **pad,
    )


@register(DepthwiseConv1D, DepthwiseConv2D)
def depthwise_conv(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    rank = layer.rank
    bias = g.weight(layer, "bias", layer.bias.numpy()) if layer.bias is not None else None
    x_cf = to_channels_first(g, x.name, rank, layer.data_format)
    y = _depthwise(g, layer, x, x_cf, np.asarray(layer.kernel.numpy()), bias)
    return _finish(g, layer, y, rank)


@register(SeparableConv1D, SeparableConv2D)
def separable_conv(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    rank = layer.rank
    x_cf = to_channels_first(g, x.name, rank, layer.data_format)
    y = _depthwise(g, layer, x, x_cf, np.asarray(layer.depthwise_kernel.numpy()), None)
    ins = [
        y,
        g.weight(layer, "pointwise_kernel", _keras_to_onnx_kernel(layer.pointwise_kernel.numpy(), rank)),
    ]
    if layer.bias is not None:
        ins.append(g.weight(layer, "bias", layer.bias.numpy()))
    y = g.op("Conv", ins, kernel_shape=[1] * rank)
    return _finish(g, layer, y, rank)
