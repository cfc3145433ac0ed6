"""``keras.tree`` against Keras 3.15 (goldens from scripts/golden_tree_policies.py)."""

import collections
import json
import os

import pytest
from _tree_cases import cases, run  # tests/keras/_tree_cases.py

from tensorflux.keras import tree

with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras_tree", "golden.json")) as _f:
    GOLDEN = json.load(_f)


@pytest.mark.parametrize("name", sorted(cases(tree)))
def test_matches_keras(name):
    assert run(tree)[name] == GOLDEN["tree"][name]


def test_every_golden_case_runs():
    assert set(run(tree)) == set(GOLDEN["tree"])


def test_map_structure_up_to_none_leaves_in_shallow():
    # Keras' documented examples (its optree path raises on None in the shallow structure).
    assert tree.map_structure_up_to([None, None], len, [[1, 1], [2, 2]]) == [2, 2]
    assert tree.map_structure_up_to([None, [None, None]], str, [[1, 1], [2, 2]]) == ["[1, 1]", ["2", "2"]]


def test_pack_flatten_round_trip_keeps_insertion_order():
    s = {"z": [1, {"y": 2, "x": 3}], "a": collections.OrderedDict([("q", 4), ("p", 5)])}
    packed = tree.pack_sequence_as(s, tree.flatten(s))
    assert packed == s and list(packed) == ["z", "a"] and list(packed["z"][1]) == ["y", "x"]
    assert type(packed["a"]) is collections.OrderedDict and list(packed["a"]) == ["q", "p"]


def test_errors_name_the_mismatch():
    with pytest.raises(ValueError, match="expected an instance of list"):
        tree.assert_same_structure([1, 2], (1, 2))
    with pytest.raises(ValueError, match="has 2 leaves but `flat_sequence` has 1"):
        tree.pack_sequence_as([1, 2], [1])
    with pytest.raises(ValueError, match=r"Paths in `b` missing in `a`:\n\{\(2,\)\}"):
        tree.assert_same_paths([0, 1], [0, 1, 2])
    with pytest.raises(TypeError, match="must be callable"):
        tree.traverse(3, [1])
    with pytest.raises(TypeError, match="sortable"):
        tree.flatten({1: 1, "a": 2})


def test_check_types_is_deprecated():
    with pytest.warns(DeprecationWarning, match="check_types"):
        tree.assert_same_structure([1], [2], check_types=True)


def test_subclasses_are_leaves():
    class MyList(list):
        pass

    assert tree.flatten([MyList([1, 2])]) == [MyList([1, 2])]
    assert not tree.is_nested(MyList())


def test_tensors_are_leaves():
    import tensorflux as tf

    x = tf.constant([1.0, 2.0])
    out = tree.map_structure(lambda t: t * 2, {"a": x, "b": [x]})
    assert out["a"].numpy().tolist() == [2.0, 4.0] and out["b"][0].numpy().tolist() == [2.0, 4.0]


def test_docstring_examples_of_the_new_modules():
    import doctest
    import importlib

    for name in ("tree", "dtype_policies", "scopes", "operation", "layers.serialization"):
        module = importlib.import_module(f"tensorflux.keras.{name}")
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0 and result.failed == 0, name
