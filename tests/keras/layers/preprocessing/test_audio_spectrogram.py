"""STFTSpectrogram and MelSpectrogram: Keras goldens (tests/fixtures/audio, from scripts/golden_audio.py),
finite-difference gradients, shapes, errors and save/load."""

import json
import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras.layers.preprocessing.mel_spectrogram import MelSpectrogram
from tensorflux.keras.layers.preprocessing.stft_spectrogram import STFTSpectrogram
from tensorflux.testing import check_gradients

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "fixtures", "audio")
CUSTOM = {"STFTSpectrogram": STFTSpectrogram, "MelSpectrogram": MelSpectrogram}


def _golden(name):
    with np.load(os.path.join(FIXTURES, name + ".npz")) as f:
        arrays = {k: f[k] for k in f.files}
    return arrays, json.loads(str(arrays.pop("spec")))


STFT_GOLDEN = _golden("stft_layer")
MEL_GOLDEN = _golden("mel")


# -- STFTSpectrogram ---------------------------------------------------------------------------------
@pytest.mark.parametrize("case", sorted(STFT_GOLDEN[1]))
def test_stft_spectrogram_matches_keras(case):
    arrays, spec = STFT_GOLDEN
    x, want = arrays[f"{case}/x"], arrays[f"{case}/y"]
    layer = STFTSpectrogram(**spec[case]["config"])
    y = layer(x).numpy()
    assert y.shape == want.shape == tuple(spec[case]["output_shape"])
    assert layer.compute_output_shape(x.shape) == want.shape
    if layer.mode == "angle":
        # the phase of a (nearly) real bin is +-pi by the sign of a rounding error: compare on the circle
        diff = np.abs(np.angle(np.exp(1j * (y.astype(np.float64) - want))))
        assert diff.max() < 1e-4
    else:
        np.testing.assert_allclose(y, want, rtol=1e-5, atol=5e-5)


def test_stft_spectrogram_keras_example_shapes():
    x = np.random.RandomState(0).uniform(size=(1, 1600, 2)).astype("float32")
    same = STFTSpectrogram(frame_length=256, frame_step=128, fft_length=512, padding="same", window="hamming")
    assert same(x).shape == (1, 13, 514)
    expand = STFTSpectrogram(
        frame_length=256, frame_step=128, fft_length=512, padding="same", expand_dims=True
    )
    assert expand(x).shape == (1, 13, 257, 2)
    valid = STFTSpectrogram(frame_length=256, frame_step=128, fft_length=512, trainable=False)
    assert valid(x[..., :1]).shape == (1, 11, 257)
    assert valid.trainable_weights == [] and len(valid.non_trainable_weights) == 2


def test_stft_spectrogram_defaults_and_weights():
    layer = STFTSpectrogram()
    assert (layer.mode, layer.frame_length, layer._frame_step, layer._fft_length) == ("log", 256, 128, 256)
    assert (layer.window, layer.periodic, layer.scaling, layer.padding) == ("hann", False, "density", "valid")
    layer.build((None, 300, 1))
    assert [w.path for w in layer.weights] == [f"{layer.name}/real_kernel", f"{layer.name}/imag_kernel"]
    assert tuple(layer.real_kernel.shape) == (256, 1, 129)
    real_only = STFTSpectrogram(mode="real", frame_length=8)
    real_only.build((None, 30, 1))
    assert [w.path for w in real_only.weights] == [f"{real_only.name}/real_kernel"]
    assert STFTSpectrogram(frame_length=100)._fft_length == 128


def test_stft_spectrogram_symbolic_shape_matches_eager():
    inp = keras.Input((None, 2))
    out = STFTSpectrogram(frame_length=8, frame_step=3, padding="same")(inp)
    assert tuple(out.shape) == (None, None, 10)
    model = keras.Model(inp, out)
    assert model(np.ones((2, 20, 2), "float32")).shape == (2, 7, 10)


@pytest.mark.parametrize(
    "config",
    [
        {"mode": "log"},
        {"mode": "magnitude", "padding": "same", "window": "hamming"},
        {"mode": "psd", "data_format": "channels_first", "expand_dims": True},
        {"mode": "angle", "scaling": "spectrum"},
        {"mode": "stft", "expand_dims": True, "periodic": True},
        {"mode": "real", "data_format": "channels_first"},
        {"mode": "imag", "window": None},
    ],
)
def test_stft_spectrogram_gradients(config):
    """Gradients with respect to the signal and to both kernels, against central differences."""
    layer = STFTSpectrogram(frame_length=6, frame_step=3, fft_length=8, dtype="float64", **config)
    cf = config.get("data_format") == "channels_first"
    shape = (2, 2, 17) if cf else (2, 17, 2)
    layer.build(shape)
    rng = np.random.RandomState(3)
    x = rng.normal(size=shape)
    names = [n for n in ("real_kernel", "imag_kernel") if n in layer.__dict__]
    variables = [layer.__dict__[n] for n in names]
    kernels = [v.numpy() for v in variables]

    def f(x, *ks):
        for name, k in zip(names, ks):
            layer.__dict__[name] = k  # the kernels as inputs of the function under test
        return layer(x)

    if layer.mode == "angle":
        # the DC bin is real: its phase jumps by 2 pi when a kernel change moves it across the
        # negative real axis, so only the signal (which leaves it real) is differentiated
        kernels = []
    try:
        check_gradients(f, [x, *kernels])
    finally:
        layer.__dict__.update(zip(names, variables))


