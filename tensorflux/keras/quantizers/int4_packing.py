"""Pack two int4 values per byte (``pack_int4``) and back (``unpack_int4``)."""

from __future__ import annotations

from typing import Any

from tensorflux.keras import ops


def _check_dtype(dtype: str, fn: str) -> None:
    if dtype not in ("int8", "uint8"):
        raise ValueError(f"{fn}: expected dtype to be 'int8' or 'uint8', but got '{dtype}'.")


def pack_int4(arr: Any, axis: int = 0, dtype: str = "int8") -> tuple[Any, tuple[int, ...], int]:
    """Pack pairs along ``axis``: the first of each pair in the low nibble, the second in the high.

    An odd length is padded with one zero row.

    Args:
        arr: int8 tensor with values in ``[-8, 7]`` (or uint8 in ``[0, 15]``).
        axis: axis to pack.
        dtype: ``"int8"`` or ``"uint8"``; ``arr`` must have this dtype.

    Returns:
        ``(packed, packed_shape, orig_len)``.

    >>> import numpy as np
    >>> packed, shape, n = pack_int4(np.array([[-3, 7], [2, -8], [1, 0]], "int8"))
    >>> packed.numpy().tolist(), shape, n
    ([[45, -121], [1, 0]], (2, 2), 3)
    """
    _check_dtype(dtype, "pack_int4")
    x = ops.convert_to_tensor(arr)
    if x.dtype.name != dtype:
        raise TypeError(f"pack_int4: expected {dtype} tensor for packing, got {x.dtype.name}.")
    rank = len(x.shape)
    axis = axis + rank if axis < 0 else axis
    x = ops.moveaxis(x, axis, 0)
    n = int(x.shape[0])
    rest = tuple(int(d) for d in x.shape[1:])
    if n % 2:
        x = ops.concatenate([x, ops.zeros((1,) + rest, dtype=dtype)], axis=0)
    pairs = ops.reshape(x, ((n + 1) // 2, 2) + rest)
    mask = ops.cast(0x0F, dtype)
    low = ops.bitwise_and(pairs[:, 0], mask)
    high = ops.bitwise_and(pairs[:, 1], mask)
    # int8 wrap-around on the shift is intended: the high nibble becomes the sign bits.
    packed = ops.moveaxis(ops.bitwise_or(low, ops.left_shift(high, ops.cast(4, dtype))), 0, axis)
    return packed, tuple(int(d) for d in packed.shape), n


def unpack_int4(packed: Any, orig_len: int, axis: int = 0, dtype: str = "int8") -> Any:
    """Undo ``pack_int4``: split nibbles, sign-extend for int8, interleave and drop the padding.

    >>> import numpy as np
    >>> unpack_int4(np.array([[45, -121], [1, 0]], "int8"), 3).numpy().tolist()
    [[-3, 7], [2, -8], [1, 0]]
    """
    _check_dtype(dtype, "unpack_int4")
    p = ops.convert_to_tensor(packed)
    if p.dtype.name not in ("int8", "uint8"):
        raise TypeError(f"unpack_int4: expected int8 or uint8 tensor for unpacking, got {p.dtype.name}")
    rank = len(p.shape)
    axis = axis + rank if axis < 0 else axis
    p = ops.moveaxis(p, axis, 0)
    mask = ops.cast(0x0F, p.dtype.name)
    low = ops.bitwise_and(p, mask)
    high = ops.bitwise_and(ops.right_shift(p, ops.cast(4, p.dtype.name)), mask)
    if dtype == "int8":
        eight = ops.cast(8, p.dtype.name)
        # (v ^ 8) - 8 maps nibbles 8..15 to -8..-1 without a branch.
        low = ops.subtract(ops.bitwise_xor(low, eight), eight)
        high = ops.subtract(ops.bitwise_xor(high, eight), eight)
    both = ops.stack([ops.cast(low, dtype), ops.cast(high, dtype)], axis=1)
    out = ops.reshape(both, (-1,) + tuple(int(d) for d in p.shape[1:]))[:orig_len]
    return ops.moveaxis(out, 0, axis)
