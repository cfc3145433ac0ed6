"""Keras 3's Fourier ops (``keras.ops.fft``, ``rfft``, ``irfft``, ``fft2``, ``ifft2``, ``stft``, ``istft``).

Complex values travel as ``(real, imag)`` pairs of float tensors, as in Keras. The transforms are
dense DFT matrices applied with real matrix products (O(n^2) per axis, exact to rounding and
differentiable); they suit the short axes of audio frames and small images.
"""

from __future__ import annotations

import math
from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine.op_layer import symbolic_op
from tensorflux.keras.ops.core import convert_to_tensor
from tensorflux.ops import array_ops as A
from tensorflux.ops import linalg_ops as L
from tensorflux.ops import math_ops as M


def _f(x: Any) -> Tensor:
    x = x if isinstance(x, Tensor) else convert_to_tensor(x)
    return x if x.dtype.is_floating else A.cast(x, "float32")


def _pair(x: Any, op: str) -> tuple[Tensor, Tensor]:
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"{op}: x must be a (real, imag) pair of tensors; received {type(x).__name__}.")
    re, im = _f(x[0]), _f(x[1])
    if tuple(re.shape) != tuple(im.shape):
        raise ValueError(
            f"{op}: real and imag parts must have the same shape; got {re.shape} and {im.shape}."
        )
    if re.dtype != im.dtype:
        im = A.cast(im, re.dtype)
    return re, im


def _cos_sin(n_in: int, n_out: int, period: int, dtype: Any) -> tuple[Tensor, Tensor]:
    """``cos`` and ``sin`` of ``2 pi j k / period`` for j < n_in (rows), k < n_out (columns)."""
    # j * k reduced modulo the period in integers, and the table built in float64 then rounded once,
    # so that float32 tables are exact to half an ulp (sin(pi) rounds to 0, not -8.7e-8)
    jk = A.reshape(A.range(n_in), (n_in, 1)) * A.reshape(A.range(n_out), (1, n_out))
    angle = A.cast(jk % period, "float64") * (2.0 * math.pi / period)
    return A.cast(M.cos(angle), dtype), A.cast(M.sin(angle), dtype)


def _mm(x: Tensor, w: Tensor) -> Tensor:
    # (..., n) @ (n, m) over the last axis
    lead = tuple(x.shape[:-1])
    out = L.matmul(A.reshape(x, (-1, int(x.shape[-1]))), w)
    return A.reshape(out, lead + (int(w.shape[-1]),))


def _dft(re: Tensor, im: Tensor, inverse: bool) -> tuple[Tensor, Tensor]:
    n = int(re.shape[-1])
    c, s = _cos_sin(n, n, n, re.dtype)
    if inverse:
        return (_mm(re, c) - _mm(im, s)) / float(n), (_mm(im, c) + _mm(re, s)) / float(n)
    return _mm(re, c) + _mm(im, s), _mm(im, c) - _mm(re, s)


def _swap_last(x: Tensor) -> Tensor:
    perm = list(range(x.ndim))
    perm[-1], perm[-2] = perm[-2], perm[-1]
    return A.transpose(x, perm)


def _dft2(x: Any, inverse: bool, op: str) -> tuple[Tensor, Tensor]:
    re, im = _pair(x, op)
    if re.ndim < 2:
        raise ValueError(f"{op}: inputs must have rank >= 2; received shape {re.shape}.")
    re, im = _dft(re, im, inverse)
    re, im = _dft(_swap_last(re), _swap_last(im), inverse)
    return _swap_last(re), _swap_last(im)


@symbolic_op
def fft(x: Any) -> tuple[Tensor, Tensor]:
    """Discrete Fourier transform of ``(real, imag)`` along the last axis.

    >>> re, im = fft((convert_to_tensor([1.0, 0.0]), convert_to_tensor([0.0, 0.0])))
    >>> re.numpy().tolist(), im.numpy().tolist()
    ([1.0, 1.0], [0.0, 0.0])
    """
    return _dft(*_pair(x, "fft"), inverse=False)


