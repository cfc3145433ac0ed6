"""Golden outputs of Keras categorical preprocessing layers, for test_categorical_preprocessing.py.

Run once with /tmp/peers/bin/python scripts/make_lookup_goldens.py (Keras 3, TensorFlow backend);
writes tests/fixtures/layers/categorical_preprocessing.json: for each case the layer, its
arguments, the adapt data (or null), the input, and Keras' vocabulary/boundaries and output.
"""

import json
import os

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402

WORDS = [["b", "a", "c", "a"], ["c", "b", "d", "e"], ["d", "c", "a", "c"]]
INTS = [[5, 3, 3, 7], [7, 7, 9, 1], [1, 12, 3, 7]]
CASES = [
    ("CategoryEncoding", {"num_tokens": 6, "output_mode": "multi_hot"}, None, [[0, 5, 5], [2, 1, 0]]),
    ("CategoryEncoding", {"num_tokens": 6, "output_mode": "count"}, None, [[0, 5, 5], [2, 1, 0]]),
    ("CategoryEncoding", {"num_tokens": 6, "output_mode": "one_hot"}, None, [4, 0, 3]),
    (
        "Discretization",
        {"num_bins": 5},
        [[0.3, 2.0, -1.0], [4.5, 7.0, 1.5], [3.3, 0.0, 9.0]],
        [[0.0, 2.5, 8.0]],
    ),
    (
        "Discretization",
        {"bin_boundaries": [-1.0, 0.0, 2.0], "output_mode": "count"},
        None,
        [[-2.0, 0.0, 5.0, 5.0]],
    ),
    ("IntegerLookup", {}, INTS, [[7, 3, 100, 1]]),
    ("IntegerLookup", {"mask_token": 0, "max_tokens": 5}, INTS, [[7, 0, 9, 3]]),
    ("IntegerLookup", {"num_oov_indices": 3, "output_mode": "count"}, INTS, [[7, 7, 100, 101, 102, 3]]),
    ("IntegerLookup", {"output_mode": "tf_idf"}, INTS, [[7, 7, 3, 99]]),
    ("IntegerLookup", {"output_mode": "one_hot", "mask_token": 0}, INTS, [7, 1, 8]),
    ("StringLookup", {}, WORDS, [["a", "c", "zz", "e"]]),
    (
        "StringLookup",
        {"mask_token": "", "output_mode": "multi_hot"},
        WORDS,
        [["a", "", "zz"], ["e", "e", "d"]],
    ),
    ("StringLookup", {"output_mode": "tf_idf", "max_tokens": 4}, WORDS, [["c", "c", "a", "b", "q"]]),
]


def main():
    out = []
    for name, kwargs, adapt, x in CASES:
        layer = getattr(keras.layers, name)(**kwargs)
        if adapt is not None:
            layer.adapt(np.array(adapt))
        y = np.asarray(layer(np.array(x)))
        case = {"layer": name, "kwargs": kwargs, "adapt": adapt, "input": x, "output": y.tolist()}
        case["dtype"] = str(y.dtype)
        if hasattr(layer, "get_vocabulary"):
            case["vocabulary"] = [v if isinstance(v, str) else int(v) for v in layer.get_vocabulary()]
        if name == "Discretization":
            case["bin_boundaries"] = [float(b) for b in layer.bin_boundaries]
        out.append(case)
    path = os.path.join(
        os.path.dirname(__file__), "..", "tests", "fixtures", "layers", "categorical_preprocessing.json"
    )
    with open(path, "w") as f:
        json.dump({"keras_version": keras.__version__, "cases": out}, f, indent=1)


if __name__ == "__main__":
    main()
