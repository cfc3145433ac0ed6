"""``keras.utils.legacy``: the Keras 2 (``tf.keras``) serialization format, as Keras 3 keeps it.

The legacy format is ``{"class_name": ..., "config": {...}}`` with no ``module`` or
``registered_name`` key (Keras 3's format adds those, see ``keras.utils.serialize_keras_object``).
Config entries that are objects are written in the same legacy form and marked with
``"__passive_serialization__": True`` so that deserialization knows to rebuild them; functions are
written as their (registered) name. Deserialization only looks names up: in scoped custom objects,
the global registry, ``custom_objects`` and ``module_objects``, in that order.
"""

from __future__ import annotations

import inspect
from typing import Any

from tensorflux.keras.utils.serialization import (
    CustomObjectScope,
    _scoped,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
)

_PASSIVE = "__passive_serialization__"

__all__ = ["serialize_keras_object", "deserialize_keras_object"]


def serialize_keras_object(instance: Any) -> Any:
    """Serialize a Keras object into Keras 2's ``{"class_name", "config"}`` dict.

    Args:
        instance: an object with ``get_config()`` (layer, loss, optimizer, ...), a function, or None.

    Returns:
        A JSON-compatible dict (a name for a function, None for None).

    Raises:
        ValueError: ``instance`` has neither ``get_config()`` nor a ``__name__``.

    >>> from tensorflux.keras.losses import MeanSquaredError
    >>> serialize_keras_object(MeanSquaredError(name="mse"))["config"]
    {'name': 'mse', 'reduction': 'sum_over_batch_size'}
    """
    instance = inspect.unwrap(instance) if callable(instance) else instance
    if instance is None:
        return None
    if hasattr(instance, "get_config"):
        config = instance.get_config()
        out: dict[str, Any] = {}
        for key, item in config.items():
            if isinstance(item, str):
                out[key] = item
                continue
            # Anything else is tried as an object; values that are not (numbers, lists, dicts
            # already in Keras 3 form) raise ValueError and are kept as they are.
            try:
                serialized = serialize_keras_object(item)
            except ValueError:
                out[key] = item
                continue
            if isinstance(serialized, dict) and not isinstance(item, dict):
                serialized[_PASSIVE] = True
            out[key] = serialized
        return {"class_name": get_registered_name(type(instance)), "config": out}
    if hasattr(instance, "__name__"):
        return get_registered_name(instance)
    raise ValueError(f"Cannot serialize {instance} because it doesn't implement `get_config()`.")


def _unknown(kind: str, name: str) -> ValueError:
    return ValueError(
        f"Unknown {kind}: '{name}'. Please ensure you are using a `keras.utils.custom_object_scope` "
        "and that this object is included in the scope, or pass it in `custom_objects` (or "
        "`module_objects`)."
    )


def _class_and_config(
    config: Any, module_objects: Any, custom_objects: Any, printable_module_name: str
) -> tuple[Any, Any]:
    if not isinstance(config, dict) or "class_name" not in config or "config" not in config:
        raise ValueError(
            f"Improper config format for {config}. Expecting python dict contains `class_name` and "
            "`config` as keys"
        )
    class_name = config["class_name"]
    cls = get_registered_object(class_name, custom_objects, module_objects)
    if cls is None:
        raise _unknown(printable_module_name, class_name)
    cls_config = config["config"]
    if isinstance(cls_config, list):  # very old Sequential configs: a list of layer configs
        return cls, cls_config
    restored: dict[str, Any] = {}
    for key, item in cls_config.items():
        if key == "name":
            # a layer named like a custom function must stay a string
            continue
        if isinstance(item, dict) and _PASSIVE in item:
            restored[key] = deserialize_keras_object(
                item,
                module_objects=module_objects,
                custom_objects=custom_objects,
                printable_module_name="config_item",
            )
        elif isinstance(item, str):
            fn = get_registered_object(item, custom_objects, module_objects)
            if inspect.isfunction(fn):
                restored[key] = fn
    # Keras updates the given config in place; a copy leaves the caller's dict intact.
    return cls, {**cls_config, **restored}


def deserialize_keras_object(
    identifier: Any,
    module_objects: Any = None,
    custom_objects: Any = None,
    printable_module_name: str = "object",
) -> Any:
    """Turn Keras 2's serialized form (a dict or a name) back into an object.

    Names are looked up, never imported: pass the classes and functions that may appear in
    ``module_objects`` (built-ins, e.g. ``{"Dense": Dense}``) or ``custom_objects`` (your own), or
    register them with ``keras.saving.register_keras_serializable``.

    Args:
        identifier: a dict from ``serialize_keras_object``, a name, a function, or None.
        module_objects: dict of built-in objects to look names up in.
        custom_objects: dict of user objects to look names up in.
        printable_module_name: what the object is, for error messages.

    Returns:
        The object. A class given by name is instantiated with no arguments; a function is returned.

    Raises:
        ValueError: malformed config, or a name found nowhere.

    >>> from tensorflux.keras.losses import MeanSquaredError
    >>> config = {"class_name": "MeanSquaredError", "config": {"name": "mse"}}
    >>> deserialize_keras_object(config, module_objects={"MeanSquaredError": MeanSquaredError}).name
    'mse'
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        cls, cls_config = _class_and_config(identifier, module_objects, custom_objects, printable_module_name)
        custom_objects = custom_objects or {}
        if hasattr(cls, "from_config"):
            if "custom_objects" in inspect.signature(cls.from_config).parameters:
                return cls.from_config(cls_config, custom_objects={**get_custom_objects(), **custom_objects})
            with CustomObjectScope(custom_objects):
                return cls.from_config(cls_config)
        # a factory function: the config holds its keyword arguments
        with CustomObjectScope(custom_objects):
            return cls(**cls_config)
    if isinstance(identifier, str):
        scoped = _scoped()
        if custom_objects and identifier in custom_objects:
            obj = custom_objects[identifier]
        elif identifier in scoped:
            obj = scoped[identifier]
        elif identifier in get_custom_objects():
            obj = get_custom_objects()[identifier]
        else:
            obj = (module_objects or {}).get(identifier)
            if obj is None:
                raise _unknown(printable_module_name, identifier)
        return obj() if inspect.isclass(obj) else obj
    if inspect.isfunction(identifier):
        return identifier
    raise ValueError(f"Could not interpret serialized {printable_module_name}: {identifier}")
