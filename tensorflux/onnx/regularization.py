"""Layers that are the identity at inference: Dropout and its variants, noise, Identity."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.layers import (
    ActivityRegularization,
    Dropout,
    GaussianDropout,
    GaussianNoise,
    Identity,
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
)
from tensorflux.onnx._graph import GraphBuilder, Sym
from tensorflux.onnx.registry import register


@register(
    Dropout,
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
    GaussianDropout,
    GaussianNoise,
    ActivityRegularization,
    Identity,
    masks_ok=True,
)
def identity(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    # an exported model runs inference: no node at all, the next layer reads x
    return x.name
