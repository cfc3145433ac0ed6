"""Expansion: ``conv_bias_act(x, w, b)`` becomes ``conv`` -> ``bias_add`` -> ``relu`` again.

The conv layers bind ``conv_bias_act`` so that an eager call writes one output array instead of
three: a traced function's first, eager run of the seed CNN at batch 1000 held two 86 MB
first-layer outputs at once, and an eager training step saves two passes over each output.  The
other passes know the separate kernels (``conv_bias``, ``conv_pool`` and ``buffer_reuse`` fuse them
into faster ones, for training and for inference), so this pass runs first and gives them the graph
that the separate kernels would have traced.

>>> import tensorflux as tf
>>> from tensorflux.framework.passes import expand
>>> conv = tf.keras.layers.Conv2D(2, 3, activation="relu")
>>> g = tf.function(conv).get_concrete_function(tf.ones((1, 6, 6, 1))).raw_graph.copy()
>>> [n.name for n in g.nodes if n.name != "read_variable"]
['conv_bias_act']
>>> expand.run(g)
1
>>> [n.name for n in g.nodes if n.name != "read_variable"]
['conv', 'bias_add', 'relu']
"""

from __future__ import annotations

from tensorflux.framework import nn_primitives as NP
from tensorflux.framework import primitives as P
from tensorflux.framework.graph import Graph, Node


def run(graph: Graph) -> int:
    nodes: list[Node] = []
    expanded = 0
    for n in graph.nodes:
        if n.prim is not NP.conv_bias_act:
            nodes.append(n)
            continue
        x, w, b = n.inputs
        (y,) = n.outputs
        shape, dtype = graph.avals[y]
        params = dict(n.params)
        activation = params.pop("activation")
        conv_out = _fresh(graph, shape, dtype)
        nodes.append(Node(NP.conv, [x, w], [conv_out], {**params, "groups": 1}, n.tape))
        if activation == "relu":
            biased = _fresh(graph, shape, dtype)
            nodes.append(Node(NP.bias_add, [conv_out, b], [biased], {"axis": -1}))
            nodes.append(Node(P.relu, [biased], [y], {}))
        else:
            nodes.append(Node(NP.bias_add, [conv_out, b], [y], {"axis": -1}))
        expanded += 1
    graph.nodes = nodes
    return expanded


def _fresh(graph: Graph, shape: tuple[int, ...], dtype: object) -> int:
    """A new value that lives in its own buffer, as a kernel's result does."""
    v = graph.new_value(shape, dtype)
    graph.owner[v] = v
    return v
