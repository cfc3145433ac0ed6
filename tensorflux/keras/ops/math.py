"""Keras 3's math ops (``keras.ops.logsumexp``, ``keras.ops.erf``, ...)."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine.op_layer import symbolic_op
from tensorflux.keras.ops.core import convert_to_tensor
from tensorflux.keras.ops.nn import logsumexp  # noqa: F401
from tensorflux.ops import linalg_ops as L
from tensorflux.ops import math_ops as M


def _t(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


@symbolic_op
def erf(x: Any) -> Tensor:
    return M.erf(_t(x))


@symbolic_op
def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A002
    """NumPy's norm: the 2-norm of vectors (Frobenius for matrices) by default; ``ord`` 1, 2, inf, p, 'fro'.

    >>> float(norm([3.0, 4.0]))
    5.0
    """
    x = _t(x)
    if isinstance(axis, list):
        axis = tuple(axis)
    matrix = (axis is None and x.ndim == 2 and ord is not None) or (
        isinstance(axis, tuple) and len(axis) == 2
    )
    if ord is None or ord == "fro" or (ord == 2 and not matrix):
        return L.norm(x, "euclidean", axis, keepdims)
    if matrix:
        ax = axis if isinstance(axis, tuple) else (0, 1)
        if ord == 1:
            return (
                M.reduce_max(M.reduce_sum(M.abs(x), ax[0], keepdims=True), ax[1], keepdims=True)
                if keepdims
                else M.reduce_max(M.reduce_sum(M.abs(x), ax[0]), ax[1] - (1 if ax[1] > ax[0] else 0))
            )
        if ord in (float("inf"), "inf"):
            return (
                M.reduce_max(M.reduce_sum(M.abs(x), ax[1], keepdims=True), ax[0], keepdims=True)
                if keepdims
                else M.reduce_max(M.reduce_sum(M.abs(x), ax[1]), ax[0] - (1 if ax[0] > ax[1] else 0))
            )
        raise ValueError(f"norm: matrix norm ord={ord!r} is not supported; use 'fro', 1 or inf.")
    return L.norm(x, ord, axis, keepdims)


@symbolic_op
def rsqrt(x: Any) -> Tensor:
    return M.rsqrt(_t(x))


@symbolic_op
def segment_sum(data: Any, segment_ids: Any, num_segments: int | None = None, sorted: bool = False) -> Tensor:  # noqa: A002
    from tensorflux.ops import array_ops as A

    d = _t(data)
    ids = _t(segment_ids)
    n = int(num_segments) if num_segments is not None else int(M.reduce_max(ids)) + 1
    return A.scatter_nd(A.expand_dims(A.cast(ids, "int32"), -1), d, (n,) + tuple(d.shape[1:]))


@symbolic_op
def top_k(x: Any, k: int, sorted: bool = True) -> Any:  # noqa: A002
    return M.top_k(_t(x), k=k, sorted=sorted)


def _segments(data: Any, segment_ids: Any, num_segments: Any) -> tuple[Tensor, Tensor, int]:
    from tensorflux.ops import array_ops as A

    d = _t(data)
    ids = A.cast(_t(segment_ids), "int32")
    n = int(num_segments) if num_segments is not None else int(M.reduce_max(ids)) + 1
    # member[s, i]: row i belongs to segment s; shaped to broadcast against the rows' trailing dims
    member = M.equal(A.reshape(A.range(n), (n, 1)), A.reshape(ids, (1, -1)))
    return d, A.reshape(member, (n, int(ids.shape[0])) + (1,) * (d.ndim - 1)), n


def _segment_reduce(
    data: Any, segment_ids: Any, num_segments: Any, fill: str, reduce: Any, sorted_ids: bool
) -> Tensor:
    from tensorflux.ops import array_ops as A

    d, member, _ = _segments(data, segment_ids, num_segments)
    if fill == "one":
        neutral = A.ones_like(d)
    else:
        lim = d.dtype.min if fill == "lowest" else d.dtype.max
        neutral = A.fill(tuple(d.shape), A.cast(lim, d.dtype))
    out = reduce(A.where(member, A.expand_dims(d, 0), A.expand_dims(neutral, 0)), axis=1)
    if sorted_ids and fill != "one":
        # TensorFlow's sorted segment ops (which Keras uses for sorted=True) give 0 for empty segments
        out = A.where(M.reduce_any(member, axis=1), out, A.zeros_like(out))
    return out


@symbolic_op
def segment_max(data: Any, segment_ids: Any, num_segments: int | None = None, sorted: bool = False) -> Tensor:  # noqa: A002
    """Maximum of the rows of ``data`` in each segment (empty: the dtype's lowest value, 0 if ``sorted``).

    >>> segment_max([1.0, 5.0, 2.0], [0, 0, 1]).numpy().tolist()
    [5.0, 2.0]
    """
    return _segment_reduce(data, segment_ids, num_segments, "lowest", M.reduce_max, sorted)


@symbolic_op
def segment_min(data: Any, segment_ids: Any, num_segments: int | None = None, sorted: bool = False) -> Tensor:  # noqa: A002
    """Minimum of the rows of ``data`` in each segment (empty: the dtype's highest value, 0 if ``sorted``).

    >>> segment_min([1.0, 5.0, 2.0], [0, 0, 1]).numpy().tolist()
    [1.0, 2.0]
    """
    return _segment_reduce(data, segment_ids, num_segments, "highest", M.reduce_min, sorted)


@symbolic_op
def segment_prod(
    data: Any, segment_ids: Any, num_segments: int | None = None, sorted: bool = False
) -> Tensor:  # noqa: A002
    """Product of the rows of ``data`` in each segment (empty segments give 1).

    >>> segment_prod([2.0, 5.0, 3.0], [0, 0, 1]).numpy().tolist()
    [10.0, 3.0]
    """
    return _segment_reduce(data, segment_ids, num_segments, "one", M.reduce_prod, sorted)


@symbolic_op
def erfc(x: Any) -> Tensor:
    """The complementary error function ``1 - erf(x)``.

    >>> round(float(erfc(0.5)), 5)
    0.4795
    """
    x = _t(x)
    return 1.0 - M.erf(x)


# Giles (2010), "Approximating the erfinv function": single-precision polynomials in w = -log(1 - x^2)
_GILES_SMALL = (
    2.81022636e-08,
    3.43273939e-07,
    -3.5233877e-06,
    -4.39150654e-06,
    0.00021858087,
    -0.00125372503,
    -0.00417768164,
    0.246640727,
    1.50140941,
)
_GILES_LARGE = (
    -0.000200214257,
    0.000100950558,
    0.00134934322,
    -0.00367342844,
    0.00573950773,
    -0.0076224613,
    0.00943887047,
    1.00167406,
    2.83297682,
)


def _poly(c: tuple[float, ...], w: Tensor) -> Tensor:
    p = c[0] + 0.0 * w
    for ci in c[1:]:
        p = p * w + ci
    return p


@symbolic_op
def erfinv(x: Any) -> Tensor:
    """Inverse of the error function on (-1, 1) (±inf at ±1).

    >>> round(float(erfinv(0.5)), 5)
    0.47694
    """
    from tensorflux.ops import array_ops as A

    y = _t(x)
    if not y.dtype.is_floating:
        y = A.cast(y, "float32")
    inside = M.less(M.abs(y), 1.0)
    ys = A.where(inside, y, A.zeros_like(y))
    w = -M.log((1.0 - ys) * (1.0 + ys))
    small = M.less(w, 5.0)
    ws = A.where(small, w - 2.5, A.zeros_like(w))
    wl = M.sqrt(A.where(small, A.fill(tuple(w.shape), A.cast(9.0, w.dtype)), w)) - 3.0
    r = A.where(small, _poly(_GILES_SMALL, ws), _poly(_GILES_LARGE, wl)) * ys
    # Newton steps on erf(r) = y refine to the dtype's precision; only the last one carries the
    # gradient, where it equals the exact derivative sqrt(pi)/2 * exp(erfinv(y)^2)
    half_sqrt_pi = 0.886226925452758
    for _ in range(2):
        r = A.stop_gradient(r)
        r = r - (M.erf(r) - ys) * half_sqrt_pi * M.exp(M.square(r))
    edge = A.where(
        M.greater(y, 0.0),
        A.fill(tuple(y.shape), A.cast(float("inf"), y.dtype)),
        -A.fill(tuple(y.shape), A.cast(float("inf"), y.dtype)),
    )
    out = A.where(
        inside,
        r,
        A.where(M.equal(M.abs(y), 1.0), edge, A.fill(tuple(y.shape), A.cast(float("nan"), y.dtype))),
    )
    return out


@symbolic_op
def logdet(x: Any) -> Tensor:
    """``log(det(x))`` for (Hermitian) positive-definite matrices.

    >>> round(float(logdet([[2.0, 0.0], [0.0, 3.0]])), 5)
    1.79176
    """
    return L.slogdet(_t(x))[1]


@symbolic_op
def cdist(x: Any, y: Any) -> Tensor:
    """Euclidean distances between the rows of ``x`` (..., n, d) and ``y`` (..., m, d).

    >>> cdist([[0.0, 0.0]], [[3.0, 4.0]]).numpy().tolist()
    [[5.0]]
    """
    from tensorflux.ops import array_ops as A

    a, b = _t(x), _t(y)
    if a.ndim < 2 or b.ndim < 2 or a.shape[-1] != b.shape[-1]:
        raise ValueError(
            f"cdist: x and y need rank >= 2 and the same last dimension; received {a.shape} and {b.shape}."
        )
    diff = A.expand_dims(a, -2) - A.expand_dims(b, -3)
    return M.sqrt(M.reduce_sum(diff * diff, axis=-1))


@symbolic_op
def extract_sequences(x: Any, sequence_length: int, sequence_stride: int) -> Tensor:
    """Frames of ``sequence_length`` every ``sequence_stride`` along the last axis: (..., frames, length).

    >>> extract_sequences([1, 2, 3, 4], 2, 2).numpy().tolist()
    [[1, 2], [3, 4]]
    """
    from tensorflux.ops import array_ops as A

    v = _t(x)
    n, ln, st = int(v.shape[-1]), int(sequence_length), int(sequence_stride)
    frames = (n - ln) // st + 1
    idx = A.reshape(A.range(frames) * st, (frames, 1)) + A.reshape(A.range(ln), (1, ln))
    return A.gather(v, idx, axis=v.ndim - 1)


from tensorflux.keras.ops.math_fft import fft, fft2, ifft2, irfft, istft, rfft, stft  # noqa: E402,F401
