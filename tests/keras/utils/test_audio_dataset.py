"""audio_dataset_from_directory: WAV decoding and batches against Keras/TensorFlow goldens
(tests/fixtures/audio/wav*, from scripts/golden_audio.py), labels, splits, shuffling and errors."""

import json
import os
import wave

import numpy as np
import pytest

from tensorflux import keras
from tensorflux.keras.utils.audio_dataset import _read_wav, audio_dataset_from_directory

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "audio")
WAV_ROOT = os.path.join(FIXTURES, "wav")


def _golden():
    with np.load(os.path.join(FIXTURES, "wav.npz")) as f:
        arrays = {k: f[k] for k in f.files}
    return arrays, json.loads(str(arrays.pop("spec")))


GOLDEN = _golden()


def _write(path, samples, channels=1, rate=8000, width=2):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with wave.open(str(path), "wb") as f:
        f.setnchannels(channels)
        f.setsampwidth(width)
        f.setframerate(rate)
        dtype = {1: "u1", 2: "<i2", 4: "<i4"}[width]
        f.writeframes(np.asarray(samples, dtype).reshape(-1, channels).tobytes())


def _tree(tmp_path, sizes):
    """``{class: [n_samples, ...]}`` as WAV files whose first sample encodes (class, index)."""
    for c, (name, lengths) in enumerate(sorted(sizes.items())):
        for i, n in enumerate(lengths):
            pcm = np.full(n, 1000 * c + 10 * i + 1, "int16")
            _write(tmp_path / name / f"f{i:02d}.wav", pcm)
    return str(tmp_path)


@pytest.mark.parametrize("rel", [f["path"] for f in GOLDEN[1]["files"]])
def test_decoding_matches_tf_decode_wav(rel):
    arrays, _ = GOLDEN
    path = os.path.join(WAV_ROOT, rel)
    got = _read_wav(path)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, arrays[f"decode/{rel}"])
    np.testing.assert_array_equal(_read_wav(path, 36), arrays[f"decode36/{rel}"])  # cut or zero-padded
    assert got.min() >= -1.0 and got.max() < 1.0


@pytest.mark.parametrize("name", ["padded", "fixed_categorical"])
def test_batches_match_keras(name):
    arrays, spec = GOLDEN
    ds = audio_dataset_from_directory(WAV_ROOT, shuffle=False, verbose=False, **spec[name]["kwargs"])
    assert ds.class_names == spec[name]["class_names"]
    batches = list(ds)
    assert len(batches) == len([k for k in arrays if k.startswith(f"{name}/") and k.endswith("/x")])
    for j, (x, y) in enumerate(batches):
        want_x, want_y = arrays[f"{name}/{j}/x"], arrays[f"{name}/{j}/y"]
        assert (x.dtype.name, y.dtype.name) == (str(want_x.dtype), str(want_y.dtype))
        np.testing.assert_array_equal(x.numpy(), want_x)
        np.testing.assert_array_equal(y.numpy(), want_y)


