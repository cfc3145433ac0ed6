"""CategoryEncoding, Discretization, IntegerLookup, StringLookup: every mode, adapt, config, models.

Expectations are hand-computed from Keras 3's documented rules; each one was also checked once
against Keras 3.15.1 (TensorFlow backend) output, including adapt()'s quantile boundaries.
"""

import json
import pathlib

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import layers


def _np(x):
    return np.asarray(x)


# -- CategoryEncoding ------------------------------------------------------------------------------
def test_category_encoding_modes():
    mh = layers.CategoryEncoding(num_tokens=4, output_mode="multi_hot")
    y = mh(np.array([[0, 1], [0, 0], [1, 2], [3, 1]]))
    assert y.dtype.name == "float32"
    np.testing.assert_array_equal(_np(y), [[1, 1, 0, 0], [1, 0, 0, 0], [0, 1, 1, 0], [0, 1, 0, 1]])
    np.testing.assert_array_equal(_np(mh(np.array([0, 1, 1]))), [1, 1, 0, 0])  # rank 1: one sample
    oh = layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")
    np.testing.assert_array_equal(_np(oh(np.array([3, 2, 0, 1]))), np.eye(4)[[3, 2, 0, 1]])
    assert tuple(oh(np.array([[3], [1]])).shape) == (2, 4)  # a trailing axis of 1 is replaced
    assert tuple(oh(np.array([[1, 2]])).shape) == (1, 2, 4)
    cnt = layers.CategoryEncoding(num_tokens=4, output_mode="count")
    np.testing.assert_array_equal(_np(cnt(np.array([[0, 1, 1, 3]]))), [[1, 2, 0, 1]])
    w = cnt(np.array([[0, 1], [1, 1]]), count_weights=np.array([[0.5, 0.25], [0.1, 0.2]], "float32"))
    np.testing.assert_allclose(_np(w), [[0.5, 0.25, 0, 0], [0, 0.3, 0, 0]], rtol=1e-6)


def test_category_encoding_errors_and_config():
    with pytest.raises(ValueError, match="num_tokens"):
        layers.CategoryEncoding(num_tokens=3)(np.array([[0, 3]]))
    with pytest.raises(ValueError, match="output_mode"):
        layers.CategoryEncoding(num_tokens=3, output_mode="tf_idf")
    with pytest.raises(ValueError, match="count_weights"):
        layers.CategoryEncoding(num_tokens=3)(np.array([[0]]), count_weights=np.array([[1.0]]))
    layer = layers.CategoryEncoding(num_tokens=5, output_mode="count")
    cfg = layer.get_config()
    assert cfg["num_tokens"] == 5 and cfg["output_mode"] == "count"
    again = layers.CategoryEncoding.from_config(cfg)
    np.testing.assert_array_equal(_np(again(np.array([[4, 4]]))), [[0, 0, 0, 0, 2]])
    assert layer.compute_output_shape((None, 3)) == (None, 5)


# -- Discretization ---------------------------------------------------------------------------------
def test_discretization_int_and_encodings():
    d = layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    y = d(np.array([[-1.0, 0.0, 0.5, 1.0, 2.0, 3.0]], "float32"))
    assert y.dtype.name == "int32"  # Keras' TensorFlow/JAX backends give int32 bucket ids
    np.testing.assert_array_equal(_np(y), [[0, 1, 1, 2, 3, 3]])  # left-closed buckets
    x = np.array([-1.0, 0.5, 3.0], "float32")
    oh = layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode="one_hot")(x)
    np.testing.assert_array_equal(_np(oh), np.eye(3))
    row = np.array([[-1.0, 0.5, 3.0, 3.0]], "float32")
    mh = layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode="multi_hot")(row)
    cnt = layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode="count")(row)
    np.testing.assert_array_equal(_np(mh), [[1, 1, 1]])
    np.testing.assert_array_equal(_np(cnt), [[1, 1, 2]])
    assert cnt.dtype.name == "float32"


