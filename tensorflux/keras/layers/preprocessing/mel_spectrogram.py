"""MelSpectrogram: power spectrogram of audio warped to the mel scale, in decibels (Keras 3 formulas)."""

from __future__ import annotations

import math
from typing import Any

from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.keras.initializers.stft_initializer import window_config
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import array_ops as A
from tensorflux.ops import math_ops as M

# the HTK mel scale: mel(f) = 1127 ln(1 + f / 700)
_MEL_BREAK_FREQUENCY_HERTZ = 700.0
_MEL_HIGH_FREQUENCY_Q = 1127.0


class MelSpectrogram(Layer):
    """Mel spectrograms of audio signals ``(time,)`` or ``(batch, time)``: ``(..., num_mel_bins, frames)``.

    The signal is reflect-padded by ``fft_length // 2`` on both sides and cut into frames of
    ``sequence_length`` samples every ``sequence_stride`` (``keras.ops.stft`` with
    ``center=True``); the magnitudes of each frame's DFT, raised to ``mag_exp``, are summed by
    ``num_mel_bins`` triangular filters evenly spaced on the mel scale between ``min_freq`` and
    ``max_freq``; with ``power_to_db`` they become decibels relative to ``ref_power``, floored at
    ``top_db`` below the largest value of the whole input (as Keras, over the whole batch).

    Args:
        fft_length: DFT size (default 2048).
        sequence_stride: samples between the starts of consecutive frames (default 512).
        sequence_length: samples per frame, at most ``fft_length`` (default ``fft_length``).
        window: ``"hann"`` (default) or ``"hamming"`` (periodic windows), ``sequence_length``
            window values, or None.
        sampling_rate: samples per second of the input (default 16000).
        num_mel_bins: number of mel filters (default 128).
        min_freq: lower edge of the lowest filter in Hz (default 20).
        max_freq: upper edge of the highest filter in Hz (default ``sampling_rate / 2``).
        power_to_db: output decibels (default True).
        top_db: the dynamic range kept below the maximum, in dB (default 80).
        mag_exp: exponent of the magnitudes: 1 for amplitude, 2 for power (default).
        min_power: floor applied before the logarithm (default 1e-10).
        ref_power: the power that maps to 0 dB (default 1).

    >>> import tensorflux as tf
    >>> layer = MelSpectrogram(fft_length=64, sequence_stride=16, num_mel_bins=8)
    >>> layer(tf.ones((2, 160))).shape
    TensorShape([2, 8, 11])
    """

    def __init__(
        self,
        fft_length: int = 2048,
        sequence_stride: int = 512,
        sequence_length: int | None = None,
        window: Any = "hann",
        sampling_rate: int = 16000,
        num_mel_bins: int = 128,
        min_freq: float = 20.0,
        max_freq: float | None = None,
        power_to_db: bool = True,
        top_db: float = 80.0,
        mag_exp: float = 2.0,
        min_power: float = 1e-10,
        ref_power: float = 1.0,
        **kwargs: Any,
    ) -> None:
        self.fft_length = fft_length
        self.sequence_stride = sequence_stride
        self.sequence_length = sequence_length or fft_length
        if self.fft_length < self.sequence_length:
            raise ValueError(
                "MelSpectrogram: `fft_length` must be greater than or equal to `sequence_length`. "
                f"Received: `sequence_length`={self.sequence_length}, `fft_length`={self.fft_length}."
            )
        if isinstance(window, str) and window not in ("hann", "hamming"):
            raise ValueError(
                'MelSpectrogram: if a string is passed to `window`, it must be one of `"hann"`, '
                f'`"hamming"`. Received: window={window!r}'
            )
        if int(sequence_stride) < 1:
            raise ValueError(
                f"MelSpectrogram: `sequence_stride` must be a positive integer. Received: {sequence_stride!r}"
            )
        self.window = window
        self.sampling_rate = sampling_rate
        self.num_mel_bins = num_mel_bins
        self.min_freq = min_freq
        self.max_freq = max_freq or int(sampling_rate / 2)
        self.power_to_db = power_to_db
        self.top_db = top_db
        self.mag_exp = mag_exp
        self.min_power = min_power
        self.ref_power = ref_power
        super().__init__(**kwargs)
        self.input_spec = InputSpec(min_ndim=1, max_ndim=2)

    # -- the constant matrices --------------------------------------------------------------------
    def _work_dtype(self) -> str:
        # the transform runs in float32 or float64 (as Keras' stft), then casts to the compute dtype
        return self.compute_dtype if self.compute_dtype in ("float32", "float64") else "float32"

    def _matrices(self) -> tuple[Tensor, Tensor]:
        """The windowed DFT ``(fft_length, 2 * bins)`` (cos then -sin columns) and the mel filters."""
        dtype = self._work_dtype()
        cached = self.__dict__.get("_cached_matrices")
        if cached is not None and cached[0] == dtype:
            return cached[1], cached[2]
        from tensorflux.keras.ops.math_fft import _cos_sin, _window

        n = int(self.fft_length)
        bins = n // 2 + 1
        cos, sin = _cos_sin(n, bins, n, "float64")
        dft = A.concat([cos, -sin], 1)
        win = _window(self.window, int(self.sequence_length), n, "float64", "MelSpectrogram")
        if win is not None:
            dft = dft * A.reshape(win, (n, 1))
        mel = self.linear_to_mel_weight_matrix(
            self.num_mel_bins, bins, self.sampling_rate, self.min_freq, self.max_freq, "float64"
        )
        dft, mel = A.cast(dft, dtype), A.cast(mel, dtype)
        self.__dict__["_cached_matrices"] = (dtype, dft, mel)  # not weights: derived from the config
        return dft, mel

    def _hertz_to_mel(self, frequencies_hertz: Any) -> Tensor:
        return _MEL_HIGH_FREQUENCY_Q * M.log(1.0 + frequencies_hertz / _MEL_BREAK_FREQUENCY_HERTZ)

    def linear_to_mel_weight_matrix(
        self,
        num_mel_bins: int = 20,
        num_spectrogram_bins: int = 129,
        sampling_rate: float = 8000,
        lower_edge_hertz: float = 125.0,
        upper_edge_hertz: float = 3800.0,
        dtype: Any = "float32",
    ) -> Tensor:
        """The ``(num_spectrogram_bins, num_mel_bins)`` matrix of triangular mel filters (HTK mel
        scale, peak 1; the DC bin gets no weight), as ``tf.signal.linear_to_mel_weight_matrix``.

        >>> MelSpectrogram().linear_to_mel_weight_matrix(4, 9, 8000, 100.0, 4000.0).shape
        TensorShape([9, 4])
        """
        bins, mels = int(num_spectrogram_bins), int(num_mel_bins)
        nyquist = float(sampling_rate) / 2.0
        # the frequencies of bins 1 .. bins - 1 on the mel scale, as a column
        hertz = A.cast(A.range(1, bins), "float64") * (nyquist / (bins - 1))
        spectrogram_mel = A.reshape(self._hertz_to_mel(hertz), (bins - 1, 1))
        lo = float(self._hertz_to_mel(convert_to_tensor(float(lower_edge_hertz), "float64")))
        hi = float(self._hertz_to_mel(convert_to_tensor(float(upper_edge_hertz), "float64")))
        # mels + 2 evenly spaced edges: filter i rises from edge i to edge i + 1 and falls to i + 2
        edges = lo + A.cast(A.range(mels + 2), "float64") * ((hi - lo) / (mels + 1))
        lower = A.reshape(edges[:-2], (1, mels))
        center = A.reshape(edges[1:-1], (1, mels))
        upper = A.reshape(edges[2:], (1, mels))
        rising = (spectrogram_mel - lower) / (center - lower)
        falling = (upper - spectrogram_mel) / (upper - center)
        weights = M.maximum(M.minimum(rising, falling), 0.0)
        return A.cast(A.pad(weights, [(1, 0), (0, 0)]), dtype)

    # -- the layer ------------------------------------------------------------------------------------
    def call(self, inputs: Tensor) -> Tensor:
        dtype = self._work_dtype()
        x = inputs if inputs.dtype.name == dtype else A.cast(inputs, dtype)
        shape = tuple(x.shape)
        pad = int(self.fft_length) // 2
        if shape[-1] <= pad:
            raise ValueError(
                f"Layer '{self.name}' (MelSpectrogram) needs more than fft_length // 2 = {pad} samples to "
                f"reflect-pad the signal; received input shape {shape}. Use a longer signal or a smaller "
                "fft_length."
            )
        dft, mel = self._matrices()
        from tensorflux.keras.ops.math import extract_sequences
        from tensorflux.keras.ops.math_fft import _mm

        if pad:
            # reflect padding (numpy's "reflect": the edge sample is not repeated), from slices so
            # that the gradient flows
            x = A.concat(
                [A.reverse(x[..., 1 : pad + 1], [-1]), x, A.reverse(x[..., -pad - 1 : -1], [-1])], -1
            )
        frames = extract_sequences(x, int(self.fft_length), int(self.sequence_stride))
        spectrum = _mm(frames, dft)  # (..., frames, 2 * bins): real parts, then imaginary parts
        bins = int(self.fft_length) // 2 + 1
        power = M.square(spectrum[..., :bins]) + M.square(spectrum[..., bins:])
        # |X| ** mag_exp from the power |X|^2 directly: the same values, and a finite gradient at 0
        if self.mag_exp == 2:
            spec = power
        elif self.mag_exp == 1:
            spec = M.sqrt(power)
        else:
            spec = M.pow(power, self.mag_exp / 2.0)
        out = _mm(spec, mel)
        if self.power_to_db:
            out = self._dbscale(out)
        rank = out.ndim
        out = A.transpose(out, tuple(range(rank - 2)) + (rank - 1, rank - 2))  # (..., mels, frames)
        return out if out.dtype.name == self.compute_dtype else A.cast(out, self.compute_dtype)

    def _dbscale(self, x: Tensor) -> Tensor:
        to_db = 10.0 / math.log(10.0)
        log_spec = M.log(M.maximum(x, self.min_power)) * to_db
        ref = max(abs(float(self.ref_power)), float(self.min_power))
        log_spec = log_spec - 10.0 * math.log10(ref)
        return M.maximum(log_spec, M.reduce_max(log_spec) - self.top_db)

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        input_shape = tuple(input_shape)
        time = input_shape[-1]
        n = int(self.fft_length)
        frames = None if time is None else (time + 2 * (n // 2) - n) // int(self.sequence_stride) + 1
        return input_shape[:-1] + (self.num_mel_bins, frames)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "fft_length": self.fft_length,
            "sequence_stride": self.sequence_stride,
            "sequence_length": self.sequence_length,
            "window": window_config(self.window),
            "sampling_rate": self.sampling_rate,
            "num_mel_bins": self.num_mel_bins,
            "min_freq": self.min_freq,
            "max_freq": self.max_freq,
            "power_to_db": self.power_to_db,
            "top_db": self.top_db,
            "mag_exp": self.mag_exp,
            "min_power": self.min_power,
            "ref_power": self.ref_power,
        }
