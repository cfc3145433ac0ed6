"""Dense: ``activation(x @ kernel + bias)`` as MatMul, Add and the activation."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.layers import Dense
from tensorflux.onnx import activations
from tensorflux.onnx._graph import GraphBuilder, Sym
from tensorflux.onnx.registry import register


@register(Dense, masks_ok=True)
def dense(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    # MatMul contracts the last axis for inputs of any rank, as Dense does
    y = g.op("MatMul", [x.name, g.weight(layer, "kernel", layer.kernel.numpy())])
    if layer.bias is not None:
        y = g.op("Add", [y, g.weight(layer, "bias", layer.bias.numpy())])
    return activations.emit(g, layer.activation, y, owner=layer)
