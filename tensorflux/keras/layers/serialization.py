"""``keras.layers.serialize`` / ``keras.layers.deserialize``: a layer as Keras 3's config dict and back.

>>> import tensorflux as tf
>>> config = serialize(tf.keras.layers.Dense(3, name="d"))
>>> config["class_name"], config["module"]
('Dense', 'keras.layers')
>>> deserialize(config).units
3
"""

from __future__ import annotations

from typing import Any

from tensorflux.keras.utils.serialization import deserialize_keras_object, serialize_keras_object

__all__ = ["deserialize", "serialize"]


def serialize(layer: Any) -> dict[str, Any]:
    """The config of ``layer`` (or model) in Keras 3's format (``module``, ``class_name``, ``config``).

    Args:
        layer: a ``keras.layers.Layer`` (a model too).

    Returns:
        A JSON-ready dict; ``deserialize`` rebuilds the layer from it.
    """
    if not hasattr(layer, "get_config"):
        raise TypeError(
            f"keras.layers.serialize expects a Layer. Received: layer={layer!r} of type {type(layer)}"
        )
    return serialize_keras_object(layer)


def deserialize(config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Any:
    """The layer (or model) described by ``config`` (from ``serialize``).

    Args:
        config: a dict with ``class_name`` and ``config`` (and ``module``/``registered_name``).
        custom_objects: classes and functions of the user's own, by name.

    Returns:
        A new layer (or model; built when ``config`` has a ``build_config``).
    """
    if not isinstance(config, dict) or "class_name" not in config or "config" not in config:
        raise ValueError(
            "keras.layers.deserialize expects a dict with 'class_name' and 'config' (as written by "
            f"keras.layers.serialize). Received: config={config!r}"
        )
    return deserialize_keras_object(config, custom_objects=custom_objects)
