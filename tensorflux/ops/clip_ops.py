"""Clipping: by value, by norm, by global norm."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.ops import math_ops as M
from tensorflux.ops._util import t


def clip_by_value(t_: Any, clip_value_min: Any, clip_value_max: Any, name: Any = None) -> Tensor:
    """Elementwise clamp to ``[clip_value_min, clip_value_max]``."""
    return P.binary(P.minimum, P.binary(P.maximum, t(t_), clip_value_min), clip_value_max)


def clip_by_norm(t_: Any, clip_norm: Any, axes: Any = None, name: Any = None) -> Tensor:
    """Scale ``t`` down so that its L2 norm over ``axes`` is at most ``clip_norm``."""
    x = t(t_)
    l2sum = M.reduce_sum(x * x, axes, keepdims=True)
    pos = P.binary(P.greater, l2sum, 0)
    safe = P.bind(P.where, (pos, l2sum, P.constant_like(1, l2sum)), {})
    norm = P.bind(P.where, (pos, P.unary(P.sqrt, safe), l2sum), {})
    cn = P.constant_like(clip_norm, x) if not isinstance(clip_norm, Tensor) else clip_norm
    return x * cn / P.binary(P.maximum, norm, cn)


def global_norm(t_list: Any, name: Any = None) -> Tensor:
    ts = [t(x) for x in t_list if x is not None]
    total = M.add_n([M.reduce_sum(x * x) for x in ts])
    return P.unary(P.sqrt, total)


def clip_by_global_norm(
    t_list: Any, clip_norm: Any, use_norm: Any = None, name: Any = None
) -> tuple[list[Any], Tensor]:  # noqa: E501
    """Scale every tensor of ``t_list`` by ``clip_norm / max(global_norm, clip_norm)``."""
    t_list = list(t_list)
    norm = global_norm(t_list) if use_norm is None else t(use_norm)
    scale = P.constant_like(clip_norm, norm) / P.binary(P.maximum, norm, clip_norm)
    return [
        None if x is None else t(x) * P.unary(P.cast, scale, dtype=t(x)._value.dtype) for x in t_list
    ], norm
