"""``keras.saving``: save and load models and weights, and the serialization registry.

>>> from tensorflux import keras
>>> sorted(n for n in ("load_model", "save_model") if hasattr(keras.saving, n))
['load_model', 'save_model']
"""

from tensorflux.keras.saving.file_editor import KerasFileEditor  # noqa: F401
from tensorflux.keras.saving.saving_api import load_model, load_weights, save_model, save_weights  # noqa: F401
from tensorflux.keras.utils.serialization import (  # noqa: F401
    CustomObjectScope,
    custom_object_scope,
    deserialize_keras_object,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
    serialize_keras_object,
)

__all__ = [
    "KerasFileEditor",
    "load_model",
    "save_model",
    "load_weights",
    "save_weights",
    "CustomObjectScope",
    "custom_object_scope",
    "deserialize_keras_object",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "register_keras_serializable",
    "serialize_keras_object",
]
