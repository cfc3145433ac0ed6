"""``keras.ops`` bitwise ops on integer (and bool) tensors; no gradients."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine.op_layer import symbolic_op
from tensorflux.keras.ops import _numpy_kernels as K
from tensorflux.keras.ops.numpy import _t
from tensorflux.keras.ops.numpy_elementwise import _tpair

__all__ = [
    "bitwise_and",
    "bitwise_invert",
    "bitwise_left_shift",
    "bitwise_not",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "left_shift",
    "right_shift",
]


def _ints(x: Any, y: Any, name: str) -> tuple[Tensor, Tensor]:
    a, b = _tpair(x, y)
    for v in (a, b):
        if not (v.dtype.is_integer or v.dtype.is_bool):
            raise TypeError(f"{name}: the inputs must be integers or booleans. Received dtype {v.dtype.name}")
    if a.dtype != b.dtype:
        raise TypeError(
            f"{name}: the inputs have different dtypes, {a.dtype.name} and {b.dtype.name}; cast them first."
        )
    return a, b


def _bitwise(prim: Any, name: str) -> Any:
    def op(x: Any, y: Any) -> Tensor:
        a, b = _ints(x, y, name)
        return P.bind(prim, (a, b), {})

    op.__name__ = name
    op.__doc__ = f"Elementwise ``{name}`` of integer (or boolean) tensors, with broadcasting."
    return symbolic_op(op)


bitwise_and = _bitwise(P.bitwise_and, "bitwise_and")
bitwise_or = _bitwise(P.bitwise_or, "bitwise_or")
bitwise_xor = _bitwise(P.bitwise_xor, "bitwise_xor")
left_shift = bitwise_left_shift = _bitwise(K.left_shift, "left_shift")
right_shift = bitwise_right_shift = _bitwise(K.right_shift, "right_shift")


@symbolic_op
def bitwise_invert(x: Any) -> Tensor:
    """Bitwise NOT (``~x``) of an integer or boolean tensor.

    >>> bitwise_invert(0).numpy().item()
    -1
    """
    x = _t(x)
    if not (x.dtype.is_integer or x.dtype.is_bool):
        raise TypeError(
            f"bitwise_invert: the input must be integers or booleans. Received dtype {x.dtype.name}"
        )
    return P.unary(P.invert, x)


bitwise_not = bitwise_invert
