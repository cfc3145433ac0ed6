"""A Sequential or functional model used as a layer of another model: its graph is inlined."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import nest
from tensorflux.keras.models.functional import Functional
from tensorflux.keras.models.sequential import Sequential
from tensorflux.onnx._graph import GraphBuilder
from tensorflux.onnx.registry import register


@register(Functional, Sequential)
def nested_model(g: GraphBuilder, layer: Any, inputs: Any, *_: Any, **__: Any) -> list[str]:
    from tensorflux.onnx.exporter import emit_model

    outputs = emit_model(g, layer, nest.flatten(inputs))
    return outputs
