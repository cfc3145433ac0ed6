"""Keras 3's image ops (``keras.ops.image.resize``, ``crop_images``, ``pad_images``, ...).

Images are ``(batch, height, width, channels)`` (or one 3-D image), or channels first with
``data_format="channels_first"``; every op here is built from differentiable tensorflux ops.
"""

from __future__ import annotations

from typing import Any

from tensorflux.framework.config import image_data_format
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine.op_layer import symbolic_op
from tensorflux.keras.ops.core import convert_to_tensor
from tensorflux.ops import array_ops as A
from tensorflux.ops import linalg_ops as L
from tensorflux.ops import math_ops as M


def _images(images: Any, data_format: Any, op: str) -> tuple[Tensor, bool, bool]:
    """The images as a channels-last 4-D batch, whether they were one image, and whether channels first."""
    x = images if isinstance(images, Tensor) else convert_to_tensor(images)
    fmt = image_data_format() if data_format is None else data_format
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError(
            f"{op}: data_format must be 'channels_last' or 'channels_first'; received {data_format!r}."
        )
    if x.ndim not in (3, 4):
        raise ValueError(
            f"{op}: images must have rank 3 (one image) or 4 (a batch); received shape {tuple(x.shape)}."
        )
    single = x.ndim == 3
    if single:
        x = A.expand_dims(x, 0)
    first = fmt == "channels_first"
    if first:
        x = A.transpose(x, (0, 2, 3, 1))
    return x, single, first


def _check_warp_modes(op: str, interpolation: Any, fill_mode: Any) -> None:
    """Reject an interpolation or fill mode that the image warps (affine, elastic) do not have."""
    if interpolation not in ("bilinear", "nearest"):
        raise ValueError(f"{op}: interpolation must be 'bilinear' or 'nearest'; received {interpolation!r}.")
    if fill_mode not in ("constant", "nearest", "wrap", "reflect"):
        raise ValueError(
            f"{op}: fill_mode must be 'constant', 'nearest', 'wrap' or 'reflect'; received {fill_mode!r}."
        )


def _back(x: Tensor, single: bool, first: bool) -> Tensor:
    if first:
        x = A.transpose(x, (0, 3, 1, 2))
    return A.squeeze(x, 0) if single else x


@symbolic_op
def resize(
    images: Any,
    size: Any,
    interpolation: str = "bilinear",
    antialias: bool = False,
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
    fill_mode: str = "constant",
    fill_value: float = 0.0,
    data_format: str | None = None,
) -> Tensor:
    """Resize images to ``size = (height, width)`` ('bilinear' or 'nearest'; half-pixel centres).

    >>> resize(convert_to_tensor([[[[1.0], [3.0]]]]), (1, 4)).numpy().ravel().tolist()
    [1.0, 1.5, 2.5, 3.0]
    """
    from tensorflux.ops.image_ops import resize as _resize

    if antialias or crop_to_aspect_ratio or pad_to_aspect_ratio:
        raise NotImplementedError(
            "resize: antialias, crop_to_aspect_ratio and pad_to_aspect_ratio are not implemented."
        )
    if interpolation not in ("bilinear", "nearest"):
        raise ValueError(
            f"resize: interpolation must be 'bilinear' or 'nearest'; received {interpolation!r}."
        )
    if len(tuple(size)) != 2:
        raise ValueError(f"resize: size must be (height, width); received size={size!r}.")
    x, single, first = _images(images, data_format, "resize")
    dtype = x.dtype
    y = _resize(x, tuple(int(s) for s in size), method=interpolation)
    if y.dtype != dtype and dtype.is_floating:
        y = A.cast(y, dtype)
    return _back(y, single, first)


def _fill(before: Any, after: Any, target: Any, total: int, what: str, op: str) -> tuple[int, int]:
    given = [v is not None for v in (before, after, target)]
    if sum(given) != 2:
        raise ValueError(
            f"{op}: give exactly two of the {what} arguments (before, after, target size); "
            f"received {before!r}, {after!r}, {target!r}."
        )
    if before is None:
        before = total - int(target) - int(after) if op == "crop_images" else int(target) - total - int(after)
    if after is None:
        after = (
            total - int(target) - int(before) if op == "crop_images" else int(target) - total - int(before)
        )
    if int(before) < 0 or int(after) < 0:
        raise ValueError(
            f"{op}: the {what} amounts must be >= 0; got {before}, {after} (size {total}, target {target})."
        )
    return int(before), int(after)


