"""``draw_bounding_boxes``: boxes (and optional class labels) drawn on a batch of images."""

from __future__ import annotations

from typing import Any

import numpy as np

from tensorflux.keras.visualization._util import (
    check_batched,
    data_format_or_default,
    optional_module,
    to_numpy,
)

_CV2_MISSING = (
    "The `draw_bounding_boxes` function requires the `cv2` package  (OpenCV). "
    "Please install it with `pip install opencv-python`."
)


def draw_bounding_boxes(
    images: Any,
    bounding_boxes: dict[str, Any],
    bounding_box_format: str,
    class_mapping: dict[int, str] | None = None,
    color: Any = (128, 128, 128),
    line_thickness: int = 2,
    text_thickness: int = 1,
    font_scale: float = 1.0,
    data_format: str | None = None,
) -> np.ndarray:
    """Draw the boxes of ``bounding_boxes`` on ``images`` and return the uint8 images.

    Float images in [0, 1] are scaled to [0, 255], other float images clipped to it. Boxes with
    label -1 are skipped. With OpenCV (``cv2``) installed, boxes and labels are drawn by OpenCV
    exactly as Keras draws them; without it boxes are drawn here as bands of ``line_thickness``
    pixels centred on each edge (OpenCV rounds thick corners), and class labels, which need
    OpenCV's fonts, raise ImportError.

    Args:
        images: A batch of images, ``(batch, height, width, channels)``.
        bounding_boxes: A dict with ``"boxes"`` ``(batch, num_boxes, 4)``, ``"labels"``
            ``(batch, num_boxes)`` and optionally ``"confidences"``.
        bounding_box_format: The boxes' format (``"xyxy"``, ``"yxyx"``, ``"xywh"``, ``"rel_xyxy"``, ...).
        class_mapping: Class id to label text, drawn above each box (needs OpenCV).
        color: RGB color of boxes and labels.
        line_thickness: Box line thickness in pixels (negative: filled box).
        text_thickness: Label stroke thickness.
        font_scale: Label font scale.
        data_format: ``"channels_last"`` or ``"channels_first"``; defaults to the Keras config.

    Returns:
        A uint8 NumPy array shaped like ``images``.

    >>> images = np.zeros((1, 6, 6, 3), "uint8")
    >>> out = draw_bounding_boxes(images, {"boxes": [[[1, 1, 4, 4]]], "labels": [[0]]}, "xyxy",
    ...                           color=(255, 0, 0), line_thickness=1)
    >>> out[0, 1, 1:5, 0].tolist()
    [255, 255, 255, 255]
    """
    from tensorflux.keras.utils.bounding_boxes import convert_format

    cv2 = optional_module("cv2")
    class_mapping = class_mapping or {}
    text_thickness = text_thickness or line_thickness
    data_format = data_format_or_default(data_format)
    shape = check_batched(images)
    if not isinstance(bounding_boxes, dict):
        raise TypeError(
            "`bounding_boxes` should be a dict. "
            f"Received: bounding_boxes={bounding_boxes} of type {type(bounding_boxes)}"
        )
    if "boxes" not in bounding_boxes or "labels" not in bounding_boxes:
        raise ValueError(
            "`bounding_boxes` should be a dict containing 'boxes' and "
            f"'labels' keys. Received: bounding_boxes={bounding_boxes}"
        )
    h_axis, w_axis = (-3, -2) if data_format == "channels_last" else (-2, -1)
    height, width = shape[h_axis], shape[w_axis]
    converted = convert_format(dict(bounding_boxes), bounding_box_format, "xyxy", height, width)
    pixels = to_numpy(images)
    if pixels.dtype.kind == "f" and pixels.size > 0:
        pixels = np.clip(pixels, 0, 1) * 255 if pixels.max() <= 1.0 else np.clip(pixels, 0, 255)
    pixels = pixels.astype("uint8")
    boxes = to_numpy(converted["boxes"])
    labels = to_numpy(converted["labels"])
    confidences = to_numpy(converted["confidences"]) if "confidences" in converted else None
    if cv2 is None and any(int(c) in class_mapping for c in labels.reshape(-1)):
        raise ImportError(_CV2_MISSING)
    result = []
    for i in range(pixels.shape[0]):
        image = pixels[i]
        for j in range(boxes[i].shape[0]):
            x1, y1, x2, y2 = (int(v) for v in boxes[i][j].astype("int32"))
            c = int(labels[i][j].astype("int32"))
            if c == -1:
                continue
            if cv2 is not None:
                cv2.rectangle(image, (x1, y1), (x2, y2), color, line_thickness)
            else:
                _rectangle(image, x1, y1, x2, y2, color, line_thickness)
            if c in class_mapping:
                text = class_mapping[c]
                if confidences is not None:
                    text = f"{text} | {confidences[i][j]:.2f}"
                cv2.putText(
                    img=image,
                    text=text,
                    org=_text_origin(x1, y1, font_scale, text_thickness),
                    fontFace=cv2.FONT_HERSHEY_SIMPLEX,
                    fontScale=font_scale,
                    color=color,
                    thickness=text_thickness,
                )
        result.append(image)
    return np.stack(result, axis=0)


def _rectangle(image: np.ndarray, x1: int, y1: int, x2: int, y2: int, color: Any, thickness: int) -> None:
    """Draw an axis-aligned rectangle in place (HWC image), clipped to the image."""
    h, w = image.shape[:2]
    value = np.asarray(color, dtype=image.dtype)[: image.shape[-1]]
    x1, x2 = min(x1, x2), max(x1, x2)
    y1, y2 = min(y1, y2), max(y1, y2)

    def fill(r0: int, r1: int, c0: int, c1: int) -> None:  # inclusive bounds
        r0, r1, c0, c1 = max(r0, 0), min(r1, h - 1), max(c0, 0), min(c1, w - 1)
        if r0 <= r1 and c0 <= c1:
            image[r0 : r1 + 1, c0 : c1 + 1] = value

    if thickness < 0:
        fill(y1, y2, x1, x2)
        return
    lo, hi = (thickness - 1) // 2, thickness // 2  # a band of `thickness` pixels around each edge
    fill(y1 - lo, y1 + hi, x1 - lo, x2 + hi)
    fill(y2 - lo, y2 + hi, x1 - lo, x2 + hi)
    fill(y1 - lo, y2 + hi, x1 - lo, x1 + hi)
    fill(y1 - lo, y2 + hi, x2 - lo, x2 + hi)


def _text_origin(x: int, y: int, font_scale: float, thickness: int) -> tuple[int, int]:
    # Above the box when there is room for the text, else just inside its top-left corner.
    font_height = int(font_scale * 12)
    if y - 8 - 2 * font_height > 0:
        return x, y - 8
    return x + 3, y + 2 * font_height + thickness + 3
