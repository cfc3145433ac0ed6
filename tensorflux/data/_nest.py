"""Nested element structures as ``tf.data`` sees them.

tf.data treats tuples (namedtuples included) and mappings as structure and everything else,
lists included, as a leaf: ``from_tensor_slices([[1, 2], [3, 4]])`` slices one 2-D tensor, not two
lists. That differs from ``tf.nest`` (where lists are structure), so the data layer keeps its own
small helpers. Mappings are walked in sorted key order, as ``tf.nest`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any


def is_structure(x: Any) -> bool:
    """Whether ``x`` is a tuple, a namedtuple or a mapping (not a leaf)."""
    return isinstance(x, (tuple, Mapping))


def flatten(structure: Any) -> list[Any]:
    """The leaves of ``structure`` in order (mappings in sorted key order)."""
    out: list[Any] = []
    _flatten_into(structure, out)
    return out


def _flatten_into(structure: Any, out: list[Any]) -> None:
    if isinstance(structure, Mapping):
        for k in sorted(structure):
            _flatten_into(structure[k], out)
    elif isinstance(structure, tuple):
        for s in structure:
            _flatten_into(s, out)
    else:
        out.append(structure)


def pack_as(structure: Any, flat: list[Any] | tuple[Any, ...]) -> Any:
    """Rebuild ``structure`` with leaves taken in order from ``flat``."""
    it = iter(flat)
    result = _pack(structure, it)
    return result


def _pack(structure: Any, it: Iterator[Any]) -> Any:
    if isinstance(structure, Mapping):
        packed = {k: _pack(structure[k], it) for k in sorted(structure)}
        # Keep the caller's key order (and mapping type) while filling in sorted order.
        if type(structure) is dict:
            return {k: packed[k] for k in structure}
        return type(structure)((k, packed[k]) for k in structure)
    if isinstance(structure, tuple):
        items = [_pack(s, it) for s in structure]
        if hasattr(structure, "_fields"):  # namedtuple
            return type(structure)(*items)
        return tuple(items)
    return next(it)


def map_structure(func: Callable[..., Any], structure: Any, *more: Any) -> Any:
    """Apply ``func`` to the leaves of one or more structures of the same shape."""
    flat = flatten(structure)
    if not more:
        return pack_as(structure, [func(x) for x in flat])
    others = [flatten(m) for m in more]
    for o in others:
        if len(o) != len(flat):
            raise ValueError(
                f"The two structures don't have the same number of elements: {len(flat)} vs {len(o)}."
            )
    return pack_as(structure, [func(*xs) for xs in zip(flat, *others)])


def assert_same_structure(a: Any, b: Any) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` nest the same way (leaf counts and keys)."""
    if isinstance(a, Mapping) != isinstance(b, Mapping) or isinstance(a, tuple) != isinstance(b, tuple):
        raise ValueError(f"The two structures don't have the same nested structure: {a!r} and {b!r}.")
    if isinstance(a, Mapping):
        if sorted(a) != sorted(b):
            raise ValueError(f"The two dictionaries don't have the same keys: {sorted(a)} and {sorted(b)}.")
        for k in a:
            assert_same_structure(a[k], b[k])
    elif isinstance(a, tuple):
        if len(a) != len(b):
            raise ValueError(f"The two tuples don't have the same length: {len(a)} and {len(b)}.")
        for x, y in zip(a, b):
            assert_same_structure(x, y)


def lists_to_tuples(structure: Any) -> Any:
    """Turn a list returned by a dataset function into a tuple, as tf.data does.

    ``map(lambda x: [x, x + 1])`` yields 2-tuples in TensorFlow, not a stacked tensor. Only the
    top level is changed: lists nested deeper stay leaves (converted to arrays).
    """
    return tuple(structure) if isinstance(structure, list) else structure
