"""Hashing and its hash functions against TensorFlow / Keras 3 golden values.

Fixture: tests/fixtures/hashing/golden.json, written by scripts/golden_hashing.py.
"""

import doctest
import json
import pathlib

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras.layers.preprocessing import _hash64
from tensorflux.keras.layers.preprocessing import hashing as hashing_module
from tensorflux.keras.layers.preprocessing.hashing import Hashing

GOLDEN = json.loads(
    (pathlib.Path(__file__).parents[3] / "fixtures" / "hashing" / "golden.json").read_text(encoding="utf-8")
)
BIG = np.uint64(2**63 - 1)  # the goldens are hash % (2**63 - 1), to keep them in int64


def _raw() -> list[bytes]:
    return [s.encode("utf-8") for s in GOLDEN["strings"]] + [bytes.fromhex(h) for h in GOLDEN["bytes_hex"]]


def _dec(spec):
    if spec["dtype"] == "string":
        return np.asarray(spec["values"], dtype=str)
    return np.asarray(spec["values"], dtype=spec["dtype"])


# -- hash functions ---------------------------------------------------------------------------------
def test_fingerprint64_matches_tensorflow_for_every_length_branch():
    raw = _raw()
    assert sorted({len(b) for b in raw})[:101] == list(range(101))  # 0..16, 17..32, 33..64, > 64
    got = (_hash64.fingerprint64(raw) % BIG).astype(np.int64)
    np.testing.assert_array_equal(got, np.asarray(GOLDEN["fast"], np.int64))


def test_fingerprint64_of_one_string_equals_batched():
    raw = _raw()
    batched = _hash64.fingerprint64(raw)
    singles = np.concatenate([_hash64.fingerprint64([b]) for b in raw])
    np.testing.assert_array_equal(singles, batched)


def test_fingerprint64_of_empty_string_is_k2():
    assert int(_hash64.fingerprint64([b""])[0]) == 0x9AE16A3B2F90404F
    assert _hash64.fingerprint64([]).shape == (0,)


@pytest.mark.parametrize("key", list(GOLDEN["strong"]))
def test_siphash64_matches_tensorflow(key):
    got = (_hash64.siphash64(_raw(), json.loads(key)) % BIG).astype(np.int64)
    np.testing.assert_array_equal(got, np.asarray(GOLDEN["strong"][key], np.int64))


def test_siphash64_reference_vector():
    # SipHash-2-4 paper, appendix A: key 00 01 .. 0f, message 00 01 .. 0e (15 bytes)
    key = [int.from_bytes(bytes(range(8)), "little"), int.from_bytes(bytes(range(8, 16)), "little")]
    assert int(_hash64.siphash64([bytes(range(15))], key)[0]) == 0xA129CA6149BE45E5


def test_integers_hash_as_decimal_strings():
    keys = [str(v).encode() for v in GOLDEN["ints"]]
    got = (_hash64.fingerprint64(keys) % BIG).astype(np.int64)
    np.testing.assert_array_equal(got, np.asarray(GOLDEN["fast_ints"], np.int64))


# -- the layer --------------------------------------------------------------------------------------
def _case_id(case):
    return f"{case['kwargs']}-{case['input']['dtype']}-{np.asarray(case['input']['values']).shape}"


@pytest.mark.parametrize("case", GOLDEN["hashing"], ids=_case_id)
def test_hashing_matches_keras(case):
    layer = Hashing(**case["kwargs"])
    x = _dec(case["input"])
    y = layer(x)
    want = case["output"]
    assert y.dtype.name == want["dtype"]
    assert tuple(y.shape) == tuple(want["shape"])
    np.testing.assert_array_equal(y.numpy(), np.asarray(want["values"], want["dtype"]))
    assert tuple(layer.compute_output_shape(x.shape)) == tuple(want["shape"])


def test_input_forms_agree():
    layer = Hashing(num_bins=1000)
    want = layer(np.array(["cat", "dög", ""])).numpy()
    np.testing.assert_array_equal(layer(["cat", "dög", ""]).numpy(), want)
    np.testing.assert_array_equal(layer(np.array(["cat", "dög", ""], dtype=object)).numpy(), want)
    np.testing.assert_array_equal(layer(np.array([b"cat", "dög".encode(), b""], dtype=object)).numpy(), want)
    assert layer("dög").numpy() == want[1]
    assert layer(b"cat").numpy() == want[0]
    ints = layer(np.array([7, -3])).numpy()
    np.testing.assert_array_equal(layer(tf.constant([7, -3])).numpy(), ints)
    np.testing.assert_array_equal(layer([7, -3]).numpy(), ints)
    np.testing.assert_array_equal(layer(["7", "-3"]).numpy(), ints)  # ints hash as their decimal text


