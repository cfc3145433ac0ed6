"""``tensorflux.data``: input pipelines with the ``tf.data`` API.

Example:

>>> import tensorflux as tf
>>> ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1000).batch(32).prefetch(tf.data.AUTOTUNE)
"""

from tensorflux.data import experimental
from tensorflux.data.dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset
from tensorflux.data.options import Options
from tensorflux.data.spec import TensorSpec

__all__ = [
    "AUTOTUNE",
    "INFINITE_CARDINALITY",
    "UNKNOWN_CARDINALITY",
    "Dataset",
    "Options",
    "TensorSpec",
    "experimental",
]