@symbolic_op
def crop_images(
    images: Any,
    top_cropping: int | None = None,
    left_cropping: int | None = None,
    bottom_cropping: int | None = None,
    right_cropping: int | None = None,
    target_height: int | None = None,
    target_width: int | None = None,
    data_format: str | None = None,
) -> Tensor:
    """Crop images; per axis give two of (top, bottom, target height) and of (left, right, target width).

    >>> crop_images(convert_to_tensor([[[[1.0], [2.0], [3.0]]]]), 0, 1, 0, 1).numpy().ravel().tolist()
    [2.0]
    """
    x, single, first = _images(images, data_format, "crop_images")
    h, w = int(x.shape[1]), int(x.shape[2])
    top, bottom = _fill(top_cropping, bottom_cropping, target_height, h, "height", "crop_images")
    left, right = _fill(left_cropping, right_cropping, target_width, w, "width", "crop_images")
    return _back(x[:, top : h - bottom, left : w - right, :], single, first)


@symbolic_op
def pad_images(
    images: Any,
    top_padding: int | None = None,
    left_padding: int | None = None,
    bottom_padding: int | None = None,
    right_padding: int | None = None,
    target_height: int | None = None,
    target_width: int | None = None,
    data_format: str | None = None,
) -> Tensor:
    """Zero-pad images; per axis give two of (top, bottom, target height) and of (left, right, target width).

    >>> pad_images(convert_to_tensor([[[[1.0]]]]), 1, 0, 0, 1).numpy().ravel().tolist()
    [0.0, 0.0, 1.0, 0.0]
    """
    x, single, first = _images(images, data_format, "pad_images")
    h, w = int(x.shape[1]), int(x.shape[2])
    top, bottom = _fill(top_padding, bottom_padding, target_height, h, "height", "pad_images")
    left, right = _fill(left_padding, right_padding, target_width, w, "width", "pad_images")
    return _back(A.pad(x, [(0, 0), (top, bottom), (left, right), (0, 0)]), single, first)


@symbolic_op
def rgb_to_grayscale(images: Any, data_format: str | None = None) -> Tensor:
    """Luma ``0.2989 R + 0.587 G + 0.114 B`` with one channel kept.

    >>> round(float(rgb_to_grayscale(convert_to_tensor([[[1.0, 1.0, 1.0]]]))[0, 0, 0]), 4)
    0.9999
    """
    x, single, first = _images(images, data_format, "rgb_to_grayscale")
    if int(x.shape[-1]) != 3:
        raise ValueError(f"rgb_to_grayscale: images must have 3 channels; received shape {tuple(x.shape)}.")
    dtype = x.dtype
    xf = x if dtype.is_floating else A.cast(x, "float32")
    weights = A.reshape(A.cast(convert_to_tensor([0.2989, 0.587, 0.114]), xf.dtype), (3, 1))
    y = L.matmul(A.reshape(xf, (-1, 3)), weights)
    y = A.reshape(y, tuple(x.shape[:-1]) + (1,))
    return _back(y if dtype.is_floating else A.cast(y, dtype), single, first)


@symbolic_op
def extract_patches(
    images: Any,
    size: Any,
    strides: Any = None,
    dilation_rate: Any = 1,
    padding: str = "valid",
    data_format: str | None = None,
) -> Tensor:
    """Patches of ``size`` flattened into channels (``patch_h * patch_w * channels`` values, row-major).

    >>> extract_patches(convert_to_tensor([[[[1.0], [2.0]], [[3.0], [4.0]]]]), 2).numpy().ravel().tolist()
    [1.0, 2.0, 3.0, 4.0]
    """
    from tensorflux.keras.ops.nn import conv

    x, single, first = _images(images, data_format, "extract_patches")
    ph, pw = (int(size), int(size)) if isinstance(size, int) else (int(size[0]), int(size[1]))
    st = (ph, pw) if strides is None else strides
    c = int(x.shape[-1])
    # an identity kernel makes each output channel one (row, column, channel) tap of the patch
    kernel = A.reshape(A.eye(ph * pw * c, dtype=x.dtype), (ph, pw, c, ph * pw * c))
    y = conv(x, kernel, strides=st, padding=padding, data_format="channels_last", dilation_rate=dilation_rate)
    return _back(y, single, first)


