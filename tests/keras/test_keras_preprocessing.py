"""keras.preprocessing: directory datasets (text always, images when Pillow is installed), image helpers."""

import importlib.util
import os
import sys

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras.preprocessing import (
    image,
    image_dataset_from_directory,
    sequence,
    text_dataset_from_directory,
    timeseries_dataset_from_array,
)

HAVE_PIL = importlib.util.find_spec("PIL") is not None


def _text_tree(root, counts={"neg": 4, "pos": 6}):  # noqa: B006
    texts = {}
    for cls, n in counts.items():
        os.makedirs(root / cls / "sub")
        for i in range(n):
            p = root / cls / ("sub" if i == 0 else "") / f"{i}.txt"
            p.write_text(f"{cls}-{i} " * (i + 1))
            texts[f"{cls}-{i} " * (i + 1)] = cls
    (root / "ignored.txt").write_text("top-level file")
    (root / "neg" / "notes.md").write_text("not a .txt file")
    return texts


def test_namespace_and_reexports():
    from tensorflux.keras.utils.dataset_utils import timeseries_dataset_from_array as ts
    from tensorflux.keras.utils.sequence_utils import pad_sequences

    assert tf.keras.preprocessing.text_dataset_from_directory is text_dataset_from_directory
    assert timeseries_dataset_from_array is ts and sequence.pad_sequences is pad_sequences
    assert tf.keras.preprocessing.image.smart_resize is image.smart_resize


def test_text_dataset_inferred_labels(tmp_path, capsys):
    texts = _text_tree(tmp_path)
    ds = text_dataset_from_directory(str(tmp_path), batch_size=4, shuffle=False)
    assert "Found 10 files belonging to 2 classes." in capsys.readouterr().out
    assert ds.class_names == ["neg", "pos"]
    batches = list(ds)
    assert [len(y) for _, y in batches] == [4, 4, 2]
    seen = {}
    for x, y in batches:
        assert y.dtype == tf.int32
        for s, label in zip(np.asarray(x).tolist(), y.numpy().tolist()):
            seen[s] = ["neg", "pos"][label]
    assert seen == texts  # every file once, the subdirectory's class, nothing from the top level
    # without shuffling, files come in class order, then alphanumeric path order
    first = np.asarray(batches[0][0]).tolist()
    assert first[0] == "neg-1 neg-1 " and all(texts[s] == "neg" for s in first)


def test_text_dataset_label_modes_and_options(tmp_path):
    _text_tree(tmp_path)
    ds = text_dataset_from_directory(
        str(tmp_path), label_mode="categorical", batch_size=None, max_length=3, seed=2, verbose=False
    )
    for x, y in ds:
        assert len(str(np.asarray(x))) <= 3 and y.dtype == tf.float32
        np.testing.assert_array_equal(y.numpy(), np.eye(2)[["neg", "pos"].index(str(np.asarray(x))[:3])])
    ds = text_dataset_from_directory(str(tmp_path), label_mode="binary", batch_size=3, seed=1, verbose=False)
    x, y = next(iter(ds))
    assert y.shape == (3, 1) and y.dtype == tf.float32
    ds = text_dataset_from_directory(str(tmp_path), class_names=["pos", "neg"], shuffle=False, verbose=False)
    x, y = next(iter(ds))
    assert ds.class_names == ["pos", "neg"] and y.numpy()[0] == 0 and str(np.asarray(x)[0]).startswith("pos")
    only = text_dataset_from_directory(
        str(tmp_path), labels=None, shuffle=False, batch_size=20, verbose=False
    )
    assert len(np.asarray(next(iter(only)))) == 11  # every .txt file, the top-level one too
    given = text_dataset_from_directory(
        str(tmp_path / "pos"), labels=list(range(6)), shuffle=False, batch_size=None, verbose=False
    )
    assert [int(y) for _, y in given] == list(range(6))


def test_text_dataset_validation_split(tmp_path):
    _text_tree(tmp_path)
    kw = dict(batch_size=None, seed=5, validation_split=0.3, verbose=False)
    train, val = text_dataset_from_directory(str(tmp_path), subset="both", **kw)
    t_texts = {str(np.asarray(x)) for x, _ in train}
    v_texts = {str(np.asarray(x)) for x, _ in val}
    assert len(t_texts) == 7 and len(v_texts) == 3 and not t_texts & v_texts
    # the same seed gives the same split when each subset is asked for on its own
    val2 = text_dataset_from_directory(str(tmp_path), subset="validation", **kw)
    assert {str(np.asarray(x)) for x, _ in val2} == v_texts


def test_text_dataset_errors(tmp_path):
    _text_tree(tmp_path)
    d = str(tmp_path)
    with pytest.raises(ValueError, match="label_mode"):
        text_dataset_from_directory(d, label_mode="sparse")
    with pytest.raises(ValueError, match="seed"):
        text_dataset_from_directory(d, validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match="subset"):
        text_dataset_from_directory(d, validation_split=0.2, seed=1)
    with pytest.raises(ValueError, match="class_names"):
        text_dataset_from_directory(d, class_names=["a", "b"], verbose=False)
    with pytest.raises(ValueError, match="lengths of `labels`"):
        text_dataset_from_directory(d, labels=[0, 1], verbose=False)
    with pytest.raises(ValueError, match="`labels` argument"):
        text_dataset_from_directory(d, labels="auto")
    with pytest.raises(ValueError, match="does not exist"):
        text_dataset_from_directory(str(tmp_path / "missing"))
    os.makedirs(tmp_path / "third")
    with pytest.raises(ValueError, match="exactly 2"):
        text_dataset_from_directory(d, label_mode="binary", verbose=False)


