"""``keras.initializers``: every Keras 3 initializer, by object or by name."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.engine.naming import to_snake_case
from tensorflux.keras.initializers.constant_initializers import Constant, Identity, Ones, Zeros
from tensorflux.keras.initializers.initializer import Initializer
from tensorflux.keras.initializers.random_initializers import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    compute_fans,
)
from tensorflux.keras.initializers.stft_initializer import STFT

_CLASSES = (
    Constant,
    Identity,
    Ones,
    Zeros,
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    STFT,
)
ALL_OBJECTS_DICT: dict[str, Any] = {c.__name__: c for c in _CLASSES}
ALL_OBJECTS_DICT.update({to_snake_case(c.__name__): c for c in _CLASSES})
ALL_OBJECTS_DICT.update(
    {
        "IdentityInitializer": Identity,
        "OrthogonalInitializer": Orthogonal,
        "STFTInitializer": STFT,
        "normal": RandomNormal,
        "uniform": RandomUniform,
        "one": Ones,
        "zero": Zeros,
    }
)

# lower-case aliases of the classes, as in keras.initializers
constant = Constant
identity = Identity
ones = Ones
zeros = Zeros
glorot_normal = GlorotNormal
glorot_uniform = GlorotUniform
he_normal = HeNormal
he_uniform = HeUniform
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
orthogonal = Orthogonal
IdentityInitializer = Identity  # Keras 3's longer names of the same classes
OrthogonalInitializer = Orthogonal
stft = STFT
STFTInitializer = STFT
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling


def serialize(initializer: Any) -> Any:
    """``{"module": "keras.initializers", "class_name": ..., "config": ..., "registered_name": None}``."""
    from tensorflux.keras.utils.serialization import serialize_keras_object

    return serialize_keras_object(initializer)


def deserialize(config: Any, custom_objects: Any = None) -> Any:
    from tensorflux.keras.utils.serialization import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects=custom_objects, module_objects=ALL_OBJECTS_DICT)


def get(identifier: Any) -> Any:
    """An initializer from a name (``"glorot_uniform"``), a config dict, a class, an instance or a callable.

    >>> get("he_normal")
    HeNormal(seed=None)
    """
    from tensorflux.framework.tensor import Tensor
    from tensorflux.keras.utils.serialization import get_registered_object

    if identifier is None:
        return None
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier) or get_registered_object(identifier)
        if obj is None:
            names = sorted(k for k in ALL_OBJECTS_DICT if k[0].islower())
            raise ValueError(
                f"Unknown initializer: {identifier!r}. Valid names are: {', '.join(names)} "
                "(or the class names, e.g. 'GlorotUniform')."
            )
        return obj() if isinstance(obj, type) else obj
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if isinstance(identifier, Tensor) or hasattr(identifier, "__array__"):
        value = identifier

        def initialize_fn(shape: Any, dtype: Any = None) -> Any:
            from tensorflux.framework.tensor import convert_to_tensor
            from tensorflux.ops.array_ops import cast

            t = convert_to_tensor(value)
            if tuple(t.shape) != tuple(shape):
                raise ValueError(
                    f"Initializer value has shape {tuple(t.shape)}, but shape {tuple(shape)} was requested."
                )
            return cast(t, dtype) if dtype is not None else t

        return initialize_fn
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret initializer identifier: {identifier!r}")


__all__ = [c.__name__ for c in _CLASSES] + ["Initializer", "get", "serialize", "deserialize", "compute_fans"]