def _float_images(images: Any, data_format: Any, op: str) -> tuple[Tensor, bool, bool]:
    x, single, first = _images(images, data_format, op)
    if not x.dtype.is_floating:
        raise ValueError(f"{op}: images must have a float dtype; received images.dtype={x.dtype.name}.")
    if int(x.shape[-1]) != 3:
        raise ValueError(f"{op}: images must have 3 channels; received shape {tuple(x.shape)}.")
    return x, single, first


def _safe_div(a: Tensor, b: Tensor) -> Tensor:
    # where b == 0 the result is 0, and so is its gradient (no inf * 0)
    nz = M.not_equal(b, 0.0)
    return A.where(nz, a / A.where(nz, b, A.ones_like(b)), A.zeros_like(a))


@symbolic_op
def rgb_to_hsv(images: Any, data_format: str | None = None) -> Tensor:
    """RGB in [0, 1] to hue, saturation, value in [0, 1] (TensorFlow's formulas).

    >>> [round(float(v), 4) for v in rgb_to_hsv(convert_to_tensor([[[0.0, 0.0, 1.0]]])).numpy().ravel()]
    [0.6667, 1.0, 1.0]
    """
    x, single, first = _float_images(images, data_format, "rgb_to_hsv")
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    value = M.maximum(M.maximum(r, g), b)
    rng = value - M.minimum(M.minimum(r, g), b)
    sat = _safe_div(rng, value)
    sixth = _safe_div(A.ones_like(rng), rng * 6.0)
    hue = A.where(
        M.equal(r, value),
        (g - b) * sixth,
        A.where(M.equal(g, value), (b - r) * sixth + 2.0 / 6.0, (r - g) * sixth + 4.0 / 6.0),
    )
    hue = A.where(M.greater(rng, 0.0), hue, A.zeros_like(hue))
    hue = A.where(M.less(hue, 0.0), hue + 1.0, hue)
    return _back(A.stack([hue, sat, value], axis=-1), single, first)


@symbolic_op
def hsv_to_rgb(images: Any, data_format: str | None = None) -> Tensor:
    """Hue, saturation, value in [0, 1] to RGB (TensorFlow's formulas).

    >>> hsv_to_rgb(convert_to_tensor([[[2.0 / 3.0, 1.0, 1.0]]])).numpy().round(4).tolist()
    [[[0.0, 0.0, 1.0]]]
    """
    x, single, first = _float_images(images, data_format, "hsv_to_rgb")
    h, s, v = x[..., 0], x[..., 1], x[..., 2]
    dh = h * 6.0

    def ramp(t: Tensor) -> Tensor:
        return M.minimum(M.maximum(t, 0.0), 1.0)

    parts = [ramp(M.abs(dh - 3.0) - 1.0), ramp(2.0 - M.abs(dh - 2.0)), ramp(2.0 - M.abs(dh - 4.0))]
    return _back(A.stack([v * ((1.0 - s) + s * p) for p in parts], axis=-1), single, first)


