"""``keras.tree`` cases run both by scripts/golden_tree_policies.py (on Keras) and by the tests.

Each case takes a tree module and returns a value; the golden file stores ``repr`` of that value,
or ``"raises <ErrorType>"``. Kept free of Keras and tensorflux imports so both sides can load it.
"""

from __future__ import annotations

import collections
from typing import Any

Point = collections.namedtuple("Point", ["y", "x"])
Other = collections.namedtuple("Other", ["y", "x"])


def _od() -> collections.OrderedDict:
    return collections.OrderedDict([("b", 1), ("a", 2)])


def _dd() -> collections.defaultdict:
    return collections.defaultdict(int, {"b": 1, "a": 2})


NESTED = {"b": 1, "a": [2, None], "c": Point(3, 4), "d": collections.OrderedDict([("z", 5), ("y", (6,))])}


def cases(tree: Any) -> dict[str, Any]:
    """Name -> zero-argument callable using ``tree``."""
    pair = lambda x, y: (x, y)
    visited: list[Any] = []
    out: dict[str, Any] = {
        "flatten_nested": lambda: tree.flatten(NESTED),
        "flatten_none": lambda: tree.flatten(None),
        "flatten_leaf": lambda: tree.flatten("abc"),
        "flatten_empty": lambda: (tree.flatten([]), tree.flatten({}), tree.flatten(())),
        "flatten_int_keys": lambda: tree.flatten({100: "world!", 6: "Hello"}),
        "flatten_deque": lambda: tree.flatten(collections.deque([1, [2, 3]])),
        "flatten_defaultdict": lambda: tree.flatten(_dd()),
        "flatten_with_path_nested": lambda: tree.flatten_with_path(NESTED),
        "flatten_with_path_leaf": lambda: (tree.flatten_with_path(5), tree.flatten_with_path(None)),
        "flatten_with_path_empty": lambda: tree.flatten_with_path([]),
        "is_nested": lambda: [
            tree.is_nested(x) for x in (None, 1, "ab", [], (), {}, _od(), collections.deque(), Point(1, 2))
        ],
        "pack_dict_order": lambda: tree.pack_sequence_as({"b": 0, "a": 0}, [10, 20]),
        "pack_ordereddict": lambda: tree.pack_sequence_as(_od(), [10, 20]),
        "pack_defaultdict": lambda: tree.pack_sequence_as(_dd(), [10, 20]),
        "pack_nested": lambda: tree.pack_sequence_as(NESTED, list(range(7))),
        "pack_leaf": lambda: (tree.pack_sequence_as(1, [5]), tree.pack_sequence_as(None, [6])),
        "pack_too_few": lambda: tree.pack_sequence_as([1, 2], [1]),
        "pack_too_many": lambda: tree.pack_sequence_as(1, [1, 2]),
        "map_one": lambda: tree.map_structure(lambda v: v * 2 if v is not None else "N", NESTED),
        "map_two": lambda: tree.map_structure(lambda a, b: a + b, [1, (2, {"k": 3})], [10, (20, {"k": 30})]),
        "map_namedtuple": lambda: tree.map_structure(lambda v: v * 2, Point(y=1, x=2)),
        "map_deque": lambda: tree.map_structure(lambda v: v + 1, collections.deque([1, 2], maxlen=4)),
        "map_dict_vs_ordereddict": lambda: tree.map_structure(pair, _od(), {"a": 1, "b": 2}),
        "map_ordereddict_vs_dict": lambda: tree.map_structure(pair, {"a": 1, "b": 2}, _od()),
        "map_defaultdict_vs_dict": lambda: tree.map_structure(pair, _dd(), {"a": 1, "b": 2}),
        "map_list_vs_tuple": lambda: tree.map_structure(pair, [1, 2], (1, 2)),
        "map_namedtuple_vs_tuple": lambda: tree.map_structure(pair, Point(1, 2), (1, 2)),
        "map_namedtuple_vs_other": lambda: tree.map_structure(pair, Point(1, 2), Other(1, 2)),
        "map_deeper_second": lambda: tree.map_structure(pair, [1, 2], [1, [2]]),
        "map_deeper_first": lambda: tree.map_structure(pair, [1, [2]], [1, 2]),
        "map_key_mismatch": lambda: tree.map_structure(pair, {"a": 1}, {"b": 1}),
        "map_len_mismatch": lambda: tree.map_structure(pair, [1, 2], [1, 2, 3]),
        "map_none_vs_leaf": lambda: tree.map_structure(pair, None, 1),
        "map_none_vs_nested": lambda: tree.map_structure(pair, [None], [[1]]),
        "map_none_not_leaf": lambda: tree.map_structure(
            lambda v: v * 3, [None, 1, {"a": None}], none_is_leaf=False
        ),
        "map_top_none_not_leaf": lambda: tree.map_structure(lambda v: 0, None, none_is_leaf=False),
        "map_top_leaf": lambda: tree.map_structure(lambda v: v + 1, 1),
        "map_no_structures": lambda: tree.map_structure(len),
        "assert_same_ok": lambda: tree.assert_same_structure([(0, 1), {"a": None}], [(2, 3), {"a": 4}]),
        "assert_same_list_tuple": lambda: tree.assert_same_structure([0, 1], (0, 1)),
        "assert_same_dict_family": lambda: tree.assert_same_structure(_od(), _dd()),
        "assert_same_namedtuples": lambda: tree.assert_same_structure(Point(0, 1), Other(0, 1)),
        "assert_same_depth": lambda: tree.assert_same_structure([[0]], [0]),
        "assert_paths_ok": lambda: (
            tree.assert_same_paths([0, 1], (2, 3)),
            tree.assert_same_paths(Point(0, 1), Other(2, 3)),
            tree.assert_same_paths({"a": [1]}, collections.OrderedDict(a=(2,))),
        ),
        "assert_paths_bad": lambda: tree.assert_same_paths({"a": 1}, [1]),
        "up_to_lists": lambda: tree.map_structure_up_to([0, 0], len, [[1, 1], [2, 2]]),
        "up_to_mixed": lambda: tree.map_structure_up_to([0, [0, 0]], str, [[1, 1], [2, 2]]),
        "up_to_dict_two": lambda: tree.map_structure_up_to({"a": 0}, pair, {"a": [1]}, {"a": [2]}),
        "up_to_too_shallow": lambda: tree.map_structure_up_to([0, [0, 0]], str, [[1, 1], 2]),
        "up_to_type_mismatch": lambda: tree.map_structure_up_to([0, 0], str, (1, 2)),
        "lists_to_tuples": lambda: tree.lists_to_tuples([1, [2, {"a": [3], "b": Point([4], 5)}]]),
        "map_shape": lambda: tree.map_shape_structure(
            lambda s: ("S", s), {"x": (None, 3), "y": [(1, 2), [4]], "z": [], "w": "leaf", "v": None}
        ),
        "traverse_top_down": lambda: (
            tree.traverse(visited.append, [(1, 2), [3], {"a": 4}], top_down=True),
            list(visited),
            visited.clear(),
        ),
        "traverse_bottom_up": lambda: (
            tree.traverse(visited.append, [(1, 2), [3], {"a": 4}], top_down=False),
            list(visited),
            visited.clear(),
        ),
        "traverse_map_to_none": lambda: tree.traverse(
            lambda x: tree.MAP_TO_NONE if x == (1, 2) else None, [(1, 2), [3]]
        ),
        "traverse_replace_stops": lambda: tree.traverse(
            lambda x: "list" if isinstance(x, list) and x != [[5], 6] else None, [[5], 6]
        ),
        "traverse_bottom_up_replace": lambda: tree.traverse(
            lambda x: x * 10 if isinstance(x, int) else None, {"a": [1, (2,)]}, top_down=False
        ),
    }
    return out


def run(tree: Any) -> dict[str, str]:
    """``repr`` of every case's result, or ``"raises <ErrorType>"``."""
    results = {}
    for name, fn in cases(tree).items():
        try:
            results[name] = repr(fn())
        except (ValueError, TypeError) as e:
            results[name] = f"raises {type(e).__name__}"
    return results
