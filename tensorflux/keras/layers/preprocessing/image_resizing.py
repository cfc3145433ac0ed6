"""Resizing and CenterCrop: image size changes built from differentiable ops (slice, pad, resize)."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import config
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import array_ops
from tensorflux.ops.image_ops import resize

_INTERPOLATIONS = ("bilinear", "nearest")


def _data_format(data_format: Any, layer: str) -> str:
    fmt = config.image_data_format() if data_format is None else str(data_format).lower()
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError(
            f"{layer}: data_format must be 'channels_last' or 'channels_first'; received {data_format!r}."
        )
    return fmt


def _positive_int(v: Any, arg: str, layer: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
        raise ValueError(f"{layer}: `{arg}` must be a positive integer; received {arg}={v!r}.")
    return v


def _to_nhwc(x: Tensor, data_format: str, layer: str, dtype: str) -> tuple[Tensor, bool]:
    """``x`` in ``dtype`` (the layer's compute dtype), batched and channels-last; the flag says
    whether a batch axis was added."""
    if x.dtype.name != dtype:
        x = array_ops.cast(x, dtype)
    if x.ndim not in (3, 4):
        raise ValueError(
            f"{layer}: expected images of rank 3 (unbatched) or 4 (batched); received shape {tuple(x.shape)}."
        )
    single = x.ndim == 3
    if single:
        x = array_ops.expand_dims(x, 0)
    if data_format == "channels_first":
        x = array_ops.transpose(x, (0, 2, 3, 1))
    return x, single


def _from_nhwc(y: Tensor, data_format: str, single: bool) -> Tensor:
    if data_format == "channels_first":
        y = array_ops.transpose(y, (0, 3, 1, 2))
    return array_ops.squeeze(y, 0) if single else y


def _crop(x: Tensor, top: int, left: int, height: int, width: int) -> Tensor:
    return x[:, top : top + height, left : left + width, :]


def _crop_to_aspect(x: Tensor, height: int, width: int) -> Tensor:
    """The largest centred window of ``x`` (NHWC) with the aspect ratio ``height : width``."""
    h, w = int(x.shape[1]), int(x.shape[2])
    ch = min(h, int(float(w * height) / width))
    cw = min(w, int(float(h * width) / height))
    return _crop(x, (h - ch) // 2, (w - cw) // 2, ch, cw)


def _resize(x: Tensor, height: int, width: int, interpolation: str) -> Tensor:
    if (int(x.shape[1]), int(x.shape[2])) == (height, width):
        return x
    return resize(x, (height, width), method=interpolation)


def _check_rank(input_shape: Any, layer: str) -> list[Any]:
    shape = list(input_shape)
    if len(shape) not in (3, 4):
        raise ValueError(
            f"{layer}: expected images of rank 3 (unbatched) or 4 (batched); received shape {tuple(shape)}."
        )
    return shape


def _output_shape(input_shape: Any, height: int, width: int, data_format: str, layer: str) -> tuple[Any, ...]:
    shape = _check_rank(input_shape, layer)
    h_axis = len(shape) - (2 if data_format == "channels_first" else 3)
    shape[h_axis], shape[h_axis + 1] = height, width
    return tuple(shape)


class Resizing(Layer):
    """Resize images to ``(height, width)``, optionally keeping the aspect ratio by cropping or padding.

    Inputs are ``(batch, height, width, channels)`` or one unbatched image (``channels_first``
    puts channels before height). The output is in the layer's compute dtype (float32).

    Args:
        height: output height.
        width: output width.
        interpolation: ``"bilinear"`` (default) or ``"nearest"``.
        crop_to_aspect_ratio: first crop the largest centred window with the target aspect ratio.
        pad_to_aspect_ratio: first pad (centred, with ``fill_value``) to the target aspect ratio.
        fill_mode: padding mode for ``pad_to_aspect_ratio``; only ``"constant"``.
        fill_value: padding value for ``pad_to_aspect_ratio``.
        antialias: accepted for compatibility; only False.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the Keras config).

    >>> import tensorflux as tf
    >>> Resizing(4, 6)(tf.ones((2, 8, 8, 3))).shape
    TensorShape([2, 4, 6, 3])
    """

    def __init__(
        self,
        height: int,
        width: int,
        interpolation: str = "bilinear",
        crop_to_aspect_ratio: bool = False,
        pad_to_aspect_ratio: bool = False,
        fill_mode: str = "constant",
        fill_value: float = 0.0,
        antialias: bool = False,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.height = _positive_int(height, "height", "Resizing")
        self.width = _positive_int(width, "width", "Resizing")
        if interpolation not in _INTERPOLATIONS:
            raise ValueError(
                f"Resizing: interpolation={interpolation!r} is not supported; use 'bilinear' or 'nearest'."
            )
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError(
                "Resizing: only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be True."
            )
        if fill_mode != "constant":
            raise ValueError(f"Resizing: fill_mode={fill_mode!r} is not supported; only 'constant'.")
        if antialias:
            raise NotImplementedError("Resizing: antialias=True is not implemented.")
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = False
        self.data_format = _data_format(data_format, "Resizing")

    def _pad_to_aspect(self, x: Tensor) -> Tensor:
        h, w = int(x.shape[1]), int(x.shape[2])
        ph = max(h, int(float(w * self.height) / self.width))
        pw = max(w, int(float(h * self.width) / self.height))
        top, left = (ph - h) // 2, (pw - w) // 2
        paddings = ((0, 0), (top, ph - h - top), (left, pw - w - left), (0, 0))
        return array_ops.pad(x, paddings, constant_values=self.fill_value)

    def call(self, inputs: Tensor) -> Tensor:
        x, single = _to_nhwc(inputs, self.data_format, "Resizing", self.compute_dtype)
        if self.crop_to_aspect_ratio:
            x = _crop_to_aspect(x, self.height, self.width)
        elif self.pad_to_aspect_ratio:
            x = self._pad_to_aspect(x)
        y = _resize(x, self.height, self.width, self.interpolation)
        return _from_nhwc(y, self.data_format, single)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return _output_shape(input_shape, self.height, self.width, self.data_format, type(self).__name__)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "height": self.height,
            "width": self.width,
            "interpolation": self.interpolation,
            "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
            "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "antialias": self.antialias,
            "data_format": self.data_format,
        }


def center_crop_or_resize(x: Tensor, height: int, width: int) -> Tensor:
    """Centre crop of NHWC ``x``; when it is smaller than the target, crop to the aspect ratio and resize."""
    h, w = int(x.shape[1]), int(x.shape[2])
    if h >= height and w >= width:
        return _crop(x, (h - height) // 2, (w - width) // 2, height, width)
    return _resize(_crop_to_aspect(x, height, width), height, width, "bilinear")


class CenterCrop(Layer):
    """Crop the centre ``(height, width)`` window of each image.

    An input smaller than the target on either side is instead cropped to the target aspect
    ratio and resized (bilinear), as Keras does. The output is in the compute dtype (float32).

    Args:
        height: output height.
        width: output width.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the Keras config).

    >>> import tensorflux as tf
    >>> CenterCrop(2, 2)(tf.reshape(tf.range(16.0), (1, 4, 4, 1)))[0, :, :, 0].numpy().tolist()
    [[5.0, 6.0], [9.0, 10.0]]
    """

    def __init__(self, height: int, width: int, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.height = _positive_int(height, "height", "CenterCrop")
        self.width = _positive_int(width, "width", "CenterCrop")
        self.data_format = _data_format(data_format, "CenterCrop")

    def call(self, inputs: Tensor) -> Tensor:
        x, single = _to_nhwc(inputs, self.data_format, "CenterCrop", self.compute_dtype)
        return _from_nhwc(center_crop_or_resize(x, self.height, self.width), self.data_format, single)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return _output_shape(input_shape, self.height, self.width, self.data_format, type(self).__name__)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "height": self.height,
            "width": self.width,
            "data_format": self.data_format,
        }