@symbolic_op
def gaussian_blur(
    images: Any, kernel_size: Any = (3, 3), sigma: Any = (1.0, 1.0), data_format: str | None = None
) -> Tensor:
    """Blur each channel with a normalised Gaussian kernel ('same' padding with zeros, as Keras).

    >>> out = gaussian_blur(convert_to_tensor([[[1.0], [1.0], [1.0]]]), (1, 3))
    >>> [round(float(v), 4) for v in out.numpy().ravel()]
    [0.7259, 1.0, 0.7259]
    """
    from tensorflux.keras.ops.nn import depthwise_conv

    x, single, first = _images(images, data_format, "gaussian_blur")
    dtype = x.dtype if x.dtype.is_floating else "float32"
    k0, k1 = (int(k) for k in kernel_size)
    s0, s1 = (float(s) for s in sigma)

    def gauss(n: int, sd: float) -> Tensor:
        t_ = A.cast(A.range(n), dtype) - (n - 1) / 2.0
        g = M.exp(-0.5 * M.square(t_ / sd))
        return g / M.reduce_sum(g)

    # Keras builds outer(k_y, k_x) with k_y from kernel_size[1] and reshapes it to kernel_size
    kernel = A.reshape(L.tensordot(gauss(k1, s1), gauss(k0, s0), 0), (k0, k1, 1, 1))
    c = int(x.shape[-1])
    y = depthwise_conv(
        A.cast(x, dtype), A.tile(kernel, (1, 1, c, 1)), padding="same", data_format="channels_last"
    )
    return _back(y, single, first)


_affine = None


def _affine_primitive() -> Any:
    # forward only: the backend's resampling kernel (used by the augmentation layers) has no gradient
    global _affine
    if _affine is None:
        from tensorflux.backend import ops as B
        from tensorflux.framework import primitives as P

        _affine = P.primitive(
            "keras_image_affine_transform",
            lambda x, t, interpolation, fill_mode, fill_value: B.affine_transform(
                x, t, interpolation, fill_mode, fill_value
            ),
        )
    return _affine


@symbolic_op
def affine_transform(
    images: Any,
    transform: Any,
    interpolation: str = "bilinear",
    fill_mode: str = "constant",
    fill_value: float = 0,
    data_format: str | None = None,
) -> Tensor:
    """Resample images through projective ``transform`` rows ``[a0, a1, a2, b0, b1, b2, c0, c1]``.

    Output pixel ``(x, y)`` reads input ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)``,
    ``k = c0 x + c1 y + 1``. Forward only (no gradient).

    >>> img = convert_to_tensor([[[1.0], [2.0], [3.0]]])
    >>> affine_transform(img, [1.0, 0, 1.0, 0, 1.0, 0, 0, 0]).numpy().ravel().tolist()
    [2.0, 3.0, 0.0]
    """
    from tensorflux.framework import primitives as P

    _check_warp_modes("affine_transform", interpolation, fill_mode)
    x, single, first = _images(images, data_format, "affine_transform")
    t = A.cast(transform if isinstance(transform, Tensor) else convert_to_tensor(transform), "float32")
    if t.ndim not in (1, 2) or int(t.shape[-1]) != 8:
        raise ValueError(
            f"affine_transform: transform must be (8,) or (batch, 8); received shape {tuple(t.shape)}."
        )
    if t.ndim == 1 or int(t.shape[0]) == 1:
        t = A.tile(A.reshape(t, (1, 8)), (int(x.shape[0]), 1))
    params = {"interpolation": interpolation, "fill_mode": fill_mode, "fill_value": float(fill_value)}
    y = P.bind(_affine_primitive(), (x, t), params)
    return _back(A.cast(y, x.dtype) if y.dtype != x.dtype else y, single, first)


