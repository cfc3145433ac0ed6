"""``keras.preprocessing.image_dataset_from_directory``: a labelled image dataset from a folder tree."""

from __future__ import annotations

from typing import Any

import numpy as np

from tensorflux.data import Dataset
from tensorflux.data.spec import TensorSpec
from tensorflux.keras.preprocessing import _directory as D
from tensorflux.keras.preprocessing.image import _data_format, _pil_image, smart_resize

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}
_PIL_MODES = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}
_INTERPOLATIONS = (
    "bilinear",
    "nearest",
    "bicubic",
    "area",
    "lanczos3",
    "lanczos5",
    "gaussian",
    "mitchellcubic",
)


def image_dataset_from_directory(
    directory: str,
    labels: Any = "inferred",
    label_mode: str | None = "int",
    class_names: Any = None,
    color_mode: str = "rgb",
    batch_size: int | None = 32,
    image_size: tuple[int, int] = (256, 256),
    shuffle: bool = True,
    seed: int | None = None,
    validation_split: float | None = None,
    subset: str | None = None,
    interpolation: str = "bilinear",
    follow_links: bool = False,
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
    data_format: str | None = None,
    format: str = "tf",  # noqa: A002
    verbose: bool = True,
) -> Any:
    """A ``tf.data.Dataset`` of the images (bmp, gif, jpeg, png) under ``directory``, resized to
    ``image_size``; decoding needs Pillow (``pip install pillow``).

    With ``labels="inferred"`` the layout ``directory/<class>/.../<image>`` gives one class per
    subdirectory, in alphabetical order (or the order of ``class_names``).

    Args:
        directory: folder holding the data.
        labels: ``"inferred"``, ``None`` (images only), or a list/tuple of integer labels, one per
            file in the alphanumeric order of the file paths.
        label_mode: ``"int"``, ``"categorical"``, ``"binary"`` or ``None`` (see
            ``text_dataset_from_directory``).
        class_names: order of the classes (only with ``labels="inferred"``).
        color_mode: ``"grayscale"``, ``"rgb"`` or ``"rgba"`` (1, 3 or 4 channels).
        batch_size: images per batch; ``None`` for unbatched elements.
        image_size: ``(height, width)`` every image is resized to.
        shuffle: shuffle the files (and the dataset each pass); otherwise alphanumeric order.
        seed: seed of the shuffles (required with ``validation_split`` and ``shuffle``).
        validation_split: fraction of the files kept for validation.
        subset: ``"training"``, ``"validation"`` or ``"both"`` (then a list of two datasets).
        interpolation: resize method of ``tf.image.resize``.
        follow_links: follow symbolic links to subdirectories.
        crop_to_aspect_ratio: crop the center to the target aspect ratio before resizing.
        pad_to_aspect_ratio: pad (with zeros) to the target aspect ratio before resizing.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the Keras config).
        format: ``"tf"``, the only format this framework has (a ``tf.data.Dataset``).
        verbose: print how many files and classes were found.

    Returns:
        A dataset of ``(images, labels)`` batches of float32 images with values in ``[0, 255]``
        (images only when there are no labels). ``dataset.class_names`` lists the classes.

    >>> ds = image_dataset_from_directory("photos/", image_size=(64, 64), seed=1)  # doctest: +SKIP
    """
    op = "image_dataset_from_directory"
    if format != "tf":
        raise ValueError(f'{op}: `format` must be "tf" in tensorflux. Received: format={format!r}')
    D.check_common_args(op, labels, label_mode, class_names, shuffle, seed, validation_split, subset)
    if color_mode not in _CHANNELS:
        raise ValueError(
            f'{op}: `color_mode` must be one of {{"rgb", "rgba", "grayscale"}}. '
            f"Received: color_mode={color_mode!r}"
        )
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(
            f"{op}: `interpolation` must be one of {_INTERPOLATIONS}. Received: {interpolation!r}"
        )
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(
            f"{op}: only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be set to `True`."
        )
    size = tuple(int(s) for s in image_size)
    if len(size) != 2:
        raise ValueError(f"{op}: `image_size` must be (height, width). Received: image_size={image_size!r}")
    data_format = _data_format(data_format)
    image = _pil_image(op)
    formats = ALLOWLIST_FORMATS
    paths, label_arr, class_names, label_mode, seed = D.labeled_files(
        op, directory, labels, label_mode, formats, class_names, shuffle, seed, follow_links, verbose
    )
    if not paths:
        raise ValueError(
            f"{op}: no images found in directory {directory}. Allowed formats: {ALLOWLIST_FORMATS}"
        )
    channels = _CHANNELS[color_mode]

    def load(path: str) -> Any:
        with image.open(path) as img:
            img = img.convert(_PIL_MODES[color_mode])
            x = np.asarray(img, dtype=np.float32)
        if x.ndim == 2:
            x = x[:, :, None]
        if crop_to_aspect_ratio or pad_to_aspect_ratio:
            x = smart_resize(x, size, interpolation, pad_to_aspect_ratio=pad_to_aspect_ratio)
        elif x.shape[:2] != size:
            x = _resize(x)
        x = np.asarray(x, np.float32)
        return x.transpose(2, 0, 1) if data_format == "channels_first" else x

    def _resize(x: np.ndarray) -> np.ndarray:
        from tensorflux.image import resize

        return resize(x, size, method=interpolation).numpy()

    shape = (channels, *size) if data_format == "channels_first" else (*size, channels)

    def make(part_paths: list[str], part_labels: Any) -> Dataset:
        y = None
        if label_mode is not None and part_labels is not None:
            y = D.encode_labels(part_labels, label_mode, len(class_names), op)
        return D.FileDataset(part_paths, y, load, TensorSpec(shape, np.float32))

    parts = D.split(paths, label_arr, validation_split, subset, verbose)
    return D.finish(parts, make, batch_size, shuffle, seed, class_names)
