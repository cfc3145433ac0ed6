"""``keras.preprocessing.text_dataset_from_directory``: a labelled text dataset from a folder tree."""

from __future__ import annotations

from typing import Any

import numpy as np

from tensorflux.data import Dataset
from tensorflux.data.spec import TensorSpec
from tensorflux.keras.preprocessing import _directory as D


def text_dataset_from_directory(
    directory: str,
    labels: Any = "inferred",
    label_mode: str | None = "int",
    class_names: Any = None,
    batch_size: int | None = 32,
    max_length: int | None = None,
    shuffle: bool = True,
    seed: int | None = None,
    validation_split: float | None = None,
    subset: str | None = None,
    follow_links: bool = False,
    format: str = "tf",  # noqa: A002
    verbose: bool = True,
) -> Any:
    """A ``tf.data.Dataset`` of the ``.txt`` files under ``directory`` (and their labels).

    With ``labels="inferred"`` the layout ``directory/<class>/.../<file>.txt`` gives one class per
    subdirectory, in alphabetical order (or the order of ``class_names``).

    Args:
        directory: folder holding the data.
        labels: ``"inferred"``, ``None`` (texts only), or a list/tuple of integer labels, one per file
            in the alphanumeric order of the file paths.
        label_mode: ``"int"`` (int32 indices), ``"categorical"`` (float32 one-hot), ``"binary"``
            (float32 0/1 of shape ``(1,)``; exactly two classes), or ``None`` (no labels).
        class_names: order of the classes (only with ``labels="inferred"``).
        batch_size: texts per batch; ``None`` for unbatched elements.
        max_length: keep at most this many characters of each text.
        shuffle: shuffle the files (and the dataset each pass); otherwise alphanumeric order.
        seed: seed of the shuffles (required with ``validation_split`` and ``shuffle``).
        validation_split: fraction of the files kept for validation.
        subset: ``"training"``, ``"validation"`` or ``"both"`` (then a list of two datasets).
        follow_links: follow symbolic links to subdirectories.
        format: ``"tf"``, the only format this framework has (a ``tf.data.Dataset``).
        verbose: print how many files and classes were found.

    Returns:
        A dataset of ``(texts, labels)`` batches (texts only when there are no labels); texts are
        string arrays. ``dataset.class_names`` lists the classes.

    >>> ds = text_dataset_from_directory("reviews/", batch_size=2, seed=1)  # doctest: +SKIP
    """
    op = "text_dataset_from_directory"
    if format != "tf":
        raise ValueError(f'{op}: `format` must be "tf" in tensorflux. Received: format={format!r}')
    D.check_common_args(op, labels, label_mode, class_names, shuffle, seed, validation_split, subset)
    paths, label_arr, class_names, label_mode, seed = D.labeled_files(
        op, directory, labels, label_mode, (".txt",), class_names, shuffle, seed, follow_links, verbose
    )
    if not paths:
        raise ValueError(f"{op}: no text files found in directory {directory}. Allowed format: .txt")

    def load(path: str) -> Any:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        return np.asarray(text if max_length is None else text[:max_length])

    def make(part_paths: list[str], part_labels: Any) -> Dataset:
        y = None
        if label_mode is not None and part_labels is not None:
            y = D.encode_labels(part_labels, label_mode, len(class_names), op)
        return D.FileDataset(part_paths, y, load, TensorSpec((), np.dtype(str)))

    parts = D.split(paths, label_arr, validation_split, subset, verbose)
    return D.finish(parts, make, batch_size, shuffle, seed, class_names)
