"""Shared pieces of ``*_dataset_from_directory``: listing files, labels, the split, a lazy file dataset."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np

from tensorflux.data import Dataset
from tensorflux.data.dataset import _RandomAccess
from tensorflux.data.spec import TensorSpec

_LABEL_MODES = ("int", "categorical", "binary", None)


def check_common_args(
    op: str,
    labels: Any,
    label_mode: Any,
    class_names: Any,
    shuffle: bool,
    seed: Any,
    validation_split: Any,
    subset: Any,
) -> None:
    """The argument checks both directory loaders share, with Keras' messages."""
    if labels not in ("inferred", None) and not isinstance(labels, (list, tuple)):
        raise ValueError(
            f"{op}: the `labels` argument should be a list/tuple of integer labels, of the same size as "
            "the number of files in the target directory. If you wish to infer the labels from the "
            'subdirectory names in the target directory, pass `labels="inferred"`. If you wish to get a '
            "dataset that only contains the files (no labels), pass `labels=None`. "
            f"Received: labels={labels!r}"
        )
    if class_names is not None and labels != "inferred":
        raise ValueError(
            f'{op}: you can only pass `class_names` if `labels="inferred"`. Received: labels={labels!r}, '
            f"and class_names={class_names!r}"
        )
    if label_mode not in _LABEL_MODES:
        raise ValueError(
            f'{op}: `label_mode` argument must be one of "int", "categorical", "binary", or None. '
            f"Received: label_mode={label_mode!r}"
        )
    if validation_split is not None and not 0 < float(validation_split) < 1:
        raise ValueError(f"{op}: `validation_split` must be between 0 and 1, received: {validation_split}")
    if (validation_split is None) != (subset is None):
        raise ValueError(
            f"{op}: if `subset` is set, `validation_split` must be set, and inversely. "
            f"Received: validation_split={validation_split!r}, subset={subset!r}"
        )
    if subset not in ("training", "validation", "both", None):
        raise ValueError(
            f'{op}: `subset` must be either "training", "validation" or "both". Received: subset={subset!r}'
        )
    if validation_split and shuffle and seed is None:
        raise ValueError(
            f"{op}: if using `validation_split` and shuffling the data, you must provide a `seed` argument, "
            "to make sure that there is no overlap between the training and validation subset."
        )


def index_directory(
    op: str,
    directory: str,
    labels: Any,
    formats: tuple[str, ...],
    class_names: Any,
    shuffle: bool,
    seed: int | None,
    follow_links: bool,
) -> tuple[list[str], np.ndarray | None, list[str]]:
    """The files under ``directory`` with an allowed extension, their integer labels and the class names.

    With ``labels="inferred"`` each subdirectory is a class (alphabetical order unless
    ``class_names`` gives it) and its files, at any depth, are that class; files directly in
    ``directory`` are skipped. Otherwise every file under ``directory`` is listed, sorted by path.
    """
    if not os.path.isdir(directory):
        raise ValueError(f"{op}: `directory` {directory!r} does not exist or is not a directory.")
    if labels == "inferred":
        subdirs = sorted(d for d in os.listdir(directory) if os.path.isdir(os.path.join(directory, d)))
        if class_names is not None:
            class_names = list(class_names)
            if sorted(class_names) != subdirs:
                raise ValueError(
                    f"{op}: the `class_names` passed did not match the names of the subdirectories of the "
                    f"target directory. Expected: {subdirs} (or a permutation of it), but received: "
                    f"class_names={class_names}"
                )
        else:
            class_names = subdirs
        roots = [(os.path.join(directory, c), i) for i, c in enumerate(class_names)]
    else:
        class_names = []
        roots = [(directory, 0)]
    paths: list[str] = []
    label_list: list[int] = []
    for root, label in roots:
        found = []
        for dirpath, dirnames, filenames in os.walk(root, followlinks=follow_links):
            dirnames.sort()
            found.extend(os.path.join(dirpath, f) for f in sorted(filenames) if f.lower().endswith(formats))
        found.sort()
        paths.extend(found)
        label_list.extend([label] * len(found))
    out_labels: np.ndarray | None = None
    if labels == "inferred":
        out_labels = np.asarray(label_list, np.int32)
    elif labels is not None:
        out_labels = np.asarray(labels)
        if len(out_labels) != len(paths):
            raise ValueError(
                f"{op}: expected the lengths of `labels` to match the number of files in the target "
                f"directory. len(labels) is {len(out_labels)} while we found {len(paths)} files in "
                f"directory {directory}."
            )
    if shuffle:
        if seed is None:
            seed = int(np.random.randint(1_000_000))
        order = np.random.RandomState(seed).permutation(len(paths))
        paths = [paths[i] for i in order]
        if out_labels is not None:
            out_labels = out_labels[order]
    return paths, out_labels, class_names


