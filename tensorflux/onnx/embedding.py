"""Embedding: a Gather of rows of the embedding matrix (float inputs are cast to int64 first)."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.layers import Embedding
from tensorflux.onnx._graph import GraphBuilder, Sym
from tensorflux.onnx.registry import register

_INT64 = 7  # onnx.TensorProto.INT64


@register(Embedding)
def embedding(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    ids = x.name
    if x.dtype not in ("int32", "int64"):
        # tensorflux casts other inputs (float ids from Input's default dtype) to integers
        ids = g.op("Cast", [ids], to=_INT64)
    return g.op("Gather", [g.weight(layer, "embeddings", layer.embeddings.numpy()), ids], axis=0)
