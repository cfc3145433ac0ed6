"""``tf.image.resize`` (nearest, bilinear) with TensorFlow 2's half-pixel-center sampling."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import nn_primitives as NP
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.ops._util import static, t

_METHODS = {"bilinear": "bilinear", "nearest": "nearest", "nearest_neighbor": "nearest"}


def resize(
    images: Any,
    size: Any,
    method: str = "bilinear",
    preserve_aspect_ratio: bool = False,
    antialias: bool = False,
    name: Any = None,
) -> Tensor:
    """Resize ``(batch, height, width, channels)`` images (or one 3-D image) to ``size``.

    Bilinear returns float32 (float64 stays float64, unlike TensorFlow); nearest keeps the dtype.
    Differentiable.

    >>> import tensorflux as tf
    >>> import tensorflux.image
    >>> tf.image.resize(tf.ones((1, 2, 2, 3)), (4, 4)).shape
    TensorShape([1, 4, 4, 3])
    """
    x = t(images)
    m = str(getattr(method, "value", method)).lower()
    if m not in _METHODS:
        raise ValueError(f"resize: method={method!r} is not supported; use 'bilinear' or 'nearest'.")
    m = _METHODS[m]
    if antialias:
        raise NotImplementedError("resize: antialias=True is not implemented.")
    single = x._value.ndim == 3
    if single:
        x = P.unary(P.reshape, x, shape=(1,) + tuple(x._value.shape))
    if x._value.ndim != 4:
        raise ValueError(
            f"resize: images must have rank 3 or 4 (height, width, channels with an optional batch); "
            f"received shape {tuple(x._value.shape)}."
        )
    hw = static(size)
    if not isinstance(hw, (tuple, list)) or len(hw) != 2:
        raise ValueError(f"resize: size must be a pair (new_height, new_width); received size={size!r}.")
    h, w = int(hw[0]), int(hw[1])
    if h <= 0 or w <= 0:
        raise ValueError(f"resize: the new size must be positive; received size={list(hw)}.")
    if preserve_aspect_ratio:
        ih, iw = x._value.shape[1:3]
        scale = min(h / ih, w / iw)
        h, w = max(int(round(ih * scale)), 1), max(int(round(iw * scale)), 1)
    if m == "bilinear" and x._value.dtype.name not in ("float32", "float64"):
        x = P.unary(P.cast, x, dtype=P._python_default_dtype(1.0))
    y = P.unary(NP.resize, x, size=(h, w), method=m)
    if single:
        y = P.unary(P.reshape, y, shape=tuple(y._value.shape[1:]))
    return y
