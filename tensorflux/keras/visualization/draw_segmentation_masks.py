"""``draw_segmentation_masks``: class masks painted (and blended) over a batch of images."""

from __future__ import annotations

from typing import Any

import numpy as np

from tensorflux.keras.visualization._util import check_batched, data_format_or_default, to_numpy


def draw_segmentation_masks(
    images: Any,
    segmentation_masks: Any,
    num_classes: int | None = None,
    color_mapping: dict[int, Any] | None = None,
    alpha: float = 0.8,
    blend: bool = True,
    ignore_index: int = -1,
    data_format: str | None = None,
) -> np.ndarray:
    """Paint each class of ``segmentation_masks`` in its color over ``images``.

    As in Keras, classes ``0 .. num_classes - 1`` are painted (``num_classes`` defaults to the
    largest class in the masks, so that class itself is not painted), pixels equal to
    ``ignore_index`` keep the image, and with ``blend`` the result is
    ``uint8(image * (1 - alpha) + color * alpha)``.

    Args:
        images: A batch of images, ``(batch, height, width, channels)``.
        segmentation_masks: Integer masks, ``(batch, height, width, 1)``.
        num_classes: Number of classes painted; defaults to the largest class in the masks.
        color_mapping: Class index to RGB color, for every class ``0 .. num_classes - 1``;
            defaults to a fixed palette.
        alpha: Opacity of the masks in [0, 1].
        blend: If True, blend with ``alpha`` and return uint8; if False return the painted
            images as float32 (no blending, ``ignore_index`` pixels painted too, as in Keras).
        ignore_index: Mask value left unpainted when blending.
        data_format: ``"channels_last"`` or ``"channels_first"``; defaults to the Keras config.

    Returns:
        A NumPy array of the images with the masks drawn.

    >>> images = np.zeros((1, 1, 2, 3), "uint8")
    >>> masks = np.array([[[[0], [1]]]])
    >>> colors = {0: (0, 0, 0), 1: (255, 255, 255)}
    >>> draw_segmentation_masks(images, masks, num_classes=2, color_mapping=colors, alpha=0.5)[0, 0].tolist()
    [[0, 0, 0], [127, 127, 127]]
    """
    data_format = data_format_or_default(data_format)
    check_batched(images)
    pixels = to_numpy(images)
    masks = to_numpy(segmentation_masks)
    if data_format == "channels_first":
        pixels = np.transpose(pixels, (0, 2, 3, 1))
        masks = np.transpose(masks, (0, 2, 3, 1))
    if masks.dtype.kind not in "iu":
        raise TypeError(
            f"`segmentation_masks` must be in integer dtype. Received: segmentation_masks.dtype={masks.dtype}"
        )
    if masks.ndim != 4 or masks.shape[-1] != 1:
        raise ValueError(
            "`segmentation_masks` must have shape (batch, height, width, 1) (channels_last). "
            f"Received: segmentation_masks.shape={masks.shape}"
        )
    pixels = pixels.astype("float32")
    if num_classes is None:
        num_classes = int(masks.max())
    if color_mapping is None:
        colors = _color_palette(num_classes)
    else:
        colors = [color_mapping[i] for i in range(num_classes)]
    classes = masks[..., 0]
    painted = pixels.copy()
    for c, color in enumerate(colors):
        painted[classes == c] = np.asarray(color, dtype="float32")
    if not blend:
        return painted
    out = pixels * (1 - alpha) + painted * alpha
    out = np.where((classes != ignore_index)[..., None], out, pixels)
    return out.astype("uint8")


def _color_palette(num_classes: int) -> list[list[int]]:
    palette = np.array([2**25 - 1, 2**15 - 1, 2**21 - 1])
    return [((i * palette) % 255).tolist() for i in range(num_classes)]
