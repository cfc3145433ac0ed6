"""``keras.tree``: nested structures (lists, tuples, dicts, namedtuples, deques) with Keras 3 rules.

The containers are ``list``, ``tuple``, namedtuples (and struct sequences), ``dict``,
``collections.OrderedDict``, ``collections.defaultdict`` and ``collections.deque``; everything else,
``None`` included, is a leaf. A ``dict`` (and a ``defaultdict``) is walked in sorted key order
and rebuilt in its own insertion order; an ``OrderedDict`` is walked in insertion order.
Subclasses of ``list``/``tuple``/``dict`` other than those are leaves, as in Keras.

``tf.nest`` (tensorflux/framework/nest.py) follows TensorFlow's looser rules (no type checks,
OrderedDicts sorted too), so this module keeps its own walker.

>>> from tensorflux.keras import tree
>>> tree.flatten({"b": 1, "a": [2, None]})
[2, None, 1]
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from typing import Any

__all__ = [
    "MAP_TO_NONE",
    "assert_same_paths",
    "assert_same_structure",
    "flatten",
    "flatten_with_path",
    "is_nested",
    "lists_to_tuples",
    "map_shape_structure",
    "map_structure",
    "map_structure_up_to",
    "pack_sequence_as",
    "traverse",
]


class MAP_TO_NONE:  # noqa: N801 (Keras' name)
    """Special value for ``traverse``: a ``func`` returning it replaces the sub-tree with None."""


_DICTS = (dict, collections.OrderedDict, collections.defaultdict)


def _kind(x: Any) -> Any:
    """The container kind of ``x`` (a type, or "dict" for the dict family), None for a leaf."""
    t = type(x)
    if t is list or t is tuple or t is collections.deque:
        return t
    if t in _DICTS:
        return "dict"
    if isinstance(x, tuple) and (hasattr(t, "_fields") or hasattr(t, "n_sequence_fields")):
        return t  # namedtuple / struct sequence: only the very same type matches
    return None


def _keys(x: Any) -> list[Any]:
    """The keys (dict keys, or indices) of a container, in walking order."""
    if type(x) in _DICTS:
        if type(x) is collections.OrderedDict:
            return list(x)
        try:
            return sorted(x)
        except TypeError:
            raise TypeError(
                f"keras.tree: dictionary keys must be sortable. Received keys: {list(x)}"
            ) from None
    return list(range(len(x)))


def _children(x: Any) -> list[Any]:
    if type(x) in _DICTS:
        return [x[k] for k in _keys(x)]
    return list(x)


def _rebuild(x: Any, children: list[Any]) -> Any:
    """A container like ``x`` holding ``children`` (given in walking order)."""
    t = type(x)
    if t in _DICTS:
        by_key = dict(zip(_keys(x), children))
        items = [(k, by_key[k]) for k in x]  # back to the original insertion order
        if t is collections.defaultdict:
            return collections.defaultdict(x.default_factory, items)
        return t(items)
    if t is list:
        return children
    if t is tuple:
        return tuple(children)
    if t is collections.deque:
        return collections.deque(children, maxlen=x.maxlen)
    if hasattr(t, "_fields"):
        return t(*children)
    return t(children)  # struct sequence


def _describe(kind: Any) -> str:
    if kind == "dict":
        return "dict"
    if hasattr(kind, "_fields"):
        return f"namedtuple {kind.__name__}"
    return getattr(kind, "__qualname__", str(kind))


def _check_node(expected: Any, other: Any) -> None:
    """Raise ValueError unless ``other`` is a container of the same kind and keys as ``expected``."""
    kind = _kind(expected)
    if _kind(other) != kind:
        raise ValueError(
            "The two structures don't have the same nested structure: expected an instance of "
            f"{_describe(kind)}, got {other!r}."
        )
    if kind == "dict":
        if set(expected) != set(other):
            raise ValueError(
                "The two structures don't have the same nested structure: dictionary keys differ; "
                f"expected keys {sorted(expected, key=repr)}, got {sorted(other, key=repr)}."
            )
    elif len(expected) != len(other):
        raise ValueError(
            "The two structures don't have the same nested structure: expected "
            f"{len(expected)} elements, got {len(other)} in {other!r}."
        )


def _child_of(container: Any, key: Any) -> Any:
    return container[key]


def is_nested(structure: Any) -> bool:
    """Whether ``structure`` is a container (a list, tuple, namedtuple, dict or deque).

    >>> is_nested(42), is_nested({"foo": 42}), is_nested(None)
    (False, True, False)
    """
    return _kind(structure) is not None


def flatten(structure: Any) -> list[Any]:
    """The leaves of ``structure`` in order (dicts by sorted key, OrderedDicts in their order).

    >>> flatten([[1, 2, 3], [4, [5], [[6]]]])
    [1, 2, 3, 4, 5, 6]
    >>> flatten({100: "world!", 6: "Hello"})
    ['Hello', 'world!']
    """
    out: list[Any] = []
    stack = [structure]
    while stack:
        x = stack.pop()
        if _kind(x) is None:
            out.append(x)
        else:
            stack.extend(reversed(_children(x)))
    return out


def flatten_with_path(structure: Any) -> list[tuple[tuple[Any, ...], Any]]:
    """``(path, leaf)`` pairs; a path is the tuple of keys and indices leading to the leaf.

    >>> flatten_with_path([{"foo": 42}])
    [((0, 'foo'), 42)]
    """
    out: list[tuple[tuple[Any, ...], Any]] = []

    def walk(x: Any, path: tuple[Any, ...]) -> None:
        if _kind(x) is None:
            out.append((path, x))
            return
        for k, c in zip(_keys(x), _children(x)):
            walk(c, (*path, k))

    walk(structure, ())
    return out


def map_structure(func: Callable[..., Any], *structures: Any, none_is_leaf: bool = True) -> Any:
    """Apply ``func`` to the leaves of ``structures`` (all of the same layout); keep the layout.

    Args:
        func: a callable taking one argument per structure.
        *structures: nested structures with the same layout (checked as in
            ``assert_same_structure``).
        none_is_leaf: if False, ``None`` leaves are not passed to ``func`` and stay None.

    Returns:
        A structure like ``structures[0]`` holding ``func``'s results.

    >>> map_structure(lambda v: v**2, [[1], [2], [3]])
    [[1], [4], [9]]
    """
    if not structures:
        raise ValueError("keras.tree.map_structure: must provide at least one structure.")
    if not callable(func):
        raise TypeError(f"keras.tree.map_structure: `func` must be callable. Received: func={func!r}")

    def walk(xs: tuple[Any, ...]) -> Any:
        first = xs[0]
        if first is None and not none_is_leaf:
            if any(x is not None for x in xs[1:]):
                raise ValueError("Structures don't have the same nested structure.")
            return None
        if _kind(first) is None:
            if any(_kind(x) is not None for x in xs[1:]):
                raise ValueError("Structures don't have the same nested structure.")
            return func(*xs)
        for x in xs[1:]:
            _check_node(first, x)
        keys = _keys(first)
        kids = [walk(tuple(_child_of(x, k) for x in xs)) for k in keys]
        return _rebuild(first, kids)

    return walk(structures)


def map_structure_up_to(shallow_structure: Any, func: Callable[..., Any], *structures: Any) -> Any:
    """Like ``map_structure``, but only down to the leaves of ``shallow_structure``.

    ``func`` receives the sub-trees of ``structures`` found where ``shallow_structure`` has a leaf
    (``None`` included); the result has the layout of ``shallow_structure``.

    >>> map_structure_up_to([None, None], len, [[1, 1], [2, 2]])
    [2, 2]
    >>> map_structure_up_to([None, [None, None]], str, [[1, 1], [2, 2]])
    ['[1, 1]', ['2', '2']]
    """
    if not structures:
        raise ValueError("keras.tree.map_structure_up_to: must provide at least one structure.")

    def walk(shallow: Any, xs: tuple[Any, ...]) -> Any:
        if _kind(shallow) is None:
            return func(*xs)
        for x in xs:
            _check_node(shallow, x)
        kids = [walk(_child_of(shallow, k), tuple(_child_of(x, k) for x in xs)) for k in _keys(shallow)]
        return _rebuild(shallow, kids)

    return walk(shallow_structure, structures)


def assert_same_structure(a: Any, b: Any, check_types: Any = None) -> None:
    """Raise ValueError unless ``a`` and ``b`` are nested the same way (same container types).

    ``dict``, ``OrderedDict`` and ``defaultdict`` with the same keys match; ``list``, ``tuple``,
    ``deque`` and each namedtuple type are all distinct. ``check_types`` is deprecated in Keras and
    has no effect.

    >>> assert_same_structure([(0, 1)], [(2, 3)])
    """
    if check_types is not None:
        import warnings

        warnings.warn(
            "The `check_types` argument is deprecated and no longer has any effect, please remove. "
            "For a looser check, use `keras.tree.assert_same_paths()`.",
            DeprecationWarning,
            stacklevel=2,
        )
    map_structure(lambda *_: None, a, b)


def _paths(structure: Any) -> set[tuple[Any, ...]]:
    return {p for p, _ in flatten_with_path(structure)}


def assert_same_paths(a: Any, b: Any) -> None:
    """Raise ValueError unless ``a`` and ``b`` have the same leaf paths (container types ignored).

    >>> assert_same_paths([0, 1], (2, 3))
    """
    a_paths, b_paths = _paths(a), _paths(b)
    if a_paths != b_paths:
        msg = "`a` and `b` don't have the same paths."
        if a_paths - b_paths:
            msg += f"\nPaths in `a` missing in `b`:\n{a_paths - b_paths}"
        if b_paths - a_paths:
            msg += f"\nPaths in `b` missing in `a`:\n{b_paths - a_paths}"
        raise ValueError(msg)


def pack_sequence_as(structure: Any, flat_sequence: Any) -> Any:
    """``flat_sequence`` packed into the layout of ``structure`` (the inverse of ``flatten``).

    >>> pack_sequence_as({"key3": "", "key1": "", "key2": ""}, ["value1", "value2", "value3"])
    {'key3': 'value3', 'key1': 'value1', 'key2': 'value2'}
    """
    try:
        flat = list(flat_sequence)
    except TypeError:
        raise TypeError(
            f"keras.tree.pack_sequence_as: `flat_sequence` must be iterable. Received: {flat_sequence!r}"
        ) from None
    n = len(flatten(structure))
    if len(flat) != n:
        raise ValueError(
            f"keras.tree.pack_sequence_as: the structure has {n} leaves but `flat_sequence` has "
            f"{len(flat)} elements. Structure: {structure!r}"
        )
    it = iter(flat)

    def walk(x: Any) -> Any:
        if _kind(x) is None:
            return next(it)
        return _rebuild(x, [walk(c) for c in _children(x)])

    return walk(structure)


def traverse(func: Callable[[Any], Any], structure: Any, top_down: bool = True) -> Any:
    """Depth-first walk calling ``func`` on every sub-tree (parents first when ``top_down``).

    Top-down, a non-None result replaces the sub-tree and stops the walk into it; bottom-up, a
    non-None result replaces the (already walked) sub-tree. Return ``MAP_TO_NONE`` to put None.

    >>> v = []
    >>> traverse(v.append, [(1, 2), [3]], top_down=False)
    [(1, 2), [3]]
    >>> v
    [1, 2, (1, 2), 3, [3], [(1, 2), [3]]]
    """
    if not callable(func):
        raise TypeError(f"keras.tree.traverse: `func` must be callable. Received: func={func!r}")

    def walk(x: Any) -> Any:
        def children_walked() -> Any:
            if _kind(x) is None:
                return x
            return _rebuild(x, [walk(c) for c in _children(x)])

        if top_down:
            ret = func(x)
            if ret is None:
                return children_walked()
        else:
            walked = children_walked()
            ret = func(walked)
            if ret is None:
                return walked
        return None if ret is MAP_TO_NONE else ret

    return walk(structure)


def lists_to_tuples(structure: Any) -> Any:
    """``structure`` with every list turned into a tuple.

    >>> lists_to_tuples([1, [2, {"a": [3]}]])
    (1, (2, {'a': (3,)}))
    """
    return traverse(lambda x: tuple(x) if type(x) is list else None, structure, top_down=False)


def _is_shape(x: Any) -> bool:
    return isinstance(x, (list, tuple)) and all(isinstance(e, (int, type(None))) for e in x)


def map_shape_structure(func: Callable[[Any], Any], structure: Any) -> Any:
    """``map_structure`` where a list/tuple of ints and Nones (a shape) counts as one leaf.

    >>> map_shape_structure(lambda s: s[-1], {"x": (None, 3), "y": [(1, 2), (4,)]})
    {'x': 3, 'y': [2, 4]}
    """

    def walk(x: Any) -> Any:
        if _is_shape(x) or _kind(x) is None:
            return func(x)
        return _rebuild(x, [walk(c) for c in _children(x)])

    return walk(structure)
