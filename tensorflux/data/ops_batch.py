"""Batching: batch, padded_batch, unbatch."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from tensorflux.data import _nest
from tensorflux.data.dataset import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset
from tensorflux.data.spec import TensorSpec


def _check_batch_size(batch_size: Any) -> int:
    b = int(batch_size)
    if b != batch_size or b <= 0:
        raise ValueError(f"`batch_size` must be a positive integer; received batch_size={batch_size!r}.")
    return b


def _batched_cardinality(n: int, b: int, drop_remainder: bool) -> int:
    if n < 0:
        return n
    return n // b if drop_remainder else -(-n // b)


def _batched_spec(spec: Any, b: int, drop_remainder: bool) -> Any:
    dim = b if drop_remainder else None
    return _nest.map_structure(
        lambda s: TensorSpec(None if s.shape is None else (dim, *s.shape), s.dtype), spec
    )


def _close(it: Any) -> None:
    close = getattr(it, "close", None)
    if close is not None:
        close()


def _chunks(it: Iterator[Any], b: int, drop_remainder: bool) -> Iterator[list[Any]]:
    """Lists of ``b`` consecutive elements from ``it`` (the last one shorter unless dropped)."""
    try:
        buf: list[Any] = []
        for element in it:
            buf.append(element)
            if len(buf) == b:
                yield buf
                buf = []
        if buf and not drop_remainder:
            yield buf
    finally:
        _close(it)


def stack_elements(elements: list[Any]) -> Any:
    """Stack a list of element structures leaf by leaf along a new axis 0."""
    if isinstance(elements[0], np.ndarray):
        columns: list[Any] = [elements]
    else:
        columns = list(zip(*[_nest.flatten(e) for e in elements]))
    out = []
    for c, column in enumerate(columns):
        first = column[0].shape
        for i, a in enumerate(column):
            if a.shape != first:
                raise ValueError(
                    f"Cannot batch tensors with different shapes in component {c}. First element had "
                    f"shape {list(first)} and element {i} had shape {list(a.shape)}. Use "
                    "`padded_batch` to pad them to a common shape."
                )
        out.append(np.stack(column))
    return out[0] if isinstance(elements[0], np.ndarray) else _nest.pack_as(elements[0], out)


class BatchDataset(Dataset):
    """Consecutive elements stacked into batches."""

    def __init__(self, input_dataset: Dataset, batch_size: int, drop_remainder: bool) -> None:
        super().__init__((input_dataset,))
        self._input = input_dataset
        self._batch_size = _check_batch_size(batch_size)
        self._drop_remainder = bool(drop_remainder)

    def _cardinality(self) -> int:
        return _batched_cardinality(self._input._cardinality(), self._batch_size, self._drop_remainder)

    def _compute_spec(self) -> Any:
        return _batched_spec(self._input.element_spec, self._batch_size, self._drop_remainder)

    def _iter(self) -> Iterator[Any]:
        b = self._batch_size
        if self._input._has_random_access():
            # In-memory input: each batch is one slice (or one gather, after a shuffle) per leaf.
            ra = self._input._random_access()
            stop = ra.n - ra.n % b if self._drop_remainder else ra.n
            for start in range(0, stop, b):
                yield ra.take(slice(start, min(start + b, ra.n)))
            return
        for chunk in _chunks(self._input._iter(), b, self._drop_remainder):
            yield stack_elements(chunk)


class PaddedBatchDataset(Dataset):
    """Batches of elements padded to a common shape per leaf."""

    def __init__(
        self,
        input_dataset: Dataset,
        batch_size: int,
        padded_shapes: Any,
        padding_values: Any,
        drop_remainder: bool,
    ) -> None:
        super().__init__((input_dataset,))
        self._input = input_dataset
        self._batch_size = _check_batch_size(batch_size)
        self._padded_shapes = padded_shapes
        self._padding_values = padding_values
        self._drop_remainder = bool(drop_remainder)

    def _cardinality(self) -> int:
        return _batched_cardinality(self._input._cardinality(), self._batch_size, self._drop_remainder)

    def _flat_targets(self, structure: Any) -> list[Any]:
        n = len(_nest.flatten(structure))
        if self._padded_shapes is None:
            return [None] * n
        shapes = _nest.flatten_up_to(structure, self._padded_shapes)
        return [None if s is None else [None if d is None or d < 0 else int(d) for d in s] for s in shapes]

    def _flat_padding(self, structure: Any) -> list[Any]:
        n = len(_nest.flatten(structure))
        pv = self._padding_values
        if pv is None or not _nest.is_structure(pv):
            return [pv] * n
        return _nest.flatten_up_to(structure, pv)

    def _compute_spec(self) -> Any:
        spec = self._input.element_spec
        dim = self._batch_size if self._drop_remainder else None
        flat = _nest.flatten(spec)
        out = []
        for s, target in zip(flat, self._flat_targets(spec)):
            shape = target if target is not None else s.shape
            out.append(TensorSpec(None if shape is None else (dim, *shape), s.dtype))
        return _nest.pack_as(spec, out)

    def _iter(self) -> Iterator[Any]:
        for chunk in _chunks(self._input._iter(), self._batch_size, self._drop_remainder):
            yield self._pad(chunk)

    def _pad(self, elements: list[Any]) -> Any:
        template = elements[0]
        columns = list(zip(*[_nest.flatten(e) for e in elements]))
        out = []
        for c, (column, target, value) in enumerate(
            zip(columns, self._flat_targets(template), self._flat_padding(template))
        ):
            out.append(_pad_column(column, target, value, c))
        return _nest.pack_as(template, out)


def _pad_column(column: tuple[np.ndarray, ...], target: Any, value: Any, c: int) -> np.ndarray:
    rank = column[0].ndim
    if any(a.ndim != rank for a in column):
        raise ValueError(f"Cannot pad elements of different ranks in component {c}.")
    if target is not None and len(target) != rank:
        raise ValueError(
            f"The padded shape {target} for component {c} has rank {len(target)}, but the elements "
            f"have rank {rank}."
        )
    longest = np.max([a.shape for a in column], axis=0) if rank else np.zeros(0, int)
    shape = []
    for d in range(rank):
        want = longest[d] if target is None or target[d] is None else target[d]
        if longest[d] > want:
            raise ValueError(
                f"Attempted to pad to a smaller size than the input element: component {c} has "
                f"dimension {d} of size {longest[d]}, the padded shape asks for {want}."
            )
        shape.append(int(want))
    dtype = column[0].dtype
    if value is None:
        value = "" if dtype.kind in "US" else 0
    out = np.full((len(column), *shape), value, dtype=dtype)
    for i, a in enumerate(column):
        out[(i, *(slice(0, s) for s in a.shape))] = a
    return out


class UnbatchDataset(Dataset):
    """Each element split along axis 0 into separate elements."""

    def __init__(self, input_dataset: Dataset) -> None:
        super().__init__((input_dataset,))
        self._input = input_dataset

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        if n == 0:
            return 0
        try:
            flat = _nest.flatten(self._input.element_spec)
        except Exception:  # noqa: BLE001  (an uncomputable spec only means "unknown")
            return UNKNOWN_CARDINALITY
        dims = {None if s.shape is None or len(s.shape) == 0 else s.shape[0] for s in flat}
        if len(dims) != 1 or None in dims:
            return UNKNOWN_CARDINALITY
        (d,) = dims
        if n == INFINITE_CARDINALITY:
            return INFINITE_CARDINALITY if d > 0 else 0
        return n * d if n >= 0 else UNKNOWN_CARDINALITY

    def _compute_spec(self) -> Any:
        def unbatched(s: TensorSpec) -> TensorSpec:
            if s.shape is not None and len(s.shape) == 0:
                raise ValueError("Cannot unbatch an input with scalar components.")
            return TensorSpec(None if s.shape is None else s.shape[1:], s.dtype)

        return _nest.map_structure(unbatched, self._input.element_spec)

    def _iter(self) -> Iterator[Any]:
        it = self._input._iter()
        try:
            for element in it:
                leaves = _nest.flatten(element)
                if any(a.ndim == 0 for a in leaves):
                    raise ValueError("Cannot unbatch an input with scalar components.")
                n = leaves[0].shape[0]
                if any(a.shape[0] != n for a in leaves):
                    raise ValueError(
                        "Cannot unbatch an input whose components have different batch sizes: "
                        f"{[a.shape[0] for a in leaves]}."
                    )
                for i in range(n):
                    yield _nest.pack_as(element, [a[i, ...] for a in leaves])
        finally:
            _close(it)
