"""Fusion: a tree of elementwise nodes becomes one node that computes it in as few buffers as possible.

A group is grown backwards from an elementwise node through inputs produced by other elementwise
nodes that nobody else uses and that have the group's shape and dtype.  The fused node evaluates
the members in their original order with the primitives' in-place kernels: a member whose operand
is the result of another member writes over that result (``out=``), so ``relu(x @ w + b) * s``
allocates one buffer instead of three.  The arithmetic is the same, in the same order, so results
are identical to unfused execution.

>>> import tensorflux as tf
>>> from tensorflux.framework.passes import fusion
>>> f = tf.function(lambda x, y: tf.exp(x * y + 1.0))
>>> g = f.get_concrete_function(tf.ones((3,)), tf.ones((3,))).raw_graph.copy()
>>> fusion.run(g), [n.name for n in g.nodes]
(1, ['fused'])
"""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import primitives as P
from tensorflux.framework.graph import Graph, Node, is_pure

FUSIBLE = frozenset(B.INPLACE_KERNELS)


class FusedPrimitive(P.Primitive):
    """A fused group: ``impl(*external_inputs, out=None)``; ``label`` is its expression."""

    __slots__ = ("label", "takes_out", "first_reads", "other_reads", "members")

    def __init__(self, impl: Any, label: str, first: set[int], other: set[int], members: list[str]) -> None:
        super().__init__("fused", impl)
        self.label = label
        self.takes_out = True
        self.first_reads = first
        self.other_reads = other
        self.members = members


def _grow(
    root: Node, producers: dict[int, Node], uses: dict[int, int], graph: Graph, taken: set[int]
) -> list[Node]:
    aval = graph.avals[root.outputs[0]]
    members = [root]
    stack = [root]
    outputs = set(graph.outputs)
    while stack:
        m = stack.pop()
        for v in m.inputs:
            p = producers.get(v)
            if (
                p is not None
                and id(p) not in taken
                and p.name in FUSIBLE
                and p.prim is P.REGISTRY.get(p.name)
                and len(p.outputs) == 1
                and uses.get(v, 0) == 1
                and m.inputs.count(v) == 1
                and v not in outputs
                and graph.avals[v] == aval
            ):
                taken.add(id(p))
                members.append(p)
                stack.append(p)
    return members


def _build(members: list[Node], graph: Graph) -> tuple[Node, list[int]]:
    """The fused node for ``members`` (in execution order) and its external inputs."""
    internal = {m.outputs[0] for m in members}
    ext: list[int] = []
    for m in members:
        for v in m.inputs:
            if v not in internal and v not in ext:
                ext.append(v)
    ns: dict[str, Any] = {}
    lines = []
    names = {v: f"a{i}" for i, v in enumerate(ext)}
    exprs = {v: f"%{v}" for v in ext}
    first_reads: set[int] = set()
    other_reads: set[int] = set()
    first_done = False
    for j, m in enumerate(members):
        ns[f"k{j}"] = B.INPLACE_KERNELS[m.name]
        args = [names[v] for v in m.inputs]
        inner = [v for v in m.inputs if v in internal]
        if inner:
            target = names[inner[0]]
            reads = other_reads
        elif not first_done:
            target, first_done = "out", True
            reads = first_reads
        else:
            target = "None"
            reads = other_reads
        reads.update(ext.index(v) for v in m.inputs if v not in internal)
        kw = []
        for k, p in m.params.items():
            ns[f"p{j}_{k}"] = p
            kw.append(f"{k}=p{j}_{k}")
        res = f"t{j}"
        lines.append(f"    {res} = k{j}({', '.join(args + ['out=' + target] + kw)})")
        names[m.outputs[0]] = res
        exprs[m.outputs[0]] = f"{m.name}({', '.join(exprs[v] for v in m.inputs)})"
    src = f"def fused({', '.join(names[v] for v in ext)}, out=None):\n" + "\n".join(lines)
    src += f"\n    return {names[members[-1].outputs[0]]}\n"
    exec(compile(src, "<fused>", "exec"), ns)  # noqa: S102  (our own generated source)
    impl = ns["fused"]
    impl.source = src
    label = exprs[members[-1].outputs[0]]
    prim = FusedPrimitive(impl, label, first_reads, other_reads, [m.name for m in members])
    node = Node(prim, ext, [members[-1].outputs[0]], {})
    return node, ext


def run(graph: Graph) -> int:
    producers = graph.producers()
    uses = graph.use_counts()
    taken: set[int] = set()
    groups: dict[int, list[Node]] = {}
    for n in reversed(graph.nodes):
        if id(n) in taken or n.name not in FUSIBLE or len(n.outputs) != 1 or not is_pure(n):
            continue
        if n.prim is not P.REGISTRY.get(n.name) or not graph.avals[n.outputs[0]][0]:
            continue  # scalars: NumPy returns them as scalars, which cannot be written into
        taken.add(id(n))
        members = _grow(n, producers, uses, graph, taken)
        if len(members) < 2:
            taken.discard(id(n))
            continue
        groups[id(n)] = members
    if not groups:
        return 0
    order = {id(n): i for i, n in enumerate(graph.nodes)}
    new_nodes = []
    for n in graph.nodes:
        if id(n) in groups:
            members = sorted(groups[id(n)], key=lambda m: order[id(m)])
            new_nodes.append(_build(members, graph)[0])
        elif id(n) not in taken:
            new_nodes.append(n)
    graph.nodes = new_nodes
    for n in new_nodes:
        if n.name == "fused":  # the result lives in a fresh buffer of its own
            graph.owner[n.outputs[0]] = n.outputs[0]
    return len(groups)
