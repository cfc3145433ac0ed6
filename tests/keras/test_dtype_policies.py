"""``keras.dtype_policies`` against Keras 3.15 (goldens from scripts/golden_tree_policies.py)."""

import json
import os

import pytest

from tensorflux.keras import dtype_policies as dp
from tensorflux.keras.mixed_precision import DTypePolicy

with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras_tree", "golden.json")) as _f:
    GOLDEN = json.load(_f)["policies"]


def _keras_map():
    m = dp.DTypePolicyMap(default_policy="mixed_float16")
    m["encoder/dense"] = "float16"
    m["decoder/.*"] = dp.DTypePolicy("bfloat16")
    return m


def test_policy_class_is_mixed_precision_one():
    assert dp.DTypePolicy is DTypePolicy
    assert dp.FloatDTypePolicy("float16") == DTypePolicy("float16")
    assert repr(dp.FloatDTypePolicy("float16")) == '<DTypePolicy "float16">'


@pytest.mark.parametrize("key", ["float32", "mixed_float16", "float_alias", "map", "map_no_default"])
def test_serialize_matches_keras(key):
    policy = {
        "float32": dp.DTypePolicy("float32"),
        "mixed_float16": dp.DTypePolicy("mixed_float16"),
        "float_alias": dp.FloatDTypePolicy("float16"),
        "map": _keras_map(),
        "map_no_default": dp.DTypePolicyMap(),
    }[key]
    assert dp.serialize(policy) == GOLDEN["serialize"][key]
    back = dp.deserialize(GOLDEN["serialize"][key])
    assert type(back) is type(policy) and back == policy


def test_get_matches_keras():
    for ident, (cls, name, compute, variable) in GOLDEN["get"].items():
        ident = json.loads(ident)
        if ident == "mixed_bfloat16":  # NumPy has no bfloat16: tensorflux refuses it
            with pytest.raises(ValueError, match="bfloat16"):
                dp.get(ident)
            continue
        p = dp.get(ident)
        assert [type(p).__name__, p.name, p.compute_dtype, p.variable_dtype] == [cls, name, compute, variable]
    assert dp.get(None) == dp.get("float32")


def test_map_lookup_matches_keras():
    m = _keras_map()
    assert {k: m[k].name for k in GOLDEN["map_lookup"]} == GOLDEN["map_lookup"]
    assert [m.name, m.compute_dtype, m.variable_dtype, len(m), list(m)] == GOLDEN["map_props"]


def test_map_errors_and_mapping_protocol():
    m = dp.DTypePolicyMap("float32", {"a/.*": "float16"})
    m["a/b.*"] = "float64"
    with pytest.raises(ValueError, match="matches multiple dtype policy"):
        m["a/bc"]
    with pytest.raises(ValueError, match="already exists"):
        m["a/.*"] = "float32"
    with pytest.raises(ValueError, match="cannot be a `DTypePolicyMap`"):
        dp.DTypePolicyMap(m)
    with pytest.raises(TypeError, match="must be a dict"):
        dp.DTypePolicyMap(None, [("a", "float32")])
    del m["a/b.*"]
    assert "a/b.*" not in m and m["a/bc"].name == "float16" and m.get("zz").name == "float32"  # Keras too


def test_map_as_layer_dtype_uses_default():
    import tensorflux as tf

    layer = tf.keras.layers.Dense(2, dtype=dp.DTypePolicyMap("mixed_float16"))
    assert (layer.compute_dtype, layer.variable_dtype) == ("float16", "float32")


@pytest.mark.parametrize(
    "make",
    [
        lambda: dp.get("int8_from_float32"),
        lambda: dp.QuantizedDTypePolicy("int8"),
        lambda: dp.QuantizedFloat8DTypePolicy("float8", amax_history_length=16),
        lambda: dp.Int4DTypePolicy("int4/128"),
        lambda: dp.GPTQDTypePolicy("gptq/4/128"),
        lambda: dp.AWQDTypePolicy("awq/4/128"),
    ],
)
def test_quantized_policies_raise_clearly(make):
    with pytest.raises(NotImplementedError, match="does not support quantization"):
        make()


def test_bad_identifier():
    with pytest.raises(ValueError, match="Cannot interpret `dtype`"):
        dp.get(3.5)