def test_discretization_adapt_matches_keras_quantile_sketch():
    d = layers.Discretization(num_bins=4)
    d.adapt(np.arange(10.0))
    # Keras 3.15.1: [1.4999998807907104, 4.0, 6.5] (float32 interpolation of the sketch)
    np.testing.assert_allclose(d.bin_boundaries, [1.4999998807907104, 4.0, 6.5], rtol=0, atol=1e-7)
    d = layers.Discretization(num_bins=3)
    d.adapt(tf.constant([1.0, 1.0, 2.0, 5.0, 7.0, 9.0, 11.0]))
    np.testing.assert_allclose(d.bin_boundaries, [1.3333332538604736, 6.3333330154418945], atol=1e-6)
    np.testing.assert_array_equal(_np(d(np.array([1.0, 1.34, 7.0], "float32"))), [0, 1, 2])
    d2 = layers.Discretization.from_config(d.get_config())
    assert d2.bin_boundaries == d.bin_boundaries and d2.num_bins == 3
    with pytest.raises(ValueError, match="num_bins"):
        layers.Discretization(bin_boundaries=[0.0]).adapt(np.arange(3.0))
    with pytest.raises(ValueError, match="bin boundaries"):
        layers.Discretization(num_bins=2)(np.zeros((1, 2), "float32"))


# -- IntegerLookup ----------------------------------------------------------------------------------
VOCAB = [12, 36, 1138, 42]


def test_integer_lookup_adapt_order_and_oov():
    il = layers.IntegerLookup()
    il.adapt(np.array([5, 3, 3, 7, 7, 7, 9, 1, 1]))
    # by frequency (7:3, then 3 and 1 twice: larger first, then 9 and 5 once: larger first)
    assert il.get_vocabulary() == [-1, 7, 3, 1, 9, 5]
    assert il.vocabulary_size() == 6
    y = il(np.array([[5, 3, 7, 100]]))
    assert y.dtype.name == "int64"
    np.testing.assert_array_equal(_np(y), [[5, 2, 1, 0]])
    capped = layers.IntegerLookup(max_tokens=3)
    capped.adapt(np.array([5, 3, 3, 7, 7, 7, 9, 1, 1]))
    assert capped.get_vocabulary() == [-1, 7, 3]  # max_tokens counts the OOV slot
    two = layers.IntegerLookup(vocabulary=VOCAB, num_oov_indices=2)
    assert two.get_vocabulary() == [-1, -1] + VOCAB
    np.testing.assert_array_equal(_np(two(np.array([[12, 1000, 1001, 42]]))), [[2, 0, 1, 5]])  # floormod
    with pytest.raises(ValueError, match="num_oov_indices=0"):
        layers.IntegerLookup(vocabulary=VOCAB, num_oov_indices=0)(np.array([7]))


def test_integer_lookup_mask_and_invert():
    il = layers.IntegerLookup(vocabulary=VOCAB, mask_token=0)
    assert il.get_vocabulary() == [0, -1] + VOCAB
    np.testing.assert_array_equal(_np(il(np.array([[12, 0, 1138, 5]]))), [[2, 0, 4, 1]])
    inv = layers.IntegerLookup(vocabulary=VOCAB, invert=True)
    np.testing.assert_array_equal(_np(inv(np.array([[0, 1, 4]]))), [[-1, 12, 42]])
    inv_mask = layers.IntegerLookup(vocabulary=[12, 36], mask_token=0, invert=True)
    np.testing.assert_array_equal(_np(inv_mask(np.array([[0, 1, 2, 3]]))), [[0, -1, 12, 36]])
    # round trip: values -> ids -> values (OOV values come back as the OOV token)
    x = np.array([[12, 0, 42, 7]])
    back = layers.IntegerLookup(vocabulary=il.get_vocabulary(), mask_token=0, invert=True)(il(x))
    np.testing.assert_array_equal(_np(back), [[12, 0, 42, -1]])
    with pytest.raises(ValueError, match="invert"):
        layers.IntegerLookup(vocabulary=VOCAB, invert=True, output_mode="count")


def test_integer_lookup_encodings():
    x = np.array([[12, 1138, 12, 7], [36, 36, 42, 42]])
    mh = layers.IntegerLookup(vocabulary=VOCAB, output_mode="multi_hot")(x)
    assert mh.dtype.name == "int64"  # as Keras 3's lookup layers
    np.testing.assert_array_equal(_np(mh), [[1, 1, 0, 1, 0], [0, 0, 1, 0, 1]])
    cnt = layers.IntegerLookup(vocabulary=VOCAB, output_mode="count")(x)
    np.testing.assert_array_equal(_np(cnt), [[1, 2, 0, 1, 0], [0, 0, 2, 0, 2]])
    oh = layers.IntegerLookup(vocabulary=VOCAB, output_mode="one_hot")(np.array([12, 1138, 7]))
    np.testing.assert_array_equal(_np(oh), np.eye(5)[[1, 3, 0]])
    masked = layers.IntegerLookup(vocabulary=[12, 36], mask_token=0, output_mode="multi_hot")
    assert masked.vocabulary_size() == 3  # the mask slot is not encoded
    np.testing.assert_array_equal(_np(masked(np.array([[12, 0, 5]]))), [[1, 1, 0]])
    padded = layers.IntegerLookup(
        vocabulary=VOCAB, output_mode="multi_hot", max_tokens=8, pad_to_max_tokens=True
    )
    np.testing.assert_array_equal(_np(padded(np.array([[42]]))), [[0, 0, 0, 0, 1, 0, 0, 0]])


