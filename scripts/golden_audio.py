"""Golden values for the audio names (STFT initializer, STFTSpectrogram, MelSpectrogram, WAV decoding and
audio_dataset_from_directory), computed by real Keras 3 (TensorFlow backend).

Run once with:
    CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 \
        SCIPY_SITE=$(python3 -c "import os, scipy; print(os.path.dirname(os.path.dirname(scipy.__file__)))") \
        /tmp/peers/bin/python scripts/golden_audio.py
Keras' STFT initializer needs SciPy for its windows; when the Keras environment lacks it, SCIPY_SITE
names a site-packages folder (same Python version) to take SciPy from, appended to sys.path.

Writes to tests/fixtures/audio/:
- stft_init.npz, stft_layer.npz, mel.npz: for each case ``<case>/x`` (input, if any) and
  ``<case>/y`` (Keras' output), and ``spec``: JSON {case: {"config": ..., ...}}.
- wav/: small 16-bit PCM WAV files in class folders (written here with the stdlib ``wave``),
  and wav.npz: ``tf.audio.decode_wav`` of each file and the batches of
  ``keras.utils.audio_dataset_from_directory`` (unshuffled) over the folder.
"""

import json
import os
import shutil
import sys
import wave

import numpy as np

if os.environ.get("SCIPY_SITE"):
    sys.path.append(os.environ["SCIPY_SITE"])
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "audio")

INIT_CASES = [
    # (case, initializer config, shape)
    ("real_hann", {"side": "real", "window": "hann", "scaling": "density", "periodic": False}, (16, 1, 9)),
    ("imag_hann", {"side": "imag", "window": "hann", "scaling": "density", "periodic": False}, (16, 1, 9)),
    (
        "real_hann_periodic",
        {"side": "real", "window": "hann", "scaling": "density", "periodic": True},
        (12, 1, 9),
    ),
    (
        "imag_hamming_spectrum",
        {"side": "imag", "window": "hamming", "scaling": "spectrum", "periodic": False},
        (10, 1, 6),
    ),
    (
        "real_blackman_none",
        {"side": "real", "window": "blackman", "scaling": None, "periodic": False},
        (8, 1, 5),
    ),
    ("imag_no_window", {"side": "imag", "window": None, "scaling": "density", "periodic": False}, (8, 1, 5)),
    (
        "real_array_window",
        {"side": "real", "window": [0.1, 0.5, 1.0, 0.5, 0.2, 0.3], "scaling": "density", "periodic": False},
        (6, 1, 5),
    ),
]

LAYER_CASES = [
    # (case, STFTSpectrogram config, input shape)
    ("log_default", {"frame_length": 16, "frame_step": 8, "fft_length": 32}, (2, 64, 1)),
    ("magnitude_two_channels", {"mode": "magnitude", "frame_length": 12, "frame_step": 5}, (2, 47, 2)),
    (
        "psd_same",
        {"mode": "psd", "frame_length": 10, "frame_step": 4, "fft_length": 16, "padding": "same"},
        (2, 37, 2),
    ),
    (
        "real_cf",
        {"mode": "real", "frame_length": 8, "frame_step": 3, "data_format": "channels_first"},
        (2, 2, 30),
    ),
    ("imag_expand", {"mode": "imag", "frame_length": 8, "frame_step": 4, "expand_dims": True}, (2, 33, 3)),
    ("angle_hamming", {"mode": "angle", "frame_length": 8, "frame_step": 4, "window": "hamming"}, (1, 40, 1)),
    (
        "stft_cf_expand_same",
        {
            "mode": "stft",
            "frame_length": 9,
            "frame_step": 4,
            "fft_length": 16,
            "padding": "same",
            "data_format": "channels_first",
            "expand_dims": True,
        },
        (2, 2, 35),
    ),
    (
        "log_periodic_spectrum",
        {"frame_length": 16, "frame_step": 16, "periodic": True, "scaling": "spectrum"},
        (2, 80, 2),
    ),
    (
        "stft_cl",
        {"mode": "stft", "frame_length": 8, "frame_step": 8, "window": None, "scaling": None},
        (2, 32, 2),
    ),
    ("log_cf_flat", {"frame_length": 8, "frame_step": 2, "data_format": "channels_first"}, (1, 3, 24)),
]

MEL_CASES = [
    # (case, MelSpectrogram config, input shape)
    ("small", {"fft_length": 64, "sequence_stride": 16, "num_mel_bins": 10, "sampling_rate": 8000}, (2, 300)),
    (
        "unbatched",
        {"fft_length": 64, "sequence_stride": 20, "num_mel_bins": 8, "sampling_rate": 8000},
        (257,),
    ),
    (
        "short_frames_hamming",
        {
            "fft_length": 64,
            "sequence_length": 40,
            "sequence_stride": 16,
            "window": "hamming",
            "num_mel_bins": 12,
            "sampling_rate": 16000,
            "min_freq": 100.0,
            "max_freq": 6000.0,
        },
        (2, 250),
    ),
    (
        "amplitude_linear",
        {
            "fft_length": 32,
            "sequence_stride": 8,
            "num_mel_bins": 6,
            "sampling_rate": 4000,
            "power_to_db": False,
            "mag_exp": 1.0,
        },
        (3, 120),
    ),
    (
        "db_ref_topdb",
        {
            "fft_length": 32,
            "sequence_stride": 8,
            "num_mel_bins": 6,
            "sampling_rate": 4000,
            "top_db": 20.0,
            "ref_power": 0.5,
            "min_power": 1e-6,
        },
        (2, 100),
    ),
    (
        "no_window_odd",
        {"fft_length": 31, "sequence_stride": 7, "window": None, "num_mel_bins": 5, "sampling_rate": 4000},
        (2, 90),
    ),
    ("defaults", {}, (1, 4000)),
]

