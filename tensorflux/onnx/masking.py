"""Masking: zero the timesteps whose features all equal ``mask_value``.

The layer's output values are exported; the Keras mask it attaches is not.  Layers downstream
whose result ignores masks (Dense, activations, ...) export as usual, and a layer that consumes
the mask (an RNN, Attention, ...) is refused by the exporter with an error naming it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tensorflux.keras.layers import Masking
from tensorflux.onnx._graph import GraphBuilder, Sym
from tensorflux.onnx.registry import register

_FLOAT = 1  # onnx.TensorProto.FLOAT


@register(Masking, masks_ok=True)
def masking(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    # keep a timestep when any feature differs from mask_value (NaN differs, as in the layer)
    differs = g.op("Not", [g.op("Equal", [x.name, g.const(np.float32(layer.mask_value), "mask_value")])])
    keep = g.reduce("ReduceMax", g.op("Cast", [differs], to=_FLOAT), [-1])
    return g.op("Mul", [x.name, keep])
