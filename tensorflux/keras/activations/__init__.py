"""``keras.activations``: activation functions by name, with Keras 3's formulas and defaults."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.activations.activations import (
    celu,
    elu,
    exponential,
    gelu,
    glu,
    hard_sigmoid,
    hard_silu,
    hard_swish,
    leaky_relu,
    linear,
    log_sigmoid,
    log_softmax,
    mish,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softplus,
    softsign,
    swish,
    tanh,
)


# Keras 3.15's newer activations are its keras.ops.nn functions of the same names; keras.ops.nn
# imports this module, so these look them up when called.
def _nn(name: str) -> Any:
    from tensorflux.keras.ops import nn

    return getattr(nn, name)


def hard_shrink(x: Any, threshold: float = 0.5) -> Any:
    """``x`` where ``|x| > threshold``, else 0."""
    return _nn("hard_shrink")(x, threshold=threshold)


def hard_tanh(x: Any) -> Any:
    """``x`` clipped to ``[-1, 1]``."""
    return _nn("hard_tanh")(x)


def soft_shrink(x: Any, threshold: float = 0.5) -> Any:
    """``x - threshold`` above it, ``x + threshold`` below ``-threshold``, else 0."""
    return _nn("soft_shrink")(x, threshold=threshold)


def sparse_plus(x: Any) -> Any:
    """0 below -1, ``(x + 1)^2 / 4`` on ``[-1, 1]``, ``x`` above 1."""
    return _nn("sparse_plus")(x)


def sparse_sigmoid(x: Any) -> Any:
    """0 below -1, ``(x + 1) / 2`` on ``[-1, 1]``, 1 above."""
    return _nn("sparse_sigmoid")(x)


def sparsemax(x: Any, axis: int = -1) -> Any:
    """The Euclidean projection of ``x`` onto the probability simplex along ``axis``."""
    return _nn("sparsemax")(x, axis=axis)


def squareplus(x: Any, b: float = 4) -> Any:
    """``(x + sqrt(x^2 + b)) / 2``."""
    return _nn("squareplus")(x, b=b)


def tanh_shrink(x: Any) -> Any:
    """``x - tanh(x)``."""
    return _nn("tanh_shrink")(x)


def threshold(x: Any, threshold: float, default_value: float) -> Any:
    """``x`` where ``x > threshold``, else ``default_value``."""
    return _nn("threshold")(x, threshold, default_value)


ALL_OBJECTS = (
    celu,
    elu,
    exponential,
    gelu,
    glu,
    hard_sigmoid,
    hard_silu,
    leaky_relu,
    linear,
    log_sigmoid,
    log_softmax,
    mish,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softplus,
    softsign,
    tanh,
)
ALL_OBJECTS_DICT: dict[str, Any] = {fn.__name__: fn for fn in ALL_OBJECTS}
# Keras 3.15's newer activations are its keras.ops.nn functions of the same names
ALL_OBJECTS_DICT.update(
    {
        "hard_shrink": hard_shrink,
        "hard_tanh": hard_tanh,
        "soft_shrink": soft_shrink,
        "sparse_plus": sparse_plus,
        "sparse_sigmoid": sparse_sigmoid,
        "sparsemax": sparsemax,
        "squareplus": squareplus,
        "tanh_shrink": tanh_shrink,
        "threshold": threshold,
    }
)
ALL_OBJECTS_DICT.update({"swish": swish, "hard_swish": hard_swish})


def serialize(activation: Any) -> Any:
    """A built-in activation's name (``"relu"``); a registered custom function's config dict."""
    name = getattr(activation, "__name__", None)
    if name in ALL_OBJECTS_DICT and ALL_OBJECTS_DICT[name] is activation:
        return name
    if hasattr(activation, "get_config"):  # an activation layer used as a function
        from tensorflux.keras.utils.serialization import serialize_keras_object

        return serialize_keras_object(activation)
    from tensorflux.keras.utils.serialization import serialize_keras_object

    return serialize_keras_object(activation)


def deserialize(config: Any, custom_objects: Any = None) -> Any:
    if isinstance(config, str):
        return get(config)
    from tensorflux.keras.utils.serialization import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects=custom_objects, module_objects=ALL_OBJECTS_DICT)


def get(identifier: Any) -> Any:
    """An activation function from a name, a config or a callable (None gives ``linear``).

    >>> get("relu") is relu
    True
    """
    from tensorflux.keras.utils.serialization import get_registered_object

    if identifier is None:
        return linear
    if isinstance(identifier, str):
        fn = ALL_OBJECTS_DICT.get(identifier) or get_registered_object(identifier)
        if fn is None:
            raise ValueError(
                f"Unknown activation function: {identifier!r}. Valid names are: "
                f"{', '.join(sorted(ALL_OBJECTS_DICT))}."
            )
        return fn
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type):
        identifier = identifier()
    if callable(identifier):
        return identifier
    raise TypeError(
        f"Could not interpret activation function identifier: {identifier!r}; pass a name such as 'relu' or "
        "a callable."
    )


__all__ = sorted(ALL_OBJECTS_DICT) + ["get", "serialize", "deserialize"]
