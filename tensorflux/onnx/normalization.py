"""BatchNormalization (inference), LayerNormalization and GroupNormalization.

Batch normalization at inference is an affine map per feature: ``x * a + b`` with
``a = gamma / sqrt(moving_variance + epsilon)`` and ``b = beta - moving_mean * a`` folded at
export time, in float32, the way tensorflux computes it.  Layer normalization uses ONNX's
``LayerNormalization`` (opset 17) when the normalized axes are the trailing ones, and is
written out with reductions otherwise (older operator sets, other axes, ``rms_scaling``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tensorflux.keras.layers import BatchNormalization, GroupNormalization, LayerNormalization
from tensorflux.onnx._graph import GraphBuilder, Sym
from tensorflux.onnx.registry import register


def _per_axis(values: Any, rank: int, axes: list[int]) -> Any:
    """``values`` (the sizes of ``axes``) reshaped to broadcast against a rank-``rank`` input."""
    shape = [1] * rank
    for a, n in zip(axes, np.shape(values)):
        shape[a] = n
    return np.asarray(values, np.float32).reshape(shape)


@register(BatchNormalization, masks_ok=True)
def batch_normalization(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    rank = x.rank
    axis = layer.axis % rank
    var = np.asarray(layer.moving_variance.numpy(), np.float32)
    mean = np.asarray(layer.moving_mean.numpy(), np.float32)
    a = (np.float32(1.0) / np.sqrt(var + np.float32(layer.epsilon))).astype(np.float32)
    if layer.gamma is not None:
        a = a * np.asarray(layer.gamma.numpy(), np.float32)
    b = -mean * a
    if layer.beta is not None:
        b = np.asarray(layer.beta.numpy(), np.float32) - mean * a
    y = g.op("Mul", [x.name, g.weight(layer, "scale", _per_axis(a, rank, [axis]))])
    return g.op("Add", [y, g.weight(layer, "offset", _per_axis(b, rank, [axis]))])


@register(LayerNormalization, masks_ok=True)
def layer_normalization(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    rank = x.rank
    axes = layer._axes(rank)
    norm_shape = tuple(x.shape[a] for a in axes)
    gamma = np.asarray(layer.gamma.numpy(), np.float32) if layer.gamma is not None else None
    beta = np.asarray(layer.beta.numpy(), np.float32) if layer.beta is not None else None
    trailing = axes == list(range(axes[0], rank))
    if trailing and g.opset >= 17 and not layer.rms_scaling:
        scale = gamma if gamma is not None else np.ones(norm_shape, np.float32)
        ins = [x.name, g.weight(layer, "gamma", scale.reshape(norm_shape))]
        if beta is not None:
            ins.append(g.weight(layer, "beta", beta.reshape(norm_shape)))
        return g.op("LayerNormalization", ins, axis=int(axes[0]), epsilon=float(layer.epsilon))
    # (x - mean) / sqrt(var + eps) * gamma + beta; rms_scaling (deprecated): x / sqrt(var + eps) * gamma
    mean = g.reduce("ReduceMean", x.name, axes)
    centred = g.op("Sub", [x.name, mean])
    var = g.reduce("ReduceMean", g.op("Mul", [centred, centred]), axes)
    inv = g.op("Reciprocal", [g.op("Sqrt", [g.op("Add", [var, g.scalar(layer.epsilon)])])])
    y = g.op("Mul", [x.name if layer.rms_scaling else centred, inv])
    if gamma is not None:
        y = g.op("Mul", [y, g.weight(layer, "gamma", _per_axis(gamma.reshape(norm_shape), rank, axes))])
    if beta is not None:
        y = g.op("Add", [y, g.weight(layer, "beta", _per_axis(beta.reshape(norm_shape), rank, axes))])
    return y


@register(GroupNormalization, masks_ok=True)
def group_normalization(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    # As the layer: split the channel axis into (groups, channels // groups), take the statistics
    # over every axis but batch and groups, then scale and shift per channel on the input's shape.
    rank = x.rank
    ax = layer.axis % rank
    channels, groups = int(x.shape[ax]), int(layer.groups)
    rest = x.shape[ax + 1 :]
    if all(d is not None for d in rest):
        # 0 copies the leading dimensions (the batch, spatial sizes known only at run time)
        grouped = g.reshape(x.name, [0] * ax + [groups, channels // groups] + [int(d) for d in rest])
    else:
        target = g.op(
            "Concat",
            [g.dims(x.name, 0, ax), g.const([groups, channels // groups], "groups"), g.dims(x.name, ax + 1)],
            axis=0,
        )
        grouped = g.op("Reshape", [x.name, target])
    axes = [i for i in range(1, rank + 1) if i != ax]
    mean = g.reduce("ReduceMean", grouped, axes)
    centred = g.op("Sub", [grouped, mean])
    var = g.reduce("ReduceMean", g.op("Mul", [centred, centred]), axes)
    inv = g.op("Reciprocal", [g.op("Sqrt", [g.op("Add", [var, g.scalar(layer.epsilon)])])])
    y = g.op("Reshape", [g.op("Mul", [centred, inv]), g.op("Shape", [x.name])])
    if layer.gamma is not None:
        y = g.op("Mul", [y, g.weight(layer, "gamma", _per_axis(layer.gamma.numpy(), rank, [ax]))])
    if layer.beta is not None:
        y = g.op("Add", [y, g.weight(layer, "beta", _per_axis(layer.beta.numpy(), rank, [ax]))])
    return y
