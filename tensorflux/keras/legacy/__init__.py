"""``keras.legacy``: Keras 3 keeps only ``keras.legacy.saving`` here.

>>> from tensorflux.keras import legacy
>>> legacy.saving.__all__
['deserialize_keras_object', 'serialize_keras_object']
"""

from tensorflux.keras.legacy import saving

__all__ = ["saving"]
