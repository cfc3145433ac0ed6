"""Golden values for keras.utils.FeatureSpace (tests/keras/utils/test_feature_space.py).

Run once with /tmp/peers/bin/python scripts/golden_feature_space.py (Keras 3, TensorFlow backend,
CPU: CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3). Writes tests/fixtures/feature_space/golden.npz:
the synthetic table (``in_<column>``), the "concat" output (``concat``, ``concat_one``: one
unbatched sample) and each entry of the "dict" output (``dict_<name>``); and config.json, the
serialized concat FeatureSpace (its layout: modules, class and registered names).
"""

import json
import os

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras.utils import FeatureSpace  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "feature_space", "golden.npz")


def table(n=40, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "age": rng.uniform(18, 80, n).astype("float32"),
        "income": rng.normal(50.0, 12.0, n).astype("float32"),
        "score": rng.uniform(0, 10, n).astype("float32"),
        "rooms": rng.integers(1, 6, n).astype("int64"),
        "zone": rng.integers(100, 104, n).astype("int64"),
        "city": rng.choice(np.array(["paris", "lyon", "nice", "lille", "metz"]), n),
        "color": rng.choice(np.array(["red", "green", "blue"]), n),
    }


def concat_space():
    return FeatureSpace(
        features={
            "age": FeatureSpace.float_discretized(num_bins=4),
            "income": "float_normalized",
            "score": FeatureSpace.float_rescaled(scale=0.1, offset=-0.5),
            "rooms": "integer_categorical",
            "zone": FeatureSpace.integer_hashed(num_bins=7),
            "city": FeatureSpace.string_categorical(max_tokens=5),
            "color": FeatureSpace.string_hashed(num_bins=5),
        },
        crosses=[FeatureSpace.cross(("city", "rooms"), crossing_dim=16), ("age", "color")],
        crossing_dim=8,
        output_mode="concat",
    )


def dict_space():
    return FeatureSpace(
        features={
            "income": "float",
            "rooms": FeatureSpace.integer_categorical(output_mode="int"),
            "city": FeatureSpace.string_categorical(num_oov_indices=2, output_mode="int"),
            "color": "string_categorical",
        },
        crosses=[FeatureSpace.cross(("rooms", "city"), crossing_dim=32, output_mode="int")],
        output_mode="dict",
    )


def main():
    data = table()
    out = {f"in_{k}": v for k, v in data.items()}
    ds = tf.data.Dataset.from_tensor_slices(data).batch(8)
    fs = concat_space()
    fs.adapt(ds)
    out["concat"] = np.asarray(fs(data))
    out["concat_one"] = np.asarray(fs({k: v[3] for k, v in data.items()}))
    with open(os.path.join(os.path.dirname(OUT), "config.json"), "w") as f:
        json.dump(keras.saving.serialize_keras_object(fs), f, indent=1, sort_keys=True)
    fs = dict_space()
    fs.adapt(tf.data.Dataset.from_tensor_slices({k: data[k] for k in ("income", "rooms", "city", "color")}))
    for name, value in fs({k: data[k] for k in ("income", "rooms", "city", "color")}).items():
        out[f"dict_{name}"] = np.asarray(value)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    np.savez(OUT, **out)
    for k, v in out.items():
        print(k, v.shape, v.dtype)


if __name__ == "__main__":
    main()
