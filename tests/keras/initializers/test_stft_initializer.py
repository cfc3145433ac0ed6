"""keras.initializers.STFT: Keras goldens (tests/fixtures/audio/stft_init.npz, from scripts/golden_audio.py),
the DFT it stands for, windows, config round trips and errors."""

import json
import os

import numpy as np
import pytest

from tensorflux.keras.initializers.stft_initializer import STFT, window_values
from tensorflux.keras.utils.serialization import deserialize_keras_object, serialize_keras_object

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "audio")


def _golden():
    with np.load(os.path.join(FIXTURES, "stft_init.npz")) as f:
        arrays = {k: f[k] for k in f.files}
    return arrays, json.loads(str(arrays.pop("spec")))


GOLDEN = _golden()


@pytest.mark.parametrize("case", sorted(GOLDEN[1]))
def test_stft_matches_keras(case):
    arrays, spec = GOLDEN
    init = STFT(**spec[case]["config"])
    assert init.get_config() == spec[case]["config"]
    got = init(tuple(spec[case]["shape"]), dtype="float64")
    assert got.dtype.name == "float64"
    np.testing.assert_allclose(got.numpy(), arrays[f"{case}/y"], rtol=0, atol=1e-12)


def test_stft_kernels_compute_the_dft():
    """Unwindowed kernels applied to a frame give numpy's rfft of it (real and imaginary parts)."""
    frame = np.random.RandomState(0).normal(size=16)
    real = STFT("real", window=None)((16, 1, 9), dtype="float64").numpy()[:, 0, :]
    imag = STFT("imag", window=None)((16, 1, 9), dtype="float64").numpy()[:, 0, :]
    want = np.fft.rfft(frame)
    np.testing.assert_allclose(frame @ real, want.real, atol=1e-12)
    np.testing.assert_allclose(frame @ imag, want.imag, atol=1e-12)


def test_stft_scaling_and_channels():
    win = np.hamming(10)
    base = STFT("real", window=None)((10, 1, 6), dtype="float64").numpy()
    density = STFT("real", window="hamming")((10, 3, 6), dtype="float64").numpy()
    spectrum = STFT("real", window="hamming", scaling="spectrum")((10, 1, 6), dtype="float64").numpy()
    assert density.shape == (10, 3, 6)
    for c in range(3):  # every input channel gets the same kernel
        np.testing.assert_allclose(
            density[:, c], base[:, 0] * win[:, None] / np.sqrt(np.sum(win**2)), atol=1e-14
        )
    np.testing.assert_allclose(spectrum, base * win[:, None, None] / np.sum(win), atol=1e-14)
    assert STFT()((8, 1, 5)).dtype.name == "float32"


@pytest.mark.parametrize(
    "name", ["hann", "hamming", "blackman", "bartlett", "boxcar", "nuttall", "flattop", "han"]
)
@pytest.mark.parametrize("periodic", [False, True])
def test_windows_match_numpy_forms(name, periodic):
    n = 9
    m = n + 1 if periodic else n
    reference = {
        "hann": np.hanning(m),
        "han": np.hanning(m),
        "hamming": np.hamming(m),
        "blackman": np.blackman(m),
        "bartlett": np.bartlett(m),
        "boxcar": np.ones(m),
    }
    got = window_values(name, n, periodic).numpy()
    if name in reference:
        np.testing.assert_allclose(got, reference[name][:n], atol=1e-15)
    else:  # the symmetric form peaks at 1 in the middle and is symmetric
        assert got.shape == (n,) and (periodic or np.allclose(got, got[::-1]))
    assert window_values(name, 1, periodic).numpy().tolist() == [1.0]


def test_config_round_trip_and_serialization():
    init = STFT("imag", window=np.hanning(6), scaling="spectrum", periodic=True)
    config = init.get_config()
    assert config == {
        "side": "imag",
        "window": np.hanning(6).tolist(),
        "periodic": True,
        "scaling": "spectrum",
    }
    json.dumps(config)
    clone = STFT.from_config(config)
    np.testing.assert_array_equal(clone((6, 1, 4)).numpy(), init((6, 1, 4)).numpy())
    blob = serialize_keras_object(STFT("real", "hamming"))
    assert blob["class_name"] == "STFT" and blob["config"]["window"] == "hamming"
    again = deserialize_keras_object(blob, custom_objects={"STFT": STFT})
    assert isinstance(again, STFT) and again.get_config() == STFT("real", "hamming").get_config()
    assert repr(STFT()) == "STFT(side='real', window='hann', periodic=False, scaling='density')"


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"side": "both"}, "side should be 'real' or 'imag'"),
        ({"scaling": "l2"}, "scaling='l2'"),
        ({"window": "no_such_window"}, "no_such_window"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        STFT(**kwargs)


def test_bad_shapes():
    with pytest.raises(ValueError, match=r"STFT initializer.*\(8, 5\)"):
        STFT()((8, 5))
    with pytest.raises(ValueError, match="at least 2 frequency bins"):
        STFT()((8, 1, 1))
    with pytest.raises(ValueError, match=r"\[frame_length\] = \[8\].*\(5,\)"):
        STFT(window=[1.0] * 5)((8, 1, 5))


def test_exported_names():
    from tensorflux.keras import initializers

    if not hasattr(initializers, "STFT"):
        pytest.skip("keras.initializers does not export STFT yet")
    assert initializers.STFT is STFT and initializers.STFTInitializer is STFT
    assert isinstance(initializers.get("stft"), STFT)
    assert isinstance(initializers.get({"class_name": "STFT", "config": {"side": "imag"}}), STFT)
