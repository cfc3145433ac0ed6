"""Pooling: MaxPooling/AveragePooling 1D-3D and the global poolings.

Window pooling is channels-first in ONNX (transposed around, as the convolutions); "same"
average pooling divides by the count of real inputs (``count_include_pad=0``), as TensorFlow.
Global pooling is a reduction over the spatial axes in the layer's own layout.
"""

from __future__ import annotations

from typing import Any

from tensorflux.keras.layers import (
    AveragePooling1D,
    AveragePooling2D,
    AveragePooling3D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAveragePooling3D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    GlobalMaxPooling3D,
    MaxPooling1D,
    MaxPooling2D,
    MaxPooling3D,
)
from tensorflux.onnx._graph import GraphBuilder, Sym
from tensorflux.onnx.conv import padding_attrs, spatial_dims, to_channels_first, to_channels_last
from tensorflux.onnx.registry import register


def _pool(g: GraphBuilder, layer: Any, x: Sym, op_type: str, **extra: Any) -> str:
    rank = layer.pool_dimensions
    pad = padding_attrs(
        layer.padding, spatial_dims(x, rank, layer.data_format), layer.pool_size, layer.strides
    )
    y = g.op(
        op_type,
        [to_channels_first(g, x.name, rank, layer.data_format)],
        kernel_shape=list(layer.pool_size),
        strides=list(layer.strides),
        **pad,
        **extra,
    )
    return to_channels_last(g, y, rank, layer.data_format)


@register(MaxPooling1D, MaxPooling2D, MaxPooling3D)
def max_pooling(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    return _pool(g, layer, x, "MaxPool")


@register(AveragePooling1D, AveragePooling2D, AveragePooling3D)
def average_pooling(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    return _pool(g, layer, x, "AveragePool", count_include_pad=0)


def _global(g: GraphBuilder, layer: Any, x: Sym, op_type: str) -> str:
    return g.reduce(op_type, x.name, layer._spatial_axes, keepdims=layer.keepdims)


@register(GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D)
def global_max_pooling(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    return _global(g, layer, x, "ReduceMax")


@register(GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D)
def global_average_pooling(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    return _global(g, layer, x, "ReduceMean")
