"""Preprocessing layers that are plain arithmetic: Rescaling and Normalization."""

from __future__ import annotations

from typing import Any

import numpy as np

from tensorflux.framework import config
from tensorflux.keras.layers import Normalization, Rescaling
from tensorflux.onnx._graph import GraphBuilder, Sym
from tensorflux.onnx.registry import register

_FLOAT = 1  # onnx.TensorProto.FLOAT


def _as_float(g: GraphBuilder, x: Sym) -> str:
    # integer images (uint8) are cast to the layer's float32 first, as the layers do
    return x.name if x.dtype == "float32" else g.op("Cast", [x.name], to=_FLOAT)


@register(Rescaling, masks_ok=True)
def rescaling(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    scale = np.asarray(layer.scale, np.float32)
    offset = np.asarray(layer.offset, np.float32)
    if scale.ndim > 0 and config.image_data_format() == "channels_first":
        scale = scale.reshape(scale.shape + (1,) * (3 - scale.ndim))
    y = g.op("Mul", [_as_float(g, x), g.weight(layer, "scale", scale)])
    return g.op("Add", [y, g.weight(layer, "offset", offset)])


@register(Normalization, masks_ok=True)
def normalization(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    mean, variance = (np.asarray(t.numpy(), np.float32) for t in layer._statistics())
    std = np.maximum(np.sqrt(variance), np.float32(config.epsilon())).astype(np.float32)
    mean_name, std_name = g.weight(layer, "mean", mean), g.weight(layer, "std", std)
    if layer.invert:
        return g.op("Add", [mean_name, g.op("Mul", [_as_float(g, x), std_name])])
    return g.op("Div", [g.op("Sub", [_as_float(g, x), mean_name]), std_name])
