"""Constant folding: evaluate once the pure nodes whose inputs are all constants.

The trace records every primitive, including arithmetic on values that never change (a scale
``1 / (1 - rate)``, a learning-rate product of Python floats); those become constants here.  Folded
results larger than ``MAX_ELEMENTS`` stay computed at run time to keep graphs small.

>>> import tensorflux as tf
>>> from tensorflux.framework.passes import constant_folding
>>> f = tf.function(lambda x: x * (tf.constant(2.0) + 1.0))
>>> g = f.get_concrete_function(tf.constant(1.0)).raw_graph.copy()
>>> constant_folding.run(g)
1
"""

from __future__ import annotations

from tensorflux.framework.graph import EXTERNAL, Graph, is_pure

MAX_ELEMENTS = 1 << 20


def _size(shape: tuple[int, ...]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def run(graph: Graph) -> int:
    folded = 0
    kept = []
    for n in graph.nodes:
        if (
            is_pure(n)
            and not n.subgraphs()
            and n.outputs
            and all(v in graph.constants for v in n.inputs)
            and all(_size(graph.avals[o][0]) <= MAX_ELEMENTS for o in n.outputs)
        ):
            out = n.prim.impl(*[graph.constants[v] for v in n.inputs], **n.params)
            outs = out if n.prim.multiple_results else (out,)
            for v, a in zip(n.outputs, outs):
                graph.constants[v] = a
                graph.owner[v] = EXTERNAL
            folded += 1
        else:
            kept.append(n)
    graph.nodes = kept
    return folded
