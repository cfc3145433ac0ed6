"""``keras.utils``: each name lives in a small module and loads on first use."""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "FeatureSpace": "feature_space",
    "audio_dataset_from_directory": "audio_dataset",
    "get_source_inputs": "source_inputs",
    "Config": "config_utils",
    # file and data utilities
    "get_file": "file_utils",
    "pad_sequences": "sequence_utils",
    "timeseries_dataset_from_array": "dataset_utils",
    "split_dataset": "dataset_utils",
    "PyDataset": "py_dataset",
    "Sequence": "py_dataset",
    # numerics
    "to_categorical": "numerical_utils",
    "normalize": "numerical_utils",
    "set_random_seed": "random_utils",
    # serialization registry
    "register_keras_serializable": "serialization",
    "get_custom_objects": "serialization",
    "custom_object_scope": "serialization",
    "CustomObjectScope": "serialization",
    "serialize_keras_object": "serialization",
    "deserialize_keras_object": "serialization",
    "get_registered_name": "serialization",
    "get_registered_object": "serialization",
    # defined elsewhere in tensorflux.keras, as Keras re-exports them here
    "clear_session": "tensorflux.keras.backend",
    "is_keras_tensor": "tensorflux.keras.backend",
    "standardize_dtype": "tensorflux.keras.backend",
    "pack_x_y_sample_weight": "tensorflux.keras.trainers.data_adapter_utils",
    "unpack_x_y_sample_weight": "tensorflux.keras.trainers.data_adapter_utils",
    "image_dataset_from_directory": "tensorflux.keras.preprocessing",
    "text_dataset_from_directory": "tensorflux.keras.preprocessing",
    "array_to_img": "tensorflux.keras.preprocessing.image",
    "img_to_array": "tensorflux.keras.preprocessing.image",
    "load_img": "tensorflux.keras.preprocessing.image",
    "save_img": "tensorflux.keras.preprocessing.image",
    # display
    "Progbar": "progbar",
    "enable_interactive_logging": "progbar",
    "disable_interactive_logging": "progbar",
    "is_interactive_logging_enabled": "progbar",
    "plot_model": "model_visualization",
    "model_to_dot": "model_visualization",
}


# submodules of keras.utils, imported on first use
_SUBMODULES = ("bounding_boxes", "legacy")


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    mod = _EXPORTS.get(name)
    if mod is None:
        raise AttributeError(f"module 'tensorflux.keras.utils' has no attribute {name!r}")
    path = mod if "." in mod else f"tensorflux.keras.utils.{mod}"  # a full path: defined elsewhere
    value = getattr(importlib.import_module(path), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_EXPORTS) + list(_SUBMODULES))