WAV_FILES = [
    # (relative path, channels, samples, rate)
    ("cats/a.wav", 1, 40, 8000),
    ("cats/b.wav", 1, 55, 8000),
    ("cats/deep/c.wav", 1, 30, 8000),
    ("dogs/d.wav", 1, 48, 8000),
    ("dogs/e.wav", 1, 25, 8000),
]
STEREO = ("stereo.wav", 2, 33, 16000)


def _signal(shape, seed):
    rng = np.random.RandomState(seed)
    t = np.arange(shape[-1 if len(shape) < 3 else 1], dtype=np.float64)
    tone = np.sin(2 * np.pi * 0.07 * t) + 0.5 * np.sin(2 * np.pi * 0.21 * t + 0.3)
    x = rng.normal(0.0, 0.3, shape)
    if len(shape) == 3:
        x = x + tone[None, :, None]
    else:
        x = x + tone
    return x.astype("float32")


def _save(name, arrays, spec):
    arrays = dict(arrays)
    arrays["spec"] = np.array(json.dumps(spec))
    np.savez_compressed(os.path.join(OUT, name), **arrays)


def init_goldens():
    arrays, spec = {}, {}
    for case, config, shape in INIT_CASES:
        init = keras.initializers.STFT(**config)
        arrays[f"{case}/y"] = keras.ops.convert_to_numpy(init(shape, dtype="float64"))
        spec[case] = {"config": init.get_config(), "shape": list(shape)}
    _save("stft_init.npz", arrays, spec)


def layer_goldens():
    arrays, spec = {}, {}
    for i, (case, config, shape) in enumerate(LAYER_CASES):
        layer = keras.layers.STFTSpectrogram(**config)
        if config.get("data_format") == "channels_first":
            # TensorFlow's CPU convolution has no channels_first: run the channels_last layer (same
            # kernels) on the transposed signal and move its axes as Keras' channels_first does
            x = np.ascontiguousarray(_signal((shape[0], shape[2], shape[1]), i).transpose(0, 2, 1))
            last = keras.layers.STFTSpectrogram(**{**config, "data_format": "channels_last"})
            y = keras.ops.convert_to_numpy(last(x.transpose(0, 2, 1)))
            y = y.transpose(0, 3, 1, 2) if config.get("expand_dims") else y.transpose(0, 2, 1)
        else:
            x = _signal(shape, i)
            y = keras.ops.convert_to_numpy(layer(x))
        arrays[f"{case}/x"] = x
        arrays[f"{case}/y"] = y
        spec[case] = {"config": config, "output_shape": list(layer.compute_output_shape(shape))}
    _save("stft_layer.npz", arrays, spec)


def mel_goldens():
    arrays, spec = {}, {}
    for i, (case, config, shape) in enumerate(MEL_CASES):
        layer = keras.layers.MelSpectrogram(**config)
        x = _signal(shape, 100 + i)
        arrays[f"{case}/x"] = x
        arrays[f"{case}/y"] = keras.ops.convert_to_numpy(layer(x))
        spec[case] = {"config": config}
    matrix = keras.layers.MelSpectrogram().linear_to_mel_weight_matrix(7, 33, 8000, 60.0, 3500.0)
    arrays["matrix/y"] = keras.ops.convert_to_numpy(matrix)
    spec["matrix"] = {"args": [7, 33, 8000, 60.0, 3500.0]}
    _save("mel.npz", arrays, spec)


def _write_wav(path, channels, samples, rate, seed):
    rng = np.random.RandomState(seed)
    pcm = rng.randint(-32768, 32768, (samples, channels)).astype("<i2")
    pcm[0] = -32768  # the extremes: -1.0 exactly, and just below 1.0
    pcm[1] = 32767
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with wave.open(path, "wb") as f:
        f.setnchannels(channels)
        f.setsampwidth(2)
        f.setframerate(rate)
        f.writeframes(pcm.tobytes())


def wav_goldens():
    root = os.path.join(OUT, "wav")
    shutil.rmtree(root, ignore_errors=True)
    arrays, spec = {}, {"files": []}
    for i, (rel, channels, samples, rate) in enumerate(WAV_FILES + [STEREO]):
        path = os.path.join(root, rel)
        _write_wav(path, channels, samples, rate, 200 + i)
        audio, sr = tf.audio.decode_wav(tf.io.read_file(path))
        arrays[f"decode/{rel}"] = audio.numpy()
        cut, _ = tf.audio.decode_wav(tf.io.read_file(path), desired_samples=36)
        arrays[f"decode36/{rel}"] = cut.numpy()
        spec["files"].append({"path": rel, "rate": int(sr.numpy())})
    # the stereo file sits at the top level: with labels="inferred" it is skipped, as Keras does
    for name, kwargs in [
        ("padded", {"batch_size": 2}),
        ("fixed_categorical", {"batch_size": 3, "output_sequence_length": 36, "label_mode": "categorical"}),
    ]:
        ds = keras.utils.audio_dataset_from_directory(root, shuffle=False, verbose=False, **kwargs)
        spec[name] = {"kwargs": kwargs, "class_names": ds.class_names}
        for j, (x, y) in enumerate(ds):
            arrays[f"{name}/{j}/x"] = x.numpy()
            arrays[f"{name}/{j}/y"] = y.numpy()
    _save("wav.npz", arrays, spec)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    init_goldens()
    layer_goldens()
    mel_goldens()
    wav_goldens()
    print("wrote", sorted(os.listdir(OUT)))