def labeled_files(
    op: str,
    directory: str,
    labels: Any,
    label_mode: Any,
    formats: tuple[str, ...],
    class_names: Any,
    shuffle: bool,
    seed: int | None,
    follow_links: bool,
    verbose: bool,
) -> tuple[list[str], np.ndarray | None, list[str], Any, int | None]:
    """The steps every ``*_dataset_from_directory`` shares after checking its own arguments:
    ``(paths, labels or None, class_names, label_mode, seed)`` (:func:`index_directory`), with
    ``label_mode`` None when there are no labels and a drawn seed when shuffling without one."""
    if labels is None or label_mode is None:
        labels, label_mode = None, None  # as Keras: no labels at all, every file under `directory`
    if seed is None and shuffle:
        seed = int(np.random.randint(1_000_000))
    paths, label_arr, class_names = index_directory(
        op, directory, labels, formats, class_names, shuffle, seed, follow_links
    )
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(
            f'{op}: when passing `label_mode="binary"`, there must be exactly 2 class_names. '
            f"Received: class_names={class_names}"
        )
    if verbose:
        print(f"Found {len(paths)} files belonging to {len(class_names)} classes.")  # noqa: T201
    return paths, label_arr, class_names, label_mode, seed


def split(
    paths: list[str], labels: np.ndarray | None, validation_split: Any, subset: str | None, verbose: bool
) -> list[tuple[list[str], np.ndarray | None]]:
    """The training and/or validation part (the last ``validation_split`` of the files is validation)."""
    if not validation_split:
        return [(paths, labels)]
    n_val = int(float(validation_split) * len(paths))
    cut = len(paths) - n_val
    parts = {
        "training": (paths[:cut], None if labels is None else labels[:cut]),
        "validation": (paths[cut:], None if labels is None else labels[cut:]),
    }
    names = ["training", "validation"] if subset == "both" else [subset]
    for name in names:
        if verbose:
            print(f"Using {len(parts[name][0])} files for {name}.")  # noqa: T201
    return [parts[name] for name in names]  # type: ignore[index]


def encode_labels(labels: np.ndarray, label_mode: str, num_classes: int, op: str) -> np.ndarray:
    """Labels in ``label_mode``: int32 indices, float32 one-hot rows, or float32 ``(n, 1)`` for binary."""
    if label_mode == "int":
        return labels.astype(np.int32)
    if label_mode == "binary":
        return labels.astype(np.float32).reshape(-1, 1)
    num_classes = max(num_classes, int(labels.max()) + 1 if len(labels) else 0)
    return np.eye(num_classes, dtype=np.float32)[labels.astype(np.int64)]


class FileDataset(Dataset):
    """Files loaded on demand by ``load(path)`` (and their labels): random access, so shuffling and
    batching fetch whole batches at once without reading files ahead."""

    def __init__(self, paths: list[str], labels: np.ndarray | None, load: Callable[[str], Any], spec: Any):
        super().__init__()
        self._paths, self._labels, self._load, self._spec = paths, labels, load, spec

    def _cardinality(self) -> int:
        return len(self._paths)

    def _compute_spec(self) -> Any:
        if self._labels is None:
            return self._spec
        return (self._spec, TensorSpec(self._labels.shape[1:], self._labels.dtype))

    def _has_random_access(self) -> bool:
        return True

    def _take(self, key: Any) -> Any:
        if isinstance(key, (int, np.integer)):
            x = np.asarray(self._load(self._paths[key]))
        else:
            idx = range(len(self._paths))[key] if isinstance(key, slice) else np.asarray(key).tolist()
            x = np.stack([np.asarray(self._load(self._paths[i])) for i in idx])
            key = np.asarray(list(idx), np.int64)
        return x if self._labels is None else (x, self._labels[key])

    def _random_access(self) -> _RandomAccess:
        return _RandomAccess(len(self._paths), self._take)


def finish(
    parts: list[tuple[list[str], np.ndarray | None]],
    make: Callable[[list[str], np.ndarray | None], Dataset],
    batch_size: int | None,
    shuffle: bool,
    seed: int | None,
    class_names: list[str],
) -> Any:
    """Shuffle/batch each part as Keras does and attach ``class_names`` and ``file_paths``."""
    out = []
    for paths, labels in parts:
        ds = make(paths, labels)
        if shuffle:
            ds = ds.shuffle(buffer_size=1024 if batch_size is None else batch_size * 8, seed=seed)
        if batch_size is not None:
            ds = ds.batch(batch_size)
        ds.class_names = class_names
        ds.file_paths = paths
        out.append(ds)
    return out if len(out) > 1 else out[0]
