"""``keras.quantizers.get/serialize/deserialize`` and the table of built-in quantization objects."""

from __future__ import annotations

import inspect
import re
from typing import Any

from tensorflux.keras.utils.serialization import deserialize_keras_object, serialize_keras_object


def _all_objects() -> dict[str, type]:
    from tensorflux.keras.quantizers.quantization_config import (
        AWQConfig,
        Float8QuantizationConfig,
        Int4QuantizationConfig,
        Int8QuantizationConfig,
        QuantizationConfig,
    )
    from tensorflux.keras.quantizers.quantizer import AbsMaxQuantizer, Quantizer

    # Keras' table (GPTQConfig is not in it: Keras cannot deserialize it by name either).
    classes = (
        Quantizer,
        AbsMaxQuantizer,
        QuantizationConfig,
        Int8QuantizationConfig,
        Int4QuantizationConfig,
        Float8QuantizationConfig,
        AWQConfig,
    )
    table: dict[str, type] = {c.__name__: c for c in classes}
    table.update({re.sub(r"(?<!^)(?=[A-Z])", "_", c.__name__).lower(): c for c in classes})
    return table


def serialize(initializer: Any) -> Any:
    """Keras 3's config dict for a quantizer or quantization config.

    >>> from tensorflux.keras.quantizers.quantizer import AbsMaxQuantizer
    >>> serialize(AbsMaxQuantizer())["module"]
    'keras.quantizers'
    """
    if initializer is None:
        return None
    cls = type(initializer)
    if cls.__module__.startswith("tensorflux.keras.quantizers."):
        # Built-ins are written under Keras' public module so Keras can read the file back.
        return {
            "module": "keras.quantizers",
            "class_name": cls.__name__,
            "config": serialize_keras_object(initializer.get_config()),
            "registered_name": None,
        }
    return serialize_keras_object(initializer)


def deserialize(config: Any, custom_objects: Any = None) -> Any:
    """Rebuild a quantizer or quantization config from ``serialize``'s output.

    >>> deserialize({"class_name": "AbsMaxQuantizer", "config": {}}).value_range
    (-127, 127)
    """
    from tensorflux.keras.quantizers.quantization_config import GPTQConfig

    # Keras finds GPTQConfig through its module path, though its name table lacks it.
    table = {**_all_objects(), "GPTQConfig": GPTQConfig}
    return deserialize_keras_object(config, custom_objects=custom_objects, module_objects=table)


def get(identifier: Any, **kwargs: Any) -> Any:
    """A quantizer from a name (built with ``kwargs``), a config dict, or a quantizer (returned as is).

    Keras calls ``cls(kwargs)``, passing the dict as the first argument (``axis``); tensorflux
    passes the keyword arguments as such.

    >>> get("abs_max_quantizer", value_range=(-8, 7)).value_range
    (-8, 7)
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = _all_objects().get(identifier, None)
    else:
        obj = identifier
    if callable(obj):
        if inspect.isclass(obj):
            obj = obj(**kwargs)
        return obj
    raise ValueError(f"Could not interpret quantizer identifier: {identifier}")
