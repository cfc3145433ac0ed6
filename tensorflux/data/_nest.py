"""Nested element structures as ``tf.data`` sees them.

tf.data treats tuples (namedtuples included) and mappings as structure and everything else,
lists included, as a leaf: ``from_tensor_slices([[1, 2], [3, 4]])`` slices one 2-D tensor, not two
lists. That differs from ``tf.nest`` (where lists are structure), so the data layer keeps its own
small helpers. Mappings are walked in sorted key order, as ``tf.nest`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

_LEAF, _TUPLE, _NAMEDTUPLE, _MAPPING = 0, 1, 2, 3
# Kind per type, cached: the abstract-class check for Mapping is slow and runs per leaf per element.
_KINDS: dict[type, int] = {np.ndarray: _LEAF, tuple: _TUPLE, dict: _MAPPING}


def _kind(x: Any) -> int:
    t = type(x)
    k = _KINDS.get(t)
    if k is None:
        if isinstance(x, tuple):
            k = _NAMEDTUPLE if hasattr(x, "_fields") else _TUPLE
        elif isinstance(x, Mapping):
            k = _MAPPING
        else:
            k = _LEAF
        _KINDS[t] = k
    return k


def is_structure(x: Any) -> bool:
    """Whether ``x`` is a tuple, a namedtuple or a mapping (not a leaf)."""
    return _kind(x) != _LEAF


def flatten(structure: Any) -> list[Any]:
    """The leaves of ``structure`` in order (mappings in sorted key order)."""
    out: list[Any] = []
    _flatten_into(structure, out)
    return out


def _flatten_into(structure: Any, out: list[Any]) -> None:
    k = _kind(structure)
    if k == _LEAF:
        out.append(structure)
    elif k == _MAPPING:
        for key in sorted(structure):
            _flatten_into(structure[key], out)
    else:
        for s in structure:
            _flatten_into(s, out)


def pack_as(structure: Any, flat: list[Any] | tuple[Any, ...]) -> Any:
    """Rebuild ``structure`` with leaves taken in order from ``flat``."""
    return _pack(structure, iter(flat))


def _pack(structure: Any, it: Iterator[Any]) -> Any:
    k = _kind(structure)
    if k == _LEAF:
        return next(it)
    if k == _TUPLE:
        return tuple([_pack(s, it) for s in structure])
    if k == _NAMEDTUPLE:
        return type(structure)(*[_pack(s, it) for s in structure])
    packed = {key: _pack(structure[key], it) for key in sorted(structure)}
    # Keep the caller's key order (and mapping type) while filling in sorted order.
    if type(structure) is dict:
        return {key: packed[key] for key in structure}
    return type(structure)((key, packed[key]) for key in structure)


def flatten_up_to(shallow: Any, deep: Any) -> list[Any]:
    """Flatten ``deep`` only as far as ``shallow`` nests; ``shallow``'s leaves match subtrees.

    ``flatten_up_to((t1, t2), ((None,), (2, 3)))`` is ``[(None,), (2, 3)]``. Raises ``ValueError``
    when ``deep`` lacks part of ``shallow``'s structure.
    """
    out: list[Any] = []
    _flatten_up_to(shallow, deep, out)
    return out


def _flatten_up_to(shallow: Any, deep: Any, out: list[Any]) -> None:
    if _kind(shallow) == _MAPPING:
        if _kind(deep) != _MAPPING:
            raise ValueError(f"expected a mapping, got {type(deep).__name__}")
        if sorted(shallow) != sorted(deep):
            raise ValueError(f"expected keys {sorted(shallow)}, got {sorted(deep)}")
        for k in sorted(shallow):
            _flatten_up_to(shallow[k], deep[k], out)
    elif _kind(shallow) != _LEAF:
        if not isinstance(deep, (tuple, list)):
            raise ValueError(f"expected a sequence of length {len(shallow)}, got {type(deep).__name__}")
        if len(deep) != len(shallow):
            raise ValueError(f"expected a sequence of length {len(shallow)}, got length {len(deep)}")
        for s, d in zip(shallow, deep):
            _flatten_up_to(s, d, out)
    else:
        out.append(deep)


def map_structure(func: Callable[..., Any], structure: Any, *more: Any) -> Any:
    """Apply ``func`` to the leaves of one or more structures of the same shape."""
    if not more:
        k = _kind(structure)
        if k == _LEAF:
            return func(structure)
        if k == _TUPLE and all(_kind(x) == _LEAF for x in structure):  # the common (x, y) element
            return tuple([func(x) for x in structure])
        return pack_as(structure, [func(x) for x in flatten(structure)])
    flat = flatten(structure)
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
