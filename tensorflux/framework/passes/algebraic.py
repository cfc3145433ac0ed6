"""Algebraic simplification: drop operations that do not change their input.

- ``x * 1``, ``1 * x``, ``x / 1``, ``x + 0``, ``0 + x``, ``x - 0`` (a constant of ones or zeros that
  does not broadcast ``x`` to a larger shape) become ``x``;
- ``transpose(transpose(x))`` becomes one transpose (none when the permutations cancel);
- ``reshape(reshape(x))`` becomes one reshape (none when the shape is ``x``'s);
- ``cast`` to the dtype ``x`` already has becomes ``x``;
- ``identity`` and ``stop_gradient`` become ``x``: a graph is replayed without a tape (its backward,
  if any, was traced with it), so ``stop_gradient`` has no work left to do.

>>> import tensorflux as tf
>>> from tensorflux.framework.passes import algebraic
>>> f = tf.function(lambda x: tf.transpose(tf.transpose(x * 1.0)))
>>> g = f.get_concrete_function(tf.ones((2, 3))).raw_graph.copy()
>>> algebraic.run(g)
3
"""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import primitives as P
from tensorflux.framework.graph import Graph, Node

_NEUTRAL = {
    # primitive: (neutral element, operand positions where it may stand)
    "multiply": (1, (0, 1)),
    "divide": (1, (1,)),
    "add": (0, (0, 1)),
    "subtract": (0, (1,)),
}


def _perm(p: Any, ndim: int) -> tuple[int, ...]:
    return tuple(range(ndim))[::-1] if p is None else tuple(int(i) % ndim for i in p)


def _neutral(graph: Graph, n: Node) -> int | None:
    """The operand ``n`` passes through unchanged, if the other one is a neutral constant."""
    unit, positions = _NEUTRAL[n.name]
    out_aval = graph.avals[n.outputs[0]]
    for pos in positions:
        c, x = n.inputs[pos], n.inputs[1 - pos]
        if c in graph.constants and graph.avals[x] == out_aval and B.all_equal(graph.constants[c], unit):
            return x
    return None


def run(graph: Graph) -> int:
    producers = graph.producers()
    mapping: dict[int, int] = {}
    kept = []
    changes = 0

    def resolve(v: int) -> int:
        while v in mapping:
            v = mapping[v]
        return v

    for n in graph.nodes:
        n.inputs = [resolve(v) for v in n.inputs]
        name = n.name
        out = n.outputs[0] if len(n.outputs) == 1 else None
        replacement = None
        if name in _NEUTRAL and n.prim is P.REGISTRY[name]:
            replacement = _neutral(graph, n)
        elif name in ("identity", "stop_gradient"):
            replacement = n.inputs[0]
        elif name == "cast" and graph.avals[n.inputs[0]][1] == n.params.get("dtype"):
            replacement = n.inputs[0]
        elif name == "reshape" and n.prim is P.reshape:
            x = n.inputs[0]
            if graph.avals[x] == graph.avals[out]:  # type: ignore[index]
                replacement = x
            else:
                inner = producers.get(x)
                if inner is not None and inner.name == "reshape" and inner.prim is P.reshape:
                    n.inputs = [inner.inputs[0]]
                    changes += 1
                    if graph.avals[inner.inputs[0]] == graph.avals[out]:  # type: ignore[index]
                        replacement = inner.inputs[0]
        elif name == "transpose" and n.prim is P.transpose:
            x = n.inputs[0]
            ndim = len(graph.avals[x][0])
            p = _perm(n.params.get("perm"), ndim)
            inner = producers.get(x)
            if inner is not None and inner.name == "transpose" and inner.prim is P.transpose:
                q = _perm(inner.params.get("perm"), ndim)
                composed = tuple(q[i] for i in p)
                n.inputs = [inner.inputs[0]]
                n.params = {**n.params, "perm": composed}
                p = composed
                changes += 1
            if p == tuple(range(ndim)):
                replacement = n.inputs[0]
        if replacement is not None and out is not None:
            mapping[out] = replacement
            changes += 1
        else:
            kept.append(n)
    graph.nodes = kept
    graph.outputs = [resolve(v) for v in graph.outputs]
    return changes
