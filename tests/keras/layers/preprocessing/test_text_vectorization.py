"""TextVectorization against Keras 3.15 golden values, plus hand-computed string steps and saving.

Fixtures: tests/fixtures/text_vectorization/ (cases.json, models.json and two .keras files saved by
Keras), written by scripts/golden_text_vectorization.py.
"""

import copy
import doctest
import json
import pathlib
import string
import zipfile

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras.layers.preprocessing import _text_ops
from tensorflux.keras.layers.preprocessing import text_vectorization as tv_module
from tensorflux.keras.layers.preprocessing.text_vectorization import TextVectorization
from tensorflux.keras.saving import keras_archive, saving_api, weights_h5
from tensorflux.keras.utils.serialization import deserialize_keras_object, serialize_keras_object

FIXTURES = pathlib.Path(__file__).parents[3] / "fixtures" / "text_vectorization"
CASES = json.loads((FIXTURES / "cases.json").read_text(encoding="utf-8"))["cases"]
MODELS = json.loads((FIXTURES / "models.json").read_text(encoding="utf-8"))
CORPUS = CASES[0]["adapt"]
QUERIES = CASES[0]["input"]


def _kwargs(case):
    kw = dict(case["kwargs"])
    if isinstance(kw.get("ngrams"), list):
        kw["ngrams"] = tuple(kw["ngrams"])
    return kw


# -- Keras goldens -----------------------------------------------------------------------------------
@pytest.mark.parametrize("case", [c for c in CASES if "kwargs" in c], ids=lambda c: c["name"])
def test_matches_keras(case):
    layer = TextVectorization(**_kwargs(case))
    if case["adapt"] is not None:
        layer.adapt(case["adapt"])
    assert layer.get_vocabulary() == case["vocabulary"]
    assert layer.get_vocabulary(include_special_tokens=False) == case["vocabulary_no_special"]
    assert layer.vocabulary_size() == case["vocabulary_size"]
    y = layer(np.array(case["input"]))
    assert y.dtype.name == case["dtype"]
    assert tuple(y.shape) == np.shape(case["output"])
    np.testing.assert_allclose(y.numpy(), case["output"], rtol=1e-6, atol=1e-6)
    if "idf_weights" in case:
        # Keras' weights run from the OOV index (zeros past the vocabulary with pad_to_max_tokens)
        ours = np.asarray(layer._lookup_layer._idf[1:], "float32")
        np.testing.assert_allclose(ours, case["idf_weights"][: len(ours)], rtol=1e-6)
        assert not np.any(case["idf_weights"][len(ours) :])


def test_adapt_dataset_with_steps_matches_keras():
    case = next(c for c in CASES if c["name"] == "dataset_steps")
    ds = tf.data.Dataset.from_tensor_slices(np.array(CORPUS)).batch(case["adapt_batch"])
    layer = TextVectorization()
    layer.adapt(ds, steps=case["steps"])
    assert layer.get_vocabulary() == case["vocabulary"]
    repeated = TextVectorization()
    repeated.adapt(ds.repeat(), steps=case["steps"])  # stops after `steps` batches of an endless dataset
    assert repeated.get_vocabulary() == case["vocabulary"]
    labelled = TextVectorization()
    labelled.adapt(tf.data.Dataset.zip((ds, ds)), steps=case["steps"])  # (x, y) batches: x is adapted
    assert labelled.get_vocabulary() == case["vocabulary"]
    full = TextVectorization()
    full.adapt(ds)
    assert full.get_vocabulary() == CASES[0]["vocabulary"]  # all batches: the whole corpus


def test_adapt_sources_agree():
    ref = TextVectorization(output_mode="tf_idf")
    ref.adapt(CORPUS)
    for data in (np.array(CORPUS), np.array(CORPUS, dtype=object), [s.encode() for s in CORPUS]):
        layer = TextVectorization(output_mode="tf_idf")
        layer.adapt(data, batch_size=3)
        assert layer.get_vocabulary() == ref.get_vocabulary()
        np.testing.assert_allclose(layer._lookup_layer._idf, ref._lookup_layer._idf)
    gen = TextVectorization()
    gen.adapt((np.array(CORPUS[i : i + 2]) for i in range(0, len(CORPUS), 2)), steps=1)
    assert gen.get_vocabulary(False) == ["the", "sat", "on", "my", "mat", "homework", "dog", "cat", "ate"]


