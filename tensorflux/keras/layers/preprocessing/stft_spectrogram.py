"""STFTSpectrogram: short-time Fourier transform of 1-D signals as a strided convolution.

The transform is one convolution of every channel of the signal with ``fft_length // 2 + 1``
cosine and sine kernels (the ``STFT`` initializer), so the kernels can be trained like any other
conv kernel, and the layer costs one GEMM over all frames.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from tensorflux.framework import config
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.initializers.stft_initializer import STFT, check_window, window_config
from tensorflux.keras.layers.convolutional._args import standardize_data_format
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import array_ops as A
from tensorflux.ops import conv_ops
from tensorflux.ops import math_ops as M

_MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")


class STFTSpectrogram(Layer):
    """Spectrograms of 1-D signals by the short-time Fourier transform (STFT), with trainable kernels.

    Every input channel is framed (``frame_length`` samples every ``frame_step``), windowed and
    transformed to ``fft_length // 2 + 1`` frequency bins, by a 1-D convolution with the kernels
    ``real_kernel`` and ``imag_kernel`` of shape ``(frame_length, 1, fft_length // 2 + 1)``,
    initialised by ``keras.initializers.STFT``.

    Args:
        mode: the output: ``"log"`` (log magnitude, default), ``"magnitude"``, ``"psd"`` (power
            spectral density: the power with the bins other than the first and last doubled),
            ``"real"``, ``"imag"``, ``"angle"`` (phase) or ``"stft"`` (real bins then imaginary
            bins).
        frame_length: samples per frame (the window length).
        frame_step: samples between the starts of consecutive frames; default
            ``frame_length // 2``.
        fft_length: DFT size, at least ``frame_length``; default the smallest power of two that
            is not below ``frame_length``.
        window: a SciPy window name (``"hann"``, ``"hamming"``, ...), ``frame_length`` window
            values, or ``None``.
        periodic: use the periodic form of a named window (default: symmetric).
        scaling: ``"density"`` (divide by the window's L2 norm), ``"spectrum"`` (L1 norm) or None.
        padding: ``"valid"`` (only whole frames) or ``"same"`` (``ceil(time / frame_step)``
            frames, the signal zero-padded as a ``"same"`` convolution pads it).
        expand_dims: give the channels their own axis (an image per channel) instead of
            stacking the channels' bins on the feature axis.
        data_format: ``"channels_last"`` (inputs ``(batch, time, channels)``) or
            ``"channels_first"`` (``(batch, channels, time)``); default the Keras config.

    Output shape: ``(batch, frames, channels * bins)`` (channels_last) or ``(batch, channels *
    bins, frames)`` (channels_first); with ``expand_dims`` ``(batch, frames, bins, channels)`` or
    ``(batch, channels, frames, bins)``. ``bins`` is ``fft_length // 2 + 1``, twice that for
    ``mode="stft"``.

    >>> import tensorflux as tf
    >>> layer = STFTSpectrogram(frame_length=8, frame_step=4, fft_length=16)
    >>> layer(tf.ones((2, 40, 3))).shape
    TensorShape([2, 9, 27])
    """

    def __init__(
        self,
        mode: str = "log",
        frame_length: int = 256,
        frame_step: int | None = None,
        fft_length: int | None = None,
        window: Any = "hann",
        periodic: bool = False,
        scaling: str | None = "density",
        padding: str = "valid",
        expand_dims: bool = False,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        if frame_step is not None and (frame_step > frame_length or frame_step < 1):
            raise ValueError(
                "STFTSpectrogram: `frame_step` should be a positive integer not greater than "
                f"`frame_length`. Received frame_step={frame_step}, frame_length={frame_length}"
            )
        if fft_length is not None and fft_length < frame_length:
            raise ValueError(
                "STFTSpectrogram: `fft_length` should be not less than `frame_length`. "
                f"Received fft_length={fft_length}, frame_length={frame_length}"
            )
        if fft_length is not None and (fft_length & -fft_length) != fft_length:
            warnings.warn(
                f"`fft_length` is recommended to be a power of two. Received fft_length={fft_length}",
                stacklevel=2,
            )
        if mode not in _MODES:
            raise ValueError(
                f"STFTSpectrogram: output mode is invalid, it must be one of {', '.join(_MODES)}. "
                f"Received: mode={mode!r}"
            )
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ValueError(
                "STFTSpectrogram: scaling is invalid, it must be `None`, 'density' or 'spectrum'. "
                f"Received scaling={scaling!r}"
            )
        if padding not in ("valid", "same"):
            raise ValueError(
                "STFTSpectrogram: padding is invalid, it should be 'valid', 'same'. "
                f"Received: padding={padding!r}"
            )
        check_window(window)
        super().__init__(**kwargs)
        self.mode = mode
        self.frame_length = frame_length
        self.frame_step = frame_step
        self._frame_step = frame_step or frame_length // 2
        self.fft_length = fft_length
        self._fft_length = fft_length or 2 ** int(math.ceil(math.log2(frame_length)))
        self.window = window
        self.periodic = periodic
        self.scaling = scaling
        self.padding = padding
        self.expand_dims = expand_dims
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape: Any) -> None:
        self._check_time(tuple(input_shape))
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        if self.mode != "imag":
            self.real_kernel = self.add_weight(
                name="real_kernel",
                shape=shape,
                initializer=STFT("real", self.window, self.scaling, self.periodic),
            )
        if self.mode != "real":
            self.imag_kernel = self.add_weight(
                name="imag_kernel",
                shape=shape,
                initializer=STFT("imag", self.window, self.scaling, self.periodic),
            )

    def _check_time(self, shape: tuple[Any, ...]) -> None:
        if len(shape) != 3:
            layout = (
                "(batch, time, channels)"
                if self.data_format == "channels_last"
                else "(batch, channels, time)"
            )
            raise ValueError(
                f"Layer '{self.name}' (STFTSpectrogram) expects 3-D inputs {layout}; received input shape "
                f"{shape}. Add a channels axis to mono signals, e.g. `x[..., None]`."
            )
        time = shape[1] if self.data_format == "channels_last" else shape[2]
        if self.padding == "valid" and time is not None and time < self.frame_length:
            raise ValueError(
                f"Layer '{self.name}' (STFTSpectrogram) needs at least frame_length={self.frame_length} "
                f"time steps with padding='valid'; received input shape {shape} ({time} steps, "
                f"data_format={self.data_format!r}). Use a longer signal, a shorter frame_length or "
                "padding='same'."
            )

    def call(self, inputs: Tensor) -> Tensor:
        dtype = inputs.dtype.name
        if dtype not in ("float16", "float32", "float64"):
            raise TypeError(
                f"STFTSpectrogram: invalid input type. Expected `float16`, `float32` or `float64`. "
                f"Received: input type={dtype}"
            )
        shape = tuple(inputs.shape)
        self._check_time(shape)
        batch = shape[0]
        if self.data_format == "channels_last":
            channels = shape[2]
            signals = (
                inputs if channels == 1 else A.reshape(A.transpose(inputs, (0, 2, 1)), (-1, shape[1], 1))
            )
        else:
            channels = shape[1]
            signals = A.reshape(inputs, (-1, shape[2], 1))  # (batch * channels, time, 1)
        if self.mode == "real":
            kernel = self._kernel(self.real_kernel, dtype)
        elif self.mode == "imag":
            kernel = self._kernel(self.imag_kernel, dtype)
        else:
            # one convolution for both parts: the real bins, then the imaginary bins
            kernel = A.concat(
                [self._kernel(self.real_kernel, dtype), self._kernel(self.imag_kernel, dtype)], -1
            )
        out = conv_ops.convolution(
            signals, kernel, strides=self._frame_step, padding=self.padding.upper(), data_format="NWC"
        )
        out = self._spectrum(out)  # (batch * channels, frames, bins)
        return self._arrange(out, batch, channels)

    def _kernel(self, kernel: Tensor, dtype: str) -> Tensor:
        return kernel if kernel.dtype.name == dtype else A.cast(kernel, dtype)

    def _spectrum(self, out: Tensor) -> Tensor:
        if self.mode in ("real", "imag", "stft"):
            return out
        bins = self._fft_length // 2 + 1
        re, im = out[..., :bins], out[..., bins:]
        if self.mode == "angle":
            return M.atan2(im, re)
        power = M.square(re) + M.square(im)
        if self.mode == "psd":
            # one-sided density: the bins between DC and Nyquist stand for two conjugate bins
            return power * A.constant([1.0] + [2.0] * (bins - 2) + [1.0], dtype=out.dtype)
        magnitude = M.sqrt(M.maximum(power, config.epsilon()))
        if self.mode == "magnitude":
            return magnitude
        # magnitude >= sqrt(epsilon) > epsilon already, so Keras' second floor changes nothing
        return M.log(magnitude)

    def _arrange(self, out: Tensor, batch: int, channels: int) -> Tensor:
        frames, bins = int(out.shape[1]), int(out.shape[2])
        out = A.reshape(out, (batch, channels, frames, bins))
        if self.data_format == "channels_last":
            if self.expand_dims:
                return A.transpose(out, (0, 2, 3, 1))
            if channels == 1:
                return A.reshape(out, (batch, frames, bins))
            return A.reshape(A.transpose(out, (0, 2, 1, 3)), (batch, frames, channels * bins))
        if self.expand_dims:
            return out
        return A.reshape(A.transpose(out, (0, 1, 3, 2)), (batch, channels * bins, frames))

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        input_shape = tuple(input_shape)
        if self.data_format == "channels_last":
            batch, time, channels = input_shape
        else:
            batch, channels, time = input_shape
        bins = self._fft_length // 2 + 1
        if self.mode == "stft":
            bins *= 2
        step = self._frame_step
        if time is None:
            frames = None
        elif self.padding == "same":
            frames = -(-time // step)
        else:
            frames = (time - self.frame_length) // step + 1
        if self.expand_dims:
            if self.data_format == "channels_last":
                return (batch, frames, bins, channels)
            return (batch, channels, frames, bins)
        features = None if channels is None else channels * bins
        if self.data_format == "channels_last":
            return (batch, frames, features)
        return (batch, features, frames)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "mode": self.mode,
            "frame_length": self.frame_length,
            "frame_step": self.frame_step,
            "fft_length": self.fft_length,
            "window": window_config(self.window),
            "periodic": self.periodic,
            "scaling": self.scaling,
            "padding": self.padding,
            "data_format": self.data_format,
            "expand_dims": self.expand_dims,
        }
