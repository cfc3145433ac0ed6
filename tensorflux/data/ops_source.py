"""Source datasets: from_tensor_slices, from_tensors, from_generator, range."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from tensorflux.data import _convert, _nest
from tensorflux.data.dataset import Dataset, _RandomAccess
from tensorflux.data.spec import TensorSpec, shapes_compatible


def _frozen(arr: np.ndarray) -> np.ndarray:
    """A read-only array holding ``arr``'s values, copied only if the caller could still change it.

    TensorFlow snapshots the arrays given to ``from_tensor_slices``; a writable input is copied so
    that later in-place edits by the caller (``x /= 255``) do not leak into the pipeline, and the
    result is read-only so that consumers cannot corrupt it through the views handed out.
    """
    if arr.flags.writeable or not arr.flags.c_contiguous:
        arr = np.array(arr, copy=True, order="C")
        arr.flags.writeable = False
    return arr


class TensorSlicesDataset(Dataset):
    """Slices of in-memory arrays along axis 0; random access, so batches are array slices.

    ``snapshot=False`` (internal callers such as the Keras trainer, which own their arrays) skips
    the defensive copy of writable inputs, saving memory on large arrays.
    """

    def __init__(self, tensors: Any, snapshot: bool = True) -> None:
        super().__init__()
        self._structure = _convert.structure_to_numpy(tensors)
        flat = _nest.flatten(self._structure)
        self._leaves = [_frozen(a) for a in flat] if snapshot else flat
        if not self._leaves:
            raise ValueError("`from_tensor_slices` needs at least one tensor; got an empty structure.")
        for a in self._leaves:
            if a.ndim == 0:
                raise ValueError(
                    f"Unbatching a tensor is only supported for rank >= 1; got a scalar {a!r}. "
                    "Use `from_tensors` for a single element."
                )
        n = self._leaves[0].shape[0]
        for a in self._leaves[1:]:
            if a.shape[0] != n:
                shapes = [tuple(x.shape) for x in self._leaves]
                raise ValueError(
                    f"Dimensions {n} and {a.shape[0]} are not compatible: all tensors passed to "
                    f"`from_tensor_slices` must have the same first dimension; got shapes {shapes}."
                )
        self._n = int(n)

    def _cardinality(self) -> int:
        return self._n

    def _compute_spec(self) -> Any:
        return _nest.map_structure(lambda a: TensorSpec(a.shape[1:], a.dtype), self._structure)

    def _take(self, key: Any) -> Any:
        if isinstance(key, (int, np.integer)):
            # `a[i, ...]` keeps rank-0 leaves as arrays (not NumPy scalars), like other leaves.
            return _nest.pack_as(self._structure, [a[key, ...] for a in self._leaves])
        return _nest.pack_as(self._structure, [a[key] for a in self._leaves])

    def _has_random_access(self) -> bool:
        return True

    def _random_access(self) -> _RandomAccess:
        return _RandomAccess(self._n, self._take)


class TensorsDataset(Dataset):
    """A single element."""

    def __init__(self, tensors: Any) -> None:
        super().__init__()
        self._element = _nest.map_structure(_frozen, _convert.structure_to_numpy(tensors))

    def _cardinality(self) -> int:
        return 1

    def _compute_spec(self) -> Any:
        return _nest.map_structure(lambda a: TensorSpec(a.shape, a.dtype), self._element)

    def _has_random_access(self) -> bool:
        return True

    def _random_access(self) -> _RandomAccess:
        def take(key: Any) -> Any:
            if isinstance(key, (int, np.integer)):
                if key not in (0, -1):
                    raise IndexError(key)
                return self._element
            idx = np.arange(1)[key]
            return _nest.map_structure(lambda a: np.repeat(a[None], len(idx), axis=0), self._element)

        return _RandomAccess(1, take)


class RangeDataset(Dataset):
    """``range(start, stop, step)`` as int64 (or ``dtype``) scalars."""

    def __init__(self, args: tuple[int, ...], dtype: Any) -> None:
        super().__init__()
        if not 1 <= len(args) <= 3:
            raise TypeError(f"range() takes 1 to 3 positional arguments, got {len(args)}.")
        r = range(*(int(a) for a in args))
        self._range = r
        self._dtype = _convert.numpy_dtype(dtype)

    def _cardinality(self) -> int:
        return len(self._range)

    def _compute_spec(self) -> Any:
        return TensorSpec((), self._dtype)

    def _take(self, key: Any) -> np.ndarray:
        r = self._range
        if isinstance(key, (int, np.integer)):
            return np.asarray(r[int(key)], dtype=self._dtype)
        if isinstance(key, slice):
            sub = r[key]
            return np.arange(sub.start, sub.stop, sub.step, dtype=np.int64).astype(self._dtype, copy=False)
        idx = np.asarray(key, dtype=np.int64)
        return (r.start + r.step * idx).astype(self._dtype, copy=False)

    def _has_random_access(self) -> bool:
        return True

    def _random_access(self) -> _RandomAccess:
        return _RandomAccess(len(self._range), self._take)


def _signature_from_legacy(output_types: Any, output_shapes: Any) -> Any:
    """Build TensorSpecs from the older ``output_types`` / ``output_shapes`` arguments."""

    def is_leaf_type(t: Any) -> bool:
        return not _nest.is_structure(t)

    if output_shapes is None:
        return _nest.map_structure(lambda t: TensorSpec(None, t), output_types)
    if is_leaf_type(output_types):
        return TensorSpec(output_shapes, output_types)
    shapes = _nest.flatten_up_to(output_types, output_shapes)
    types = _nest.flatten(output_types)
    return _nest.pack_as(output_types, [TensorSpec(s, t) for s, t in zip(shapes, types)])


class GeneratorDataset(Dataset):
    """Elements from a Python generator function, cast and checked against a signature."""

    def __init__(
        self,
        generator: Callable[..., Any],
        output_types: Any,
        output_shapes: Any,
        args: Any,
        output_signature: Any,
    ) -> None:
        super().__init__()
        if not callable(generator):
            raise TypeError("`generator` must be a callable that returns an iterable (a generator function).")
        if output_signature is not None:
            if output_types is not None or output_shapes is not None:
                raise TypeError(
                    "`output_types` and `output_shapes` cannot be used together with `output_signature`."
                )
            signature = _nest.map_structure(_as_spec, output_signature)
        elif output_types is not None:
            signature = _signature_from_legacy(output_types, output_shapes)
        else:
            raise TypeError("`from_generator` needs `output_signature` (or the older `output_types`).")
        self._generator = generator
        self._args = () if args is None else tuple(args)
        self._signature = signature
        self._flat_specs = _nest.flatten(signature)

    def _cardinality(self) -> int:
        from tensorflux.data.dataset import UNKNOWN_CARDINALITY

        return UNKNOWN_CARDINALITY

    def _compute_spec(self) -> Any:
        return self._signature

    def _iter(self) -> Iterator[Any]:
        # As in TensorFlow, `args` reach the generator as NumPy values, not tensors.
        args = [_convert.to_numpy(a) for a in self._args]
        source = iter(self._generator(*args))
        try:
            for value in source:
                yield self._conform(value)
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    def _conform(self, value: Any) -> Any:
        """Match ``value`` to the signature: structure, dtype (cast) and shape (checked)."""
        sig = self._signature
        if isinstance(sig, tuple) and isinstance(value, list):
            value = tuple(value)
        try:
            flat = _nest.flatten_up_to(sig, value)
        except (ValueError, TypeError, KeyError) as e:
            raise TypeError(
                f"`generator` yielded an element that did not match the expected structure "
                f"{sig!r}: {value!r:.200} ({e})"
            ) from None
        out = []
        for v, spec in zip(flat, self._flat_specs):
            dt = spec._numpy_dtype
            try:
                arr = _convert.to_numpy(v, dt if dt.kind not in "US" else None)
            except (TypeError, ValueError) as e:
                raise TypeError(
                    f"`generator` yielded an element that could not be converted to the expected "
                    f"type {spec.dtype!r}: {v!r:.200} ({e})"
                ) from None
            if not shapes_compatible(spec.shape, arr.shape):
                raise ValueError(
                    f"`generator` yielded an element of shape {arr.shape} where an element of shape "
                    f"{tuple(spec.shape)} was expected."
                )
            out.append(arr)
        return _nest.pack_as(sig, out)


def _as_spec(s: Any) -> TensorSpec:
    if isinstance(s, TensorSpec):
        return s
    if hasattr(s, "shape") and hasattr(s, "dtype"):  # another framework's TensorSpec
        return TensorSpec(s.shape, s.dtype, getattr(s, "name", None))
    raise TypeError(f"`output_signature` must contain TensorSpec objects; got {s!r}.")