def test_integer_lookup_tf_idf():
    given = layers.IntegerLookup(output_mode="tf_idf", vocabulary=VOCAB, idf_weights=[0.25, 0.75, 0.6, 0.4])
    y = given(np.array([[12, 1138, 12, 7]]))
    assert y.dtype.name == "float32"
    # OOV weight = mean idf = 0.5; 12 counted twice * 0.25
    np.testing.assert_allclose(_np(y), [[0.5, 0.5, 0.0, 0.6, 0.0]], rtol=1e-6)
    adapted = layers.IntegerLookup(output_mode="tf_idf")
    adapted.adapt(np.array([[12, 1138, 12], [36, 12, 7]]))
    assert adapted.get_vocabulary() == [-1, 12, 1138, 36, 7]
    idf = [np.log(1 + 2 / 3), np.log(2.0), np.log(2.0), np.log(2.0)]  # log(1 + docs / (1 + doc_freq))
    np.testing.assert_allclose(_np(adapted.idf_weights), [np.mean(idf)] + idf, rtol=1e-6)
    np.testing.assert_allclose(
        _np(adapted(np.array([[12, 1138, 12, 99]]))), [[np.mean(idf), 2 * idf[0], idf[1], 0, 0]], rtol=1e-6
    )
    again = layers.IntegerLookup.from_config(adapted.get_config())
    np.testing.assert_allclose(_np(again.idf_weights), _np(adapted.idf_weights), rtol=1e-6)


def test_integer_lookup_config_round_trip():
    il = layers.IntegerLookup(mask_token=0, num_oov_indices=2, output_mode="count")
    il.adapt([[4, 2, 2], [9, 9, 1]])
    assert il.get_vocabulary() == [-1, -1, 9, 2, 4, 1]  # ties: larger first; no mask outside "int"
    cfg = il.get_config()
    assert cfg["vocabulary"] == [9, 2, 4, 1] and cfg["vocabulary_size"] == 6
    again = layers.IntegerLookup.from_config(cfg)
    assert again.get_vocabulary() == il.get_vocabulary()
    x = np.array([[9, 0, 5, 4]])
    np.testing.assert_array_equal(_np(again(x)), _np(il(x)))
    with pytest.raises(ValueError, match="repeated"):
        layers.IntegerLookup(vocabulary=[1, 2, 1])
    with pytest.raises(ValueError, match="no vocabulary"):
        layers.IntegerLookup()(np.array([1]))


# -- StringLookup -----------------------------------------------------------------------------------
def test_string_tensors_are_unsupported_so_lookup_takes_numpy():
    with pytest.raises(TypeError):
        tf.constant(["a", "b"])
    sl = layers.StringLookup()
    sl.adapt(np.array([["b", "a", "c"], ["c", "b", "d"], ["d", "c", "a"]]))
    assert sl.get_vocabulary() == ["[UNK]", "c", "d", "b", "a"]  # c:3, then d, b, a (ties: larger first)
    y = sl(np.array([["a", "zz", "c"]]))
    assert y.dtype.name == "int64"
    np.testing.assert_array_equal(_np(y), [[4, 0, 1]])
    np.testing.assert_array_equal(_np(sl([b"c", "d"])), [1, 2])  # lists and bytes work too
    with pytest.raises(TypeError, match="string"):
        sl(np.array([1, 2]))
    with pytest.raises(TypeError, match="symbolic"):
        sl(keras.Input(shape=(2,)))


