"""Keras 3.15's newer image ops: ``sobel_edges``, ``ssim``, ``extract_patches_3d``,
``scale_and_translate`` and ``elastic_transform``, built from differentiable tensorflux ops."""

from __future__ import annotations

import math
from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine.op_layer import symbolic_op
from tensorflux.keras.ops.core import convert_to_tensor
from tensorflux.ops import array_ops as A
from tensorflux.ops import linalg_ops as L
from tensorflux.ops import math_ops as M

__all__ = ["elastic_transform", "extract_patches_3d", "scale_and_translate", "sobel_edges", "ssim"]


def _t(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


def _images(images: Any, data_format: Any, op: str) -> tuple[Tensor, bool, bool]:
    # imported on use: keras/ops/image.py re-exports this module's ops at its end
    from tensorflux.keras.ops import image

    return image._images(images, data_format, op)


def _back(x: Tensor, single: bool, first: bool) -> Tensor:
    from tensorflux.keras.ops import image

    return image._back(x, single, first)


@symbolic_op
def sobel_edges(images: Any, data_format: str | None = None) -> Tensor:
    """Sobel gradients ``[dy, dx]`` of each channel (reflect-padded borders, as TensorFlow).

    The output is ``(batch, height, width, channels, 2)`` (``(batch, channels, height, width, 2)``
    for channels first).

    >>> img = convert_to_tensor([[[[0.0], [0.0], [1.0]], [[0.0], [0.0], [1.0]], [[0.0], [0.0], [1.0]]]])
    >>> sobel_edges(img)[0, 1, 1, 0].numpy().tolist()
    [0.0, 4.0]
    """
    x, single, first = _images(images, data_format, "sobel_edges")
    if single:
        raise ValueError(
            f"sobel_edges: images must have rank 4 (a batch); received shape {tuple(x.shape[1:])}."
        )
    if not x.dtype.is_floating:
        x = A.cast(x, "float32")
    h, w = int(x.shape[1]), int(x.shape[2])
    # TensorFlow pads one pixel in REFLECT mode (no edge repeat): rows -1 and h are rows 1 and h - 2
    rows = [1 if h > 1 else 0] + list(range(h)) + [h - 2 if h > 1 else h - 1]
    cols = [1 if w > 1 else 0] + list(range(w)) + [w - 2 if w > 1 else w - 1]
    p = A.gather(A.gather(x, rows, axis=1), cols, axis=2)

    def tap(i: int, j: int) -> Tensor:
        return p[:, i : i + h, j : j + w, :]

    dy = (tap(2, 0) + 2.0 * tap(2, 1) + tap(2, 2)) - (tap(0, 0) + 2.0 * tap(0, 1) + tap(0, 2))
    dx = (tap(0, 2) + 2.0 * tap(1, 2) + tap(2, 2)) - (tap(0, 0) + 2.0 * tap(1, 0) + tap(2, 0))
    y = A.stack([dy, dx], axis=-1)
    return A.transpose(y, (0, 3, 1, 2, 4)) if first else y


@symbolic_op
def ssim(
    image1: Any,
    image2: Any,
    max_val: float = 1.0,
    filter_size: int = 11,
    filter_sigma: float = 1.5,
    k1: float = 0.01,
    k2: float = 0.03,
    data_format: str | None = None,
) -> Tensor:
    """Structural similarity per image pair (Gaussian window, 'valid' borders, mean over channels).

    Returns one value per image of a batch (a scalar for one image); 1 for identical images.

    >>> img = convert_to_tensor([[[0.1], [0.5], [0.9]], [[0.3], [0.2], [0.7]], [[0.4], [0.8], [0.6]]])
    >>> round(float(ssim(img, img, filter_size=3)), 6)
    1.0
    """
    from tensorflux.keras.ops.nn import conv

    x1, single, first = _images(image1, data_format, "ssim")
    x2, _, _ = _images(image2, data_format, "ssim")
    if tuple(x1.shape) != tuple(x2.shape):
        raise ValueError(
            f"ssim: image1 and image2 must have the same shape; received {tuple(_t(image1).shape)} and "
            f"{tuple(_t(image2).shape)}."
        )
    dtype = x1.dtype
    cdtype = dtype if dtype.is_floating else "float32"
    x1, x2 = A.cast(x1, cdtype), A.cast(x2, cdtype)
    b, h, w, c = (int(s) for s in x1.shape)
    if filter_size > h or filter_size > w:
        raise ValueError(
            f"ssim: filter_size={filter_size} is larger than the images ({h}x{w}); use a smaller filter_size."
        )
    g = A.cast(A.range(filter_size), cdtype) - (filter_size - 1) / 2.0
    g = M.exp(-M.square(g) / (2.0 * filter_sigma**2))
    g = g / M.reduce_sum(g)
    kernel = A.reshape(L.tensordot(g, g, 0), (filter_size, filter_size, 1, 1))

    def blur(t: Tensor) -> Tensor:
        return conv(t, kernel, padding="valid", data_format="channels_last")

    # each channel is its own single-channel image, as Keras does
    a = A.reshape(A.transpose(x1, (0, 3, 1, 2)), (b * c, h, w, 1))
    z = A.reshape(A.transpose(x2, (0, 3, 1, 2)), (b * c, h, w, 1))
    mu1, mu2 = blur(a), blur(z)
    mu11, mu22, mu12 = mu1 * mu1, mu2 * mu2, mu1 * mu2
    s11, s22, s12 = blur(a * a) - mu11, blur(z * z) - mu22, blur(a * z) - mu12
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    smap = ((2.0 * mu12 + c1) * (2.0 * s12 + c2)) / ((mu11 + mu22 + c1) * (s11 + s22 + c2))
    per_image = M.reduce_mean(A.reshape(M.reduce_mean(smap, axis=[1, 2, 3]), (b, c)), axis=-1)
    out = A.squeeze(per_image, 0) if single else per_image
    return out if out.dtype == dtype else A.cast(out, dtype)


@symbolic_op
def extract_patches_3d(
    volumes: Any,
    size: Any,
    strides: Any = None,
    dilation_rate: Any = 1,
    padding: str = "valid",
    data_format: str | None = None,
) -> Tensor:
    """Patches of ``size = (depth, height, width)`` flattened into channels, from 4-D or 5-D volumes.

    >>> vol = convert_to_tensor([[[[[1.0], [2.0]], [[3.0], [4.0]]]]])  # (1, 1, 2, 2, 1)
    >>> extract_patches_3d(vol, (1, 2, 2)).numpy().ravel().tolist()
    [1.0, 2.0, 3.0, 4.0]
    """
    from tensorflux.framework.config import image_data_format
    from tensorflux.keras.ops.nn import conv

    x = _t(volumes)
    if isinstance(size, int):
        size = (size, size, size)
    if len(tuple(size)) != 3:
        raise TypeError(
            f"extract_patches_3d: size must be an int or a tuple of 3 ints; received size={size!r}."
        )
    st = size if strides is None else strides
    st = (st, st, st) if isinstance(st, int) else tuple(st)
    if len(st) != 3:
        raise ValueError(
            f"extract_patches_3d: strides must be an int or 3 ints; received strides={strides!r}."
        )
    if x.ndim not in (4, 5):
        raise ValueError(
            f"extract_patches_3d: volumes must have rank 4 (one volume) or 5 (a batch); received shape "
            f"{tuple(x.shape)}."
        )
    fmt = image_data_format() if data_format is None else data_format
    single = x.ndim == 4
    if single:
        x = A.expand_dims(x, 0)
    c = int(x.shape[-1] if fmt == "channels_last" else x.shape[1])
    d, h, w = (int(s) for s in size)
    kernel = A.reshape(A.eye(d * h * w * c, dtype=x.dtype), (d, h, w, c, d * h * w * c))
    y = conv(x, kernel, strides=st, padding=padding, data_format=fmt, dilation_rate=dilation_rate)
    return A.squeeze(y, 0) if single else y


def _kernel_fn(method: str, x: Tensor) -> Tensor:
    if method == "linear":
        return M.maximum(1.0 - M.abs(x), 0.0)
    if method == "cubic":
        # Keys' cubic with a = -0.5 (x >= 0 here)
        near = ((1.5 * x - 2.5) * x) * x + 1.0
        far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
        out = A.where(M.greater_equal(x, 1.0), far, near)
        return A.where(M.greater_equal(x, 2.0), A.zeros_like(x), out)
    radius = 3.0 if method == "lanczos3" else 5.0
    y = radius * M.sin(math.pi * x) * M.sin(math.pi * x / radius)
    big = M.greater(x, 1e-3)
    safe = A.where(big, x, A.ones_like(x))
    out = A.where(big, y / (math.pi**2 * safe * safe), A.ones_like(x))
    return A.where(M.greater(x, radius), A.zeros_like(x), out)


_METHODS = {
    "linear": "linear",
    "bilinear": "linear",
    "trilinear": "linear",
    "triangle": "linear",
    "cubic": "cubic",
    "bicubic": "cubic",
    "tricubic": "cubic",
    "lanczos3": "lanczos3",
    "lanczos5": "lanczos5",
}


def _weights(n_in: int, n_out: int, scale: Tensor, shift: Tensor, method: str, antialias: bool) -> Tensor:
    """The ``(n_in, n_out)`` resampling matrix of one axis (columns normalised; outside samples are 0)."""
    dtype = scale.dtype
    inv = 1.0 / scale
    spread = M.maximum(inv, 1.0) if antialias else A.ones_like(inv)
    sample = (A.cast(A.range(n_out), dtype) + 0.5) * inv - shift * inv - 0.5
    dist = M.abs(A.reshape(sample, (1, n_out)) - A.reshape(A.cast(A.range(n_in), dtype), (n_in, 1))) / spread
    wts = _kernel_fn(method, dist)
    total = M.reduce_sum(wts, axis=0, keepdims=True)
    ok = M.greater(M.abs(total), 1000.0 * 1.1920928955078125e-07)
    wts = A.where(ok, wts / A.where(ok, total, A.ones_like(total)), A.zeros_like(wts))
    inside = M.logical_and(M.greater_equal(sample, -0.5), M.less_equal(sample, n_in - 0.5))
    return A.where(A.reshape(inside, (1, n_out)), wts, A.zeros_like(wts))


@symbolic_op
def scale_and_translate(
    images: Any,
    output_shape: Any,
    scale: Any,
    translation: Any,
    spatial_dims: Any,
    method: str,
    antialias: bool = True,
) -> Tensor:
    """Resample ``images`` to ``output_shape``: input location ``x`` maps to ``x * scale + translation``.

    One separable pass per axis of ``spatial_dims`` with a 'linear', 'cubic' (Keys), 'lanczos3' or
    'lanczos5' kernel, widened by ``1 / scale`` when ``antialias`` and downsampling (as
    ``jax.image.scale_and_translate``). Integer images are rounded and clipped to their range.

    >>> img = convert_to_tensor([[1.0], [3.0]])
    >>> scale_and_translate(img, (4, 1), [2.0], [0.0], (0,), "linear").numpy().ravel().tolist()
    [1.0, 1.5, 2.5, 3.0]
    """
    if method not in _METHODS:
        raise ValueError(
            f"scale_and_translate: method must be one of {sorted(_METHODS)}; received method={method!r}."
        )
    kind = _METHODS[method]
    x = _t(images)
    s, tr = _t(scale), _t(translation)
    fdtype = "float64" if "float64" in (s.dtype.name, tr.dtype.name) else "float32"
    s, tr = A.cast(s, fdtype), A.cast(tr, fdtype)
    dims = [int(d) % x.ndim for d in spatial_dims]
    out_shape = tuple(int(v) for v in output_shape)
    if len(out_shape) != x.ndim:
        raise ValueError(
            f"scale_and_translate: output_shape must have one entry per images dimension ({x.ndim}); "
            f"received output_shape={tuple(output_shape)}."
        )
    if not dims:
        return x
    integer = not x.dtype.is_floating
    y = A.cast(x, "float32") if integer else x
    for i, d in enumerate(dims):
        wm = _weights(int(x.shape[d]), out_shape[d], s[i], tr[i], kind, bool(antialias))
        if wm.dtype != y.dtype:
            wm = A.cast(wm, y.dtype)
        y = L.tensordot(y, wm, [[d], [0]])
        perm = list(range(y.ndim - 1))
        perm.insert(d, y.ndim - 1)
        y = A.transpose(y, perm)
    if integer:
        lo, hi = A.cast(M.reduce_min(x), "float32"), A.cast(M.reduce_max(x), "float32")
        y = A.cast(M.minimum(M.maximum(M.round(y), lo), hi), x.dtype)
    return y


def _fix_index(idx: Tensor, size: int, fill_mode: str) -> Tensor:
    """Map out-of-range integer taps back inside ``[0, size)`` (Keras' map_coordinates fill modes)."""
    if fill_mode in ("constant", "nearest"):
        return M.minimum(M.maximum(idx, 0), size - 1)
    if fill_mode == "wrap":
        return M.floormod(idx, size)
    # reflect as Keras' TensorFlow backend does it: |i| first (so -1 reads 1), then half-sample
    # symmetric past the far edge (size reads size - 1)
    m = M.floormod(M.abs(idx), 2 * size)
    return A.where(M.greater_equal(m, size), 2 * size - 1 - m, m)


def _sample(x: Tensor, ys: Tensor, xs: Tensor, order: int, fill_mode: str, fill_value: float) -> Tensor:
    """Batch images ``(b, h, w, c)`` read at float rows ``ys`` and columns ``xs`` (both ``(b, h, w)``)."""
    b, h, w = (int(s) for s in x.shape[:3])

    def taps(coord: Tensor) -> list[tuple[Tensor, Tensor | None]]:
        if order == 0:
            return [(A.cast(M.round(coord), "int32"), None)]
        lower = M.floor(coord)
        up = coord - lower
        i0 = A.cast(lower, "int32")
        return [(i0, 1.0 - up), (i0 + 1, up)]

    bidx = A.broadcast_to(A.reshape(A.range(b), (b, 1, 1)), tuple(ys.shape))
    out = None
    for iy, wy in taps(ys):
        for ix, wx in taps(xs):
            idx = A.stack([bidx, _fix_index(iy, h, fill_mode), _fix_index(ix, w, fill_mode)], axis=-1)
            vals = A.gather_nd(x, idx)
            if fill_mode == "constant":
                ok = M.logical_and(
                    M.logical_and(M.greater_equal(iy, 0), M.less(iy, h)),
                    M.logical_and(M.greater_equal(ix, 0), M.less(ix, w)),
                )
                vals = A.where(
                    A.expand_dims(ok, -1), vals, A.fill(tuple(vals.shape), A.cast(fill_value, x.dtype))
                )
            for wt in (wy, wx):
                if wt is not None:
                    vals = vals * A.expand_dims(A.cast(wt, vals.dtype), -1)
            out = vals if out is None else out + vals
    return out


def _elastic_warp(
    images: Any,
    noise_x: Tensor,
    noise_y: Tensor,
    alpha: float,
    sigma: float,
    interpolation: str,
    fill_mode: str,
    fill_value: float,
    data_format: Any,
) -> Tensor:
    """elastic_transform with the standard-normal displacement noise ``(batch, h, w)`` given."""
    from tensorflux.keras.ops import image

    x, single, first = _images(images, data_format, "elastic_transform")
    dtype = x.dtype
    xf = x if dtype.is_floating else A.cast(x, "float32")
    b, h, w = (int(s) for s in xf.shape[:3])
    k = 6 * int(sigma) | 1

    def smooth(noise: Tensor) -> Tensor:
        n = A.expand_dims(A.cast(noise, xf.dtype) * sigma, -1)
        return A.squeeze(image.gaussian_blur(n, (k, k), (sigma, sigma), data_format="channels_last"), -1)

    dx, dy = smooth(noise_x), smooth(noise_y)
    gx = A.reshape(A.cast(A.range(w), xf.dtype), (1, 1, w))
    gy = A.reshape(A.cast(A.range(h), xf.dtype), (1, h, 1))
    order = ("nearest", "bilinear").index(interpolation)
    y = _sample(xf, gy + alpha * dy, gx + alpha * dx, order, fill_mode, fill_value)
    return _back(y if y.dtype == dtype else A.cast(y, dtype), single, first)


@symbolic_op
def elastic_transform(
    images: Any,
    alpha: float = 20.0,
    sigma: float = 5.0,
    interpolation: str = "bilinear",
    fill_mode: str = "reflect",
    fill_value: float = 0.0,
    seed: Any = None,
    data_format: str | None = None,
) -> Tensor:
    """Warp images by a random smooth displacement field (Keras' elastic deformation).

    Per image, two standard-normal fields are scaled by ``sigma``, blurred by a Gaussian of size
    ``6 * int(sigma) | 1`` and std ``sigma``, scaled by ``alpha`` and added to the pixel grid; the
    images are resampled there ('nearest' or 'bilinear'; fill modes 'constant', 'nearest', 'wrap',
    'reflect'). The random draw follows tensorflux's seeds, not TensorFlow's stream.

    >>> img = convert_to_tensor([[[1.0], [2.0]], [[3.0], [4.0]]])
    >>> elastic_transform(img, alpha=0.0, seed=1).numpy().ravel().tolist()
    [1.0, 2.0, 3.0, 4.0]
    """
    from tensorflux.keras.ops import image
    from tensorflux.keras.random.random import normal

    image._check_warp_modes("elastic_transform", interpolation, fill_mode)
    x, _, _ = _images(images, data_format, "elastic_transform")
    b, h, w = (int(s) for s in x.shape[:3])
    dtype = x.dtype.name if x.dtype.is_floating else "float32"
    noise = normal((2, b, h, w), dtype=dtype, seed=seed)
    return _elastic_warp(
        images,
        noise[0],
        noise[1],
        float(alpha),
        float(sigma),
        interpolation,
        fill_mode,
        fill_value,
        data_format,
    )
