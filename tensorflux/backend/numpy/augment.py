"""Image augmentation kernels on NumPy: per-image affine resampling and flips, vectorised over the batch.

``affine_transform`` follows TensorFlow's ``ImageProjectiveTransformV3`` (what Keras 3 uses): a
row ``[a0, a1, a2, b0, b1, b2, c0, c1]`` maps the output pixel ``(x, y)`` (column, row, integer
coordinates) to the input point ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)`` with
``k = c0 x + c1 y + 1``; points outside the image follow ``fill_mode``.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _map_coordinate(c: Any, size: int, fill_mode: str) -> Any:
    """Bring input coordinates into the image as TensorFlow's fill modes do (constant: unchanged)."""
    if fill_mode == "reflect":
        # half-sample symmetric: (d c b a | a b c d | d c b a)
        m = np.mod(c, 2.0 * size)
        c = np.where(m >= size, 2.0 * size - 1.0 - m, m)
        return np.clip(c, 0.0, size - 1.0)
    if fill_mode == "wrap":
        if size <= 1:
            return np.zeros_like(c)
        # TensorFlow's rule, quirk included: whole periods counted in units of size - 1, shifted by size
        sz = size - 1.0
        c = np.where(
            c < 0, c + size * (np.trunc(-c / sz) + 1), np.where(c > sz, c - size * np.trunc(c / sz), c)
        )
        return np.clip(c, 0.0, sz)
    if fill_mode == "nearest":
        return np.clip(c, 0.0, size - 1.0)
    return c


def _gather(x: Any, n: Any, yi: Any, xi: Any, fill: Any) -> Any:
    """``x[n, yi, xi]`` with ``fill`` where the integer index leaves the image; (N, H, W, C)."""
    h, w = x.shape[1:3]
    inside = (yi >= 0) & (yi < h) & (xi >= 0) & (xi < w)
    vals = x[n, np.clip(yi, 0, h - 1), np.clip(xi, 0, w - 1)]
    return np.where(inside[..., None], vals, fill)


def affine_transform(
    x: Any,
    transforms: Any,
    interpolation: str = "bilinear",
    fill_mode: str = "constant",
    fill_value: float = 0.0,
) -> Any:
    """Resample each NHWC image ``x[i]`` through its own ``transforms[i]`` (shape ``(N, 8)``)."""
    n_img, h, w, _ = x.shape
    dt = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
    t = np.asarray(transforms, np.float64).reshape(n_img, 8, 1, 1)
    ys, xs = np.meshgrid(np.arange(h, dtype=np.float64), np.arange(w, dtype=np.float64), indexing="ij")
    k = t[:, 6] * xs + t[:, 7] * ys + 1.0
    src_x = _map_coordinate((t[:, 0] * xs + t[:, 1] * ys + t[:, 2]) / k, w, fill_mode)
    src_y = _map_coordinate((t[:, 3] * xs + t[:, 4] * ys + t[:, 5]) / k, h, fill_mode)
    n = np.arange(n_img).reshape(n_img, 1, 1)
    fill = np.asarray(fill_value, dt)
    xf = x.astype(dt, copy=False)
    if interpolation == "nearest":
        yi = np.floor(src_y + 0.5).astype(np.int64)
        xi = np.floor(src_x + 0.5).astype(np.int64)
        return _gather(xf, n, yi, xi, fill)
    if interpolation != "bilinear":
        raise ValueError(f"affine_transform: interpolation={interpolation!r}; use 'bilinear' or 'nearest'.")
    y0, x0 = np.floor(src_y), np.floor(src_x)
    fy, fx = (src_y - y0).astype(dt)[..., None], (src_x - x0).astype(dt)[..., None]
    y0, x0 = y0.astype(np.int64), x0.astype(np.int64)
    top = (1 - fx) * _gather(xf, n, y0, x0, fill) + fx * _gather(xf, n, y0, x0 + 1, fill)
    bottom = (1 - fx) * _gather(xf, n, y0 + 1, x0, fill) + fx * _gather(xf, n, y0 + 1, x0 + 1, fill)
    return ((1 - fy) * top + fy * bottom).astype(dt, copy=False)


def random_flip(x: Any, flip_rows: Any, flip_cols: Any) -> Any:
    """Mirror NHWC image ``i`` top-bottom where ``flip_rows[i]`` and left-right where ``flip_cols[i]``."""
    out = np.where(np.asarray(flip_cols, bool).reshape(-1, 1, 1, 1), x[:, :, ::-1], x)
    return np.where(np.asarray(flip_rows, bool).reshape(-1, 1, 1, 1), out[:, ::-1], out)


__all__ = ["affine_transform", "random_flip"]
