"""Attention and MultiHeadAttention with MatMul, Softmax and Transpose only (no Einsum, no contrib ops).

``Attention`` (Luong-style) exports both score modes ("dot", "concat"), ``use_scale``,
``use_causal_mask`` and ``return_attention_scores``; its dropout is left out (inference).
Query/value masks are not exported: the exporter refuses a masked input with the layer's name.

Each projection (Keras' EinsumDense kernels ``(dim, heads, key_dim)``) is one MatMul on the
kernel flattened to ``(dim, heads * key_dim)``; the heads are split by a Reshape and moved in
front of the time axis for the two batched products.  Dropped positions (causal mask,
``attention_mask``, sliding window) get -1e9 before the softmax, as tensorflux does, so a query
with every key masked attends uniformly.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tensorflux.keras.layers import Attention, MultiHeadAttention
from tensorflux.onnx._graph import GraphBuilder, Sym
from tensorflux.onnx.registry import register

_BOOL = 9  # onnx.TensorProto.BOOL


def _project(g: GraphBuilder, layer: Any, proj: Any, x: str, key: str, heads_out: bool) -> str:
    """``x @ kernel + bias`` with the kernel flattened; ``heads_out`` splits the result into heads."""
    kernel = np.asarray(proj.kernel.numpy(), np.float32)
    if heads_out:  # (dim, heads, size) -> (dim, heads * size)
        flat = kernel.reshape(kernel.shape[0], -1)
    else:  # (heads, size, *out) -> (heads * size, prod(out))
        flat = kernel.reshape(kernel.shape[0] * kernel.shape[1], -1)
    y = g.op("MatMul", [x, g.weight(layer, f"{key}/kernel", flat)])
    if proj.bias is not None:
        y = g.op(
            "Add", [y, g.weight(layer, f"{key}/bias", np.asarray(proj.bias.numpy(), np.float32).reshape(-1))]
        )
    if heads_out:
        y = g.reshape(y, [0, 0, kernel.shape[1], kernel.shape[2]])
    return y


def _positions(g: GraphBuilder, x: str, axis: int, shape: list[int]) -> str:
    """``range(x.shape[axis])`` reshaped to ``shape`` (-1 where the positions go)."""
    n = g.op("Gather", [g.op("Shape", [x]), g.const(axis, "axis")], axis=0)
    r = g.op("Range", [g.const(0, "start"), n, g.const(1, "delta")])
    return g.reshape(r, shape)


def _keep_mask(
    g: GraphBuilder, layer: Any, query: Sym, value: Sym, attention_mask: Any, use_causal_mask: bool
) -> str | None:
    keep = None
    window = layer._sliding_window
    if use_causal_mask or window is not None:
        rows = _positions(g, query.name, 1, [-1, 1])
        cols = _positions(g, value.name, 1, [1, -1])
        if use_causal_mask:
            keep = g.op("GreaterOrEqual", [rows, cols])
        if window is not None:
            near = g.op("Less", [g.op("Abs", [g.op("Sub", [rows, cols])]), g.const(int(window), "window")])
            keep = near if keep is None else g.op("And", [keep, near])
    if attention_mask is not None:
        m = (
            attention_mask.name
            if attention_mask.dtype == "bool"
            else g.op("Cast", [attention_mask.name], to=_BOOL)
        )
        if attention_mask.rank == 3:  # (batch, Tq, Tv): the same for every head
            m = g.unsqueeze(m, [1])
        keep = m if keep is None else g.op("And", [m, keep])
    return keep


@register(MultiHeadAttention)
def multi_head_attention(
    g: GraphBuilder,
    layer: Any,
    query: Any,
    value: Any = None,
    key: Any = None,
    query_mask: Any = None,
    value_mask: Any = None,
    key_mask: Any = None,
    attention_mask: Any = None,
    return_attention_scores: bool = False,
    training: Any = None,
    use_causal_mask: bool = False,
) -> Any:
    if value is None and isinstance(query, (list, tuple)):
        query, value, key = (list(query) + [None])[:3]
    key = value if key is None else key
    if any(m is not None for m in (query_mask, value_mask, key_mask)):
        raise ValueError(
            f"ONNX export: MultiHeadAttention layer '{layer.name}' is given query/value/key masks; pass an "
            "attention_mask (batch, Tq, Tv) instead, which is exported."
        )
    if query.rank != 3 or value.rank != 3 or tuple(layer._attention_axes) != (1,):
        raise ValueError(
            f"ONNX export: MultiHeadAttention layer '{layer.name}' attends over axes {layer._attention_axes} "
            f"of rank-{query.rank} inputs; only (batch, time, features) inputs with the default "
            "attention_axes are exported."
        )
    heads, value_dim = layer._num_heads, layer._value_dim
    q = _project(g, layer, layer._query_dense, query.name, "query", True)
    q = g.transpose(g.op("Mul", [q, g.scalar(layer._inverse_sqrt_key_dim)]), (0, 2, 1, 3))
    k = g.transpose(_project(g, layer, layer._key_dense, key.name, "key", True), (0, 2, 3, 1))
    v = g.transpose(_project(g, layer, layer._value_dense, value.name, "value", True), (0, 2, 1, 3))
    scores = g.op("MatMul", [q, k])  # (batch, heads, Tq, Tv)
    keep = _keep_mask(g, layer, query, value, attention_mask, use_causal_mask)
    if keep is not None:
        scores = g.op("Where", [keep, scores, g.scalar(-1e9)])
    probs = g.op("Softmax", [scores], axis=-1)
    attended = g.transpose(g.op("MatMul", [probs, v]), (0, 2, 1, 3))  # (batch, Tq, heads, value_dim)
    if layer._use_gate:
        gate = g.op("Sigmoid", [_project(g, layer, layer._gate_dense, query.name, "gate", True)])
        attended = g.op("Mul", [attended, gate])
    flat = g.reshape(attended, [0, 0, heads * value_dim])
    out = _project(g, layer, layer._output_dense, flat, "attention_output", False)
    out_dims = layer._output_dense.out_dims
    if len(out_dims) > 1:
        out = g.reshape(out, [0, 0, *out_dims])
    return [out, probs] if return_attention_scores else out


@register(Attention)
def attention(
    g: GraphBuilder,
    layer: Any,
    inputs: Any,
    mask: Any = None,
    training: Any = None,
    return_attention_scores: bool = False,
    use_causal_mask: bool = False,
) -> Any:
    if mask is not None:
        raise ValueError(
            f"ONNX export: Attention layer '{layer.name}' is given mask=[query_mask, value_mask]; masks "
            "are not exported. Export a model without masks (or use MultiHeadAttention with an "
            "attention_mask)."
        )
    query, value = inputs[0], inputs[1]
    key = inputs[2] if len(inputs) > 2 else value
    if any(t.rank != 3 for t in (query, value, key)):
        raise ValueError(
            f"ONNX export: Attention layer '{layer.name}' receives inputs of ranks "
            f"{[t.rank for t in inputs]}; only (batch, time, features) inputs are exported."
        )
    scale = g.weight(layer, "scale", layer.scale.numpy()) if layer.scale is not None else None
    if layer.score_mode == "dot":
        scores = g.op("MatMul", [query.name, g.transpose(key.name, (0, 2, 1))])
        if scale is not None:
            scores = g.op("Mul", [scores, scale])
    else:  # concat: sum(tanh(scale * (q + k))) over the features, q (B, Tq, 1, d) + k (B, 1, Tv, d)
        s = g.op("Add", [g.unsqueeze(query.name, [2]), g.unsqueeze(key.name, [1])])
        if scale is not None:
            s = g.op("Mul", [s, scale])
        scores = g.reduce("ReduceSum", g.op("Tanh", [s]), [-1], keepdims=False)
        scores = g.op(
            "Mul", [scores, g.weight(layer, "concat_score_weight", layer.concat_score_weight.numpy())]
        )
    if use_causal_mask:
        keep = g.op(
            "GreaterOrEqual", [_positions(g, query.name, 1, [-1, 1]), _positions(g, key.name, 1, [1, -1])]
        )
        # as the layer: hidden keys get scores - 1e9, which the softmax turns into 0
        scores = g.op("Where", [keep, scores, g.op("Sub", [scores, g.scalar(1e9)])])
    weights = g.op("Softmax", [scores], axis=-1)
    out = g.op("MatMul", [weights, value.name])
    return [out, weights] if return_attention_scores else out
