"""STFT: conv kernels that compute one side (real or imaginary) of a windowed short-time DFT.

The window functions are SciPy's (``scipy.signal.get_window``), written out here for the common
ones so that SciPy is not needed; any other SciPy window name works when SciPy is installed.
"""

from __future__ import annotations

import math
from typing import Any

from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.keras.initializers.initializer import Initializer, _dtype, _shape
from tensorflux.ops import array_ops as A
from tensorflux.ops import math_ops as M

# Windows that are sums of cosines, w[n] = sum_k a_k (-1)^k cos(2 pi k n / d): their coefficients.
_COSINE_WINDOWS = {
    "hann": (0.5, 0.5),
    "hamming": (0.54, 0.46),
    "blackman": (0.42, 0.50, 0.08),
    "nuttall": (0.3635819, 0.4891775, 0.1365995, 0.0106411),
    "blackmanharris": (0.35875, 0.48829, 0.14128, 0.01168),
    "flattop": (0.21557895, 0.41663158, 0.277263158, 0.083578947, 0.006947368),
}
_ALIASES = {
    "han": "hann",
    "hamm": "hamming",
    "ham": "hamming",
    "black": "blackman",
    "blk": "blackman",
    "nutl": "nuttall",
    "nut": "nuttall",
    "blackharr": "blackmanharris",
    "bkh": "blackmanharris",
    "flat": "flattop",
    "flt": "flattop",
    "bart": "bartlett",
    "brt": "bartlett",
    "box": "boxcar",
    "ones": "boxcar",
    "rect": "boxcar",
    "rectangular": "boxcar",
}
_BUILTIN = tuple(_COSINE_WINDOWS) + ("bartlett", "boxcar")


def _named_window(name: str, length: int, periodic: bool) -> list[float] | None:
    """SciPy's ``get_window(name, length, fftbins=periodic)`` for the windows above, else None."""
    name = _ALIASES.get(name, name)
    if name not in _BUILTIN:
        return None
    if length == 1:
        return [1.0]
    # a periodic window is the symmetric one of length + 1 without its last point
    d = length if periodic else length - 1
    if name == "boxcar":
        return [1.0] * length
    if name == "bartlett":
        return [2.0 * n / d if n <= d / 2.0 else 2.0 - 2.0 * n / d for n in range(length)]
    coefs = _COSINE_WINDOWS[name]
    return [
        sum(a * (-1.0) ** k * math.cos(2.0 * math.pi * k * n / d) for k, a in enumerate(coefs))
        for n in range(length)
    ]


def _scipy_window(name: str, length: int, periodic: bool) -> list[float]:
    try:
        from scipy.signal import get_window
    except ImportError:
        raise ValueError(
            f"Unknown window {name!r}: tensorflux computes {', '.join(_BUILTIN)} itself; other SciPy "
            "window names need SciPy (`pip install scipy`). Or pass the window values as an array."
        ) from None
    return [float(v) for v in get_window(name, length, periodic)]


def check_window(window: Any) -> None:
    """Raise ValueError for a window name neither tensorflux nor SciPy knows (as Keras does early)."""
    if isinstance(window, str) and _named_window(window, 1, False) is None:
        try:
            _scipy_window(window, 1, False)
        except ValueError as e:
            raise ValueError(f"Invalid window {window!r}. {e}") from None


def window_config(window: Any) -> Any:
    """``window`` as a JSON-ready config value: names and None as they are, values as a list."""
    if window is None or isinstance(window, str):
        return window
    if isinstance(window, Tensor):
        return window.numpy().tolist()
    return window.tolist() if hasattr(window, "tolist") else list(window)


def window_values(window: Any, length: int, periodic: bool, dtype: Any = "float64") -> Tensor:
    """The ``length`` window values: from a name (SciPy's windows) or given as an array.

    >>> [round(float(v), 3) for v in window_values("hann", 5, periodic=False)]
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """
    if isinstance(window, str):
        values = _named_window(window, length, periodic)
        if values is None:
            values = _scipy_window(window, length, periodic)
        return A.cast(convert_to_tensor(values, "float64"), dtype)
    win = A.cast(window, dtype) if isinstance(window, Tensor) else convert_to_tensor(window, dtype)
    if win.ndim != 1 or int(win.shape[0]) != length:
        raise ValueError(
            f"The shape of `window` must be equal to [frame_length] = [{length}]. "
            f"Received: window shape={tuple(win.shape)}"
        )
    return win


class STFT(Initializer):
    """Conv kernels of shape ``(frame_length, channels, bins)`` for a windowed short-time DFT.

    Entry ``[t, :, k]`` is ``cos(2 pi t k / n)`` (``side="real"``) or ``-sin(2 pi t k / n)``
    (``side="imag"``), with ``n = 2 * (bins - 1)``, times the window value at ``t``, divided by
    the window's L2 norm (``scaling="density"``) or L1 norm (``"spectrum"``). A 1-D convolution
    with stride ``frame_step`` by these kernels is the STFT of a signal (``STFTSpectrogram``).

    Args:
        side: ``"real"`` or ``"imag"``: which part of the complex transform the kernel computes.
        window: a SciPy window name (``"hann"``, ``"hamming"``, ...), the window values as an
            array of ``frame_length`` numbers, or ``None`` for no window (and no scaling).
        scaling: ``"density"``, ``"spectrum"`` or ``None``.
        periodic: use the periodic form of a named window (SciPy's ``fftbins=True``) instead of
            the symmetric one.

    >>> kernel = STFT("real", window=None)((4, 1, 3))
    >>> [round(float(v), 4) + 0.0 for v in kernel[:, 0, 1]]
    [1.0, 0.0, -1.0, 0.0]
    """

    def __init__(
        self,
        side: str = "real",
        window: Any = "hann",
        scaling: str | None = "density",
        periodic: bool = False,
    ) -> None:
        if side not in ("real", "imag"):
            raise ValueError(f"side should be 'real' or 'imag', not {side!r}")
        check_window(window)
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ValueError(
                "Scaling is invalid, it must be `None`, 'density' or 'spectrum'. "
                f"Received scaling={scaling!r}"
            )
        self.side = side
        self.window = window
        self.scaling = scaling
        self.periodic = periodic

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        from tensorflux.keras.ops.math_fft import _cos_sin

        shape = _shape(shape)
        if len(shape) != 3 or shape[-1] < 2:
            raise ValueError(
                "STFT initializer: shape must be (frame_length, input_channels, fft_length // 2 + 1) "
                f"with at least 2 frequency bins. Received: shape={shape}"
            )
        frame_length, channels, bins = shape
        # the trigonometric table in float64 with j * k reduced modulo n first, then rounded once
        cos, sin = _cos_sin(frame_length, bins, 2 * (bins - 1), "float64")
        kernel = cos if self.side == "real" else -sin
        if self.window is not None:
            win = window_values(self.window, frame_length, self.periodic)
            if self.scaling == "density":
                win = win / M.sqrt(M.reduce_sum(M.square(win)))
            elif self.scaling == "spectrum":
                win = win / M.reduce_sum(M.abs(win))
            kernel = kernel * A.reshape(win, (frame_length, 1))
        kernel = A.broadcast_to(A.reshape(kernel, (frame_length, 1, bins)), (frame_length, channels, bins))
        return A.cast(kernel, _dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {
            "side": self.side,
            "window": window_config(self.window),
            "periodic": self.periodic,
            "scaling": self.scaling,
        }
