"""Pool-relu backward fusion: ``relu_grad(max_pool_grad(x, y, g), x)`` becomes one node.

A ReLU followed by a max pool (every Conv2D(activation="relu") + MaxPooling2D pair) has a
backward of a max-pool gradient, as large as the ReLU's output, that is read once by the ReLU's
gradient.  The gradient of a max pool only reaches the window maxima, where ``x`` equals ``y``,
so the ReLU's mask there is ``y > 0``: applied to ``g`` on the pooled grid (a quarter of the
size for 2x2 windows) it gives the same bits and saves a full pass and a full-size array.

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
1
"""

from __future__ import annotations

from tensorflux.framework import nn_primitives as NP
from tensorflux.framework import primitives as P
from tensorflux.framework.graph import Graph


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
    return len(fused)
