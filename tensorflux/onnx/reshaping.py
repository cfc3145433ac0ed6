"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector, ZeroPadding, Cropping, UpSampling.

UpSampling2D's bilinear mode is ONNX ``Resize`` (linear, ``half_pixel``), the sampling of TF2's
``tf.image.resize`` that tensorflux follows.

Shapes are written with ``0`` for the batch dimension (ONNX Reshape copies it from the input),
so the exported model accepts any batch size.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tensorflux.keras.layers import (
    Cropping1D,
    Cropping2D,
    Flatten,
    Permute,
    RepeatVector,
    Reshape,
    UpSampling1D,
    UpSampling2D,
    ZeroPadding1D,
    ZeroPadding2D,
)
from tensorflux.onnx._graph import GraphBuilder, Sym
from tensorflux.onnx.registry import register

_INT64_MAX = 2**63 - 1


@register(Flatten)
def flatten(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    name = x.name
    if layer.data_format == "channels_first" and x.rank > 2:
        # Keras flattens channels-first images in channels-last order
        name = g.transpose(name, (0,) + tuple(range(2, x.rank)) + (1,))
    return g.reshape(name, [0, -1])


@register(Reshape)
def reshape(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    return g.reshape(x.name, [0] + [int(d) for d in layer.target_shape])


@register(Permute)
def permute(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    return g.transpose(x.name, (0,) + tuple(layer.dims))


@register(RepeatVector)
def repeat_vector(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    return g.op("Tile", [g.unsqueeze(x.name, [1]), g.const([1, layer.n, 1], "repeats")])


def _spatial_axes(layer: Any, rank: int) -> list[int]:
    first = 2 if getattr(layer, "data_format", "channels_last") == "channels_first" else 1
    return list(range(first, first + rank))


@register(ZeroPadding1D, ZeroPadding2D)
def zero_padding(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    pairs = [layer.padding] if isinstance(layer, ZeroPadding1D) else list(layer.padding)
    begins, ends = [0] * x.rank, [0] * x.rank
    for axis, (b, e) in zip(_spatial_axes(layer, len(pairs)), pairs):
        begins[axis], ends[axis] = int(b), int(e)
    return g.op("Pad", [x.name, g.const(begins + ends, "pads")], mode="constant")


@register(Cropping1D, Cropping2D)
def cropping(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    pairs = [layer.cropping] if isinstance(layer, Cropping1D) else list(layer.cropping)
    axes = _spatial_axes(layer, len(pairs))
    starts = [int(b) for b, _ in pairs]
    ends = [-int(e) if e else _INT64_MAX for _, e in pairs]
    return g.slice(x.name, starts, ends, axes)


def _repeat(g: GraphBuilder, x: str, sizes: dict[int, int], rank: int) -> str:
    # nearest-neighbour upsampling by whole factors: Resize that reads input index floor(i / size)
    scales = np.ones(rank, np.float32)
    for axis, size in sizes.items():
        scales[axis] = size
    return g.op(
        "Resize",
        [x, "", g.const(scales, "scales")],
        mode="nearest",
        coordinate_transformation_mode="asymmetric",
        nearest_mode="floor",
    )


@register(UpSampling1D)
def up_sampling1d(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    return _repeat(g, x.name, {1: int(layer.size)}, x.rank)


def _bilinear(g: GraphBuilder, x: str, first: bool, size: tuple[int, int]) -> str:
    # tensorflux resizes like TF2's tf.image.resize: source = (dst + 0.5) / factor - 0.5, clamped to
    # the edges, which is ONNX's half_pixel transform.  The resize runs on NCHW (onnxruntime's
    # linear Resize is written for scales on the two innermost axes).
    if not first:
        x = g.transpose(x, (0, 3, 1, 2))
    scales = g.const(np.array([1, 1, size[0], size[1]], np.float32), "scales")
    y = g.op("Resize", [x, "", scales], mode="linear", coordinate_transformation_mode="half_pixel")
    return y if first else g.transpose(y, (0, 2, 3, 1))


@register(UpSampling2D)
def up_sampling2d(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    size = (int(layer.size[0]), int(layer.size[1]))
    if layer.interpolation == "bilinear":
        return _bilinear(g, x.name, layer.data_format == "channels_first", size)
    if layer.interpolation != "nearest":
        raise ValueError(
            f"ONNX export: UpSampling2D layer '{layer.name}' uses interpolation={layer.interpolation!r}; "
            "only 'nearest' and 'bilinear' are exported."
        )
    h, w = _spatial_axes(layer, 2)
    return _repeat(g, x.name, {h: size[0], w: size[1]}, x.rank)
