"""InputSpec: what a layer accepts (rank, fixed axes, dtype), checked on every call."""

from __future__ import annotations

import math
from typing import Any

from tensorflux.framework import nest


class InputSpec:
    """Constraints on one input of a layer.

    Args:
        dtype: expected dtype name, or None.
        shape: expected shape (None for free dimensions), or None.
        ndim, max_ndim, min_ndim: rank constraints.
        axes: ``{axis: size}`` for axes whose size is fixed (e.g. ``{-1: 784}``).
        allow_last_axis_squeeze: accept a trailing axis of size 1 more or less.
        name: the input's name (for dict inputs).
        optional: whether None may be passed.

    >>> InputSpec(min_ndim=2, axes={-1: 3})
    InputSpec(min_ndim=2, axes={-1: 3})
    """

    def __init__(
        self,
        dtype: Any = None,
        shape: Any = None,
        ndim: int | None = None,
        max_ndim: int | None = None,
        min_ndim: int | None = None,
        axes: dict[int, int] | None = None,
        allow_last_axis_squeeze: bool = False,
        name: str | None = None,
        optional: bool = False,
    ) -> None:
        self.dtype = None if dtype is None else getattr(dtype, "name", dtype)
        self.shape = None if shape is None else tuple(shape)
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.name = name
        self.optional = optional
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        try:
            self.axes = {int(k): v for k, v in (axes or {}).items()}
        except (ValueError, TypeError):
            raise TypeError(
                f"InputSpec: the keys of `axes` must be integers. Received: axes={axes}"
            ) from None
        if self.axes and (self.ndim is not None or self.max_ndim is not None):
            top = (self.ndim if self.ndim is not None else self.max_ndim) - 1  # type: ignore[operator]
            if max(self.axes) > top:
                raise ValueError(f"InputSpec: axis {max(self.axes)} is out of range for rank {top + 1}.")

    def __repr__(self) -> str:
        parts = [
            f"dtype={self.dtype}" if self.dtype else "",
            f"shape={self.shape}" if self.shape else "",
            f"ndim={self.ndim}" if self.ndim and not self.shape else "",
            f"max_ndim={self.max_ndim}" if self.max_ndim else "",
            f"min_ndim={self.min_ndim}" if self.min_ndim else "",
            f"axes={self.axes}" if self.axes else "",
        ]
        return f"InputSpec({', '.join(p for p in parts if p)})"

    def get_config(self) -> dict[str, Any]:
        return {
            "dtype": self.dtype,
            "shape": self.shape,
            "ndim": self.ndim,
            "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim,
            "axes": self.axes,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> InputSpec:
        return cls(**config)


def _fmt(shape: Any) -> str:
    shape = tuple(shape)
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _reshape_hint(expected: Any, received: tuple[Any, ...]) -> str:
    """Suggest the reshape that turns ``received`` into ``expected`` when the sizes allow it."""
    if expected is None:
        return ""
    expected = tuple(expected)
    tail_e, tail_r = expected[1:], received[1:]
    target = "(batch, " + ", ".join(str(d) for d in tail_e) + ")" if tail_e else "(batch,)"
    if all(d is not None for d in tail_e + tail_r) and math.prod(tail_e) == math.prod(tail_r):
        dims = ", ".join(str(d) for d in tail_e)
        return f" Reshape your data to {target}, e.g. `x.reshape(-1, {dims})`."
    return f" The layer expects data shaped {target}; check the data or the model's Input shape."


def _rank_hint(layer: Any, spec: InputSpec, shape: tuple[Any, ...]) -> str:
    built = getattr(layer, "_build_input_shape", None) if layer is not None else None
    if (
        built is not None
        and isinstance(built, tuple)
        and all(isinstance(d, (int, type(None))) for d in built)
    ):
        return _reshape_hint(built, shape)
    want = spec.ndim if spec.ndim is not None else spec.min_ndim
    if want is not None and want > len(shape):
        extra = want - len(shape)
        return f" Reshape your data to rank {want}" + (
            " (add a channels axis, e.g. `x[..., None]` or `x.reshape(-1, 28, 28, 1)` for 28x28 images)."
            if extra >= 1 and want >= 3
            else "."
        )
    return ""


def _quick_ok(spec: InputSpec, shape: tuple[int, ...]) -> bool:
    """True when a concrete shape satisfies a spec without dtype or full-shape constraints."""
    if spec.dtype is not None or spec.shape is not None:
        return False
    nd = len(shape)
    if spec.ndim is not None and nd != spec.ndim:
        return False
    if spec.min_ndim is not None and nd < spec.min_ndim:
        return False
    if spec.max_ndim is not None and nd > spec.max_ndim:
        return False
    for axis, value in spec.axes.items():
        if value is not None and -nd <= axis < nd and shape[axis] != value:
            return False
    return True


def assert_input_compatibility(input_spec: Any, inputs: Any, layer_name: str, layer: Any = None) -> None:
    """Raise a ValueError naming the layer, the expectation, the received shape and a fix."""
    if not input_spec:
        return
    if isinstance(input_spec, InputSpec) and hasattr(inputs, "_value"):
        if _quick_ok(input_spec, inputs._value.shape):  # the common case, checked without allocations
            return
        specs, flat = [input_spec], [inputs]
    else:
        specs = input_spec if isinstance(input_spec, (list, tuple)) else [input_spec]
        flat = nest.flatten(inputs) if not isinstance(inputs, dict) else [inputs[k] for k in sorted(inputs)]
    if len(flat) != len(specs):
        raise ValueError(
            f'Layer "{layer_name}" expects {len(specs)} input(s), but it received {len(flat)} input tensors. '
            f"Pass {'a list of ' + str(len(specs)) + ' tensors' if len(specs) > 1 else 'a single tensor'}."
        )
    for index, (x, spec) in enumerate(zip(flat, specs)):
        if spec is None:
            continue
        if x is None:
            if spec.optional:
                continue
            raise ValueError(
                f'Input {index} of layer "{layer_name}" is None, but the layer requires a tensor.'
            )
        shape = getattr(x, "shape", None)
        if shape is None:
            raise ValueError(
                f"Inputs to a layer should be tensors. Got '{x}' (of type {type(x)}) as input for layer "
                f"'{layer_name}'."
            )
        shape = tuple(shape)
        ndim = len(shape)
        head = f'Input {index} of layer "{layer_name}" is incompatible with the layer: '
        if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
            raise ValueError(
                f"{head}expected ndim={spec.ndim}, found ndim={ndim}. Full shape received: {_fmt(shape)}."
                + (_reshape_hint(spec.shape, shape) if spec.shape else _rank_hint(layer, spec, shape))
            )
        if spec.max_ndim is not None and ndim > spec.max_ndim:
            raise ValueError(
                f"{head}expected max_ndim={spec.max_ndim}, found ndim={ndim}. Full shape received: "
                f"{_fmt(shape)}."
            )
        if spec.min_ndim is not None and ndim < spec.min_ndim:
            raise ValueError(
                f"{head}expected min_ndim={spec.min_ndim}, found ndim={ndim}. Full shape received: "
                f"{_fmt(shape)}." + _rank_hint(layer, spec, shape)
            )
        if spec.dtype is not None:
            dtype = getattr(getattr(x, "dtype", None), "name", None)
            if dtype is not None and dtype != spec.dtype:
                raise ValueError(f"{head}expected dtype={spec.dtype}, found dtype={dtype}.")
        if spec.axes:
            for axis, value in spec.axes.items():
                if value is None:
                    continue
                if -ndim <= axis < ndim and shape[axis] is not None and shape[axis] != value:
                    built = getattr(layer, "_build_input_shape", None)
                    hint = (
                        _reshape_hint(built, shape) if isinstance(built, tuple) and len(built) == ndim else ""
                    )
                    raise ValueError(
                        f"{head}expected axis {axis} of input shape to have value {value}, but received "
                        "input "
                        f"with shape {_fmt(shape)}.{hint}"
                    )
        if spec.shape is not None:
            ref = spec.shape
            s = shape
            if spec.allow_last_axis_squeeze:
                if s and s[-1] == 1:
                    s = s[:-1]
                if ref and ref[-1] == 1:
                    ref = ref[:-1]
            if len(s) != len(ref) or any(r is not None and d is not None and r != d for r, d in zip(ref, s)):
                raise ValueError(
                    f"{head}expected shape={_fmt(spec.shape)}, found shape={_fmt(shape)}."
                    + _reshape_hint(spec.shape, shape)
                )
