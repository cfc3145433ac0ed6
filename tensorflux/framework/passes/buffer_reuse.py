"""Buffer reuse: an elementwise node writes its result over an input buffer nobody reads afterwards.

Every value lives in a buffer: its own (a fresh array a node allocated), another value's (a view,
or the same array passed through), or memory the graph does not own (inputs, constants,
variables).  A node may overwrite input ``u`` when ``u`` is a fresh buffer (or a contiguous
writable view of one, such as a reshape), has the shape and dtype of the result, is not a graph
output, is not stored into a variable or handed to a sub-graph, and neither ``u`` nor any view of
its buffer is used after this node (nor by another operand of this node).  The node then runs
its in-place kernel with ``out=u``, so a chain of steps reuses one allocation, and the result
owns the buffer from then on.

>>> import tensorflux as tf
>>> from tensorflux.framework.passes import buffer_reuse
>>> f = tf.function(lambda x: tf.exp(x @ x) * 2.0)
>>> g = f.get_concrete_function(tf.ones((3, 3))).raw_graph.copy()
>>> buffer_reuse.run(g)
2
"""

from __future__ import annotations

from tensorflux.framework.graph import EXTERNAL, USER, Graph, Node
from tensorflux.framework.passes.fusion import FUSIBLE


def _donatable_positions(n: Node) -> list[int]:
    prim = n.prim
    if getattr(prim, "takes_out", False):  # a fused node: only inputs its first member alone reads
        return sorted(prim.first_reads - prim.other_reads)
    if n.name == "where":
        return [1, 2]
    if n.name in FUSIBLE and len(n.outputs) == 1:
        return list(range(len(n.inputs)))
    return []


def run(graph: Graph) -> int:
    owner = graph.owner
    producers = graph.producers()
    last: dict[int | None, int] = {}  # buffer (owner value) -> index of the last node reading it
    escaped: set[int | None] = {EXTERNAL, USER}
    for i, n in enumerate(graph.nodes):
        hands_off = n.name == "assign_variable" or bool(n.subgraphs())
        for v in n.inputs:
            o = owner.get(v, EXTERNAL)
            last[o] = i  # type: ignore[index]
            if hands_off:
                escaped.add(o)
    for v in graph.outputs:
        escaped.add(owner.get(v, EXTERNAL))
    done = 0
    for i, n in enumerate(graph.nodes):
        if n.donate is not None or len(n.outputs) != 1 or not graph.avals[n.outputs[0]][0]:
            continue  # scalars: NumPy returns them as scalars, which cannot be written into
        out = n.outputs[0]
        for k in _donatable_positions(n):
            u = n.inputs[k]
            o = owner.get(u, EXTERNAL)
            if (
                o in escaped
                or (o != u and u not in graph.dense_views)
                or u not in producers
                or u in graph.constants
                or last.get(o) != i
                or graph.avals[u] != graph.avals[out]
                or any(owner.get(w, EXTERNAL) == o for j, w in enumerate(n.inputs) if w != u)
            ):
                continue
            n.donate = k  # the result now owns the buffer: every other value living in it is dead
            done += 1
            break
    return done
