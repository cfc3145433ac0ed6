"""``keras.preprocessing``: datasets from folders and arrays, and the ``image``/``sequence`` helpers."""

from tensorflux.keras.preprocessing import image, sequence  # noqa: F401
from tensorflux.keras.preprocessing.image_dataset import image_dataset_from_directory  # noqa: F401
from tensorflux.keras.preprocessing.text_dataset import text_dataset_from_directory  # noqa: F401
from tensorflux.keras.utils.dataset_utils import timeseries_dataset_from_array  # noqa: F401
