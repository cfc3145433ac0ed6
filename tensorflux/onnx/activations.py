"""Activations: the Keras activation functions as ONNX ops, and the activation layers.

``emit(g, activation, x)`` writes one activation (a function from ``keras.activations``, its
name, or an activation layer used as ``activation=``); Dense, Conv and the other layers with an
``activation`` argument call it.  GELU is written with ``Erf`` (or ``Tanh`` for the
approximation), the formula tensorflux computes, so it matches to float32 rounding at any
operator set.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from tensorflux.keras import activations as _act
from tensorflux.keras.layers import ELU, Activation, LeakyReLU, PReLU, ReLU, Softmax
from tensorflux.onnx._graph import GraphBuilder, Sym
from tensorflux.onnx.registry import register


def _softmax(g: GraphBuilder, x: str, axis: Any = -1) -> str:
    if isinstance(axis, (list, tuple)):
        # several axes: exp(x - max) / sum, reduced over all of them
        shifted = g.op("Sub", [x, g.reduce("ReduceMax", x, axis)])
        e = g.op("Exp", [shifted])
        return g.op("Div", [e, g.reduce("ReduceSum", e, axis)])
    return g.op("Softmax", [x], axis=int(axis))


def _gelu(g: GraphBuilder, x: str, approximate: bool = False) -> str:
    if approximate:
        x3 = g.op("Mul", [g.op("Mul", [x, x]), x])
        inner = g.op("Add", [x, g.op("Mul", [x3, g.scalar(0.044715)])])
        t = g.op("Tanh", [g.op("Mul", [inner, g.scalar(math.sqrt(2.0 / math.pi))])])
    else:
        t = g.op("Erf", [g.op("Mul", [x, g.scalar(1.0 / math.sqrt(2.0))])])
    half_x = g.op("Mul", [x, g.scalar(0.5)])
    return g.op("Mul", [half_x, g.op("Add", [t, g.scalar(1.0)])])


def _relu(
    g: GraphBuilder,
    x: str,
    negative_slope: float = 0.0,
    max_value: float | None = None,
    threshold: float = 0.0,
) -> str:
    """Keras' relu with a leak, a ceiling and a threshold, in tensorflux's order of operations."""
    if max_value is None and threshold == 0.0:
        if negative_slope == 0.0:
            return g.op("Relu", [x])
        return g.op("LeakyRelu", [x], alpha=float(negative_slope))
    if threshold != 0.0:
        keep = g.op("Greater", [x, g.scalar(threshold)])
        y = g.op("Mul", [x, g.op("Cast", [keep], to=1)])  # 1 = FLOAT
    else:
        y = g.op("Relu", [x])
    if max_value is not None:
        y = g.clip(y, 0.0, float(max_value))
    if negative_slope != 0.0:
        neg = g.op("Relu", [g.op("Sub", [g.scalar(threshold), x])])
        y = g.op("Sub", [y, g.op("Mul", [neg, g.scalar(negative_slope)])])
    return y


def _elu(g: GraphBuilder, x: str, alpha: float = 1.0) -> str:
    return g.op("Elu", [x], alpha=float(alpha))


def _silu(g: GraphBuilder, x: str) -> str:
    return g.op("Mul", [x, g.op("Sigmoid", [x])])


def _hard_sigmoid(g: GraphBuilder, x: str) -> str:
    # Keras 3: relu6(x + 3) / 6 == clip(x / 6 + 0.5, 0, 1)
    return g.op("HardSigmoid", [x], alpha=1.0 / 6.0, beta=0.5)


def _glu(g: GraphBuilder, x: str, axis: int = -1) -> str:
    # halves of a dimension whose size is only known at run time: Split into 2 equal parts
    if g.opset >= 18:
        a, b = g.op("Split", [x], outputs=2, axis=int(axis), num_outputs=2)
    else:
        a, b = g.op("Split", [x], outputs=2, axis=int(axis))
    return g.op("Mul", [a, g.op("Sigmoid", [b])])


_EMITTERS: dict[str, Callable[..., str]] = {
    "linear": lambda g, x: x,
    "relu": _relu,
    "relu6": lambda g, x: g.clip(g.op("Relu", [x]), 0.0, 6.0),
    "leaky_relu": lambda g, x, negative_slope=0.2: g.op("LeakyRelu", [x], alpha=float(negative_slope)),
    "sigmoid": lambda g, x: g.op("Sigmoid", [x]),
    "tanh": lambda g, x: g.op("Tanh", [x]),
    "softmax": _softmax,
    "log_softmax": lambda g, x, axis=-1: g.op("LogSoftmax", [x], axis=int(axis)),
    "elu": _elu,
    "selu": lambda g, x: g.op("Selu", [x], alpha=1.6732632423543772, gamma=1.0507009873554805),
    "celu": lambda g, x, alpha=1.0: g.op("Celu", [x], alpha=float(alpha)),
    "gelu": _gelu,
    "silu": _silu,
    "swish": _silu,
    "softplus": lambda g, x: g.op("Softplus", [x]),
    "softsign": lambda g, x: g.op("Softsign", [x]),
    "exponential": lambda g, x: g.op("Exp", [x]),
    "hard_sigmoid": _hard_sigmoid,
    "hard_silu": lambda g, x: g.op("Mul", [x, _hard_sigmoid(g, x)]),
    "hard_swish": lambda g, x: g.op("Mul", [x, _hard_sigmoid(g, x)]),
    "mish": lambda g, x: g.op("Mul", [x, g.op("Tanh", [g.op("Softplus", [x])])]),
    "log_sigmoid": lambda g, x: g.op("Neg", [g.op("Softplus", [g.op("Neg", [x])])]),
    "glu": _glu,
}


def activation_name(fn: Any) -> str | None:
    """The Keras name of a built-in activation function (also of the undecorated function), else None."""
    for name, f in _act.ALL_OBJECTS_DICT.items():
        if fn is f or fn is getattr(f, "__wrapped__", None):
            return "silu" if name == "swish" else ("hard_silu" if name == "hard_swish" else name)
    return None


def emit(g: GraphBuilder, activation: Any, x: str, owner: Any = None, **kwargs: Any) -> str:
    """Write ``activation(x)``; ``activation`` is a Keras activation function, its name, or a layer.

    >>> from tensorflux.onnx._graph import GraphBuilder
    >>> g = GraphBuilder(17)
    >>> emit(g, "relu", "x"), [n.op_type for n in g.nodes]
    ('Relu', ['Relu'])
    """
    if activation is None:
        return x
    name = activation if isinstance(activation, str) else activation_name(activation)
    if name in _EMITTERS:
        return _EMITTERS[name](g, x, **kwargs)
    if hasattr(activation, "call") and hasattr(activation, "name"):  # an activation layer as a function
        from tensorflux.onnx.registry import lookup

        with g.scope(activation.name):
            return lookup(activation)(g, activation, Sym(x, ()))
    where = f" of layer '{owner.name}' ({type(owner).__name__})" if owner is not None else ""
    raise ValueError(
        f"ONNX export: the activation {getattr(activation, '__name__', activation)!r}{where} is not a "
        f"built-in Keras activation. Exportable activations: {', '.join(sorted(_EMITTERS))}."
    )


# -- activation layers -------------------------------------------------------------------------------
@register(Activation, masks_ok=True)
def activation_layer(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    return emit(g, layer.activation, x.name, owner=layer)


@register(ReLU, masks_ok=True)
def relu_layer(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    return _relu(
        g,
        x.name,
        negative_slope=float(layer.negative_slope),
        max_value=None if layer.max_value is None else float(layer.max_value),
        threshold=float(layer.threshold),
    )


@register(LeakyReLU, masks_ok=True)
def leaky_relu_layer(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    return g.op("LeakyRelu", [x.name], alpha=float(layer.negative_slope))


@register(ELU, masks_ok=True)
def elu_layer(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    return _elu(g, x.name, float(layer.alpha))


@register(Softmax)
def softmax_layer(g: GraphBuilder, layer: Any, x: Sym, mask: Any = None, **_: Any) -> str:
    if mask is not None:
        raise ValueError(
            f"ONNX export: Softmax layer '{layer.name}' is called with a mask; masked softmax is not "
            "exported. Apply the mask before the layer (e.g. add a large negative number)."
        )
    return _softmax(g, x.name, layer.axis)


@register(PReLU, masks_ok=True)
def prelu_layer(g: GraphBuilder, layer: Any, x: Sym, **_: Any) -> str:
    # alpha has the input's shape without the batch axis (1 on shared axes): PRelu broadcasts it
    alpha = np.asarray(layer.alpha.numpy(), np.float32)
    return g.op("PRelu", [x.name, g.weight(layer, "alpha", alpha)])