def test_stft_spectrogram_trains():
    """The kernels are ordinary trainable conv kernels: a fit step changes them and lowers the loss."""
    rng = np.random.RandomState(0)
    x = rng.normal(size=(8, 40, 1)).astype("float32")
    y = rng.normal(size=(8, 9, 9)).astype("float32")
    layer = STFTSpectrogram(mode="real", frame_length=16, frame_step=3)
    model = keras.Sequential([keras.Input((40, 1)), layer])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    start = layer.real_kernel.numpy().copy()
    losses = model.fit(x, y, epochs=3, batch_size=8, verbose=0).history["loss"]
    assert losses[-1] < losses[0]
    assert not np.allclose(layer.real_kernel.numpy(), start)


def test_stft_spectrogram_float64_and_dtype_errors():
    x = np.random.RandomState(0).normal(size=(1, 30, 1))
    y64 = STFTSpectrogram(frame_length=8, dtype="float64")(x)
    y32 = STFTSpectrogram(frame_length=8)(x.astype("float32"))
    assert y64.dtype == tf.float64 and y32.dtype == tf.float32
    np.testing.assert_allclose(y64.numpy(), y32.numpy(), rtol=1e-4, atol=1e-4)
    layer = STFTSpectrogram(frame_length=8, autocast=False)
    with pytest.raises(TypeError, match="float16.*int32"):
        layer(tf.ones((1, 30, 1), tf.int32))


def test_stft_spectrogram_bad_input():
    layer = STFTSpectrogram(frame_length=8)
    with pytest.raises(ValueError, match=r"stft_spectrogram.*ndim=3.*\(2, 30\)"):
        layer(np.ones((2, 30), "float32"))
    with pytest.raises(ValueError, match=r"STFTSpectrogram.*frame_length=8.*\(2, 5, 1\).*padding='same'"):
        layer(np.ones((2, 5, 1), "float32"))
    assert STFTSpectrogram(frame_length=8, padding="same")(np.ones((2, 5, 1), "float32")).shape == (2, 2, 5)
    with pytest.raises(ValueError, match=r"STFTSpectrogram.*3-D inputs.*\(None, 30\).*x\[\.\.\., None\]"):
        STFTSpectrogram(frame_length=8).build((None, 30))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"frame_length": 8, "frame_step": 9}, "frame_step=9"),
        ({"frame_length": 8, "frame_step": 0}, "frame_step=0"),
        ({"frame_length": 8, "fft_length": 4}, "fft_length=4"),
        ({"mode": "power"}, "mode='power'"),
        ({"scaling": "l2"}, "scaling='l2'"),
        ({"padding": "causal"}, "padding='causal'"),
        ({"window": "no_such_window"}, "no_such_window"),
        ({"data_format": "channels_middle"}, "channels_middle"),
    ],
)
def test_stft_spectrogram_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        STFTSpectrogram(**kwargs)


def test_stft_spectrogram_warns_for_fft_length_not_power_of_two():
    with pytest.warns(UserWarning, match="power of two"):
        STFTSpectrogram(frame_length=8, fft_length=12)


def test_stft_spectrogram_array_window_config():
    win = np.hanning(8).astype("float32")
    layer = STFTSpectrogram(frame_length=8, window=win)
    config = layer.get_config()
    assert config["window"] == pytest.approx(win.tolist())
    json.dumps(config)
    clone = STFTSpectrogram.from_config(config)
    x = np.random.RandomState(1).normal(size=(1, 30, 1)).astype("float32")
    np.testing.assert_allclose(clone(x).numpy(), layer(x).numpy(), rtol=1e-6)


# -- MelSpectrogram ---------------------------------------------------------------------------------
@pytest.mark.parametrize("case", sorted(c for c in MEL_GOLDEN[1] if c != "matrix"))
def test_mel_spectrogram_matches_keras(case):
    arrays, spec = MEL_GOLDEN
    x, want = arrays[f"{case}/x"], arrays[f"{case}/y"]
    layer = MelSpectrogram(**spec[case]["config"])
    y = layer(x).numpy()
    assert y.shape == want.shape
    assert tuple(layer.compute_output_shape(x.shape)) == want.shape
    np.testing.assert_allclose(y, want, rtol=1e-5, atol=1e-3)  # dB: a thousandth of a decibel