@symbolic_op
def map_coordinates(
    inputs: Any, coordinates: Any, order: int, fill_mode: str = "constant", fill_value: float = 0.0
) -> Tensor:
    """``inputs`` sampled at ``coordinates`` (shape ``(inputs.ndim, *out)``) with order 0 or 1 splines.

    Differentiable in ``inputs`` (and, for ``order=1``, in the coordinates). ``fill_mode`` 'constant'
    or 'nearest'.

    >>> map_coordinates(convert_to_tensor([1.0, 2.0, 4.0]), [[0.5, 1.5, 3.0]], 1).numpy().tolist()
    [1.5, 3.0, 0.0]
    """
    import itertools

    x = inputs if isinstance(inputs, Tensor) else convert_to_tensor(inputs)
    c = coordinates if isinstance(coordinates, Tensor) else convert_to_tensor(coordinates)
    if c.ndim < 2 or int(c.shape[0]) != x.ndim:
        raise ValueError(
            f"map_coordinates: coordinates must have rank >= 2 and a first dimension equal to the rank of "
            f"inputs ({x.ndim}); received coordinates shape {tuple(c.shape)}."
        )
    if fill_mode not in ("constant", "nearest"):
        raise NotImplementedError(
            f"map_coordinates: fill_mode={fill_mode!r} is not implemented; use 'constant' or 'nearest'."
        )
    if order not in (0, 1):
        raise NotImplementedError(f"map_coordinates: order must be 0 or 1; received order={order}.")
    if not c.dtype.is_floating:
        c = A.cast(c, x.dtype if x.dtype.is_floating else "float32")
    per_dim = []
    for d in range(x.ndim):
        cd, size = c[d], int(x.shape[d])
        if order == 0:
            taps = [(A.cast(M.round(cd), "int32"), None)]
        else:
            lower = M.floor(cd)
            up_w = cd - lower
            low_i = A.cast(lower, "int32")
            taps = [(low_i, 1.0 - up_w), (low_i + 1, up_w)]
        opts = []
        for idx, w in taps:
            valid = M.logical_and(M.greater_equal(idx, 0), M.less(idx, size))
            opts.append((M.minimum(M.maximum(idx, 0), size - 1), valid, w))
        per_dim.append(opts)
    fill = A.cast(fill_value, x.dtype)
    out = None
    for combo in itertools.product(*per_dim):
        idx = A.stack([i for i, _, _ in combo], axis=-1)
        vals = A.gather_nd(x, idx)
        if fill_mode == "constant":
            ok = combo[0][1]
            for _, v, _ in combo[1:]:
                ok = M.logical_and(ok, v)
            vals = A.where(ok, vals, A.fill(tuple(vals.shape), fill))
        for _, _, w in combo:
            if w is not None:
                vals = vals * A.cast(w, vals.dtype)
        out = vals if out is None else out + vals
    return out


@symbolic_op
def perspective_transform(
    images: Any,
    start_points: Any,
    end_points: Any,
    interpolation: str = "bilinear",
    fill_value: float = 0,
    data_format: str | None = None,
) -> Tensor:
    """Warp images so that the 4 ``start_points`` (x, y) land on the ``end_points`` (forward only).

    >>> img = convert_to_tensor([[[1.0], [2.0]], [[3.0], [4.0]]])
    >>> pts = [[0, 0], [1, 0], [0, 1], [1, 1]]
    >>> perspective_transform(img, pts, pts).numpy().ravel().tolist()
    [1.0, 2.0, 3.0, 4.0]
    """
    from tensorflux.keras.ops.linalg import solve

    s = A.cast(
        start_points if isinstance(start_points, Tensor) else convert_to_tensor(start_points), "float32"
    )
    e = A.cast(end_points if isinstance(end_points, Tensor) else convert_to_tensor(end_points), "float32")
    if s.ndim not in (2, 3) or tuple(s.shape[-2:]) != (4, 2) or tuple(s.shape) != tuple(e.shape):
        raise ValueError(
            "perspective_transform: start_points and end_points must both be (4, 2) or (batch, 4, 2); "
            f"received {tuple(s.shape)} and {tuple(e.shape)}."
        )
    if s.ndim == 2:
        s, e = A.expand_dims(s, 0), A.expand_dims(e, 0)
    # the homography maps output (end) points back to input (start) points: two equations per point
    rows, rhs = [], []
    for i in range(4):
        ex, ey, sx, sy = e[:, i, 0], e[:, i, 1], s[:, i, 0], s[:, i, 1]
        one, zero = A.ones_like(ex), A.zeros_like(ex)
        rows.append(A.stack([ex, ey, one, zero, zero, zero, -sx * ex, -sx * ey], -1))
        rows.append(A.stack([zero, zero, zero, ex, ey, one, -sy * ex, -sy * ey], -1))
        rhs += [sx, sy]
    transform = solve(A.stack(rows, 1), A.stack(rhs, 1))
    return affine_transform(images, transform, interpolation, "constant", fill_value, data_format)


from tensorflux.keras.ops.image_extra import (  # noqa: E402,F401  (Keras 3.15 additions)
    elastic_transform,
    extract_patches_3d,
    scale_and_translate,
    sobel_edges,
    ssim,
)
