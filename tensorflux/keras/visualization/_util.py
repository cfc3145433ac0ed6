"""Helpers shared by the drawing and plotting functions (images here are plain NumPy data, as in Keras)."""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np


def optional_module(name: str) -> Any:
    """The module ``name`` (``"cv2"``, ``"matplotlib.pyplot"``), or None when it is not installed."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def to_numpy(x: Any) -> np.ndarray:
    value = getattr(x, "_value", None)
    if value is not None:
        return np.asarray(value)
    numpy = getattr(x, "numpy", None)
    return np.asarray(numpy() if callable(numpy) else x)


def check_batched(images: Any) -> tuple[int, ...]:
    shape = tuple(to_numpy(images).shape) if not hasattr(images, "shape") else tuple(images.shape)
    if len(shape) != 4:
        raise ValueError(f"`images` must be batched 4D tensor. Received: images.shape={shape}")
    return shape


def data_format_or_default(data_format: str | None) -> str:
    if data_format is None:
        from tensorflux.keras.backend import image_data_format

        return image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            "`data_format` must be 'channels_last' or 'channels_first'. "
            f"Received: data_format={data_format!r}"
        )
    return data_format
