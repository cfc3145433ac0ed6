"""Golden values for Hashing, HashedCrossing and their hash functions, from TensorFlow / Keras 3.

Run once with the side virtualenv (never a dependency of the project):

    CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 /tmp/peers/bin/python scripts/golden_hashing.py

It writes tests/fixtures/hashing/golden.json:
- ``strings``: test strings (lengths 0..100 and longer, ASCII and non-ASCII) and ``bytes_hex``
  (byte strings that are not UTF-8, as hex);
- ``fast``: ``tf.strings.to_hash_bucket_fast(s, 2**63 - 1)`` of each (FarmHash Fingerprint64
  modulo 2**63 - 1) and ``strong``: ``to_hash_bucket_strong`` for several keys;
- ``hashing`` / ``crossing``: calls of ``keras.layers.Hashing`` / ``HashedCrossing`` (TensorFlow
  backend) with their constructor arguments, inputs and outputs (values, shape, dtype);
- ``model``: the inputs and predictions of tests/fixtures/hashing/keras_model.keras, a Keras model
  with both layers on integer inputs, saved by Keras (for loading it in tensorflux).
"""

from __future__ import annotations

import json
import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "hashing" / "golden.json"
BIG = 2**63 - 1
KEYS = [[133, 137], [133, 133], [1, 2], [0, 0], [2**63 - 1, 12345]]


