"""Dead-code elimination: drop nodes whose results reach no output and that change no state.

Assignments to variables and control flow containing them are kept; random draws are kept too, so
a replay consumes the random streams exactly as the traced (eager) run did.

>>> import tensorflux as tf
>>> from tensorflux.framework.passes import dce
>>> def f(x):
...     _unused = tf.exp(x)
...     return x + 1.0
>>> g = tf.function(f).get_concrete_function(tf.constant(1.0)).raw_graph.copy()
>>> dce.run(g)
1
"""

from __future__ import annotations

from tensorflux.framework.graph import Graph, is_effect


def _kept(n) -> bool:  # type: ignore[no-untyped-def]
    return is_effect(n) or n.name == "random_draw" or any(s.is_impure() for s in n.subgraphs())


def run(graph: Graph) -> int:
    live = set(graph.outputs)
    kept = []
    for n in reversed(graph.nodes):
        if _kept(n) or any(o in live for o in n.outputs):
            kept.append(n)
            live.update(n.inputs)
    removed = len(graph.nodes) - len(kept)
    graph.nodes = kept[::-1]
    for c in [c for c in graph.constants if c not in live]:
        del graph.constants[c]
    return removed