def test_non_utf8_bytes_are_hashed_as_is():
    raw = [bytes.fromhex(h) for h in GOLDEN["bytes_hex"]]
    want = _hash64.fingerprint64(raw) % np.uint64(97)
    got = Hashing(num_bins=97)(np.array(raw, dtype=object)).numpy()
    np.testing.assert_array_equal(got, want.astype(np.int64))


def test_float_mask_is_compared_before_truncation():
    layer = Hashing(num_bins=10, mask_value=0)
    out = layer(np.array([0.0, 0.5, -0.5, 3.0])).numpy()
    assert out[0] == 0
    assert out[1] == out[2] != 0  # 0.5 and -0.5 truncate to "0" but are not the mask value
    assert out[1] == 1 + int(_hash64.fingerprint64([b"0"])[0] % np.uint64(9))


def test_symbolic_integer_input_and_save_load(tmp_path):
    inp = keras.Input((3,), dtype="int32")
    out = Hashing(num_bins=8, salt=[5, 6], output_mode="count")(inp)
    assert tuple(out.shape) == (None, 8)
    model = keras.Model(inp, out)
    x = np.array([[1, 2, 3], [4, 4, 4]], "int32")
    before = model.predict(x, verbose=0)
    assert before.dtype == np.float32
    np.testing.assert_array_equal(before.sum(axis=1), [3, 3])
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras", custom_objects={"Hashing": Hashing})
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), before)
    np.testing.assert_array_equal(model(x).numpy(), before)


def test_int_mode_symbolic_dtype_and_config_round_trip():
    layer = Hashing(num_bins=5, mask_value=-1, salt=9, dtype="int32", name="h")
    out = layer(keras.Input((2,), dtype="int64"))
    assert out.dtype.name == "int32"
    cfg = layer.get_config()
    assert {k: cfg[k] for k in ("num_bins", "salt", "mask_value", "output_mode", "sparse")} == {
        "num_bins": 5,
        "salt": [9, 9],
        "mask_value": -1,
        "output_mode": "int",
        "sparse": False,
    }
    again = Hashing.from_config(cfg)
    x = np.array([[-1, 3], [8, 0]])
    np.testing.assert_array_equal(again(x).numpy(), layer(x).numpy())
    assert again(x).dtype.name == "int32"


def test_string_dataset_map():
    words = np.array(["a", "b", "c", "a", "zz", ""])
    layer = Hashing(num_bins=4, output_mode="one_hot")
    ds = tf.data.Dataset.from_tensor_slices(words).batch(4).map(layer)
    got = np.concatenate([np.asarray(b) for b in ds])
    np.testing.assert_array_equal(got, layer(words).numpy())
    labelled = tf.data.Dataset.from_tensor_slices((words, np.arange(6))).batch(3)
    pairs = list(labelled.map(lambda w, y: (Hashing(num_bins=4)(w), y)))
    np.testing.assert_array_equal(
        np.concatenate([np.asarray(p[0]) for p in pairs]), Hashing(num_bins=4)(words)
    )


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"num_bins": 0}, "num_bins"),
        ({"num_bins": None}, "num_bins"),
        ({"num_bins": 2.5}, "num_bins"),
        ({"num_bins": 3, "output_mode": "tf_idf"}, "output_mode"),
        ({"num_bins": 3, "output_mode": "one_hot", "sparse": True}, "sparse"),
        ({"num_bins": 3, "dtype": "float32"}, "dtype"),
        ({"num_bins": 3, "salt": [1, 2, 3]}, "salt"),
        ({"num_bins": 3, "salt": "x"}, "salt"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Hashing(**kwargs)


def test_bad_inputs_name_the_layer():
    with pytest.raises(ValueError, match="Hashing 'h'.*mask_value"):
        Hashing(num_bins=3, mask_value="", name="h")(np.array([1, 2]))
    with pytest.raises(ValueError, match="Hashing 'h'.*mask_value"):
        Hashing(num_bins=3, mask_value=0, name="h")(["a"])
    with pytest.raises(TypeError, match="Hashing 'h'.*float"):
        Hashing(num_bins=3, name="h")(np.array(["a", 1.5], dtype=object))


@pytest.mark.parametrize("module", [_hash64, hashing_module], ids=["_hash64", "hashing"])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted and result.failed == 0