def test_string_lookup_mask_invert_encodings():
    sl = layers.StringLookup(vocabulary=["a", "b"], mask_token="")
    assert sl.get_vocabulary() == ["", "[UNK]", "a", "b"]
    ids = sl(["", "b", "q", "a"])
    np.testing.assert_array_equal(_np(ids), [0, 3, 1, 2])
    inv = layers.StringLookup(vocabulary=sl.get_vocabulary(), mask_token="", invert=True)
    assert inv.get_vocabulary() == sl.get_vocabulary()  # the leading special tokens are recognised
    np.testing.assert_array_equal(inv(ids), ["", "b", "[UNK]", "a"])
    cnt = layers.StringLookup(vocabulary=["a", "b"], output_mode="count")([["a", "b", "a"]])
    np.testing.assert_array_equal(_np(cnt), [[0, 2, 1]])
    mh = layers.StringLookup(vocabulary=["a", "b"], output_mode="multi_hot")([["a", "z"], ["b", "b"]])
    np.testing.assert_array_equal(_np(mh), [[1, 1, 0], [0, 0, 1]])
    tfidf = layers.StringLookup(vocabulary=["a", "b"], idf_weights=[1.0, 3.0], output_mode="tf_idf")
    np.testing.assert_allclose(_np(tfidf([["b", "b", "x"]])), [[2.0, 0.0, 6.0]])
    cfg = sl.get_config()
    assert cfg["vocabulary"] == ["a", "b"] and cfg["mask_token"] == "" and cfg["oov_token"] == "[UNK]"
    again = layers.StringLookup.from_config(cfg)
    np.testing.assert_array_equal(_np(again(["", "b", "q", "a"])), _np(ids))


# -- Keras goldens (scripts/make_lookup_goldens.py) --------------------------------------------------
GOLDENS = json.loads(
    (pathlib.Path(__file__).parents[2] / "fixtures" / "layers" / "categorical_preprocessing.json").read_text()
)["cases"]


@pytest.mark.parametrize(
    "case", GOLDENS, ids=lambda c: f"{c['layer']}-{'-'.join(map(str, c['kwargs'].values()))}"
)
def test_matches_keras_goldens(case):
    layer = getattr(layers, case["layer"])(**case["kwargs"])
    if case["adapt"] is not None:
        layer.adapt(np.array(case["adapt"]))
    if "vocabulary" in case:
        assert layer.get_vocabulary() == case["vocabulary"]
    if "bin_boundaries" in case:
        np.testing.assert_allclose(layer.bin_boundaries, case["bin_boundaries"], rtol=1e-6)
    y = layer(np.array(case["input"]))
    assert y.dtype.name == case["dtype"]
    np.testing.assert_allclose(_np(y), case["output"], rtol=1e-6)


# -- in models ---------------------------------------------------------------------------------------
def _lookup_model():
    lookup = layers.IntegerLookup()
    lookup.adapt(np.array([10, 20, 20, 30, 30, 30]))
    inp = keras.Input(shape=(2,), dtype="int64")
    hot = layers.CategoryEncoding(num_tokens=lookup.vocabulary_size(), output_mode="multi_hot")(lookup(inp))
    model = keras.Model(inp, layers.Dense(1, activation="sigmoid")(hot))
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="binary_crossentropy")
    return model


def test_lookup_in_functional_model_fits_and_saves(tmp_path):
    x = np.array([[10, 20], [30, 30], [20, 99], [30, 10]] * 4)
    y = (x[:, 0] == 30).astype("float32")[:, None]
    model = _lookup_model()
    eager = _lookup_model()
    eager.set_weights(model.get_weights())
    eager.compile(optimizer=keras.optimizers.SGD(0.5), loss="binary_crossentropy", run_eagerly=True)
    hist = model.fit(x, y, epochs=20, batch_size=4, shuffle=False, verbose=0).history["loss"]
    ref = eager.fit(x, y, epochs=20, batch_size=4, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(hist, ref, rtol=1e-5)  # graph steps see each batch's own lookup
    assert hist[-1] < 0.5 * hist[0]
    pred = model.predict(x[:4], verbose=0)
    assert (pred[[1, 3], 0] > 0.5).all() and (pred[[0, 2], 0] < 0.5).all()
    path = str(tmp_path / "lookup.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.layers[1].get_vocabulary() == [-1, 30, 20, 10]
    np.testing.assert_allclose(loaded.predict(x[:4], verbose=0), pred, rtol=1e-6)


def test_discretization_in_model_saves_boundaries(tmp_path):
    d = layers.Discretization(num_bins=3, output_mode="one_hot")
    d.adapt(np.array([1.0, 1.0, 2.0, 5.0, 7.0, 9.0, 11.0]))
    inp = keras.Input(shape=(2,))
    model = keras.Model(inp, layers.Dense(2)(layers.Flatten()(d(inp))))
    assert model.output_shape == (None, 2)
    x = np.array([[0.0, 3.0], [8.0, 1.4]], "float32")
    path = str(tmp_path / "disc.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.layers[1].bin_boundaries == d.bin_boundaries
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
