"""Complex numbers in ``keras.ops``: real and imaginary parts, conjugates, ``polar``, ``view_as_complex``
and ``view_as_real``.

Four primitives carry the work (parts, conjugate, and building a complex tensor from two real ones);
their gradients follow TensorFlow's conventions (``real``: ``complex(g, 0)``, ``imag``:
``complex(0, g)``, ``complex(re, im)``: ``(real(g), imag(g))``, ``conj``: ``conj(g)``), so real-valued
functions of complex intermediates differentiate like in TensorFlow.
"""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import primitives as P
from tensorflux.framework.config import floatx
from tensorflux.framework.gradients import register
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine.op_layer import symbolic_op
from tensorflux.keras.ops.numpy import _t
from tensorflux.ops import array_ops as A
from tensorflux.ops import math_ops as M

__all__ = ["polar", "view_as_complex", "view_as_real"]

_PART_DTYPE = {"complex64": "float32", "complex128": "float64"}
_COMPLEX_DTYPE = {
    "float16": "complex64",
    "bfloat16": "complex64",
    "float32": "complex64",
    "float64": "complex128",
}


def _real_impl(x: Any) -> Any:
    return B.array_copy(x.real)


def _imag_impl(x: Any) -> Any:
    return B.array_copy(x.imag)


def _complex_impl(re: Any, im: Any, dtype: str) -> Any:
    cdt = B.native_dtype(dtype)
    return B.add(B.cast(re, cdt), B.multiply(B.cast(im, cdt), 1j))


_real_p = P.primitive("complex_real", _real_impl)
_imag_p = P.primitive("complex_imag", _imag_impl)
_conj_p = P.primitive("complex_conj", lambda x: x.conj())
_complex_p = P.primitive("complex_from_parts", _complex_impl)


def _complex(re: Tensor, im: Tensor) -> Tensor:
    """``re + 1j * im`` for float tensors of one dtype (complex64 from float32, complex128 from float64)."""
    return P.bind(_complex_p, (re, im), {"dtype": _COMPLEX_DTYPE[re.dtype.name]})


def real_part(x: Tensor) -> Tensor:
    """The real part of a complex tensor."""
    return P.bind(_real_p, (x,), {})


def imag_part(x: Tensor) -> Tensor:
    """The imaginary part of a complex tensor."""
    return P.bind(_imag_p, (x,), {})


def conjugate(x: Tensor) -> Tensor:
    """The complex conjugate of a complex tensor."""
    return P.bind(_conj_p, (x,), {})


def _real_vjp(g: Tensor, x: Tensor, out: Any = None, needs: Any = None, **_: Any) -> tuple[Tensor]:
    return (_complex(g, A.zeros_like(g)),)


def _imag_vjp(g: Tensor, x: Tensor, out: Any = None, needs: Any = None, **_: Any) -> tuple[Tensor]:
    return (_complex(A.zeros_like(g), g),)


def _conj_vjp(g: Tensor, x: Tensor, out: Any = None, needs: Any = None, **_: Any) -> tuple[Tensor]:
    return (conjugate(g),)


def _complex_vjp(
    g: Tensor, re: Tensor, im: Tensor, out: Any = None, needs: Any = None, **_: Any
) -> tuple[Tensor | None, Tensor | None]:
    want = needs if needs is not None else (True, True)
    return (real_part(g) if want[0] else None, imag_part(g) if want[1] else None)


register(_real_p, _real_vjp)
register(_imag_p, _imag_vjp)
register(_conj_p, _conj_vjp)
register(_complex_p, _complex_vjp)


def _float(x: Any) -> Tensor:
    x = _t(x)
    return x if x.dtype.is_floating else A.cast(x, floatx())


@symbolic_op
def polar(abs_: Any, angle: Any) -> Tensor:
    """The complex numbers with magnitude ``abs_`` and argument ``angle``: ``abs_ * (cos + 1j sin)(angle)``.

    Float32 inputs give complex64, float64 inputs complex128 (integers are taken as floatx).

    >>> z = polar([2.0], [0.0])
    >>> z.dtype.name, complex(z.numpy()[0])
    ('complex64', (2+0j))
    """
    r, theta = _float(abs_), _float(angle)
    if r.dtype != theta.dtype:
        raise TypeError(
            f"polar: `abs_` and `angle` must have the same dtype; received {r.dtype.name} and "
            f"{theta.dtype.name}. Cast one of them."
        )
    if tuple(r.shape) != tuple(theta.shape):
        raise ValueError(
            f"polar: `abs_` and `angle` must have the same shape; received {tuple(r.shape)} and "
            f"{tuple(theta.shape)}."
        )
    return _complex(r * M.cos(theta), r * M.sin(theta))


@symbolic_op
def view_as_complex(x: Any) -> Tensor:
    """Pairs along the last axis ``[..., (real, imag)]`` as complex64 numbers (Keras casts to complex64).

    >>> view_as_complex([[1.0, 2.0], [3.0, 4.0]]).numpy().tolist()
    [(1+2j), (3+4j)]
    """
    x = _t(x)
    if x.ndim < 1 or int(x.shape[-1]) != 2:
        raise ValueError(
            "view_as_complex: the last dimension of the input must have size 2 (real and imaginary parts). "
            f"Received shape: {tuple(x.shape)}"
        )
    if x.dtype.is_complex:
        raise TypeError(f"view_as_complex: the input must be real; received dtype {x.dtype.name}.")
    x = A.cast(x, "float32")
    return _complex(x[..., 0], x[..., 1])


@symbolic_op
def view_as_real(x: Any) -> Tensor:
    """Complex numbers as pairs ``[..., (real, imag)]`` on a new last axis (real inputs get zero imaginary
    parts).

    >>> view_as_real(view_as_complex([[1.0, 2.0]])).numpy().tolist()
    [[1.0, 2.0]]
    """
    x = _t(x)
    if x.dtype.is_complex:
        return A.stack([real_part(x), imag_part(x)], axis=-1)
    return A.stack([x, A.zeros_like(x)], axis=-1)