def test_mel_weight_matrix_matches_keras():
    arrays, spec = MEL_GOLDEN
    got = MelSpectrogram().linear_to_mel_weight_matrix(*spec["matrix"]["args"])
    np.testing.assert_allclose(got.numpy(), arrays["matrix/y"], atol=2e-6)


def test_mel_spectrogram_defaults():
    layer = MelSpectrogram()
    config = layer.get_config()
    expected = {
        "fft_length": 2048,
        "sequence_stride": 512,
        "sequence_length": 2048,
        "window": "hann",
        "sampling_rate": 16000,
        "num_mel_bins": 128,
        "min_freq": 20.0,
        "max_freq": 8000,
        "power_to_db": True,
        "top_db": 80.0,
        "mag_exp": 2.0,
        "min_power": 1e-10,
        "ref_power": 1.0,
    }
    assert {k: config[k] for k in expected} == expected
    assert layer.weights == []


def test_mel_spectrogram_symbolic_and_unbatched_shapes():
    layer = MelSpectrogram(fft_length=32, sequence_stride=8, num_mel_bins=6)
    inp = keras.Input((100,))
    out = layer(inp)
    assert tuple(out.shape) == (None, 6, 13)
    assert keras.Model(inp, out)(np.ones((3, 100), "float32")).shape == (3, 6, 13)
    odd = MelSpectrogram(fft_length=31, sequence_stride=8, num_mel_bins=6)
    assert odd(np.ones((99,), "float32")).shape == odd.compute_output_shape((99,)) == (6, 13)


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"mag_exp": 1.0, "window": "hamming", "sequence_length": 12},
        {"power_to_db": False, "mag_exp": 1.5},
        {"top_db": 5.0, "window": None},
    ],
)
def test_mel_spectrogram_gradients(config):
    layer = MelSpectrogram(
        fft_length=16, sequence_stride=6, num_mel_bins=5, sampling_rate=4000, dtype="float64", **config
    )
    x = np.random.RandomState(7).normal(size=(2, 40))
    if config.get("top_db") == 5.0:
        # the floor is active (and the gradient zero) somewhere, away from ties
        y = layer(x).numpy()
        assert (y == y.max() - 5.0).any()
    # dB outputs are large (tens), so differences need a larger step to stay above rounding noise
    check_gradients(layer, [x], eps=1e-5)


def test_mel_spectrogram_casts_integer_pcm():
    x = np.random.RandomState(2).randint(-3000, 3000, (2, 64)).astype("int16")
    layer = MelSpectrogram(fft_length=16, sequence_stride=4, num_mel_bins=4, sampling_rate=4000)
    np.testing.assert_allclose(layer(x).numpy(), layer(x.astype("float32")).numpy(), rtol=1e-6)


def test_mel_spectrogram_bad_input():
    layer = MelSpectrogram(fft_length=32, sequence_stride=8, num_mel_bins=4)
    with pytest.raises(ValueError, match=r"mel_spectrogram.*max_ndim=2.*\(2, 3, 100\)"):
        layer(np.ones((2, 3, 100), "float32"))
    with pytest.raises(ValueError, match=r"MelSpectrogram.*16 samples.*\(2, 10\)"):
        layer(np.ones((2, 10), "float32"))
    with pytest.raises(ValueError, match="sequence_length`=64"):
        MelSpectrogram(fft_length=32, sequence_length=64)
    with pytest.raises(ValueError, match="window='blackman'"):
        MelSpectrogram(window="blackman")


# -- saving ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make, shape",
    [
        (lambda: STFTSpectrogram(frame_length=8, frame_step=4, fft_length=16, padding="same"), (32, 2)),
        (
            lambda: STFTSpectrogram(
                mode="stft", frame_length=8, data_format="channels_first", expand_dims=True
            ),
            (2, 30),
        ),
        (lambda: MelSpectrogram(fft_length=32, sequence_stride=8, num_mel_bins=6, sampling_rate=8000), (90,)),
    ],
)
def test_save_load_round_trip(make, shape, tmp_path):
    inp = keras.Input(shape)
    layer = make()
    model = keras.Model(inp, keras.layers.Dense(3)(layer(inp)))
    for v in layer.weights:  # trained kernels, not the initial ones
        v.assign(v.numpy() + np.random.RandomState(4).normal(0.0, 0.01, v.shape))
    x = np.random.RandomState(5).normal(size=(2, *shape)).astype("float32")
    before = model.predict(x, verbose=0)
    model.save(tmp_path / "x.keras")
    loaded = keras.models.load_model(tmp_path / "x.keras", custom_objects=CUSTOM)
    twin = loaded.layers[1]
    assert type(twin) is type(layer) and twin.get_config() == layer.get_config()
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), before)
    for a, b in zip(layer.weights, twin.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_exported_names_are_these_classes():
    if not hasattr(keras.layers, "STFTSpectrogram"):
        pytest.skip("keras.layers does not export the audio layers yet")
    assert keras.layers.STFTSpectrogram is STFTSpectrogram
    assert keras.layers.MelSpectrogram is MelSpectrogram