def test_labels_split_and_shuffle(tmp_path, capsys):
    root = _tree(tmp_path, {"no": [5, 7, 6, 5, 8], "yes": [9, 5, 6, 7, 5]})
    train, val = audio_dataset_from_directory(
        root, batch_size=None, validation_split=0.4, subset="both", seed=3, label_mode="binary"
    )
    assert "Found 10 files belonging to 2 classes." in capsys.readouterr().out
    assert train.class_names == val.class_names == ["no", "yes"]
    seen = {}
    for part in (train, val):
        for x, y in part:
            c, i = divmod(int(round(float(x.numpy()[0, 0]) * 32768)) - 1, 1000)
            assert y.numpy().tolist() == [float(c)] and y.dtype.name == "float32"
            seen[(c, i // 10)] = part is train
    assert len(seen) == 10 and sum(seen.values()) == 6  # every file once; 4 held out
    # the file split is the same for the same seed; the training order changes each pass, the
    # validation order never (as Keras: only the training part is shuffled)
    again, val_again = audio_dataset_from_directory(
        root, batch_size=None, validation_split=0.4, subset="both", seed=3, verbose=False
    )
    assert sorted(again.file_paths) == sorted(train.file_paths)
    assert [p for p in val_again.file_paths] == val.file_paths
    firsts = [[float(x.numpy()[0, 0]) for x, _ in val] for _ in range(2)]
    assert firsts[0] == firsts[1]
    unshuffled = audio_dataset_from_directory(root, batch_size=None, shuffle=False, verbose=False)
    assert unshuffled.file_paths == sorted(unshuffled.file_paths)


def test_subset_alone_and_label_modes(tmp_path):
    root = _tree(tmp_path, {"a": [4, 4, 4], "b": [4, 4], "c": [4]})
    ds = audio_dataset_from_directory(
        root, batch_size=6, label_mode="categorical", shuffle=False, verbose=False
    )
    x, y = next(iter(ds))
    assert x.shape == (6, 4, 1)
    np.testing.assert_array_equal(y.numpy(), np.eye(3, dtype="float32")[[0, 0, 0, 1, 1, 2]])
    val = audio_dataset_from_directory(
        root, validation_split=0.5, subset="validation", seed=1, verbose=False, label_mode="int"
    )
    assert sum(len(yb) for _, yb in val) == 3
    only = audio_dataset_from_directory(root, labels=None, batch_size=2, shuffle=False, verbose=False)
    first = next(iter(only))
    assert not isinstance(first, tuple) and first.shape == (2, 4, 1)
    explicit = audio_dataset_from_directory(
        root, labels=[5, 4, 3, 2, 1, 0], batch_size=6, shuffle=False, verbose=False
    )
    assert next(iter(explicit))[1].numpy().tolist() == [5, 4, 3, 2, 1, 0]
    ordered = audio_dataset_from_directory(
        root, class_names=["c", "a", "b"], batch_size=6, shuffle=False, verbose=False
    )
    assert next(iter(ordered))[1].numpy().tolist() == [0, 1, 1, 1, 2, 2]


def test_padding_truncation_and_stereo(tmp_path):
    _write(tmp_path / "k" / "long.wav", np.arange(1, 21, dtype="int16").repeat(2), channels=2)
    _write(tmp_path / "k" / "short.wav", np.full(6, -16384, "int16"), channels=2)
    padded = next(iter(audio_dataset_from_directory(str(tmp_path), shuffle=False, verbose=False)))[0].numpy()
    assert padded.shape == (2, 20, 2)
    np.testing.assert_array_equal(padded[1, :3], -0.5)
    np.testing.assert_array_equal(padded[1, 3:], 0.0)
    fixed = audio_dataset_from_directory(
        str(tmp_path), output_sequence_length=4, shuffle=False, verbose=False, labels=None
    )
    x = next(iter(fixed)).numpy()
    assert x.shape == (2, 4, 2)
    np.testing.assert_array_equal(x[0, :, 0] * 32768, [1, 2, 3, 4])
    ragged = audio_dataset_from_directory(
        str(tmp_path), batch_size=None, ragged=True, shuffle=False, verbose=False
    )
    assert [tuple(a.shape) for a, _ in ragged] == [(20, 2), (3, 2)]


def test_feeds_a_model(tmp_path):
    from tensorflux.keras.layers.preprocessing.stft_spectrogram import STFTSpectrogram

    root = _tree(tmp_path, {"a": [64] * 4, "b": [64] * 4})
    ds = audio_dataset_from_directory(root, batch_size=4, seed=0, verbose=False)
    model = keras.Sequential(
        [
            keras.Input((64, 1)),
            STFTSpectrogram(frame_length=16, frame_step=8),
            keras.layers.Flatten(),
            keras.layers.Dense(2),
        ]
    )
    model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(ds, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_sampling_rate(tmp_path):
    root = _tree(tmp_path, {"a": [5, 5]})
    assert (
        len(list(audio_dataset_from_directory(root, sampling_rate=8000, batch_size=None, verbose=False))) == 2
    )
    with pytest.raises(ValueError, match=r"f00.wav.*8000 Hz.*sampling_rate=16000.*does not resample"):
        list(audio_dataset_from_directory(root, sampling_rate=16000, shuffle=False, verbose=False))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"labels": "folders"}, "labels="),
        ({"label_mode": "onehot"}, "label_mode='onehot'"),
        ({"labels": None, "class_names": ["a"]}, "class_names"),
        ({"ragged": True, "output_sequence_length": 4}, "both `ragged` and `output_sequence_length`"),
        ({"ragged": True}, "ragged tensors"),
        ({"sampling_rate": 8000.0}, "integer value"),
        ({"sampling_rate": 0}, "higher than 0"),
        ({"validation_split": 0.2}, "validation_split"),
        ({"validation_split": 0.2, "subset": "training"}, "seed"),
        ({"subset": "test", "validation_split": 0.2, "seed": 1}, "subset='test'"),
        ({"label_mode": "binary", "class_names": ["a", "b", "c"]}, "exactly 2 class_names"),
    ],
)
def test_bad_arguments(tmp_path, kwargs, match):
    root = _tree(tmp_path, {"a": [4], "b": [4], "c": [4]})
    with pytest.raises(ValueError, match=match):
        audio_dataset_from_directory(root, verbose=False, **kwargs)


def test_bad_files(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        audio_dataset_from_directory(str(tmp_path / "missing"), verbose=False)
    (tmp_path / "empty" / "a").mkdir(parents=True)
    with pytest.raises(ValueError, match=r"no audio files found.*\('.wav',\)"):
        audio_dataset_from_directory(str(tmp_path / "empty"), verbose=False)
    _write(tmp_path / "bits" / "a" / "x.wav", np.full(4, 100, "u1"), width=1)
    with pytest.raises(ValueError, match=r"x.wav.*8-bit samples.*16-bit PCM"):
        list(audio_dataset_from_directory(str(tmp_path / "bits"), verbose=False))
    (tmp_path / "junk" / "a").mkdir(parents=True)
    (tmp_path / "junk" / "a" / "x.wav").write_bytes(b"not a wav file at all")
    with pytest.raises(ValueError, match=r"x.wav.*PCM WAV"):
        list(audio_dataset_from_directory(str(tmp_path / "junk"), verbose=False))


def test_exported_name():
    if "audio_dataset_from_directory" not in dir(keras.utils):
        pytest.skip("keras.utils does not export audio_dataset_from_directory yet")
    assert keras.utils.audio_dataset_from_directory is audio_dataset_from_directory