@symbolic_op
def fft2(x: Any) -> tuple[Tensor, Tensor]:
    """2-D discrete Fourier transform of ``(real, imag)`` over the last two axes.

    >>> re, im = fft2((convert_to_tensor([[1.0, 1.0]]), convert_to_tensor([[0.0, 0.0]])))
    >>> re.numpy().tolist()
    [[2.0, 0.0]]
    """
    return _dft2(x, False, "fft2")


@symbolic_op
def ifft2(x: Any) -> tuple[Tensor, Tensor]:
    """Inverse 2-D discrete Fourier transform of ``(real, imag)`` over the last two axes.

    >>> re, im = ifft2((convert_to_tensor([[2.0, 0.0]]), convert_to_tensor([[0.0, 0.0]])))
    >>> re.numpy().tolist()
    [[1.0, 1.0]]
    """
    return _dft2(x, True, "ifft2")


def _fit_last(x: Tensor, n: int) -> Tensor:
    """``x`` cut or zero-padded to ``n`` entries along the last axis."""
    m = int(x.shape[-1])
    if m > n:
        return x[..., :n]
    if m < n:
        return A.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, n - m)])
    return x


@symbolic_op
def rfft(x: Any, fft_length: int | None = None) -> tuple[Tensor, Tensor]:
    """DFT of a real signal: the ``fft_length // 2 + 1`` non-negative frequencies as ``(real, imag)``.

    >>> re, im = rfft(convert_to_tensor([1.0, 2.0, 3.0, 4.0]))
    >>> [round(float(v), 4) for v in re], [round(float(v), 4) + 0.0 for v in im]
    ([10.0, -2.0, -2.0], [0.0, 2.0, 0.0])
    """
    v = _f(x)
    n = int(v.shape[-1]) if fft_length is None else int(fft_length)
    v = _fit_last(v, n)
    c, s = _cos_sin(n, n // 2 + 1, n, v.dtype)
    return _mm(v, c), -_mm(v, s)


@symbolic_op
def irfft(x: Any, fft_length: int | None = None) -> Tensor:
    """Real signal of length ``fft_length`` (default ``2 * (bins - 1)``) from its ``rfft`` ``(real, imag)``.

    >>> irfft((convert_to_tensor([10.0, -2.0, -2.0]), convert_to_tensor([0.0, 2.0, 0.0]))).numpy().tolist()
    [1.0, 2.0, 3.0, 4.0]
    """
    re, im = _pair(x, "irfft")
    n = 2 * (int(re.shape[-1]) - 1) if fft_length is None else int(fft_length)
    k = n // 2 + 1
    re, im = _fit_last(re, k), _fit_last(im, k)
    c, s = _cos_sin(k, n, n, re.dtype)
    # Hermitian symmetry: bins other than 0 and n / 2 stand for two conjugate terms
    weight = [1.0] + [2.0] * (k - 1)
    if n % 2 == 0:
        weight[-1] = 1.0
    w = A.reshape(A.cast(convert_to_tensor(weight), re.dtype), (k, 1)) / float(n)
    return _mm(re, c * w) - _mm(im, s * w)


def _window(window: Any, sequence_length: int, fft_length: int, dtype: Any, op: str) -> Tensor | None:
    if window is None:
        return None
    if isinstance(window, str):
        if window not in ("hann", "hamming"):
            raise ValueError(
                f"{op}: window must be 'hann', 'hamming', a tensor or None; received {window!r}."
            )
        a = 0.5 if window == "hann" else 0.54
        # periodic windows, as scipy.signal.get_window and tf.signal
        phase = A.cast(A.range(sequence_length), dtype) * (2.0 * math.pi / sequence_length)
        win = a - (1.0 - a) * M.cos(phase)
    else:
        win = A.cast(_f(window), dtype)
        if win.ndim != 1 or int(win.shape[0]) != sequence_length:
            raise ValueError(f"{op}: window must have shape ({sequence_length},); received {win.shape}.")
    left = (fft_length - sequence_length) // 2
    return A.pad(win, [(left, fft_length - sequence_length - left)])


@symbolic_op
def stft(
    x: Any,
    sequence_length: int,
    sequence_stride: int,
    fft_length: int,
    window: Any = "hann",
    center: bool = True,
) -> tuple[Tensor, Tensor]:
    """Short-time Fourier transform along the last axis: ``(real, imag)``, each ``(..., frames, bins)``.

    >>> re, im = stft(convert_to_tensor([0.0, 1.0, 0.0, -1.0] * 4), 4, 4, 4, window=None, center=False)
    >>> re.shape, [round(float(v), 4) + 0.0 for v in im[0]]
    (TensorShape([4, 3]), [0.0, -2.0, 0.0])
    """
    v = x if isinstance(x, Tensor) else convert_to_tensor(x)
    if v.dtype.name not in ("float32", "float64"):
        raise TypeError(f"stft: x must be float32 or float64; received {v.dtype.name}.")
    if fft_length < sequence_length:
        raise ValueError(
            f"stft: fft_length must be >= sequence_length; received sequence_length={sequence_length}, "
            f"fft_length={fft_length}."
        )
    if center:
        # reflect padding from slices, so that the gradient flows (pad's REFLECT mode has none)
        p = fft_length // 2
        if p >= int(v.shape[-1]):
            raise ValueError(f"stft: center=True needs more than {p} samples; received shape {v.shape}.")
        v = A.concat([A.reverse(v[..., 1 : p + 1], [-1]), v, A.reverse(v[..., -p - 1 : -1], [-1])], -1)
    from tensorflux.keras.ops.math import extract_sequences

    frames = extract_sequences(v, fft_length, sequence_stride)
    win = _window(window, sequence_length, fft_length, v.dtype, "stft")
    if win is not None:
        frames = frames * win
    return rfft(frames, fft_length)


@symbolic_op
def istft(
    x: Any,
    sequence_length: int,
    sequence_stride: int,
    fft_length: int,
    length: int | None = None,
    window: Any = "hann",
    center: bool = True,
) -> Tensor:
    """Inverse of ``stft``: windowed overlap-add of the frames' inverse transforms (as ``tf.signal``).

    >>> sig = convert_to_tensor([0.0, 1.0, 0.0, -1.0] * 4)
    >>> back = istft(stft(sig, 4, 2, 4), 4, 2, 4, length=16)
    >>> [round(float(v), 4) for v in back[:4]]
    [0.0, 1.0, 0.0, -1.0]
    """
    re, _ = _pair(x, "istft")
    frames = irfft(x, fft_length)  # (..., n_frames, fft_length)
    win = _window(window, sequence_length, fft_length, re.dtype, "istft")
    step = int(sequence_stride)
    if win is not None:
        # tf.signal.inverse_stft_window_fn: divide by the overlap-added squared window
        overlaps = -(-fft_length // step)
        sq = A.pad(M.square(win), [(0, overlaps * step - fft_length)])
        denom = A.reshape(
            A.tile(M.reduce_sum(A.reshape(sq, (overlaps, step)), 0, keepdims=True), (overlaps, 1)), (-1,)
        )
        frames = frames * (win / denom[:fft_length])
    n_frames = int(frames.shape[-2])
    total = (n_frames - 1) * step + fft_length
    lead = [(0, 0)] * (frames.ndim - 2)
    out = None
    for f in range(n_frames):
        piece = A.pad(frames[..., f, :], lead + [(f * step, total - f * step - fft_length)])
        out = piece if out is None else out + piece
    start = fft_length // 2 if center else 0
    if length is not None:
        end = start + int(length)
    elif center:
        end = total - fft_length // 2
    else:
        end = total
    return out[..., start:end]
