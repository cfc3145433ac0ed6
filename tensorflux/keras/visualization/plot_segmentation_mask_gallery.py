"""``plot_segmentation_mask_gallery``: each image beside its drawn true/predicted masks, as a gallery."""

from __future__ import annotations

from typing import Any

import numpy as np

from tensorflux.keras.visualization._util import check_batched, data_format_or_default, to_numpy
from tensorflux.keras.visualization.draw_segmentation_masks import draw_segmentation_masks
from tensorflux.keras.visualization.plot_image_gallery import plot_image_gallery


def plot_segmentation_mask_gallery(
    images: Any,
    num_classes: int,
    value_range: tuple[float, float] = (0, 255),
    y_true: Any = None,
    y_pred: Any = None,
    color_mapping: dict[int, Any] | None = None,
    blend: bool = True,
    alpha: float = 0.8,
    ignore_index: int = -1,
    data_format: str | None = None,
    **kwargs: Any,
) -> None:
    """Plot one row per image: the image, then its ``y_true`` and ``y_pred`` masks drawn on it.

    Needs matplotlib (through ``plot_image_gallery``).

    Args:
        images: A batch of images, ``(batch, height, width, channels)``.
        num_classes: Number of classes painted (see ``draw_segmentation_masks``).
        value_range: The images' value range.
        y_true: Ground-truth masks, ``(batch, height, width, 1)``.
        y_pred: Predicted masks, shaped like ``y_true``.
        color_mapping: Class index to RGB color.
        blend: Blend masks with the images using ``alpha``.
        alpha: Opacity of the masks.
        ignore_index: Mask value left unpainted.
        data_format: ``"channels_last"`` or ``"channels_first"``; defaults to the Keras config.
        **kwargs: Passed to ``plot_image_gallery``.

    >>> plot_segmentation_mask_gallery(images, 3, y_true=masks, path="masks.png")  # doctest: +SKIP
    """
    data_format = data_format_or_default(data_format)
    batch_size = check_batched(images)[0]
    pixels = to_numpy(images)
    if data_format == "channels_first":
        pixels = np.transpose(pixels, (0, 2, 3, 1))

    def draw(masks: Any) -> np.ndarray:
        masks = to_numpy(masks)
        if data_format == "channels_first":
            masks = np.transpose(masks, (0, 2, 3, 1))
        return draw_segmentation_masks(
            pixels,
            masks.astype("int32"),
            num_classes=num_classes,
            color_mapping=color_mapping,
            alpha=alpha,
            blend=blend,
            ignore_index=ignore_index,
            data_format="channels_last",
        )

    drawn = [draw(m) for m in (y_true, y_pred) if m is not None]
    tiles = []
    for i in range(batch_size):
        tiles.append(pixels[i])
        tiles.extend(d[i] for d in drawn)
    gallery = np.stack(tiles, axis=0)
    return plot_image_gallery(
        gallery, value_range=value_range, rows=batch_size, cols=1 + len(drawn), **kwargs
    )
