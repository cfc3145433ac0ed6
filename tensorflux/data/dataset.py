"""``Dataset``: an input pipeline with the ``tf.data.Dataset`` API.

A Dataset is an immutable description; each ``iter(dataset)`` starts a fresh pass. Internally
every element is a structure (tuples, namedtuples, dicts) of NumPy arrays; iteration and user
functions see tensors, as in TensorFlow. The transformations live in ``ops_*.py``; this file holds
the base class and its public methods.

Datasets built from in-memory arrays support random access (``_random_access``), so that
``from_tensor_slices(...).shuffle(n).batch(b)`` slices or gathers whole batches with one NumPy
indexing operation per leaf instead of stacking element by element.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from tensorflux.data import _convert, _nest
from tensorflux.data.options import Options

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


class _RandomAccess:
    """One pass over a dataset whose elements can be fetched by index.

    ``take(key)`` returns the element structure for ``key``: an int gives one element (0-d
    leaves stay arrays), a slice or an int array gives the elements stacked along a new axis 0.
    """

    __slots__ = ("n", "take")

    def __init__(self, n: int, take: Callable[[Any], Any]) -> None:
        self.n = n
        self.take = take


class _Iterator:
    """The iterator returned by ``iter(dataset)``: yields tensors (``get_next`` as in TF)."""

    def __init__(self, gen: Iterator[Any], to_tensors: bool) -> None:
        self._gen = gen
        self._to_tensors = to_tensors

    def __iter__(self) -> _Iterator:
        return self

    def __next__(self) -> Any:
        element = next(self._gen)
        return _convert.structure_to_tensors(element) if self._to_tensors else _numpy_out(element)

    def get_next(self) -> Any:
        """The next element; raises ``StopIteration`` at the end (``OutOfRangeError`` in TF)."""
        return self.__next__()

    def close(self) -> None:
        """Stop the pass now (ends background threads of ``prefetch`` at once)."""
        self._gen.close()  # type: ignore[attr-defined]


def _numpy_out(element: Any) -> Any:
    # as_numpy_iterator gives NumPy scalars for rank-0 leaves, as TensorFlow does.
    if isinstance(element, np.ndarray):
        return element[()] if element.ndim == 0 else element
    return _nest.map_structure(lambda a: a[()] if a.ndim == 0 else a, element)


class Dataset:
    """A sequence of elements, transformed lazily by chained methods.

    Example:

    >>> ds = Dataset.from_tensor_slices(([1.0, 2.0, 3.0], [0, 1, 0])).shuffle(3, seed=1).batch(2)
    >>> [x.shape for x, y in ds.as_numpy_iterator()]
    [(2,), (1,)]
    """

    def __init__(self, inputs: tuple[Dataset, ...] = ()) -> None:
        self._inputs = inputs
        self._spec_cache: Any = None
        opts = Options()
        for d in inputs:
            opts = opts.merge(d._options)
        self._options = opts

    # -- what subclasses implement -------------------------------------------------------------
    def _iter(self) -> Iterator[Any]:
        """Yield the elements of one pass as NumPy structures."""
        ra = self._random_access()
        return (ra.take(i) for i in range(ra.n))

    def _cardinality(self) -> int:
        return UNKNOWN_CARDINALITY

    def _compute_spec(self) -> Any:
        raise NotImplementedError(type(self).__name__)

    def _has_random_access(self) -> bool:
        """Whether ``_random_access`` is available (checked without starting a pass)."""
        return False

    def _random_access(self) -> _RandomAccess:
        """Random access for one new pass (only where ``_has_random_access()``)."""
        raise NotImplementedError(type(self).__name__)

    # -- python protocol -----------------------------------------------------------------------
    def __iter__(self) -> _Iterator:
        return _Iterator(self._iter(), to_tensors=True)

    def __len__(self) -> int:
        n = self._cardinality()
        if n == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return n

    def __bool__(self) -> bool:
        return True  # as TensorFlow: `if ds:` must not depend on (possibly unknown) length

    def __repr__(self) -> str:
        try:
            spec = self.element_spec
        except Exception:  # noqa: BLE001  (repr must not fail on a broken pipeline)
            spec = "<unknown>"
        return f"<{type(self).__name__} element_spec={spec}>"

    # -- introspection ---------------------------------------------------------------------------
    @property
    def element_spec(self) -> Any:
        """The structure of :class:`TensorSpec` describing one element."""
        if self._spec_cache is None:
            self._spec_cache = self._compute_spec()
        return self._spec_cache

    def cardinality(self) -> Any:
        """The number of elements: ``INFINITE_CARDINALITY`` (-1) or ``UNKNOWN_CARDINALITY`` (-2) if so.

        Returns a scalar int64 tensor, as TensorFlow does (``int(ds.cardinality())`` works).

        Example:

        >>> int(Dataset.range(10).batch(3).cardinality())
        4
        """
        value = np.asarray(self._cardinality(), dtype=np.int64)
        return _convert.leaf_to_tensor(value)

    def options(self) -> Options:
        """The options of this dataset (merged from its inputs and ``with_options``)."""
        return self._options

    def with_options(self, options: Options, name: str | None = None) -> Dataset:
        """The same elements, with ``options`` merged over the current options."""
        from tensorflux.data.ops_misc import _OptionsDataset

        return _OptionsDataset(self, options)

    # -- sources -------------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors: Any, name: str | None = None) -> Dataset:
        """One element per slice along the first axis of every leaf.

        Tuples and dicts are structure; lists are converted to arrays (as TensorFlow does).

        Example:

        >>> ds = Dataset.from_tensor_slices({"a": [1, 2], "b": [[3, 4], [5, 6]]})
        >>> [e["b"].tolist() for e in ds.as_numpy_iterator()]
        [[3, 4], [5, 6]]
        """
        return _src.TensorSlicesDataset(tensors)

    @staticmethod
    def from_tensors(tensors: Any, name: str | None = None) -> Dataset:
        """A dataset of exactly one element, ``tensors``.

        Example:

        >>> [a.tolist() for a in Dataset.from_tensors([1, 2]).as_numpy_iterator()]
        [[1, 2]]
        """
        return _src.TensorsDataset(tensors)

    @staticmethod
    def from_generator(
        generator: Callable[..., Any],
        output_types: Any = None,
        output_shapes: Any = None,
        args: Any = None,
        output_signature: Any = None,
        name: str | None = None,
    ) -> Dataset:
        """Elements produced by calling ``generator(*args)`` anew for each pass.

        Give ``output_signature`` (a structure of TensorSpec) or the older
        ``output_types``/``output_shapes``. Values are cast to the declared dtypes and checked
        against the declared shapes.

        Example:

        >>> def gen():
        ...     yield from ([1], [2, 3])
        >>> ds = Dataset.from_generator(gen, output_signature=TensorSpec((None,), "int32"))
        >>> [a.tolist() for a in ds.as_numpy_iterator()]
        [[1], [2, 3]]
        """
        return _src.GeneratorDataset(generator, output_types, output_shapes, args, output_signature)

    @staticmethod
    def range(*args: int, dtype: Any = "int64", name: str | None = None) -> Dataset:
        """Like Python's ``range``: ``range(stop)``, ``range(start, stop[, step])``; int64 elements.

        Example:

        >>> list(Dataset.range(1, 8, 3).as_numpy_iterator())
        [np.int64(1), np.int64(4), np.int64(7)]
        """
        return _src.RangeDataset(args, dtype)

    @staticmethod
    def zip(*datasets: Any, name: str | None = None) -> Dataset:
        """Zip datasets into tuples (or dicts): ``zip(a, b)`` or ``zip((a, b))`` or ``zip({"x": a})``.

        Stops at the end of the shortest input.

        Example:

        >>> a, b = Dataset.range(3), Dataset.range(10, 12)
        >>> [(int(x), int(y)) for x, y in Dataset.zip(a, b).as_numpy_iterator()]
        [(0, 10), (1, 11)]
        """
        structure = datasets[0] if len(datasets) == 1 else tuple(datasets)
        return _misc.ZipDataset(structure)

    # -- transformations -----------------------------------------------------------------------
    def concatenate(self, dataset: Dataset, name: str | None = None) -> Dataset:
        """The elements of this dataset followed by those of ``dataset`` (same structure and dtypes).

        Example:

        >>> list(Dataset.range(2).concatenate(Dataset.range(5, 6)).as_numpy_iterator())
        [np.int64(0), np.int64(1), np.int64(5)]
        """
        return _misc.ConcatenateDataset(self, dataset)

    def map(
        self,
        map_func: Callable[..., Any],
        num_parallel_calls: int | None = None,
        deterministic: bool | None = None,
        name: str | None = None,
    ) -> Dataset:
        """Apply ``map_func`` to each element; tuple elements are passed as separate arguments.

        The function receives tensors. With ``num_parallel_calls`` (or ``AUTOTUNE``) several
        elements are mapped at once in threads (useful when the function waits or runs NumPy code
        that releases the GIL); the output order is always the input order.

        Example:

        >>> ds = Dataset.from_tensor_slices(([1, 2], [3, 4])).map(lambda x, y: x + y)
        >>> [int(v) for v in ds.as_numpy_iterator()]
        [4, 6]
        """
        return _map.MapDataset(self, map_func, num_parallel_calls)

    def flat_map(self, map_func: Callable[..., Dataset], name: str | None = None) -> Dataset:
        """Map each element to a dataset and flatten the results in order.

        Example:

        >>> ds = Dataset.range(3).flat_map(lambda n: Dataset.range(n))
        >>> [int(v) for v in ds.as_numpy_iterator()]
        [0, 0, 1]
        """
        return _map.FlatMapDataset(self, map_func)

    def filter(self, predicate: Callable[..., Any], name: str | None = None) -> Dataset:
        """Keep the elements for which ``predicate`` returns a true scalar.

        Example:

        >>> [int(v) for v in Dataset.range(6).filter(lambda x: x % 2 == 0).as_numpy_iterator()]
        [0, 2, 4]
        """
        return _map.FilterDataset(self, predicate)

    def batch(
        self,
        batch_size: int,
        drop_remainder: bool = False,
        num_parallel_calls: int | None = None,
        deterministic: bool | None = None,
        name: str | None = None,
    ) -> Dataset:
        """Stack consecutive elements into batches of ``batch_size`` (the last may be smaller).

        Example:

        >>> [b.tolist() for b in Dataset.range(5).batch(2).as_numpy_iterator()]
        [[0, 1], [2, 3], [4]]
        """
        return _batch.BatchDataset(self, batch_size, drop_remainder)

    def padded_batch(
        self,
        batch_size: int,
        padded_shapes: Any = None,
        padding_values: Any = None,
        drop_remainder: bool = False,
        name: str | None = None,
    ) -> Dataset:
        """Batch elements of different shapes, padding each leaf to a common shape.

        ``padded_shapes`` (optional) gives per leaf the shape to pad to, ``None``/-1 dimensions
        meaning "the longest in the batch"; ``padding_values`` defaults to 0 (``""`` for strings).

        Example:

        >>> ds = Dataset.range(1, 4).map(lambda n: tf.fill([n], n)).padded_batch(2)
        >>> [b.tolist() for b in ds.as_numpy_iterator()]  # doctest: +SKIP
        [[[1, 0], [2, 2]], [[3, 3, 3]]]
        """
        return _batch.PaddedBatchDataset(self, batch_size, padded_shapes, padding_values, drop_remainder)

    def unbatch(self, name: str | None = None) -> Dataset:
        """Split each element along its first axis into separate elements (inverse of ``batch``).

        Example:

        >>> [int(v) for v in Dataset.range(5).batch(2).unbatch().as_numpy_iterator()]
        [0, 1, 2, 3, 4]
        """
        return _batch.UnbatchDataset(self)

    def shuffle(
        self,
        buffer_size: int,
        seed: int | None = None,
        reshuffle_each_iteration: bool | None = None,
        name: str | None = None,
    ) -> Dataset:
        """Shuffle with a buffer of ``buffer_size`` elements, as TensorFlow does.

        The buffer is filled with the first ``buffer_size`` elements; each output is drawn at
        random from the buffer and its slot refilled with the next input. A buffer at least as
        large as the dataset gives a uniform permutation. With a ``seed`` (or a global seed) the
        sequence of orders is repeatable; ``reshuffle_each_iteration`` (default True) gives each
        pass a new order.

        Example:

        >>> sorted(int(v) for v in Dataset.range(5).shuffle(5, seed=3).as_numpy_iterator())
        [0, 1, 2, 3, 4]
        """
        return _shuffle.ShuffleDataset(self, buffer_size, seed, reshuffle_each_iteration)

    def repeat(self, count: int | None = None, name: str | None = None) -> Dataset:
        """Repeat the dataset ``count`` times (forever when ``None`` or -1).

        Example:

        >>> [int(v) for v in Dataset.range(2).repeat(2).as_numpy_iterator()]
        [0, 1, 0, 1]
        """
        return _misc.RepeatDataset(self, -1 if count is None else int(count))

    def take(self, count: int, name: str | None = None) -> Dataset:
        """The first ``count`` elements (all of them when ``count`` is -1).

        Example:

        >>> [int(v) for v in Dataset.range(10).take(3).as_numpy_iterator()]
        [0, 1, 2]
        """
        return _misc.TakeDataset(self, int(count))

    def skip(self, count: int, name: str | None = None) -> Dataset:
        """All but the first ``count`` elements (none when ``count`` is -1).

        Example:

        >>> [int(v) for v in Dataset.range(5).skip(3).as_numpy_iterator()]
        [3, 4]
        """
        return _misc.SkipDataset(self, int(count))

    def enumerate(self, start: int = 0, name: str | None = None) -> Dataset:
        """Pair each element with its int64 index: ``(i, element)``.

        Example:

        >>> [(int(i), int(v)) for i, v in Dataset.range(5, 7).enumerate().as_numpy_iterator()]
        [(0, 5), (1, 6)]
        """
        return _misc.EnumerateDataset(self, int(start))

    def cache(self, filename: str = "", name: str | None = None) -> Dataset:
        """Keep the elements of the first complete pass (in memory, or in ``filename`` if given).

        Later passes replay the cache instead of recomputing the pipeline. A file cache written by
        an earlier run is reused.

        Example:

        >>> ds = Dataset.range(3).map(lambda x: x * 2).cache()
        >>> [int(v) for v in ds.as_numpy_iterator()]
        [0, 2, 4]
        """
        return _prefetch.CacheDataset(self, filename)

    def prefetch(self, buffer_size: int, name: str | None = None) -> Dataset:
        """Compute up to ``buffer_size`` elements ahead in a background thread.

        The producer runs while the consumer works on the current element (a training step),
        so a slow pipeline and a slow consumer overlap. ``AUTOTUNE`` picks a small buffer.

        Example:

        >>> [int(v) for v in Dataset.range(3).prefetch(AUTOTUNE).as_numpy_iterator()]
        [0, 1, 2]
        """
        return _prefetch.PrefetchDataset(self, buffer_size)

    def apply(self, transformation_func: Callable[[Dataset], Dataset]) -> Dataset:
        """``transformation_func(self)``, for chaining reusable transformations.

        Example:

        >>> Dataset.range(5).apply(lambda ds: ds.take(2)).cardinality().numpy()  # doctest: +SKIP
        2
        """
        result = transformation_func(self)
        if not isinstance(result, Dataset):
            raise TypeError(f"`transformation_func` must return a Dataset, got {type(result).__name__}.")
        return result

    # -- consuming -----------------------------------------------------------------------------
    def as_numpy_iterator(self) -> _Iterator:
        """Iterate with NumPy values instead of tensors (rank-0 leaves as NumPy scalars).

        Example:

        >>> list(Dataset.range(2).as_numpy_iterator())
        [np.int64(0), np.int64(1)]
        """
        return _Iterator(self._iter(), to_tensors=False)

    def reduce(self, initial_state: Any, reduce_func: Callable[[Any, Any], Any]) -> Any:
        """Fold the elements into a state: ``state = reduce_func(state, element)``.

        Example:

        >>> int(Dataset.range(5).reduce(np.int64(0), lambda s, x: s + x))
        10
        """
        state = _convert.structure_to_tensors(_convert.structure_to_numpy(initial_state))
        for element in self:
            state = reduce_func(state, element)
        return state

    def get_single_element(self, name: str | None = None) -> Any:
        """The only element of a one-element dataset (``ValueError`` otherwise)."""
        it = iter(self)
        try:
            first = next(it)
        except StopIteration:
            raise ValueError("Dataset was empty.") from None
        try:
            next(it)
        except StopIteration:
            return first
        finally:
            it.close()
        raise ValueError("Dataset had more than one element.")


from tensorflux.data import ops_batch as _batch  # noqa: E402  (the ops subclass Dataset)
from tensorflux.data import ops_map as _map  # noqa: E402
from tensorflux.data import ops_misc as _misc  # noqa: E402
from tensorflux.data import ops_prefetch as _prefetch  # noqa: E402
from tensorflux.data import ops_shuffle as _shuffle  # noqa: E402
from tensorflux.data import ops_source as _src  # noqa: E402