def _strings() -> list[str]:
    rng = np.random.RandomState(7)
    alphabet = np.array(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-"))
    out = ["".join(rng.choice(alphabet, n)) for n in range(0, 101)]
    out += ["".join(rng.choice(alphabet, n)) for n in (127, 128, 129, 200, 1000)]
    out += ["A", "B", "C", "D", "E", "é", "héllo wörld", "日本語のテキスト", "🙂" * 9, "ß" * 40, "Ω" * 70]
    return out


def _bytes() -> list[bytes]:
    rng = np.random.RandomState(11)
    return [bytes(rng.randint(0, 256, n).astype(np.uint8)) for n in (1, 3, 8, 17, 33, 65, 130)]


def _enc(x) -> dict:
    a = np.asarray(x)
    if a.dtype.kind in "USO":
        return {"values": a.astype(str).tolist(), "dtype": "string"}
    return {"values": a.tolist(), "dtype": str(a.dtype)}


def _dec(spec: dict):
    if spec["dtype"] == "string":
        return np.asarray(spec["values"], dtype=str)
    return np.asarray(spec["values"], dtype=spec["dtype"])


def _out(y) -> dict:
    y = np.asarray(y)
    return {"values": y.tolist(), "shape": list(y.shape), "dtype": str(y.dtype)}


def _hashing_cases() -> list[tuple[dict, dict]]:
    s5 = {"values": [["A"], ["B"], ["C"], ["D"], ["E"]], "dtype": "string"}
    s_mask = {"values": [["A"], ["B"], [""], ["C"], ["D"]], "dtype": "string"}
    words = {
        "values": [["cat", "dog", "cat"], ["", "bird", "fish"], ["a" * 70, "é", "dog"]],
        "dtype": "string",
    }
    ints64 = {"values": [[-5, 0, 7], [2**40, -(2**62), 2**63 - 1], [-1, 1, 123456789]], "dtype": "int64"}
    ints32 = {"values": [3, -3, 0, 2**31 - 1, -(2**31)], "dtype": "int32"}
    floats = {"values": [[1.7], [-2.3], [0.2], [5.0]], "dtype": "float32"}
    return [
        ({"num_bins": 3}, s5),
        ({"num_bins": 3, "mask_value": ""}, s_mask),
        ({"num_bins": 3, "salt": [133, 137]}, s5),
        ({"num_bins": 3, "salt": 133}, s5),
        ({"num_bins": 1000}, words),
        ({"num_bins": 1000, "mask_value": ""}, words),
        ({"num_bins": 1000, "salt": [7, 11]}, words),
        ({"num_bins": 97}, ints64),
        ({"num_bins": 97, "mask_value": 0}, ints64),
        ({"num_bins": 97, "salt": [1, 2]}, ints64),
        ({"num_bins": 50}, ints32),
        ({"num_bins": 50, "dtype": "int32"}, ints32),
        ({"num_bins": 11}, floats),
        ({"num_bins": 5, "output_mode": "one_hot"}, s5),
        ({"num_bins": 5, "output_mode": "one_hot"}, {"values": ["A", "B", "C"], "dtype": "string"}),
        ({"num_bins": 6, "output_mode": "one_hot"}, words),
        ({"num_bins": 6, "output_mode": "multi_hot"}, words),
        ({"num_bins": 6, "output_mode": "multi_hot", "mask_value": ""}, words),
        ({"num_bins": 4, "output_mode": "count"}, words),
        ({"num_bins": 4, "output_mode": "count"}, {"values": ["a", "b", "a", "c", "a"], "dtype": "string"}),
        ({"num_bins": 4, "output_mode": "multi_hot"}, ints64),
        ({"num_bins": 4, "output_mode": "count", "salt": [3, 4]}, ints64),
        ({"num_bins": 1, "mask_value": ""}, s_mask),
        ({"num_bins": 2, "mask_value": ""}, s_mask),
        ({"num_bins": 1000}, {"values": [True, False, True], "dtype": "bool"}),
        ({"num_bins": 1000}, {"values": "A", "dtype": "string"}),
        ({"num_bins": 4, "output_mode": "multi_hot"}, {"values": "A", "dtype": "string"}),
    ]


def _crossing_cases() -> list[tuple[dict, list[dict]]]:
    f1 = {"values": ["A", "B", "A", "B", "A"], "dtype": "string"}
    f2 = {"values": [101, 101, 101, 102, 102], "dtype": "int64"}
    g1 = {"values": [["x"], ["yy"], [""], ["日本"], ["z" * 80]], "dtype": "string"}
    g2 = {"values": [[-1], [0], [2**62], [-(2**63)], [7]], "dtype": "int64"}
    g3 = {"values": [[1], [2], [3], [4], [5]], "dtype": "int32"}
    return [
        ({"num_bins": 5}, [f1, f2]),
        ({"num_bins": 5, "output_mode": "one_hot"}, [f1, f2]),
        ({"num_bins": 1000}, [f2, f1]),
        ({"num_bins": 1000}, [g1, g2]),
        ({"num_bins": 1000}, [g1, g2, g3]),
        ({"num_bins": 1000}, [g3, g3]),
        ({"num_bins": 1000}, [g1, g1]),
        ({"num_bins": 9, "output_mode": "one_hot"}, [g1, g2]),
        ({"num_bins": 1000}, [{"values": "A", "dtype": "string"}, {"values": 101, "dtype": "int64"}]),
        (
            {"num_bins": 6, "output_mode": "one_hot"},
            [{"values": "A", "dtype": "string"}, {"values": 7, "dtype": "int64"}],
        ),
        (
            {"num_bins": 6, "output_mode": "one_hot"},
            [{"values": ["A"], "dtype": "string"}, {"values": [7], "dtype": "int64"}],
        ),
    ]


def _model() -> dict:
    """A functional model with both layers, saved by Keras; returns its inputs and predictions."""
    ids = keras.Input((3,), dtype="int32", name="ids")
    a = keras.Input((1,), dtype="int32", name="a")
    b = keras.Input((1,), dtype="int32", name="b")
    counts = keras.layers.Hashing(num_bins=8, salt=[5, 6], output_mode="count", name="hash")(ids)
    crossed = keras.layers.HashedCrossing(num_bins=7, output_mode="one_hot", name="cross")((a, b))
    out = keras.layers.Concatenate()([counts, crossed])
    model = keras.Model([ids, a, b], out)
    x = [
        np.array([[1, 2, 3], [4, 4, 4], [-7, 0, 2**30]], "int32"),
        np.array([[1], [2], [3]], "int32"),
        np.array([[5], [5], [-6]], "int32"),
    ]
    model.save(OUT.parent / "keras_model.keras")
    return {"inputs": [v.tolist() for v in x], "output": model.predict(x, verbose=0).tolist()}


def main() -> None:
    strings = _strings()
    raw = [s.encode("utf-8") for s in strings] + _bytes()
    fast = tf.strings.to_hash_bucket_fast(tf.constant(raw), BIG).numpy().tolist()
    strong = {
        json.dumps(k): tf.strings.to_hash_bucket_strong(tf.constant(raw), BIG, key=k).numpy().tolist()
        for k in KEYS
    }
    ints = [-(2**63), -(2**62), -12345, -1, 0, 1, 9, 10, 99, 2**31 - 1, 2**40, 2**63 - 1]
    fast_ints = (
        tf.strings.to_hash_bucket_fast(tf.as_string(tf.constant(ints, tf.int64)), BIG).numpy().tolist()
    )

    hashing = []
    for kwargs, spec in _hashing_cases():
        y = keras.layers.Hashing(**kwargs)(_dec(spec))
        hashing.append({"kwargs": kwargs, "input": spec, "output": _out(y)})
    crossing = []
    for kwargs, specs in _crossing_cases():
        y = keras.layers.HashedCrossing(**kwargs)(tuple(_dec(s) for s in specs))
        crossing.append({"kwargs": kwargs, "inputs": specs, "output": _out(y)})

    OUT.parent.mkdir(parents=True, exist_ok=True)
    model = _model()
    data = {
        "tf_version": tf.__version__,
        "keras_version": keras.__version__,
        "strings": strings,
        "bytes_hex": [b.hex() for b in _bytes()],
        "fast": fast,
        "strong": strong,
        "ints": ints,
        "fast_ints": fast_ints,
        "hashing": hashing,
        "crossing": crossing,
        "model": model,
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
