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
from tensorflux.keras.ops.nn import (
    hard_shrink,
    hard_tanh,
    soft_shrink,
    sparse_plus,
    sparse_sigmoid,
    sparsemax,
    squareplus,
    tanh_shrink,
    threshold,
)

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
