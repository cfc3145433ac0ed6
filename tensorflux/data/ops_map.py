"""Transformations that call user functions: map, filter, flat_map."""

from __future__ import annotations

import collections
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

from tensorflux.data import _convert, _nest
from tensorflux.data.dataset import AUTOTUNE, UNKNOWN_CARDINALITY, Dataset
from tensorflux.data.spec import TensorSpec


def _close(it: Any) -> None:
    close = getattr(it, "close", None)
    if close is not None:
        close()


def call_with_element(func: Callable[..., Any], element: Any) -> Any:
    """Call a user function as tf.data does: tensors in, a plain tuple spread as arguments."""
    args = _convert.structure_to_tensors(element)
    if type(args) is tuple:  # exactly tuple: namedtuples and dicts are passed whole
        return func(*args)
    return func(args)


def _first_element(dataset: Dataset) -> Any:
    it = dataset._iter()
    try:
        return next(it)
    except StopIteration:
        raise ValueError(
            "Cannot infer the element_spec of a transformation on an empty dataset "
            "(tensorflux infers it from the first element)."
        ) from None
    finally:
        _close(it)


class MapDataset(Dataset):
    """``map_func`` applied to every element, in order, optionally by several threads."""

    def __init__(self, input_dataset: Dataset, map_func: Callable[..., Any], num_parallel_calls: Any) -> None:
        super().__init__((input_dataset,))
        if not callable(map_func):
            raise TypeError(f"`map_func` must be callable, got {type(map_func).__name__}.")
        self._input = input_dataset
        self._func = map_func
        if num_parallel_calls is None:
            self._workers = 1
        elif int(num_parallel_calls) == AUTOTUNE:
            self._workers = max(2, os.cpu_count() or 2)
        elif int(num_parallel_calls) >= 1:
            self._workers = int(num_parallel_calls)
        else:
            raise ValueError(
                "`num_parallel_calls` must be a positive integer or tf.data.AUTOTUNE; "
                f"got {num_parallel_calls}."
            )

    def _apply(self, element: Any) -> Any:
        result = call_with_element(self._func, element)
        if result is None:
            raise TypeError("The function passed to `map` returned None; it must return tensors or arrays.")
        if isinstance(result, Dataset):
            raise TypeError("The function passed to `map` returned a Dataset; use `flat_map` instead.")
        return _convert.structure_to_numpy(_nest.lists_to_tuples(result))

    def _cardinality(self) -> int:
        return self._input._cardinality()

    def _compute_spec(self) -> Any:
        # There is no tracing here: run the function on the first element and read its output.
        # A leading dimension that was unknown in the input (a batch) stays unknown in the output.
        in_spec = self._input.element_spec
        first = _first_element(self._input)
        out = self._apply(first)
        leads = set()
        for s, a in zip(_nest.flatten(in_spec), _nest.flatten(first)):
            if s.shape is not None and len(s.shape) > 0 and s.shape[0] is None and a.ndim > 0:
                leads.add(a.shape[0])

        def spec(a: np.ndarray) -> TensorSpec:
            shape: list[Any] = list(a.shape)
            if shape and shape[0] in leads:
                shape[0] = None
            return TensorSpec(shape, a.dtype)

        return _nest.map_structure(spec, out)

    def _iter(self) -> Iterator[Any]:
        if self._workers == 1:
            it = self._input._iter()
            try:
                for element in it:
                    yield self._apply(element)
            finally:
                _close(it)
            return
        yield from self._iter_parallel()

    def _iter_parallel(self) -> Iterator[Any]:
        # Up to `workers` elements are mapped at once; results come out in input order.
        it = self._input._iter()
        pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="tensorflux-map")
        pending: collections.deque[Future[Any]] = collections.deque()
        try:
            for element in it:
                pending.append(pool.submit(self._apply, element))
                if len(pending) >= self._workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            _close(it)


class FilterDataset(Dataset):
    """The elements for which ``predicate`` is true."""

    def __init__(self, input_dataset: Dataset, predicate: Callable[..., Any]) -> None:
        super().__init__((input_dataset,))
        if not callable(predicate):
            raise TypeError(f"`predicate` must be callable, got {type(predicate).__name__}.")
        self._input = input_dataset
        self._predicate = predicate

    def _keep(self, element: Any) -> bool:
        result = np.asarray(_convert.to_numpy(call_with_element(self._predicate, element)))
        if result.shape != () or result.dtype != np.bool_:
            raise ValueError(
                "`predicate` return type must be convertible to a scalar boolean tensor. Was "
                f"shape {result.shape}, dtype {result.dtype}."
            )
        return bool(result)

    def _cardinality(self) -> int:
        return 0 if self._input._cardinality() == 0 else UNKNOWN_CARDINALITY

    def _compute_spec(self) -> Any:
        return self._input.element_spec

    def _iter(self) -> Iterator[Any]:
        it = self._input._iter()
        try:
            for element in it:
                if self._keep(element):
                    yield element
        finally:
            _close(it)


class FlatMapDataset(Dataset):
    """The concatenation of the datasets that ``map_func`` returns for each element."""

    def __init__(self, input_dataset: Dataset, map_func: Callable[..., Dataset]) -> None:
        super().__init__((input_dataset,))
        self._input = input_dataset
        self._func = map_func

    def _inner(self, element: Any) -> Dataset:
        ds = call_with_element(self._func, element)
        if not isinstance(ds, Dataset):
            raise TypeError(
                f"The function passed to `flat_map` must return a Dataset, got {type(ds).__name__}."
            )
        return ds

    def _cardinality(self) -> int:
        return 0 if self._input._cardinality() == 0 else UNKNOWN_CARDINALITY

    def _compute_spec(self) -> Any:
        return self._inner(_first_element(self._input)).element_spec

    def _iter(self) -> Iterator[Any]:
        it = self._input._iter()
        try:
            for element in it:
                yield from self._inner(element)._iter()
        finally:
            _close(it)
