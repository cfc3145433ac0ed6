"""Symmetric (abs-max) and grouped asymmetric (zero-point) weight quantization."""

from __future__ import annotations

import math
from typing import Any

from tensorflux.keras import ops
from tensorflux.keras.engine.op_layer import symbolic_op

_EPSILON = 1e-7  # keras.backend.epsilon() default, captured at definition time as Keras does


def _float_dtype(x: Any) -> str:
    name = ops.convert_to_tensor(x).dtype.name
    return name if name.startswith(("float", "bfloat")) else "float32"


@symbolic_op
def abs_max_quantize(
    inputs: Any,
    axis: Any,
    value_range: tuple[int, int] = (-127, 127),
    dtype: str = "int8",
    epsilon: float = _EPSILON,
    to_numpy: bool = False,
) -> tuple[Any, Any]:
    """Quantize with one scale per slice: ``scale = value_range[1] / (max|x| + epsilon)``.

    Args:
        inputs: tensor to quantize.
        axis: axis (int or tuple) reduced to compute the range; the scale keeps it with size 1.
        value_range: ``(min, max)`` of the quantized integers.
        dtype: dtype of the quantized output.
        epsilon: added to the maximum to avoid dividing by zero.
        to_numpy: Keras computes on the host when True; tensorflux always does, same numbers.

    Returns:
        ``(quantized, scale)``; ``dequantized = quantized / scale``.

    >>> q, s = abs_max_quantize([[1.0, -2.0]], axis=-1)
    >>> q.numpy().tolist(), round(float(s.numpy()[0, 0]), 3)
    ([[64, -127]], 63.5)
    """
    del to_numpy  # tensorflux tensors already live on the host
    x = ops.convert_to_tensor(inputs)
    if not _float_dtype(x) == x.dtype.name:
        x = ops.cast(x, "float32")
    amax = ops.max(ops.abs(x), axis=axis, keepdims=True)
    scale = ops.divide(ops.cast(value_range[1], x.dtype), ops.add(amax, ops.cast(epsilon, x.dtype)))
    out = ops.clip(ops.round(ops.multiply(x, scale)), value_range[0], value_range[1])
    return ops.cast(out, dtype), scale


@symbolic_op
def abs_max_quantize_grouped_with_zero_point(
    inputs: Any,
    block_size: int,
    value_range: tuple[int, int] = (-8, 7),
    dtype: str = "int8",
    epsilon: float = _EPSILON,
    to_numpy: bool = False,
) -> tuple[Any, Any, Any]:
    """Asymmetric quantization of a 2D kernel in groups of ``block_size`` rows along axis 0.

    Each group and column gets ``scale = (max - min + epsilon) / (qmax - qmin)`` and
    ``zero_point = clip(round(-min / scale) + qmin, qmin, qmax)``; ``q = round(x / scale) + zero_point``.
    A short last group is zero-padded before its min/max are taken, as in Keras.

    Args:
        inputs: ``(input_dim, output_dim)`` tensor.
        block_size: rows per group.
        value_range: ``(qmin, qmax)``.
        dtype: dtype of the quantized output.
        epsilon: added to the range to avoid dividing by zero.
        to_numpy: selects between Keras' two code paths, which differ on constant groups: the
            tensor path (False) widens a zero range to ``[min - 1, max + 1]``.

    Returns:
        ``(quantized, scale, zero_point)`` with scale and zero_point (int8) of shape
        ``(ceil(input_dim / block_size), output_dim)``.

    >>> q, s, z = abs_max_quantize_grouped_with_zero_point([[0.0], [1.5]], block_size=2)
    >>> q.numpy().ravel().tolist(), z.numpy().ravel().tolist()
    ([-8, 7], [-8])
    """
    x = ops.convert_to_tensor(inputs)
    if len(x.shape) != 2:
        raise ValueError(
            "abs_max_quantize_grouped_with_zero_point expects a 2D (input_dim, output_dim) tensor. "
            f"Received: inputs.shape={tuple(x.shape)}"
        )
    if not isinstance(block_size, int) or block_size <= 0:
        raise ValueError(f"block_size must be a positive integer. Received: block_size={block_size}")
    input_dim, output_dim = int(x.shape[0]), int(x.shape[1])
    qmin, qmax = value_range
    n_groups = math.ceil(input_dim / block_size)
    pad = n_groups * block_size - input_dim
    padded = ops.pad(x, [[0, pad], [0, 0]]) if pad else x
    groups = ops.reshape(padded, (n_groups, block_size, output_dim))
    # Keras' tensor path takes a single group's min/max before padding, the numpy path after.
    stats = groups if to_numpy or n_groups > 1 else ops.expand_dims(x, 0)
    lo = ops.min(stats, axis=1)
    hi = ops.max(stats, axis=1)
    eps = ops.cast(epsilon, x.dtype)
    if to_numpy:
        scale = ops.divide(ops.add(ops.subtract(hi, lo), eps), ops.cast(qmax - qmin, x.dtype))
    else:
        # Keras' tensor path: 2**bits - 1 levels, bits read from the range, and no zero range.
        levels = 2 ** int(math.log2(qmax - qmin + 1)) - 1
        flat = ops.equal(lo, hi)
        lo = ops.where(flat, ops.subtract(lo, 1.0), lo)
        hi = ops.where(flat, ops.add(hi, 1.0), hi)
        scale = ops.divide(ops.add(ops.subtract(hi, lo), eps), ops.cast(levels, x.dtype))
        scale = ops.where(ops.less_equal(scale, 0.0), ops.cast(1e-8, x.dtype), scale)
    zero = ops.clip(ops.add(ops.round(ops.divide(ops.negative(lo), scale)), float(qmin)), qmin, qmax)
    q = ops.add(ops.round(ops.divide(groups, ops.expand_dims(scale, 1))), ops.expand_dims(zero, 1))
    q = ops.reshape(ops.clip(q, qmin, qmax), (n_groups * block_size, output_dim))[:input_dim]
    return ops.cast(q, dtype), scale, ops.cast(zero, "int8")
