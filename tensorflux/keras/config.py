"""``keras.config``: the global settings, under Keras 3's names.

>>> import tensorflux as tf
>>> tf.keras.config.floatx(), tf.keras.config.image_data_format()
('float32', 'channels_last')
>>> tf.keras.config.dtype_policy()
<DTypePolicy "float32">
"""

from __future__ import annotations

from tensorflux.framework.config import (
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from tensorflux.keras.backend import backend
from tensorflux.keras.engine.dtype_policy import dtype_policy, set_dtype_policy
from tensorflux.keras.saving.saving_api import enable_unsafe_deserialization

__all__ = [
    "backend",
    "dtype_policy",
    "enable_unsafe_deserialization",
    "epsilon",
    "floatx",
    "image_data_format",
    "set_dtype_policy",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
]
