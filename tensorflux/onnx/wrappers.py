"""TimeDistributed: the wrapped layer's converter on ``(batch * time, ...)``, as the layer runs it.

The time axis is folded into the batch with a Reshape, the wrapped layer is written by its own
converter (any supported layer, a nested model included), and the result is unfolded to
``(batch, time, ...)``.  Sizes known only at run time are read with ``Shape``.
"""

from __future__ import annotations

from typing import Any

from tensorflux.keras.layers import TimeDistributed
from tensorflux.onnx import registry
from tensorflux.onnx._graph import GraphBuilder, Sym


def _fold(g: GraphBuilder, x: Sym) -> str:
    inner = x.shape[2:]
    if all(d is not None for d in inner):
        return g.reshape(x.name, [-1, *[int(d) for d in inner]])
    return g.op("Reshape", [x.name, g.op("Concat", [g.const([-1], "batch"), g.dims(x.name, 2)], axis=0)])


def _unfold(g: GraphBuilder, y: str, x: Sym, out_shape: tuple[Any, ...]) -> str:
    steps, inner = x.shape[1], out_shape[1:]
    if steps is not None and all(d is not None for d in inner):
        return g.reshape(y, [-1, int(steps), *[int(d) for d in inner]])
    return g.op("Reshape", [y, g.op("Concat", [g.dims(x.name, 0, 2), g.dims(y, 1)], axis=0)])


def _inner_accepts_masks(layer: Any) -> bool:
    return registry.accepts_masks(layer.layer)


@registry.register(TimeDistributed, masks_ok=_inner_accepts_masks)
def time_distributed(g: GraphBuilder, layer: Any, x: Any, training: Any = None, mask: Any = None) -> str:
    if not isinstance(x, Sym):
        raise ValueError(
            f"ONNX export: TimeDistributed layer '{layer.name}' is called on a nested structure of "
            "tensors; only a single (batch, time, ...) tensor is exported."
        )
    inner = layer.layer
    convert = registry.lookup(inner)
    child_shape = (None, *x.shape[2:])
    out_shape = tuple(inner.compute_output_shape(child_shape))
    with g.scope(inner.name):
        y = convert(g, inner, Sym(_fold(g, x), child_shape, x.dtype))
    if isinstance(y, (list, tuple)) and len(y) == 1:  # a nested model's single output
        y = y[0]
    if isinstance(y, (list, tuple)):
        raise ValueError(
            f"ONNX export: TimeDistributed layer '{layer.name}' wraps '{inner.name}' "
            f"({type(inner).__name__}), which has several outputs; only single-output layers are exported."
        )
    return _unfold(g, y, x, out_shape)
