"""``fake_quant_with_min_max_vars``: quantize-dequantize with a trainable range (TF's op)."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tape import custom_gradient
from tensorflux.keras import ops
from tensorflux.keras.engine.op_layer import symbolic_op


def _nudge(lo: Any, hi: Any, num_bits: int, narrow_range: bool) -> tuple[Any, Any, Any, Any]:
    # TF's Nudge(): the zero point is rounded (half away from zero; it is >= 0 here) so that 0.0
    # is exactly representable, and the range is shifted to match.
    qmin = 1.0 if narrow_range else 0.0
    qmax = float((1 << num_bits) - 1)
    span = ops.subtract(hi, lo)
    scale = ops.divide(span, qmax - qmin)
    inv_scale = ops.divide(qmax - qmin, span)  # divided again, not 1 / scale, as TF does
    zero = ops.clip(ops.subtract(qmin, ops.divide(lo, scale)), qmin, qmax)
    zero = ops.floor(ops.add(zero, 0.5))
    nmin = ops.multiply(ops.subtract(qmin, zero), scale)
    nmax = ops.multiply(ops.subtract(qmax, zero), scale)
    return nmin, nmax, scale, inv_scale


@symbolic_op
def fake_quant_with_min_max_vars(
    inputs: Any,
    min_vals: Any,
    max_vals: Any,
    num_bits: int = 8,
    narrow_range: bool = False,
    axis: int | None = None,
) -> Any:
    """Per-tensor or per-channel fake quantization to ``num_bits`` over ``[min_vals, max_vals]``.

    The range is nudged so that 0.0 is on the grid, inputs are clamped to it, rounded to one of
    ``2**num_bits`` levels (``2**num_bits - 1`` with ``narrow_range``) and returned as floats.
    Gradients follow TF's straight-through rule: ``inputs`` get the upstream gradient inside the
    nudged range (ends included), ``min_vals``/``max_vals`` the sum of it below/above the range.

    Args:
        inputs: float tensor.
        min_vals: scalar, or one value per channel of ``axis``.
        max_vals: scalar, or one value per channel of ``axis``.
        num_bits: quantization bit width (2 to 16).
        narrow_range: use ``[1, 2**num_bits - 1]`` instead of ``[0, 2**num_bits - 1]``.
        axis: channel axis for per-channel ranges; None for one range.

    >>> fake_quant_with_min_max_vars([-2.0, 0.3, 0.6, 5.0], -1.0, 2.0, num_bits=2).numpy().tolist()
    [-1.0, 0.0, 1.0, 2.0]
    """
    num_bits = int(num_bits)
    if not 2 <= num_bits <= 16:
        raise ValueError(
            f"fake_quant_with_min_max_vars: num_bits must be in [2, 16]. Received: num_bits={num_bits}"
        )
    x = ops.convert_to_tensor(inputs)
    dtype = x.dtype.name
    ndim = len(x.shape)
    lo_in = ops.convert_to_tensor(min_vals)
    hi_in = ops.convert_to_tensor(max_vals)
    if axis is None:
        bshape: tuple[int, ...] = ()
        reduce_axes = None
    else:
        if not -ndim <= axis < ndim:
            raise ValueError(
                f"fake_quant_with_min_max_vars: axis={axis} is out of range for inputs of rank {ndim}."
            )
        axis = axis % ndim
        n = int(x.shape[axis])
        bshape = tuple(n if i == axis else 1 for i in range(ndim))
        reduce_axes = [i for i in range(ndim) if i != axis]
        for name, v in (("min_vals", lo_in), ("max_vals", hi_in)):
            if int(ops.size(v)) != n:
                raise ValueError(
                    f"fake_quant_with_min_max_vars: {name} needs one value per channel of axis {axis} "
                    f"({n}). Received: {name}.shape={tuple(v.shape)}"
                )

    @custom_gradient
    def _fake_quant(x: Any, lo_v: Any, hi_v: Any) -> Any:
        # TF's kernel runs in float32 whatever the input dtype.
        xf = ops.cast(x, "float32")
        lo = ops.reshape(ops.cast(lo_v, "float32"), bshape)
        hi = ops.reshape(ops.cast(hi_v, "float32"), bshape)
        # TF returns zeros (and passes gradients through) where min == max == 0.
        off = ops.logical_and(ops.equal(lo, 0.0), ops.equal(hi, 0.0))
        one = ops.ones_like(hi)
        nmin, nmax, scale, inv_scale = _nudge(lo, ops.where(off, one, hi), num_bits, narrow_range)
        # Subtracting the integer zero point before scaling back keeps the zero level at exactly 0.0.
        zero_level = ops.floor(ops.add(ops.multiply(ops.negative(nmin), inv_scale), 0.5))
        shifted = ops.subtract(ops.clip(xf, nmin, nmax), nmin)
        # TF's per-tensor kernel divides by the scale, its per-channel kernel multiplies by the
        # inverse; the two differ in the last bit, which can flip a rounding.
        levels = ops.divide(shifted, scale) if axis is None else ops.multiply(shifted, inv_scale)
        steps = ops.floor(ops.add(ops.subtract(levels, zero_level), 0.5))
        y = ops.cast(ops.where(off, ops.zeros_like(xf), ops.multiply(steps, scale)), dtype)
        below = ops.logical_and(ops.less(xf, nmin), ops.logical_not(off))
        above = ops.logical_and(ops.greater(xf, nmax), ops.logical_not(off))

        def grad(g: Any) -> tuple[Any, Any, Any]:
            zero = ops.zeros_like(g)
            dx = ops.where(ops.logical_or(below, above), zero, g)
            dlo = ops.sum(ops.where(below, g, zero), axis=reduce_axes)
            dhi = ops.sum(ops.where(above, g, zero), axis=reduce_axes)
            return (
                dx,
                ops.cast(ops.reshape(dlo, tuple(lo_v.shape)), lo_v.dtype.name),
                ops.cast(ops.reshape(dhi, tuple(hi_v.shape)), hi_v.dtype.name),
            )

        return y, grad

    return _fake_quant(x, lo_in, hi_in)
