"""``plot_image_gallery``: a grid of images (with optional labels) plotted with matplotlib."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tensorflux.keras.visualization._util import data_format_or_default, optional_module, to_numpy

_MPL_MISSING = (
    "The `plot_image_gallery` function requires the `matplotlib` package. "
    "Please install it with `pip install matplotlib`."
)


def plot_image_gallery(
    images: Any,
    y_true: Any = None,
    y_pred: Any = None,
    label_map: dict[Any, str] | None = None,
    rows: int | None = None,
    cols: int | None = None,
    value_range: tuple[float, float] = (0, 255),
    scale: float = 2,
    path: str | None = None,
    show: bool | None = None,
    transparent: bool = True,
    dpi: int = 60,
    legend_handles: Any = None,
    data_format: str | None = None,
) -> None:
    """Plot a ``rows`` x ``cols`` grid of ``images`` (needs matplotlib), shown or saved to ``path``.

    Args:
        images: A batch of images, ``(batch, height, width, channels)``.
        y_true: Class indices shown as "Label: name" titles (needs ``label_map``).
        y_pred: Class indices shown as "Pred: name" titles (needs ``label_map``).
        label_map: Class index to name.
        rows: Grid rows; defaults to ``ceil(sqrt(batch))``.
        cols: Grid columns; defaults to ``batch // rows``.
        value_range: The images' value range, mapped to [0, 255] for display.
        scale: Inches per grid cell.
        path: Save the figure here instead of showing it.
        show: Show the figure (default: when ``path`` is None).
        transparent: Save with a transparent background.
        dpi: Resolution of the saved figure.
        legend_handles: matplotlib legend handles drawn below the grid.
        data_format: ``"channels_last"`` or ``"channels_first"``; defaults to the Keras config.

    >>> plot_image_gallery(np.zeros((4, 8, 8, 3)), path="gallery.png")  # doctest: +SKIP
    """
    plt = optional_module("matplotlib.pyplot")
    if plt is None:
        raise ImportError(_MPL_MISSING)
    if path is not None and show:
        raise ValueError("plot_gallery() expects either `path` to be set, or `show` to be true.")
    if (y_true is not None or y_pred is not None) and label_map is None:
        raise ValueError("If `y_true` or `y_pred` are provided, a `label_map` must also be provided.")
    show = show if show is not None else path is None
    data_format = data_format_or_default(data_format)
    pixels = to_numpy(images)
    if pixels.ndim != 4:
        raise ValueError("`plot_images_gallery()` requires you to batch your `np.array` samples together.")
    batch_size = pixels.shape[0]
    rows = rows or int(math.ceil(math.sqrt(batch_size)))
    cols = cols or int(math.ceil(batch_size // rows))
    pixels = pixels[: min(rows * cols, batch_size)]
    if data_format == "channels_first":
        pixels = np.transpose(pixels, (0, 2, 3, 1))
    pixels = _to_0_255(pixels, value_range)
    fig, axes = plt.subplots(
        nrows=rows,
        ncols=cols,
        figsize=(cols * scale, rows * scale),
        frameon=False,
        layout="tight",
        squeeze=True,
        sharex="row",
        sharey="col",
    )
    fig.subplots_adjust(wspace=0, hspace=0)
    if isinstance(axes, np.ndarray) and axes.ndim == 1:
        axes = np.expand_dims(axes, 0 if rows == 1 else -1)
    if legend_handles is not None:
        fig.legend(handles=legend_handles, loc="lower center")
    y_true = None if y_true is None else to_numpy(y_true)
    y_pred = None if y_pred is None else to_numpy(y_pred)
    for row in range(rows):
        for col in range(cols):
            index = row * cols + col
            axis = axes[row, col] if isinstance(axes, np.ndarray) else axes
            axis.imshow(pixels[index].astype("uint8"))
            axis.margins(x=0, y=0)
            axis.axis("off")
            title = []
            if y_true is not None and index < len(y_true):
                title.append(f"Label: {label_map.get(y_true[index], 'Unknown')}")  # type: ignore[union-attr]
            if y_pred is not None and index < len(y_pred):
                title.append(f"Pred: {label_map.get(y_pred[index], 'Unknown')}")  # type: ignore[union-attr]
            if title:
                axis.set_title("  ".join(title), fontsize=8)
    if path is not None:
        plt.savefig(fname=path, pad_inches=0, bbox_inches="tight", transparent=transparent, dpi=dpi)
        plt.close()
    elif show:
        plt.show()
        plt.close()


def _to_0_255(pixels: np.ndarray, value_range: tuple[float, float]) -> np.ndarray:
    lo, hi = value_range
    if (lo, hi) == (0, 255):
        return pixels
    pixels = pixels.astype("float32")
    return (pixels - np.float32(lo)) / (np.float32(hi) - np.float32(lo)) * np.float32(255)
