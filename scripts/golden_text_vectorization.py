"""Golden values of Keras 3's TextVectorization, for test_text_vectorization.py.

Run once with /tmp/peers/bin/python scripts/golden_text_vectorization.py (Keras 3.15, TensorFlow
backend, CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3). Writes tests/fixtures/text_vectorization/:
- cases.json: for each case the constructor arguments, the adapt corpus (or none), the inputs,
  and Keras' vocabulary, idf weights, output and output dtype;
- int_model.keras, tf_idf_model.keras: models saved by Keras whose first layer is an adapted
  TextVectorization (vocabulary in the assets), with their predictions in models.json.
"""

import json
import os

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "text_vectorization")

# punctuation, mixed case, unicode (ASCII-only lowercasing), NBSP and \x1c (not TF whitespace),
# tabs/newlines, frequency ties (b/d, e/g/h ...) to pin the tie order
CORPUS = [
    "The cat sat on the mat.",
    "The dog ate my homework!!",
    "Cats & dogs: friends? Maybe; maybe not...",
    "Café ÉCOLE naïve Straße «quoted» — dash",
    "don't stop-believing, (hold) on\tto\nthat feeling",
    "a b c d e f g h a b c d a b",
    "tokyo 東京 東京 x\u00a0y p\x1cq",
    "",
]
QUERIES = [
    "the CAT and the Dog",
    "Café café CAFÉ école",
    "maybe... NOT!  a  b\tunknown",
    "東京 tokyo x\u00a0y p\x1cq",
    "",
    "don't stop-believing",
]

CASES = [
    ("default", {}, CORPUS, QUERIES),
    ("max_tokens_seq", {"max_tokens": 10, "output_sequence_length": 4}, CORPUS, QUERIES),
    ("seq_pad", {"output_sequence_length": 9}, CORPUS, QUERIES),
    ("lower_only", {"standardize": "lower"}, CORPUS, QUERIES),
    ("strip_only", {"standardize": "strip_punctuation"}, CORPUS, QUERIES),
    ("no_standardize", {"standardize": None}, CORPUS, QUERIES),
    ("character", {"split": "character", "max_tokens": 15}, CORPUS, QUERIES),
    ("no_split", {"split": None, "standardize": "lower"}, CORPUS, [[q] for q in QUERIES]),
    ("no_split_seq", {"split": None, "output_sequence_length": 3}, CORPUS, [[q] for q in QUERIES]),
    ("ngrams_2", {"ngrams": 2}, CORPUS, QUERIES),
    ("ngrams_tuple", {"ngrams": (3, 1), "max_tokens": 20}, CORPUS, QUERIES),
    ("multi_hot", {"output_mode": "multi_hot"}, CORPUS, QUERIES),
    ("count", {"output_mode": "count", "max_tokens": 8}, CORPUS, QUERIES),
    ("count_pad", {"output_mode": "count", "max_tokens": 30, "pad_to_max_tokens": True}, CORPUS, QUERIES),
    ("tf_idf", {"output_mode": "tf_idf"}, CORPUS, QUERIES),
    ("tf_idf_max", {"output_mode": "tf_idf", "max_tokens": 6, "ngrams": 2}, CORPUS, QUERIES),
    ("tf_idf_pad", {"output_mode": "tf_idf", "max_tokens": 12, "pad_to_max_tokens": True}, CORPUS, QUERIES),
    (
        "vocab_given",
        {"vocabulary": ["earth", "wind", "and", "fire"], "output_sequence_length": 5},
        None,
        ["Earth, wind and FIRE!", "the wind", "fire fire fire fire fire fire"],
    ),
    (
        "vocab_idf_given",
        {"vocabulary": ["earth", "wind", "and"], "idf_weights": [0.5, 1.5, 2.5], "output_mode": "tf_idf"},
        None,
        ["Earth, wind and FIRE!", "the wind wind"],
    ),
    ("multi_hot_ngrams", {"output_mode": "multi_hot", "ngrams": 2, "max_tokens": 12}, CORPUS, QUERIES),
]


def _vocab(layer):
    return [str(v) for v in layer.get_vocabulary()]


def cases():
    out = []
    for name, kwargs, corpus, queries in CASES:
        layer = keras.layers.TextVectorization(**kwargs)
        if corpus is not None:
            layer.adapt(corpus)
        y = np.asarray(layer(np.array(queries)))
        case = {
            "name": name,
            "kwargs": kwargs,
            "adapt": corpus,
            "input": queries,
            "vocabulary": _vocab(layer),
            "vocabulary_no_special": [str(v) for v in layer.get_vocabulary(include_special_tokens=False)],
            "vocabulary_size": int(layer.vocabulary_size()),
            "output": y.tolist(),
            "dtype": str(y.dtype),
        }
        if kwargs.get("output_mode") == "tf_idf":
            case["idf_weights"] = np.asarray(layer._lookup_layer.idf_weights_const).tolist()
        out.append(case)
    # adapt on a batched dataset, reading only the first two batches
    layer = keras.layers.TextVectorization()
    layer.adapt(tf.data.Dataset.from_tensor_slices(CORPUS).batch(3), steps=2)
    out.append({"name": "dataset_steps", "adapt_batch": 3, "steps": 2, "vocabulary": _vocab(layer)})
    return out


def models():
    keras.utils.set_random_seed(7)
    queries = np.array([[q] for q in QUERIES])
    result = {}
    vec = keras.layers.TextVectorization(max_tokens=20, output_sequence_length=6)
    vec.adapt(CORPUS)
    model = keras.Sequential(
        [
            keras.Input(shape=(1,), dtype="string"),
            vec,
            keras.layers.Embedding(20, 4),
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(2),
        ]
    )
    model.save(os.path.join(OUT, "int_model.keras"))
    result["int_model"] = {
        "vectorized": np.asarray(vec(queries)).tolist(),
        "prediction": np.asarray(model(tf.constant(queries))).tolist(),
    }
    vec = keras.layers.TextVectorization(output_mode="tf_idf", max_tokens=10, ngrams=2)
    vec.adapt(CORPUS)
    model = keras.Sequential([keras.Input(shape=(1,), dtype="string"), vec, keras.layers.Dense(3)])
    model.save(os.path.join(OUT, "tf_idf_model.keras"))
    result["tf_idf_model"] = {
        "vectorized": np.asarray(vec(queries)).tolist(),
        "prediction": np.asarray(model(tf.constant(queries))).tolist(),
    }
    return result


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "cases.json"), "w", encoding="utf-8") as f:
        json.dump({"keras_version": keras.__version__, "cases": cases()}, f, indent=1, ensure_ascii=False)
    with open(os.path.join(OUT, "models.json"), "w", encoding="utf-8") as f:
        json.dump({"keras_version": keras.__version__, **models()}, f, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
