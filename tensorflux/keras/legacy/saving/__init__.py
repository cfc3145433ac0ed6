"""``keras.legacy.saving``: the Keras 2 ``{"class_name", "config"}`` serialization functions.

The same functions as ``keras.utils.legacy`` (Keras exports them under both names).

>>> serialize_keras_object(None) is None
True
"""

from tensorflux.keras.utils.legacy import deserialize_keras_object, serialize_keras_object

__all__ = ["deserialize_keras_object", "serialize_keras_object"]