def test_text_dataset_trains_a_model(tmp_path):
    _text_tree(tmp_path)
    ds = text_dataset_from_directory(str(tmp_path), batch_size=5, seed=3, verbose=False)
    ds = ds.map(lambda x, y: (tf.constant([[float(len(s))] for s in np.asarray(x)]), y))
    model = tf.keras.Sequential([tf.keras.Input((1,)), tf.keras.layers.Dense(2)])
    model.compile("sgd", tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    hist = model.fit(ds, epochs=1, verbose=0)
    assert np.isfinite(hist.history["loss"][0])


def test_pillow_missing_raises_clear_import_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)  # as if Pillow were not installed
    os.makedirs(tmp_path / "a")
    for call in (
        lambda: image_dataset_from_directory(str(tmp_path)),
        lambda: image.load_img(str(tmp_path / "a" / "x.png")),
        lambda: image.array_to_img(np.zeros((2, 2, 3))),
        lambda: image.save_img(str(tmp_path / "x.png"), np.zeros((2, 2, 3))),
    ):
        with pytest.raises(ImportError, match="pip install pillow"):
            call()


def test_image_dataset_argument_errors(tmp_path):
    d = str(tmp_path)
    with pytest.raises(ValueError, match="color_mode"):
        image_dataset_from_directory(d, color_mode="cmyk")
    with pytest.raises(ValueError, match="only one of"):
        image_dataset_from_directory(d, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    with pytest.raises(ValueError, match="interpolation"):
        image_dataset_from_directory(d, interpolation="linear")


def test_img_to_array_layouts():
    x = np.arange(6, dtype=np.uint8).reshape(2, 3)
    a = image.img_to_array(x)
    assert a.shape == (2, 3, 1) and a.dtype == np.float32
    np.testing.assert_array_equal(a[:, :, 0], x)
    assert image.img_to_array(np.zeros((2, 3, 4)), data_format="channels_first").shape == (4, 2, 3)
    with pytest.raises(ValueError, match="unsupported image shape"):
        image.img_to_array(np.zeros(3))


def test_smart_resize_crops_center_then_resizes():
    x = np.zeros((4, 8, 1), np.float32)
    x[:, 2:6] = 1.0  # the central square that a crop to 1:1 keeps
    out = image.smart_resize(x, (4, 4), interpolation="nearest")
    assert isinstance(out, np.ndarray) and out.shape == (4, 4, 1)
    np.testing.assert_array_equal(out, np.ones((4, 4, 1)))
    padded = image.smart_resize(np.ones((2, 4, 1), np.float32), (4, 4), "nearest", pad_to_aspect_ratio=True)
    np.testing.assert_array_equal(padded[:, :, 0], [[0] * 4, [1] * 4, [1] * 4, [0] * 4])
    batch = tf.ones((2, 3, 10, 6))
    cf = image.smart_resize(batch, (5, 5), data_format="channels_first")
    assert isinstance(cf, tf.Tensor) and cf.shape == (2, 3, 5, 5)
    with pytest.raises(ValueError, match="rank|shape"):
        image.smart_resize(np.ones((4, 4)), (2, 2))


@pytest.mark.skipif(not HAVE_PIL, reason="Pillow is not installed")
def test_image_dataset_with_pillow(tmp_path):
    rng = np.random.default_rng(0)
    for cls, n in (("cat", 3), ("dog", 2)):
        os.makedirs(tmp_path / cls)
        for i in range(n):
            image.save_img(
                str(tmp_path / cls / f"{i}.png"), rng.integers(0, 255, (12, 16, 3)).astype("uint8")
            )
    ds = image_dataset_from_directory(
        str(tmp_path), image_size=(6, 8), batch_size=2, shuffle=False, verbose=False
    )
    batches = list(ds)
    x, y = batches[0]
    assert x.shape == (2, 6, 8, 3) and x.dtype == tf.float32 and ds.class_names == ["cat", "dog"]
    assert [int(v) for _, yy in batches for v in yy.numpy()] == [0, 0, 0, 1, 1]
    assert 0 <= float(tf.reduce_min(x)) and float(tf.reduce_max(x)) <= 255
    gray = image_dataset_from_directory(
        str(tmp_path),
        color_mode="grayscale",
        image_size=(4, 4),
        labels=None,
        crop_to_aspect_ratio=True,
        batch_size=None,
        verbose=False,
    )
    assert next(iter(gray)).shape == (4, 4, 1)
    img = image.load_img(str(tmp_path / "cat" / "0.png"), target_size=(6, 8))
    assert image.img_to_array(img).shape == (6, 8, 3)
