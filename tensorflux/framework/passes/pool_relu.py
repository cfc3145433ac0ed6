"""Pool-relu fusion: ``relu_grad(max_pool_grad(x, y, g), x)`` becomes one node, and a ReLU before a
max pool moves after it.

A ReLU followed by a max pool (every Conv2D(activation="relu") + MaxPooling2D pair) has a
backward of a max-pool gradient, as large as the ReLU's output, that is read once by the ReLU's
gradient.  The gradient of a max pool only reaches the window maxima, where ``x`` equals ``y``,
so the ReLU's mask there is ``y > 0``: applied to ``g`` on the pooled grid (a quarter of the
size for 2x2 windows) it gives the same bits and saves a full pass and a full-size array.

Forward, ``max_pool(relu(a))`` equals ``relu(max_pool(a))`` (both are monotone), so for windows
that tile the input the ReLU runs on the pooled grid instead, and the fused gradient reads the
pool's input ``a`` instead of ``relu(a)``: where the pooled value is positive the same positions
equal it; where it is zero the gradient is masked whatever the positions.  Same values (a zero's
sign aside), one full-size pass and array fewer.

>>> import tensorflux as tf
>>> from tensorflux.framework.passes import pool_relu
>>> w = tf.Variable(tf.ones((3, 3, 1, 2)))
>>> def f(x):
...     with tf.GradientTape() as tape:
...         h = tf.nn.max_pool2d(tf.nn.relu(tf.nn.conv2d(x, w, 1, "VALID")), 2, 2, "VALID")
...         loss = tf.reduce_sum(h)
...     return tape.gradient(loss, w)
>>> g = tf.function(f).get_concrete_function(tf.ones((1, 6, 6, 1))).raw_graph.copy()
>>> pool_relu.run(g)
2
"""

from __future__ import annotations

from tensorflux.framework import nn_primitives as NP
from tensorflux.framework import primitives as P
from tensorflux.framework.graph import Graph, Node


def run(graph: Graph) -> int:
    producers = graph.producers()
    uses = graph.use_counts()
    relu_grad = P.REGISTRY.get("relu_grad")
    fused: set[int] = set()
    for n in graph.nodes:
        if n.prim is not relu_grad or len(n.inputs) != 2:
            continue
        d, x = n.inputs
        p = producers.get(d)
        if (
            p is None
            or p.prim is not NP.max_pool_grad
            or id(p) in fused
            or p.inputs[0] != x
            or uses.get(d) != 1
            or graph.avals[d] != graph.avals[n.outputs[0]]
            or graph.avals[x] != graph.avals[d]
        ):
            continue
        n.prim = NP.max_pool_relu_grad
        n.inputs = list(p.inputs)
        n.params = dict(p.params)
        n.donate = None
        fused.add(id(p))
    if fused:
        graph.nodes = [m for m in graph.nodes if id(m) not in fused]
    return len(fused) + _relu_after_pool(graph)


def _tiles(n: Node) -> bool:
    p = n.params
    return tuple(p["strides"]) == tuple(p["ksize"]) and not any(lo or hi for lo, hi in p["pads"])


def _relu_after_pool(graph: Graph) -> int:
    """``p = max_pool(relu(a))`` -> ``p = relu(max_pool(a))`` for tiling windows (module docstring)."""
    producers = graph.producers()
    readers = graph.readers()
    relu = P.REGISTRY.get("relu")
    swapped = 0
    for pool in graph.nodes:
        if pool.prim is not NP.max_pool or not _tiles(pool):
            continue
        r = pool.inputs[0]
        rn = producers.get(r)
        if rn is None or rn.prim is not relu or r in graph.outputs:
            continue
        p = pool.outputs[0]
        # besides the pool, only the fused gradient may read relu(a), as its pooled input
        others = [m for m in readers.get(r, []) if m is not pool]
        if not all(m.prim is NP.max_pool_relu_grad and m.inputs[:2] == [r, p] for m in others):
            continue
        a = rn.inputs[0]
        q = graph.new_value(*graph.avals[p])
        graph.owner[q] = q
        # the relu node (earlier) becomes the pool, the pool node the relu of its result
        rn.prim, rn.inputs, rn.outputs, rn.params, rn.donate = NP.max_pool, [a], [q], dict(pool.params), None
        rn.tape = pool.tape  # under a tape the pool keeps its window winners for the gradient
        pool.prim, pool.inputs, pool.params, pool.donate, pool.tape = relu, [q], {}, None, False
        for m in others:
            m.inputs = [a, p] + m.inputs[2:]
        swapped += 1
    return swapped
