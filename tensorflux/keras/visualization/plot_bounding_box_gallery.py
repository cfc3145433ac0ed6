"""``plot_bounding_box_gallery``: ground-truth and predicted boxes drawn, then plotted as a gallery."""

from __future__ import annotations

from typing import Any

import numpy as np

from tensorflux.keras.visualization._util import (
    check_batched,
    data_format_or_default,
    optional_module,
    to_numpy,
)
from tensorflux.keras.visualization.draw_bounding_boxes import draw_bounding_boxes
from tensorflux.keras.visualization.plot_image_gallery import plot_image_gallery

_MPL_MISSING = (
    "The `plot_bounding_box_gallery` function requires the  `matplotlib` package. "
    "Please install it with  `pip install matplotlib`."
)


def plot_bounding_box_gallery(
    images: Any,
    bounding_box_format: str,
    y_true: dict[str, Any] | None = None,
    y_pred: dict[str, Any] | None = None,
    value_range: tuple[float, float] = (0, 255),
    true_color: Any = (0, 188, 212),
    pred_color: Any = (255, 235, 59),
    line_thickness: int = 2,
    font_scale: float = 1.0,
    text_thickness: int | None = None,
    class_mapping: dict[int, str] | None = None,
    ground_truth_mapping: dict[int, str] | None = None,
    prediction_mapping: dict[int, str] | None = None,
    legend: bool = False,
    legend_handles: Any = None,
    rows: int | None = None,
    cols: int | None = None,
    data_format: str | None = None,
    **kwargs: Any,
) -> None:
    """Draw ``y_true`` and ``y_pred`` boxes on ``images`` and plot them (needs matplotlib).

    Args:
        images: A batch of images, ``(batch, height, width, channels)``.
        bounding_box_format: The boxes' format (see ``draw_bounding_boxes``).
        y_true: Ground-truth boxes, a dict as ``draw_bounding_boxes`` takes.
        y_pred: Predicted boxes, a dict as ``draw_bounding_boxes`` takes.
        value_range: The images' value range.
        true_color: RGB color of ground-truth boxes.
        pred_color: RGB color of predicted boxes.
        line_thickness: Box line thickness.
        font_scale: Label font scale.
        text_thickness: Label thickness; defaults to ``line_thickness``.
        class_mapping: Class id to name for both kinds of boxes.
        ground_truth_mapping: Overrides ``class_mapping`` for ground-truth boxes.
        prediction_mapping: Overrides ``class_mapping`` for predicted boxes.
        legend: Add a "Ground Truth" / "Prediction" legend.
        legend_handles: matplotlib legend handles (not together with ``legend``).
        rows: Grid rows.
        cols: Grid columns.
        data_format: ``"channels_last"`` or ``"channels_first"``; defaults to the Keras config.
        **kwargs: Passed to ``plot_image_gallery``.

    >>> plot_bounding_box_gallery(images, "xyxy", y_true=boxes, path="boxes.png")  # doctest: +SKIP
    """
    patches = optional_module("matplotlib.patches")
    if patches is None:
        raise ImportError(_MPL_MISSING)
    prediction_mapping = prediction_mapping or class_mapping
    ground_truth_mapping = ground_truth_mapping or class_mapping
    data_format = data_format_or_default(data_format)
    check_batched(images)
    pixels = to_numpy(images)
    if data_format == "channels_first":
        pixels = np.transpose(pixels, (0, 2, 3, 1))

    def draw(batch: Any, boxes: dict[str, Any], color: Any, mapping: Any) -> np.ndarray:
        return draw_bounding_boxes(
            batch,
            boxes,
            bounding_box_format=bounding_box_format,
            class_mapping=mapping,
            color=color,
            line_thickness=line_thickness,
            text_thickness=text_thickness,  # type: ignore[arg-type]
            font_scale=font_scale,
        )

    if y_true is not None:
        pixels = draw(pixels, y_true, true_color, ground_truth_mapping)
    if y_pred is not None:
        pixels = draw(pixels, y_pred, pred_color, prediction_mapping)
    if legend:
        if legend_handles:
            raise ValueError(
                "Only pass `legend` OR `legend_handles` to `keras.visualization.plot_bounding_box_gallery()`."
            )
        legend_handles = [
            patches.Patch(color=np.array(true_color) / 255.0, label="Ground Truth"),
            patches.Patch(color=np.array(pred_color) / 255.0, label="Prediction"),
        ]
    return plot_image_gallery(
        pixels, value_range=value_range, legend_handles=legend_handles, rows=rows, cols=cols, **kwargs
    )
