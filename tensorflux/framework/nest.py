"""Nested structures (lists, tuples, dicts, namedtuples) as in ``tf.nest``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def _is_seq(x: Any) -> bool:
    return isinstance(x, (list, tuple, Mapping))


def is_nested(x: Any) -> bool:
    return _is_seq(x)


def flatten(structure: Any) -> list[Any]:
    """Leaves of ``structure`` in order; dicts are walked in sorted key order, as tf.nest does."""
    if isinstance(structure, Mapping):
        out: list[Any] = []
        for k in sorted(structure):
            out.extend(flatten(structure[k]))
        return out
    if isinstance(structure, (list, tuple)):
        out = []
        for s in structure:
            out.extend(flatten(s))
        return out
    return [structure]


def _pack(structure: Any, it: Any) -> Any:
    if isinstance(structure, Mapping):
        packed = {k: _pack(structure[k], it) for k in sorted(structure)}
        if isinstance(structure, dict) and type(structure) is dict:
            return {k: packed[k] for k in structure}
        cls: Any = type(structure)  # OrderedDict, defaultdict-free mappings: rebuilt in their own order
        return cls((k, packed[k]) for k in structure)
    if isinstance(structure, (list, tuple)):
        items = [_pack(s, it) for s in structure]
        if isinstance(structure, tuple) and hasattr(structure, "_fields"):
            return type(structure)(*items)
        return type(structure)(items)
    return next(it)


def pack_sequence_as(structure: Any, flat: Any) -> Any:
    """Rebuild ``structure`` with the leaves taken from ``flat`` in order."""
    return _pack(structure, iter(flat))


def map_structure(func: Callable[..., Any], *structures: Any) -> Any:
    flats = [flatten(s) for s in structures]
    n = len(flats[0])
    if any(len(f) != n for f in flats):
        raise ValueError("The structures passed to map_structure do not have the same number of leaves.")
    return pack_sequence_as(structures[0], [func(*xs) for xs in zip(*flats)])


def assert_same_structure(a: Any, b: Any) -> None:
    if len(flatten(a)) != len(flatten(b)):
        raise ValueError(f"The two structures don't have the same nested structure: {a!r} and {b!r}.")