# -- the string steps, hand-computed -----------------------------------------------------------------
def test_punctuation_is_tf_regex_ascii_only():
    stripped = _text_ops.standardize(np.array([string.punctuation + "a«»—¿é"]), "strip_punctuation")
    assert stripped.tolist() == ["a«»—¿é"]  # exactly the 32 ASCII marks go
    lowered = _text_ops.standardize(np.array(["ÉCOLE Straße ABC"]), "lower")
    assert lowered.tolist() == ["École straße abc"]  # tf.strings.lower: ASCII letters only


def test_split_on_ascii_whitespace_and_characters():
    assert _text_ops.split([" a\t\tb\nc\x0bd\x0ce\rf ", ""], "whitespace") == [list("abcdef"), []]
    # NBSP and the \x1c..\x1f separators are not whitespace for tf.strings.split (Python's split differs)
    assert _text_ops.split(["x\u00a0y p\x1cq"], "whitespace") == [["x\u00a0y", "p\x1cq"]]
    assert _text_ops.split(["東京é"], "character") == [["東", "京", "é"]]
    assert _text_ops.ngrams(list("abc"), (3, 1, 2)) == ["a b c", "a", "b", "c", "a b", "b c"]
    assert _text_ops.ngrams(["a"], (2,)) == []


def _upper(x):
    return np.char.upper(x)


def _split_on_dash(x):
    return [s.split("-") for s in x.tolist()]


def test_callable_standardize_and_split():
    layer = TextVectorization(standardize=_upper, split=_split_on_dash, vocabulary=["A", "B C"])
    np.testing.assert_array_equal(layer(["a-b c-a", "z"]).numpy(), [[2, 3, 2], [1, 0, 0]])
    with pytest.raises(ValueError, match="standardize.*shape"):
        TextVectorization(standardize=lambda x: x[:1], vocabulary=["a"])(["a", "b"])


def test_input_kinds():
    layer = TextVectorization(vocabulary=["a", "b"])
    want = [[2, 3], [3, 0]]
    for x in (["a b", "B!"], ("a b", "b"), np.array([["a b"], ["b"]]), np.array([b"a b", b"b"])):
        np.testing.assert_array_equal(layer(x).numpy(), want)
    np.testing.assert_array_equal(layer("b a a").numpy(), [3, 2, 2])  # a scalar is one text
    latin = TextVectorization(vocabulary=["é"], encoding="latin-1", standardize=None)
    np.testing.assert_array_equal(latin(["é x".encode("latin-1")]).numpy(), [[2, 1]])
    empty = layer(["", "  "])
    assert tuple(empty.shape) == (2, 0)
    fixed = TextVectorization(vocabulary=["a"], output_sequence_length=3)
    assert tuple(fixed(["", ""]).shape) == (2, 3)
    assert fixed.compute_output_shape((None, 1)) == (None, 3)
    multi = TextVectorization(vocabulary=["a", "b"], output_mode="count")
    np.testing.assert_array_equal(multi("a a b z").numpy(), [1, 2, 1])
    assert multi.compute_output_shape((None, 1)) == (None, 3)
    assert multi.compute_output_shape((None,)) == (None, 3)


