"""EinsumDense: a dense layer whose contraction is an einsum equation (``"abc,cd->abd"``)."""

from __future__ import annotations

import math
import re
from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras import activations, constraints, initializers, regularizers
from tensorflux.keras.initializers.random_initializers import VarianceScaling
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import linalg_ops

_SPARE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _analyze(equation: str, bias_axes: str | None, input_shape: Any, output_shape: Any, layer: str) -> Any:
    """Kernel shape, bias shape, full output shape and the kernel's input/output axes (Keras' rules)."""
    eq = equation.replace("...", "0")
    left = False
    m = re.fullmatch(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", eq)
    if not m:
        m = re.fullmatch(r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", eq)
        left = m is not None
    if not m:
        m = re.fullmatch(r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", eq)
    if not m:
        raise ValueError(
            f"{layer}: invalid einsum equation '{equation}'. Equations must be in the form "
            "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]...."
        )
    in_spec, w_spec, out_spec = m.groups()
    input_shape = tuple(input_shape)
    elided = len(input_shape) - len(in_spec)
    if elided < 0 or (elided > 0 and "..." not in equation):
        raise ValueError(
            f"{layer}: the equation '{equation}' expects inputs of rank {len(in_spec)}"
            f"{' or more' if '...' in equation else ''}. Received: input_shape={input_shape}"
        )
    out = [input_shape[0], *output_shape]
    if elided > 0 and left:
        # the elided axes in their input order (Keras 3.15's compute_output_shape reverses them when
        # there are more than two, though its call does not: we follow the call)
        out[1:1] = input_shape[1:elided]
    elif elided > 0:
        out.extend(input_shape[len(input_shape) - elided :])
    if left:
        in_map = {c: i + elided - len(input_shape) for i, c in enumerate(in_spec)}
        out_map = {c: i + elided for i, c in enumerate(out_spec)}
    else:
        in_map = {c: i for i, c in enumerate(in_spec)}
        out_map = {c: i for i, c in enumerate(out_spec)}
    if len(out) != len(out_spec) + max(elided, 0):
        raise ValueError(
            f"{layer}: output_shape {tuple(output_shape)} does not fit the equation '{equation}': give "
            f"{len(output_shape) + len(out_spec) + max(elided, 0) - len(out)} sizes (the output's axes "
            "without the batch axis and the elided ones; None for sizes copied from the input)."
        )
    for c in in_spec:
        if c in out_map:
            o, i = out[out_map[c]], input_shape[in_map[c]]
            if o is not None and i is not None and o != i:
                raise ValueError(
                    f"{layer}: input shape and output shape do not match at shared dimension '{c}'. "
                    f"Input shape is {i}, and output shape is {o}. Received: input_shape={input_shape}"
                )
            if o is None:
                # Keras leaves it None; the input's size is what the call gives
                out[out_map[c]] = i
    for c in out_spec:
        if c not in in_spec and c not in w_spec:
            raise ValueError(
                f"{layer}: dimension '{c}' was specified in the output '{out_spec}' but has no "
                f"corresponding dim in the input spec '{in_spec}' or weight spec '{w_spec}'"
            )
    kernel_shape, in_axes, out_axes = [], [], []
    for i, c in enumerate(w_spec):
        if c in out_map:
            kernel_shape.append(out[out_map[c]])
            out_axes.append(i)
        elif c in in_map:
            kernel_shape.append(input_shape[in_map[c]])
            in_axes.append(i)
        else:
            raise ValueError(
                f"{layer}: weight dimension '{c}' did not have a match in either the input spec "
                f"'{in_spec}' or the output spec '{out_spec}'. The weight must be fully specified."
            )
    bias_shape = None
    if bias_axes is not None:
        skip = elided if left else 0
        sizes = {c: out[i + skip] for i, c in enumerate(out_spec)}
        for c in bias_axes:
            if c not in out_spec:
                raise ValueError(
                    f"{layer}: bias dimension '{c}' was requested, but is not part of the output spec "
                    f"'{out_spec}'"
                )
        first = min(out_spec.find(c) for c in bias_axes)
        bias_shape = [sizes[c] if c in bias_axes else 1 for c in out_spec[first:]]
        if not left:
            bias_shape.extend([1] * max(elided, 0))
    return kernel_shape, bias_shape, out, in_axes, out_axes


def _explicit(equation: str, ndim: int) -> str:
    """The equation with ``...`` replaced by spare capital letters for an input of rank ``ndim``."""
    if "..." not in equation:
        return equation
    lhs, rhs = equation.split("->")
    x_spec, w_spec = lhs.split(",")
    n = ndim - len(x_spec.replace("...", ""))
    fill = _SPARE[:n]
    return f"{x_spec.replace('...', fill)},{w_spec}->{rhs.replace('...', fill)}"


def _gemm_plan(equation: str) -> Any:
    """Transposes and reshapes that turn the einsum into one matrix product, or None if it is not one.

    It is one when every letter is in exactly two of (input, kernel, output): the input's free
    letters, the contracted letters and the kernel's output letters.
    """
    lhs, out = equation.split("->")
    x, w = lhs.split(",")
    for s in (x, w, out):
        if len(set(s)) != len(s):
            return None
    free = [c for c in x if c in out and c not in w]
    contracted = [c for c in x if c in w and c not in out]
    produced = [c for c in w if c in out and c not in x]
    if len(free) + len(contracted) != len(x) or len(contracted) + len(produced) != len(w):
        return None
    if sorted(free + produced) != sorted(out):
        return None
    x_perm = tuple(x.index(c) for c in free + contracted)
    w_perm = tuple(w.index(c) for c in contracted + produced)
    mid = free + produced
    out_perm = tuple(mid.index(c) for c in out)
    return x_perm, w_perm, out_perm, len(free), len(contracted)


class EinsumDense(Layer):
    """A dense layer that contracts its input and kernel with an einsum ``equation``.

    ``equation`` has the form ``"<input>,<kernel>-><output>"`` (``...`` allowed at the start or the end
    of the input and output); ``output_shape`` gives the output's sizes without the batch axis (None
    for sizes copied from the input).  The kernel's shape follows from the equation; ``bias_axes`` names
    the output letters that get a bias.  Contractions that are a matrix product (every Keras layer's
    equation) run as one GEMM.

    Args:
        equation: the einsum equation.
        output_shape: the expected output shape without the batch axis (an int for rank 1).
        activation: activation function or name; None means linear.
        bias_axes: letters of the output that carry a bias (None: no bias).
        kernel_initializer: default ``"glorot_uniform"`` (fans from the kernel's input and output axes).
        bias_initializer: default ``"zeros"``.
        kernel_regularizer, bias_regularizer, activity_regularizer: optional penalties.
        kernel_constraint, bias_constraint: optional projections applied after updates.
        lora_rank, lora_alpha: LoRA is not supported; must be None.

    >>> layer = EinsumDense("ab,bc->ac", output_shape=64, bias_axes="c")
    >>> layer([[1.0] * 32]).shape
    TensorShape([1, 64])
    """

    def __init__(
        self,
        equation: str,
        output_shape: Any,
        activation: Any = None,
        bias_axes: str | None = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        lora_rank: int | None = None,
        lora_alpha: Any = None,
        gptq_unpacked_column_size: Any = None,
        quantization_config: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if lora_rank is not None:
            raise NotImplementedError(
                "EinsumDense: LoRA is not supported; lora_rank must be None. Received: "
                f"lora_rank={lora_rank!r}"
            )
        if quantization_config is not None or gptq_unpacked_column_size is not None:
            raise NotImplementedError("EinsumDense: quantization is not supported; leave it None.")
        if not isinstance(equation, str) or "->" not in equation or "," not in equation:
            raise ValueError(
                f"EinsumDense: `equation` must be a string like 'ab,bc->ac'. Received: equation={equation!r}"
            )
        self.equation = equation
        if isinstance(output_shape, int):
            self.partial_output_shape = (output_shape,)
        else:
            self.partial_output_shape = tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank = None
        self.lora_alpha = None

    def _kernel_init(self, in_axes: list[int], out_axes: list[int]) -> Any:
        init = self.kernel_initializer
        if not isinstance(init, VarianceScaling):
            return init

        def by_axes(shape: Any, dtype: Any = None) -> Tensor:
            # Keras takes the fans from the kernel's input and output axes; the samples are
            # independent, so drawing a (fan_in, fan_out) matrix and reshaping gives the same law
            shape = tuple(shape)
            fan_in = math.prod(shape[a] for a in in_axes)
            fan_out = math.prod(shape[a] for a in out_axes)
            return P.unary(P.reshape, init((fan_in, fan_out), dtype=dtype), shape=shape)

        return by_axes

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        kernel_shape, bias_shape, _, in_axes, out_axes = _analyze(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape, self._who()
        )
        if any(d is None for d in kernel_shape) or (bias_shape and any(d is None for d in bias_shape)):
            raise ValueError(
                f"{self._who()}: the kernel shape {tuple(kernel_shape)} has unknown sizes; give them in "
                f"output_shape or the input shape. Received: input_shape={input_shape}, "
                f"output_shape={self.partial_output_shape}"
            )
        self.input_spec = InputSpec(ndim=len(input_shape))
        self._kernel = self.add_weight(
            name="kernel",
            shape=tuple(kernel_shape),
            initializer=self._kernel_init(in_axes, out_axes),
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.bias = None
        if bias_shape is not None:
            self.bias = self.add_weight(
                name="bias",
                shape=tuple(bias_shape),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.__dict__["_plans"] = {}  # equation and GEMM plan per input rank (not a sublayer container)

    @property
    def kernel(self) -> Any:
        if not self.built:
            raise AttributeError("You must build the layer before accessing `kernel`.")
        return self._kernel

    def _who(self) -> str:
        return f"EinsumDense layer '{self.name}'"

    def call(self, inputs: Tensor, training: Any = None) -> Tensor:
        kernel = self._kernel
        if inputs._value.dtype.kind not in "fc":
            # integer inputs (token counts): Keras' einsum promotes them to the kernel's dtype
            inputs = P.unary(P.cast, inputs, dtype=kernel._value.dtype)
        ndim = inputs._value.ndim
        plans = self.__dict__.setdefault("_plans", {})
        entry = plans.get(ndim)
        if entry is None:
            eq = _explicit(self.equation, ndim)
            entry = plans[ndim] = (eq, _gemm_plan(eq))
        eq, plan = entry
        x_spec = eq.split(",")[0]
        if ndim != len(x_spec):
            raise ValueError(
                f"{self._who()}: the equation '{self.equation}' needs inputs of rank {len(x_spec)}. "
                f"Received: inputs.shape={tuple(inputs.shape)}"
            )
        if plan is None:
            x = linalg_ops.einsum(eq, inputs, kernel)
        else:
            x_perm, w_perm, out_perm, n_free, n_con = plan
            xs = tuple(inputs._value.shape)
            if x_perm != tuple(range(len(x_perm))):
                inputs = P.unary(P.transpose, inputs, perm=x_perm)
                xs = tuple(xs[i] for i in x_perm)
            ws = tuple(kernel._value.shape)
            w = kernel
            if w_perm != tuple(range(len(w_perm))):
                w = P.unary(P.transpose, w, perm=w_perm)
                ws = tuple(ws[i] for i in w_perm)
            free, con, prod_ = xs[:n_free], xs[n_free:], ws[n_con:]
            if ws[:n_con] != con:
                raise ValueError(
                    f"{self._who()}: the contracted input dimensions {con} do not match the kernel's "
                    f"{ws[:n_con]}. Received: inputs.shape={tuple(inputs.shape)}"
                )
            k = math.prod(con)
            x = P.binary(
                P.matmul,
                P.unary(P.reshape, inputs, shape=(math.prod(free), k)),
                P.unary(P.reshape, w, shape=(k, math.prod(prod_))),
            )
            x = P.unary(P.reshape, x, shape=free + prod_)
            if out_perm != tuple(range(len(out_perm))):
                x = P.unary(P.transpose, x, perm=out_perm)
        if self.bias is not None:
            x = P.binary(P.add, x, self.bias)
        if self.activation is not activations.linear:
            x = self.activation(x)
        return x

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        _, _, out, _, _ = _analyze(
            self.equation, self.bias_axes, tuple(input_shape), self.partial_output_shape, self._who()
        )
        return tuple(out)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "output_shape": self.partial_output_shape,
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": None,
        }
