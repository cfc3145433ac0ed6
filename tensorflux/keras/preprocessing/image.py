"""``keras.preprocessing.image``: PIL image <-> array conversion, file loading/saving, ``smart_resize``.

Pillow is optional: the functions that decode or encode images import it when called and raise an
``ImportError`` that says how to install it.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from tensorflux.framework.tensor import Tensor

_PIL_RESAMPLE = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def _pil_image(op: str) -> Any:
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(
            f"Could not import PIL.Image. The use of `{op}` requires PIL (Pillow): `pip install pillow`."
        ) from None
    return Image


def _data_format(data_format: str | None) -> str:
    if data_format is None:
        from tensorflux.keras.config import image_data_format

        data_format = image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            '`data_format` must be "channels_last" or "channels_first". '
            f"Received: data_format={data_format!r}"
        )
    return data_format


def array_to_img(x: Any, data_format: str | None = None, scale: bool = True, dtype: Any = None) -> Any:
    """A PIL image from a 3-D array ``(height, width, channels)`` (1, 3 or 4 channels).

    Args:
        x: the image array.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the Keras config).
        scale: rescale the values to ``[0, 255]`` first.
        dtype: dtype to use for the array (default ``keras.config.floatx()``).

    >>> img = array_to_img(np.zeros((4, 4, 3)))  # doctest: +SKIP
    """
    image = _pil_image("array_to_img")
    data_format = _data_format(data_format)
    if dtype is None:
        from tensorflux.keras.config import floatx

        dtype = floatx()
    x = np.asarray(x.numpy() if isinstance(x, Tensor) else x, dtype=dtype)
    if x.ndim != 3:
        raise ValueError(f"array_to_img: expected an image array of rank 3. Received: x.shape={x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        top = np.max(x)
        if top != 0:
            x = x / top
        x = x * 255
    channels = x.shape[2]
    if channels == 4:
        return image.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return image.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(x) > 255:  # 32-bit signed integer grayscale
            return image.fromarray(x[:, :, 0].astype("int32"), "I")
        return image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"array_to_img: unsupported channel number: {channels}")


def img_to_array(img: Any, data_format: str | None = None, dtype: Any = None) -> np.ndarray:
    """A 3-D NumPy array from a PIL image (or anything array-like of rank 2 or 3).

    >>> img_to_array(np.zeros((2, 3))).shape
    (2, 3, 1)
    """
    data_format = _data_format(data_format)
    if dtype is None:
        from tensorflux.keras.config import floatx

        dtype = floatx()
    x = np.asarray(img, dtype=dtype)
    if x.ndim == 3:
        return x.transpose(2, 0, 1) if data_format == "channels_first" else x
    if x.ndim == 2:
        return x[None] if data_format == "channels_first" else x[:, :, None]
    raise ValueError(f"img_to_array: unsupported image shape: {x.shape}")


def save_img(
    path: Any,
    x: Any,
    data_format: str | None = None,
    file_format: str | None = None,
    scale: bool = True,
    **kwargs: Any,
) -> None:
    """Save an image array to a file (format from ``file_format`` or the file name).

    >>> save_img("out.png", np.zeros((4, 4, 3)))  # doctest: +SKIP
    """
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and (file_format == "jpg" or file_format == "jpeg"):
        warnings.warn("The JPG format does not support RGBA images, converting to RGB.", stacklevel=2)
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def load_img(
    path: Any,
    color_mode: str = "rgb",
    target_size: tuple[int, int] | None = None,
    interpolation: str = "nearest",
    keep_aspect_ratio: bool = False,
) -> Any:
    """Load an image file (a path or a binary file object) as a PIL image.

    Args:
        path: the file.
        color_mode: ``"grayscale"``, ``"rgb"`` or ``"rgba"``.
        target_size: ``(height, width)`` to resize to, or ``None``.
        interpolation: PIL resampling: ``"nearest"``, ``"bilinear"``, ``"bicubic"``, ``"hamming"``,
            ``"box"`` or ``"lanczos"``.
        keep_aspect_ratio: crop the center to the target aspect ratio before resizing.

    >>> img = load_img("cat.png", target_size=(64, 64))  # doctest: +SKIP
    """
    image = _pil_image("load_img")
    if color_mode not in ("grayscale", "rgb", "rgba"):
        raise ValueError(
            f'color_mode must be "grayscale", "rgb", or "rgba". Received: color_mode={color_mode!r}'
        )
    if hasattr(path, "read"):
        img = image.open(path)
    else:
        with open(str(path), "rb") as f:
            img = image.open(f)
            img.load()
    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif color_mode == "rgba":
        if img.mode != "RGBA":
            img = img.convert("RGBA")
    elif img.mode != "RGB":
        img = img.convert("RGB")
    if target_size is not None:
        size = (int(target_size[1]), int(target_size[0]))
        if img.size != size:
            if interpolation not in _PIL_RESAMPLE:
                raise ValueError(
                    f"Invalid interpolation method {interpolation!r}: expected one of {_PIL_RESAMPLE}."
                )
            resample = getattr(image, interpolation.upper())
            if keep_aspect_ratio:
                width, height = img.size
                crop_h = min(height, (width * size[1]) // size[0])
                crop_w = min(width, (height * size[0]) // size[1])
                top, left = (height - crop_h) // 2, (width - crop_w) // 2
                img = img.crop((left, top, left + crop_w, top + crop_h))
            img = img.resize(size, resample)
    return img


def smart_resize(
    x: Any, size: Any, interpolation: str = "bilinear", data_format: str = "channels_last", **kwargs: Any
) -> Any:
    """Resize images to ``size`` without distorting them: crop (or pad) the center to the target aspect
    ratio, then resize.

    Args:
        x: an image ``(height, width, channels)`` or a batch of them (``channels_first`` per
            ``data_format``).
        size: ``(height, width)``.
        interpolation: method of ``tf.image.resize``.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        **kwargs: ``pad_to_aspect_ratio=True`` pads with ``fill_value`` (default 0) instead of cropping.

    Returns:
        A NumPy array for a NumPy input, else a tensor.

    >>> smart_resize(np.ones((10, 20, 3)), (5, 5)).shape
    (5, 5, 3)
    """
    from tensorflux.image import resize

    pad = bool(kwargs.pop("pad_to_aspect_ratio", False))
    fill_mode = kwargs.pop("fill_mode", "constant")
    fill_value = kwargs.pop("fill_value", 0.0)
    if kwargs:
        raise TypeError(f"smart_resize: unexpected keyword arguments {sorted(kwargs)}.")
    if fill_mode != "constant":
        raise ValueError(f'smart_resize: only fill_mode="constant" is supported. Received: {fill_mode!r}')
    if len(size) != 2:
        raise ValueError(f"smart_resize: expected `size` to be a tuple of 2 integers. Received: size={size}")
    data_format = _data_format(data_format)
    was_numpy = isinstance(x, np.ndarray)
    img = np.asarray(x.numpy() if isinstance(x, Tensor) else x)
    if img.ndim not in (3, 4):
        raise ValueError(
            "smart_resize: expected an image array with shape (height, width, channels) or (batch_size, "
            f"height, width, channels). Received: images.shape={img.shape}"
        )
    if data_format == "channels_first":
        img = np.moveaxis(img, -3, -1)
    height, width = img.shape[-3], img.shape[-2]
    th, tw = int(size[0]), int(size[1])
    if pad:
        ph = max(height, int(width * th / tw))
        pw = max(width, int(height * tw / th))
        top, left = (ph - height) // 2, (pw - width) // 2
        canvas = np.full(img.shape[:-3] + (ph, pw, img.shape[-1]), fill_value, dtype=img.dtype)
        canvas[..., top : top + height, left : left + width, :] = img
        img = canvas
    else:
        ch = min(height, int(width * th / tw))
        cw = min(width, int(height * tw / th))
        top, left = (height - ch) // 2, (width - cw) // 2
        img = img[..., top : top + ch, left : left + cw, :]
    if not np.issubdtype(img.dtype, np.floating):
        img = img.astype(np.float32)
    out = resize(img, (th, tw), method=interpolation)
    if data_format == "channels_first":
        from tensorflux.ops.array_ops import transpose

        out = transpose(out, (0, 3, 1, 2) if len(out.shape) == 4 else (2, 0, 1))
    return out.numpy() if was_numpy else out
