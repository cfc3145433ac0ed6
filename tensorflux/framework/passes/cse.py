"""Common-subexpression elimination: one node for identical pure computations.

Two pure nodes with the same primitive, the same inputs and equal parameters compute the same
value; the later one is dropped and its uses read the earlier one.  Equal small constants (the
many ``1.0`` and ``0.0`` scalars a trace collects) become one constant first.  Variable reads and
random draws are never merged.

>>> import tensorflux as tf
>>> from tensorflux.framework.passes import cse
>>> g = tf.function(lambda x: tf.exp(x) + tf.exp(x)).get_concrete_function(tf.constant(1.0)).raw_graph.copy()
>>> cse.run(g)
1
"""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework.graph import Graph, is_pure


def _freeze(p: Any) -> Any:
    """A hashable stand-in for a node parameter (arrays and unhashable objects by identity)."""
    if isinstance(p, dict):
        return tuple((k, _freeze(v)) for k, v in sorted(p.items()))
    if isinstance(p, (tuple, list)):
        return (type(p).__name__,) + tuple(_freeze(x) for x in p)
    if isinstance(p, slice):
        return ("slice", _freeze(p.start), _freeze(p.stop), _freeze(p.step))
    if B.is_array(p):
        return ("array", id(p))
    try:
        hash(p)
    except TypeError:
        return ("id", id(p))
    return (type(p), p)


def run(graph: Graph) -> int:
    mapping: dict[int, int] = {}
    consts: dict[Any, int] = {}
    for c, a in graph.constants.items():
        k = B.constant_key(a)
        if k is None:
            continue
        if k in consts:
            mapping[c] = consts[k]
        else:
            consts[k] = c
    merged = len(mapping)
    graph.replace_uses(mapping)
    for c in mapping:
        del graph.constants[c]
    seen: dict[Any, list[int]] = {}
    kept = []
    node_map: dict[int, int] = {}
    for n in graph.nodes:
        if node_map:
            n.inputs = [node_map.get(v, v) for v in n.inputs]
        if not is_pure(n) or n.subgraphs():
            kept.append(n)
            continue
        key = (id(n.prim), tuple(n.inputs), _freeze(n.params))
        first = seen.get(key)
        if first is None:
            seen[key] = n.outputs
            kept.append(n)
        else:
            node_map.update(zip(n.outputs, first))
            merged += 1
    graph.nodes = kept
    graph.outputs = [node_map.get(v, v) for v in graph.outputs]
    return merged