def test_vocabulary_file_and_set_vocabulary(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("earth\nwind\n東京\n", encoding="utf-8")
    layer = TextVectorization(vocabulary=str(path))
    assert layer.get_vocabulary() == ["", "[UNK]", "earth", "wind", "東京"]
    layer.set_vocabulary(["x", "y"])
    assert layer.get_vocabulary() == ["", "[UNK]", "x", "y"]
    layer.set_vocabulary(["", "[UNK]", "p"])  # special tokens copied from get_vocabulary() are skipped
    assert layer.get_vocabulary(include_special_tokens=False) == ["p"]
    idf = TextVectorization(output_mode="tf_idf")
    idf.set_vocabulary(["a", "b"], idf_weights=[2.0, 4.0])
    np.testing.assert_allclose(idf(["a b b q"]).numpy(), [[3.0, 2.0, 8.0]])  # OOV: the mean idf
    assert idf.vocabulary_size() == 3


def test_max_tokens_counts_mask_only_in_int_mode():
    text = ["a a a b b c d"]
    ids = TextVectorization(max_tokens=4)
    ids.adapt(text)
    assert ids.get_vocabulary() == ["", "[UNK]", "a", "b"]
    bag = TextVectorization(max_tokens=4, output_mode="multi_hot")
    bag.adapt(text)
    assert bag.get_vocabulary() == ["[UNK]", "a", "b", "d"]
    TextVectorization(max_tokens=3, output_mode="count", vocabulary=["a", "b"])  # 1 OOV + 2 fit
    with pytest.raises(ValueError, match="larger than the maximum"):
        TextVectorization(max_tokens=3, vocabulary=["a", "b"])  # mask + OOV + 2 do not


# -- errors ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"standardize": "upper"}, "standardize.*upper"),
        ({"split": "comma"}, "split.*comma"),
        ({"output_mode": "onehot"}, "output_mode.*onehot"),
        ({"ngrams": 0}, "ngrams=0"),
        ({"ngrams": (1, "2")}, "ngrams"),
        ({"output_mode": "count", "output_sequence_length": 3}, "output_sequence_length"),
        ({"output_sequence_length": 2.5}, "output_sequence_length=2.5"),
        ({"sparse": True}, "sparse=True"),
        ({"ragged": True}, "ragged=True"),
        ({"max_tokens": 1}, "max_tokens=1"),
        ({"pad_to_max_tokens": True}, "pad_to_max_tokens"),
        ({"output_mode": "tf_idf", "vocabulary": ["a"]}, "idf_weights"),
        ({"vocabulary": ["a", "a"]}, "repeated"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TextVectorization(**kwargs)


def test_bad_inputs_name_the_layer():
    layer = TextVectorization(vocabulary=["a"], name="vec")
    with pytest.raises(TypeError, match="TextVectorization 'vec'.*string"):
        layer(np.array([1, 2]))
    with pytest.raises(TypeError, match="TextVectorization 'vec'.*tensor"):
        layer(tf.constant([1.0]))
    with pytest.raises(TypeError, match="TextVectorization 'vec'.*int"):
        layer(np.array(["a", 3], dtype=object))
    with pytest.raises(ValueError, match=r"TextVectorization 'vec'.*\(2, 2\)"):
        layer(np.array([["a", "b"], ["c", "d"]]))
    with pytest.raises(TypeError, match="symbolic"):
        layer(keras.Input(shape=(1,)))
    with pytest.raises(ValueError, match="steps"):
        layer.adapt(["a"], steps=1)
    with pytest.raises(ValueError, match="no vocabulary"):
        TextVectorization()(["a"])


# -- pipelines ---------------------------------------------------------------------------------------
def test_dataset_map():
    layer = TextVectorization(output_sequence_length=4)
    layer.adapt(CORPUS)
    labels = np.arange(len(QUERIES))
    ds = tf.data.Dataset.from_tensor_slices((np.array(QUERIES), labels)).batch(4)
    mapped = list(ds.map(lambda x, y: (layer(x), y)))
    np.testing.assert_array_equal(
        np.concatenate([x.numpy() for x, _ in mapped]), layer(np.array(QUERIES)).numpy()
    )
    direct = list(tf.data.Dataset.from_tensor_slices(np.array(QUERIES)).batch(4).map(layer))
    np.testing.assert_array_equal(direct[0].numpy(), layer(np.array(QUERIES[:4])).numpy())
    single = list(tf.data.Dataset.from_tensor_slices(np.array(QUERIES[:2])).map(layer))
    np.testing.assert_array_equal(single[1].numpy(), layer(QUERIES[1]).numpy())
    # the integer output feeds a model
    model = keras.Sequential([keras.Input((4,), dtype="int64"), keras.layers.Embedding(50, 3)])
    assert tuple(model.predict(ds.map(lambda x, y: layer(x)), verbose=0).shape) == (len(QUERIES), 4, 3)


# -- saving ------------------------------------------------------------------------------------------
def _json_round_trip(layer):
    config = json.loads(json.dumps(serialize_keras_object(layer)))
    return deserialize_keras_object(config, custom_objects={"TextVectorization": TextVectorization})


@pytest.mark.parametrize("case", ["ngrams_tuple", "tf_idf_max", "count_pad", "no_split_seq"])
def test_config_round_trip_keeps_adapted_vocabulary(case):
    case = next(c for c in CASES if c["name"] == case)
    layer = TextVectorization(**_kwargs(case))
    layer.adapt(case["adapt"])
    config = layer.get_config()
    assert config["vocabulary_size"] == case["vocabulary_size"] and config["ragged"] is False
    again = _json_round_trip(layer)
    assert again.get_vocabulary() == case["vocabulary"]
    x = np.array(case["input"])
    np.testing.assert_array_equal(again(x).numpy(), layer(x).numpy())
    assert again.get_config() == config


@keras.saving.register_keras_serializable(package="TextVectorizationTests")
def _squash(x):
    return np.char.replace(np.char.lower(x), "-", "")


def test_config_round_trip_with_registered_callable():
    layer = TextVectorization(standardize=_squash, split="character", vocabulary=["a", "b"])
    again = _json_round_trip(layer)
    assert again._standardize is _squash
    np.testing.assert_array_equal(again(["A-b-c"]).numpy(), layer(["A-b-c"]).numpy())


def test_assets_round_trip(tmp_path):
    for kwargs in ({"max_tokens": 12}, {"output_mode": "tf_idf", "ngrams": 2}):
        layer = TextVectorization(**kwargs)
        layer.adapt(CORPUS)
        store = {}
        layer.save_own_variables(store)
        layer.save_assets(str(tmp_path))
        fresh = TextVectorization(**kwargs)
        fresh.load_own_variables(store)
        fresh.load_assets(str(tmp_path))
        assert fresh.get_vocabulary() == layer.get_vocabulary()
        np.testing.assert_allclose(
            fresh(np.array(QUERIES)).numpy(), layer(np.array(QUERIES)).numpy(), rtol=1e-6
        )


@pytest.mark.parametrize("name", ["int_model", "tf_idf_model"])
def test_keras_saved_file_predicts_the_same(name, tmp_path):
    """A model saved by Keras 3.15: the adapted layer is restored from its config, weights and assets
    (in that order, as Keras' loader does) and, followed by the model's other layers restored from the
    same file, reproduces Keras' vectorization and predictions."""
    path = FIXTURES / f"{name}.keras"
    archive = keras_archive.read(str(path))
    layer_configs = archive.config["config"]["layers"]
    assert [c["class_name"] for c in layer_configs[:2]] == ["InputLayer", "TextVectorization"]
    only = {
        "module": "keras",
        "class_name": "Sequential",
        "config": {"name": "s", "layers": layer_configs[1:2]},
    }
    vec = saving_api.model_from_config(only, {"TextVectorization": TextVectorization}, True, str(path))[0]
    vec = vec.layers[0]
    assert vec.get_config()["vocabulary"] is None  # Keras keeps an adapted vocabulary in the assets
    vec.load_own_variables(archive.weights["layers/text_vectorization"])
    with zipfile.ZipFile(path) as z:
        (tmp_path / "vocabulary.txt").write_bytes(z.read("assets/layers/text_vectorization/vocabulary.txt"))
    vec.load_assets(str(tmp_path))
    queries = np.array([[q] for q in QUERIES])
    ids = vec(queries)
    np.testing.assert_allclose(ids.numpy(), MODELS[name]["vectorized"], rtol=1e-6, atol=1e-7)
    head = copy.deepcopy(archive.config)
    start = {
        "class_name": "InputLayer",
        "config": {"batch_shape": [None, ids.shape[1]], "dtype": ids.dtype.name},
    }
    head["config"]["layers"] = [start] + layer_configs[2:]
    model, _ = saving_api.model_from_config(head, None, True, str(path))
    weights_h5.load(model, archive.weights, str(path))
    np.testing.assert_allclose(
        model.predict(ids, verbose=0), MODELS[name]["prediction"], rtol=1e-5, atol=1e-6
    )


def test_doctests():
    for module in (tv_module, _text_ops):
        assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0
