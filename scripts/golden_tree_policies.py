"""Golden values for ``keras.tree``, ``keras.dtype_policies`` and ``keras.layers.serialize``, from Keras 3.

Run once with the side virtualenv (never a dependency of the project):

    CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 /tmp/peers/bin/python scripts/golden_tree_policies.py

It writes tests/fixtures/keras_tree/golden.json:
- ``tree``: for each case of tests/keras/_tree_cases.py, ``repr`` of Keras' result or
  ``"raises <ErrorType>"`` (Keras 3.15 with the TensorFlow backend, so optree's rules);
- ``policies``: ``keras.dtype_policies.serialize`` of a few policies and maps, and the class,
  name and dtypes ``keras.dtype_policies.get`` gives for some identifiers;
- ``layers``: ``keras.layers.serialize`` of a Dense layer and a Sequential model.
"""

from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "keras"))

import keras  # noqa: E402
from _tree_cases import run  # noqa: E402


def _policies() -> dict:
    dp = keras.dtype_policies
    pmap = dp.DTypePolicyMap(default_policy="mixed_float16")
    pmap["encoder/dense"] = "float16"
    pmap["decoder/.*"] = dp.DTypePolicy("bfloat16")
    out = {
        "serialize": {
            "float32": dp.serialize(dp.DTypePolicy("float32")),
            "mixed_float16": dp.serialize(dp.DTypePolicy("mixed_float16")),
            "float_alias": dp.serialize(dp.FloatDTypePolicy("float16")),
            "map": dp.serialize(pmap),
            "map_no_default": dp.serialize(dp.DTypePolicyMap()),
        },
        "get": {},
        "map_lookup": {
            k: pmap[k].name for k in ("encoder/dense", "encoder/other", "decoder/attention", "decoder")
        },
        "map_props": [pmap.name, pmap.compute_dtype, pmap.variable_dtype, len(pmap), list(pmap)],
    }
    float_alias = {"class_name": "FloatDTypePolicy", "config": {"name": "float64"}}
    for ident in ("float16", "mixed_bfloat16", float_alias):
        p = dp.get(ident)
        out["get"][json.dumps(ident)] = [type(p).__name__, p.name, p.compute_dtype, p.variable_dtype]
    return out


def _layers() -> dict:
    dense = keras.layers.Dense(3, activation="relu", name="d")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, name="d2")], name="seq")
    return {"dense": keras.layers.serialize(dense), "sequential": keras.layers.serialize(model)}


def main() -> None:
    golden = {"tree": run(keras.tree), "policies": _policies(), "layers": _layers()}
    path = os.path.join(HERE, "..", "tests", "fixtures", "keras_tree", "golden.json")
    with open(path, "w") as f:
        json.dump(golden, f, indent=1, sort_keys=True)
    print("wrote", path)


if __name__ == "__main__":
    main()
