"""Conv-pool fusion: a convolution, its bias and a 2x2 max pool after it become one kernel,
``conv_bias_pool``, and their gradients another, ``conv_bias_pool_backprop``.

Every ``Conv2D(..., activation="relu")`` followed by ``MaxPooling2D(2)`` reaches this pass (after
``conv_bias`` and ``pool_relu``) as one of two patterns: ``max_pool(conv_bias(x, w, b))`` for a
one-channel input, ``max_pool(bias_add(conv(x, w), b))`` otherwise.  Their backward reads the
pool's gradient ``d = max_pool_relu_grad(a, p, g)`` (or ``max_pool_grad``) in the filter gradient,
the bias gradient and, unless ``x`` is the model's input, the input gradient; all of them become
one node.  The fused kernels (``backend/numpy/conv_pool.py``) never write the convolution's output
in pixel order and compute no position that no window covers; seed CNN at batch 64, layer 1
forward and backward: 5.2 against 7.3 ms.

In a training graph the convolution's output must feed nothing but the bias, the pool and the
pool's gradient, and that gradient nothing but the convolution's gradients.  In a graph without
tapes (inference: ``predict``, ``model(x)``) the forward is fused alone: the kernel then builds its
im2col rows a chunk of images at a time, which bounds ``predict``'s memory at large batches (seed
CNN, batch 1000: layer 1 in 44 against 95 ms); below ``FUSED_MIN_BATCH`` images the graph keeps the
separate kernels, whose small-batch paths are faster (one sample: 108 against 240 us).

>>> import tensorflux as tf
>>> from tensorflux.framework.passes import conv_bias, conv_pool, pool_relu
>>> w, b = tf.Variable(tf.ones((3, 3, 1, 2))), tf.Variable(tf.zeros(2))
>>> def f(x):
...     with tf.GradientTape() as tape:
...         h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w, 1, "VALID"), b))
...         loss = tf.reduce_sum(tf.nn.max_pool2d(h, 2, 2, "VALID"))
...     return tape.gradient(loss, [w, b])
>>> g = tf.function(f).get_concrete_function(tf.ones((1, 6, 6, 1))).raw_graph.copy()
>>> conv_bias.run(g), pool_relu.run(g), conv_pool.run(g)
(2, 2, 1)
"""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import nn_primitives as NP
from tensorflux.framework.graph import Graph, Node


def _conv_params(n: Node) -> dict[str, Any]:
    return {k: n.params[k] for k in ("strides", "dilations", "pads")}


def _last_axis(graph: Graph, n: Node) -> bool:
    ndim = len(graph.avals[n.inputs[0]][0])
    return n.params.get("axis", -1) % ndim == ndim - 1


class _Match:
    """One conv-bias-pool block found in the graph, and the nodes its two fused nodes replace."""

    def __init__(self, head: list[Node], x: int, w: int, b: int, cp: dict[str, Any]) -> None:
        self.head, self.x, self.w, self.b, self.cp = head, x, w, b, cp
        self.grads: dict[str, Node] = {}  # "input", "filter", "bias" (the last absent with conv_bias)


def _head(graph: Graph, a: int, producers: dict[int, Node], readers: dict[int, list[Node]]) -> _Match | None:
    """The convolution and bias that produce the pool's input ``a``."""
    n = producers.get(a)
    if n is not None and n.prim is NP.conv_bias:
        x, w, b = n.inputs
        return _Match([n], x, w, b, _conv_params(n))
    if n is None or n.prim is not NP.bias_add or not _last_axis(graph, n):
        return None
    c = producers.get(n.inputs[0])
    if (
        c is None
        or c.prim is not NP.conv
        or c.params.get("groups", 1) != 1
        or readers.get(n.inputs[0], []) != [n]
        or n.inputs[0] in graph.outputs
    ):
        return None
    x, w = c.inputs
    return _Match([c, n], x, w, n.inputs[1], _conv_params(c))


