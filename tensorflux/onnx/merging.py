"""Merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot.

As the layers do, inputs of lower rank gain axes of size 1 after the batch axis before an
elementwise merge; ONNX's numpy-style broadcasting does the rest.
"""

from __future__ import annotations

from typing import Any

from tensorflux.keras.layers import Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract
from tensorflux.onnx._graph import GraphBuilder, Sym
from tensorflux.onnx.registry import register


def _aligned(g: GraphBuilder, inputs: list[Sym]) -> list[str]:
    top = max(x.rank for x in inputs)
    return [g.unsqueeze(x.name, list(range(1, 1 + top - x.rank))) if x.rank < top else x.name for x in inputs]


def _chain(g: GraphBuilder, op_type: str, names: list[str]) -> str:
    out = names[0]
    for n in names[1:]:
        out = g.op(op_type, [out, n])
    return out


@register(Add, masks_ok=True)
def add(g: GraphBuilder, layer: Any, inputs: list[Sym], **_: Any) -> str:
    return _chain(g, "Add", _aligned(g, inputs))


@register(Subtract, masks_ok=True)
def subtract(g: GraphBuilder, layer: Any, inputs: list[Sym], **_: Any) -> str:
    a, b = _aligned(g, inputs)
    return g.op("Sub", [a, b])


@register(Multiply)
def multiply(g: GraphBuilder, layer: Any, inputs: list[Sym], **_: Any) -> str:
    return _chain(g, "Mul", _aligned(g, inputs))


@register(Average, masks_ok=True)
def average(g: GraphBuilder, layer: Any, inputs: list[Sym], **_: Any) -> str:
    total = _chain(g, "Add", _aligned(g, inputs))
    return g.op("Div", [total, g.scalar(float(len(inputs)))])


@register(Maximum)
def maximum(g: GraphBuilder, layer: Any, inputs: list[Sym], **_: Any) -> str:
    return _chain(g, "Max", _aligned(g, inputs))


@register(Minimum)
def minimum(g: GraphBuilder, layer: Any, inputs: list[Sym], **_: Any) -> str:
    return _chain(g, "Min", _aligned(g, inputs))


@register(Concatenate, masks_ok=True)
def concatenate(g: GraphBuilder, layer: Any, inputs: list[Sym], **_: Any) -> str:
    return g.op("Concat", [x.name for x in inputs], axis=int(layer.axis))


def _l2_normalize(g: GraphBuilder, x: str, axis: int) -> str:
    # x * rsqrt(max(sum(x^2), 1e-14)), Keras' Dot(normalize=True)
    ss = g.reduce("ReduceSum", g.op("Mul", [x, x]), [axis])
    inv = g.op("Reciprocal", [g.op("Sqrt", [g.op("Max", [ss, g.scalar(1e-14)])])])
    return g.op("Mul", [x, inv])


@register(Dot)
def dot(g: GraphBuilder, layer: Any, inputs: list[Sym], **_: Any) -> str:
    x1, x2 = inputs
    a1, a2 = layer._axes(x1.shape, x2.shape)
    n1, n2 = x1.name, x2.name
    if layer.normalize:
        n1, n2 = _l2_normalize(g, n1, a1), _l2_normalize(g, n2, a2)
    if x1.rank == 2 and x2.rank == 2:
        return g.reduce("ReduceSum", g.op("Mul", [n1, n2]), [1], keepdims=True)
    if x1.rank == 3 and x2.rank == 3:
        # (B, n, d) . (B, d, m): the contracted axis last on the left, first after the batch on the right
        left = n1 if a1 == 2 else g.transpose(n1, (0, 2, 1))
        right = n2 if a2 == 1 else g.transpose(n2, (0, 2, 1))
        return g.op("MatMul", [left, right])
    raise ValueError(
        f"ONNX export: Dot layer '{layer.name}' on inputs of ranks {x1.rank} and {x2.rank}; only two "
        "rank-2 or two rank-3 inputs are exported."
    )
