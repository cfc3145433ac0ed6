"""Float8 helpers: delayed-scaling updates and quantize-dequantize round trips.

tensorflux has no float8 dtype; ``quantize_and_dequantize`` rounds to the float8 grid (round to
nearest even, with subnormals) in ``compute_dtype`` instead of casting, which gives the same numbers
as Keras' cast to ``float8_e4m3fn``/``float8_e5m2`` and back.
"""

from __future__ import annotations

from typing import Any

from tensorflux.keras import ops
from tensorflux.keras.engine.op_layer import symbolic_op

# name: (mantissa bits, smallest normal exponent, largest finite value)
_FLOAT_FORMATS = {
    "float8_e4m3fn": (3, -6, 448.0),
    "float8_e5m2": (2, -14, 57344.0),
    "float16": (10, -14, 65504.0),
    "bfloat16": (7, -126, 3.3895313892515355e38),
    "float32": (23, -126, 3.4028234663852886e38),
}


@symbolic_op
def compute_float8_scale(amax: Any, scale: Any, dtype_max: Any, margin: int = 0) -> Any:
    """The next delayed-scaling factor: ``1 / (dtype_max / amax / 2**margin)``.

    Where ``amax`` is zero or not finite the previous ``scale`` is kept.

    >>> compute_float8_scale([2.0, 0.0], [1.0, 0.5], 448.0).numpy().tolist()
    [0.004464285913854837, 0.5]
    """
    amax = ops.convert_to_tensor(amax)
    scale = ops.convert_to_tensor(scale)
    inv = ops.reciprocal(scale)
    keep = ops.logical_or(ops.logical_not(ops.greater(amax, 0.0)), ops.logical_not(ops.isfinite(amax)))
    safe = ops.where(keep, ops.ones_like(amax), amax)  # no division by a zero amax that is discarded
    sf = ops.divide(ops.divide(ops.cast(dtype_max, amax.dtype), safe), ops.cast(2.0**margin, amax.dtype))
    return ops.reciprocal(ops.where(keep, inv, sf))


@symbolic_op
def compute_float8_amax_history(x: Any, amax_history: Any) -> Any:
    """Roll ``amax_history`` left by one and write ``max(|x|)`` into slot 0 (Keras' order).

    >>> compute_float8_amax_history([-3.0, 1.0], [1.0, 2.0, 4.0]).numpy().tolist()
    [3.0, 4.0, 1.0]
    """
    hist = ops.convert_to_tensor(amax_history)
    amax = ops.reshape(ops.cast(ops.max(ops.abs(ops.convert_to_tensor(x))), hist.dtype), (1,))
    rolled = ops.roll(hist, shift=-1)
    return ops.concatenate([amax, rolled[1:]], axis=0)


def _round_to_format(x: Any, mantissa: int, min_exp: int) -> Any:
    # Spacing of representable values around |x|: 2**(exponent - mantissa), constant below the
    # smallest normal (subnormals); round(x / spacing) is round-half-even like a hardware cast.
    mag = ops.maximum(ops.abs(x), ops.cast(2.0**min_exp, x.dtype))
    exponent = ops.maximum(ops.floor(ops.log2(mag)), ops.cast(min_exp, x.dtype))
    spacing = ops.power(ops.cast(2.0, x.dtype), ops.subtract(exponent, float(mantissa)))
    return ops.multiply(ops.round(ops.divide(x, spacing)), spacing)


@symbolic_op
def quantize_and_dequantize(inputs: Any, scale: Any, quantized_dtype: str, compute_dtype: str) -> Any:
    """``cast(cast(clip(inputs / scale, ±max), quantized_dtype), compute_dtype) * scale``.

    Args:
        inputs: float tensor.
        scale: scalar or broadcastable scale.
        quantized_dtype: ``"float8_e4m3fn"``, ``"float8_e5m2"``, ``"float16"``, ``"bfloat16"`` or
            ``"float32"`` (a float format, as in Keras, which reads its range with ``finfo``).
        compute_dtype: dtype of the computation and the result.

    >>> quantize_and_dequantize([0.3, 500.0], 1.0, "float8_e4m3fn", "float32").numpy().tolist()
    [0.3125, 448.0]
    """
    if quantized_dtype not in _FLOAT_FORMATS:
        raise ValueError(
            "quantize_and_dequantize needs a float quantized_dtype, one of "
            f"{sorted(_FLOAT_FORMATS)}. Received: quantized_dtype={quantized_dtype!r}"
        )
    mantissa, min_exp, top = _FLOAT_FORMATS[quantized_dtype]
    x = ops.cast(ops.convert_to_tensor(inputs), compute_dtype)
    s = ops.cast(ops.convert_to_tensor(scale), compute_dtype)
    limit = ops.cast(top, compute_dtype)
    x = ops.clip(ops.divide(x, s), ops.negative(limit), limit)
    if quantized_dtype != "float32":
        x = _round_to_format(ops.cast(x, "float32"), mantissa, min_exp)
    return ops.multiply(ops.cast(x, compute_dtype), s)