def _gradients(graph: Graph, m: _Match, d: int, readers: dict[int, list[Node]]) -> bool:
    """Whether the pool's gradient ``d`` feeds exactly the block's gradients (kept in ``m.grads``)."""
    for n in readers.get(d, []):
        if n.prim is NP.conv_bias_backprop_filter and m.head[0].prim is NP.conv_bias:
            role, ok = "filter", n.inputs == [m.x, d]
        elif n.prim is NP.conv_backprop_filter and m.head[0].prim is NP.conv:
            role, ok = "filter", n.inputs == [m.x, d] and n.params.get("groups", 1) == 1
        elif n.prim is NP.bias_add_grad and m.head[0].prim is NP.conv:
            role, ok = "bias", _last_axis(graph, n)
        elif n.prim is NP.conv_backprop_input:
            role, ok = "input", n.inputs == [d, m.w] and n.params.get("groups", 1) == 1
        else:
            return False
        if not ok or role in m.grads or (role != "bias" and _conv_params(n) != m.cp):
            return False
        m.grads[role] = n
    wanted = {"filter"} if m.head[0].prim is NP.conv_bias else {"filter", "bias"}
    return wanted <= set(m.grads)


def run(graph: Graph) -> int:
    producers = graph.producers()
    readers = graph.readers()
    where = {id(n): i for i, n in enumerate(graph.nodes)}
    dropped: set[int] = set()
    fused = 0
    for pool in graph.nodes:
        if pool.prim is not NP.max_pool or id(pool) in dropped:
            continue
        a = pool.inputs[0]
        pp = pool.params
        if a in graph.outputs or not B.pool_taps_fit(
            graph.avals[a][0], pp["ksize"], pp["strides"], pp["pads"]
        ):
            continue
        m = _head(graph, a, producers, readers)
        if m is None or any(id(h) in dropped for h in m.head):
            continue
        x_shape, w_shape = graph.avals[m.x][0], graph.avals[m.w][0]
        if not B.conv_pool_fits(x_shape, w_shape, m.cp["strides"], m.cp["dilations"], m.cp["pads"]):
            continue
        # the pool's gradient (a training graph), read by the block's gradients alone; or nothing
        # else at all, outside any tape (an inference graph: forward only)
        others = [n for n in readers.get(a, []) if n is not pool]
        grad = others[0] if len(others) == 1 else None
        last = m.head[-1]
        if not others and not (pool.tape or any(h.tape for h in m.head)):
            if x_shape[0] < NP.FUSED_MIN_BATCH:  # a small batch: the separate kernels are faster
                continue
            last.prim, last.inputs, last.outputs = NP.conv_bias_pool, [m.x, m.w, m.b], [pool.outputs[0]]
            last.params, last.donate, last.tape = dict(m.cp), None, False
            dropped.update(id(n) for n in [*m.head[:-1], pool])
            fused += 1
            continue
        if (
            grad is None
            or grad.prim not in (NP.max_pool_relu_grad, NP.max_pool_grad)
            or grad.inputs[0] != a
            or grad.params != pp
            or grad.outputs[0] in graph.outputs
            or not _gradients(graph, m, grad.outputs[0], readers)
        ):
            continue
        # forward: the fused node stands where the bias was added (x, w and b all exist there)
        last.prim, last.inputs, last.outputs = NP.conv_bias_pool, [m.x, m.w, m.b], [pool.outputs[0]]
        last.params, last.donate, last.tape = dict(m.cp), None, m.head[0].tape
        # backward: where the first of the gradients stood
        g_nodes = sorted(m.grads.values(), key=lambda n: where[id(n)])
        first = g_nodes[0]
        filt = m.grads["filter"]
        outs = ([m.grads["input"].outputs[0]] if "input" in m.grads else []) + list(filt.outputs)
        if "bias" in m.grads:
            outs.append(m.grads["bias"].outputs[0])
        relu = grad.prim is NP.max_pool_relu_grad
        first.prim, first.inputs, first.outputs = (
            NP.conv_bias_pool_backprop,
            [m.x, m.w, m.b] + grad.inputs[1:],
            outs,
        )
        first.params = {**m.cp, "relu": relu, "input_grad": "input" in m.grads}
        first.donate, first.tape = None, False
        dropped.update(id(n) for n in [*m.head[:-1], pool, grad, *g_nodes[1:]])
        fused += 1
    if dropped:
        graph.nodes = [n for n in graph.nodes if id(n) not in dropped]
    return fused
