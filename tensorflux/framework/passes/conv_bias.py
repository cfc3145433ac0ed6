"""Conv-bias fusion: ``bias_add(conv(x, w), b)`` becomes ``conv_bias(x, w, b)``, and the gradient
pair ``conv_backprop_filter(x, g)`` / ``bias_add_grad(g)`` becomes ``conv_bias_backprop_filter``.

Where the backend folds the bias into the convolution's product (``B.bias_folds``: one input
channel, as a first layer on grayscale images), the forward writes its output once instead of
twice and one GEMM gives both gradients instead of a GEMM and a pass over the output gradient.
Nothing is fused elsewhere: there the separate kernels measured as fast.

>>> import tensorflux as tf
>>> from tensorflux.framework.passes import conv_bias
>>> w, b = tf.Variable(tf.ones((3, 3, 1, 2))), tf.Variable(tf.zeros(2))
>>> def f(x):
...     with tf.GradientTape() as tape:
...         loss = tf.reduce_sum(tf.nn.bias_add(tf.nn.conv2d(x, w, 1, "VALID"), b))
...     return tape.gradient(loss, [w, b])
>>> g = tf.function(f).get_concrete_function(tf.ones((1, 6, 6, 1))).raw_graph.copy()
>>> conv_bias.run(g)
2
"""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import nn_primitives as NP
from tensorflux.framework.graph import Graph, Node


def _last_axis(n: Node, ndim: int) -> bool:
    return n.params.get("axis", -1) % ndim == ndim - 1


def _folds(graph: Graph, n: Node, x: int, w_shape: Any) -> bool:
    return n.params.get("groups", 1) == 1 and B.bias_folds(graph.avals[x][0], tuple(w_shape))


def run(graph: Graph) -> int:
    producers = graph.producers()
    uses = graph.use_counts()
    where = {id(n): i for i, n in enumerate(graph.nodes)}
    made = {v: where[id(n)] for n in graph.nodes for v in n.outputs}  # value -> position of its node
    dropped: set[int] = set()
    fused = 0
    for n in graph.nodes:
        if id(n) in dropped:
            continue
        if n.prim is NP.bias_add:
            y, b = n.inputs
            c = producers.get(y)
            if (
                c is None
                or c.prim is not NP.conv
                or id(c) in dropped
                or uses.get(y) != 1
                or not _last_axis(n, len(graph.avals[y][0]))
                or not _folds(graph, c, c.inputs[0], graph.avals[c.inputs[1]][0])
            ):
                continue
            # the fused node stands where the bias_add stood: x, w and b all exist there
            n.prim = NP.conv_bias
            n.inputs = [c.inputs[0], c.inputs[1], b]
            n.params = {k: v for k, v in c.params.items() if k != "groups"}
            n.tape = c.tape
            n.donate = None
            dropped.add(id(c))
            fused += 1
    grads: dict[int, Node] = {}  # output gradient -> the bias_add_grad node that reads it
    for n in graph.nodes:
        if (
            n.prim is NP.bias_add_grad
            and id(n) not in dropped
            and _last_axis(n, len(graph.avals[n.inputs[0]][0]))
        ):
            grads.setdefault(n.inputs[0], n)
    for n in graph.nodes:
        if n.prim is not NP.conv_backprop_filter or id(n) in dropped:
            continue
        x, g = n.inputs
        bg = grads.get(g)
        if bg is None or id(bg) in dropped or not _folds(graph, n, x, n.params["w_shape"]):
            continue
        # the fused node takes the earlier position; x must already exist there
        first, other = (n, bg) if where[id(n)] < where[id(bg)] else (bg, n)
        if made.get(x, -1) >= where[id(first)]:
            continue
        outputs = [n.outputs[0], bg.outputs[0]]
        params = {k: v for k, v in n.params.items() if k != "groups"}
        first.prim = NP.conv_bias_backprop_filter
        first.inputs = [x, g]
        first.outputs = outputs
        first.params = params
        first.donate = None
        dropped.add(id(other))
        fused += 1
    if dropped:
        graph.nodes = [m for m in graph.nodes if id(m) not in dropped]
    return fused
