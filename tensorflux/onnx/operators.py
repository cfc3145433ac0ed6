"""Operations written on symbolic tensors in a functional model: ``x + y``, ``-x``, ``relu(x)``.

Keras records these as operation nodes (``OpLayer``) holding a Python function.  The operators
``+ - * / ** @`` and ``-x``, ``abs(x)``, and the ``keras.activations`` functions are exported;
anything else (``x[:, 0]``, ``keras.ops`` calls) raises an error naming the operation.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from tensorflux.keras.engine.op_layer import _op_layer_class
from tensorflux.onnx import activations
from tensorflux.onnx._graph import GraphBuilder, Sym
from tensorflux.onnx.registry import register

_BINARY = {
    "Add": "Add",
    "Subtract": "Sub",
    "Multiply": "Mul",
    "Divide": "Div",
    "Power": "Pow",
    "Matmul": "MatMul",
}
_UNARY = {"Negative": "Neg", "Absolute": "Abs"}


def _swapped(fn: Any, kind: str) -> bool:
    """Whether ``fn(a, b)`` computes ``b op a`` (the reflected operators): one probe on small arrays."""
    a = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    b = np.array([[2.0, 0.5], [1.5, 3.0]], np.float32)
    reference = {"Sub": a - b, "Div": a / b, "Pow": a**b, "MatMul": a @ b}[kind]
    return not np.allclose(np.asarray(fn(a, b)), reference)


def _operand(g: GraphBuilder, v: Any) -> str:
    return v.name if isinstance(v, Sym) else g.const(np.asarray(v, np.float32), "operand")


@register(_op_layer_class())
def operation(g: GraphBuilder, layer: Any, *args: Any, **kwargs: Any) -> Any:
    kind = getattr(layer, "_display_class", "")
    if kind in _BINARY and len(args) == 2 and not kwargs:
        op = _BINARY[kind]
        a, b = (_operand(g, v) for v in args)
        if op in ("Sub", "Div", "Pow", "MatMul") and _swapped(layer.fn, op):
            a, b = b, a
        return g.op(op, [a, b])
    if kind in _UNARY and len(args) == 1 and not kwargs:
        return g.op(_UNARY[kind], [args[0].name])
    name = activations.activation_name(layer.fn)
    if name is not None:
        bound = inspect.signature(layer.fn).bind(*args, **kwargs)
        x, *rest = bound.arguments.values()
        options = dict(zip(list(bound.arguments)[1:], rest))
        return activations.emit(g, name, x.name, owner=layer, **options)
    raise ValueError(
        f"ONNX export does not support the operation '{layer.name}' ({kind or type(layer).__name__}) "
        "applied to a symbolic tensor. Exportable operations: + - * / ** @, negation, abs and the "
        "keras.activations functions; write other computations with layers (Reshape, Permute, "
        "Rescaling, Concatenate, ...)."
    )
