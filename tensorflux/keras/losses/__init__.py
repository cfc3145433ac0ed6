"""``keras.losses``: loss classes, loss functions, and ``get`` by name (``"mse"``, ``"mae"``, ...).

>>> from tensorflux.keras import losses
>>> losses.get("mse").__name__
'mean_squared_error'
"""

from __future__ import annotations

import inspect
from typing import Any

from tensorflux.keras.losses.circle import Circle, circle
from tensorflux.keras.losses.ctc import CTC, ctc
from tensorflux.keras.losses.hinge import (
    CategoricalHinge,
    Hinge,
    SquaredHinge,
    categorical_hinge,
    hinge,
    squared_hinge,
)
from tensorflux.keras.losses.loss import Loss
from tensorflux.keras.losses.loss_function_wrapper import LossFunctionWrapper
from tensorflux.keras.losses.overlap import (
    CategoricalGeneralizedCrossEntropy,
    Dice,
    Tversky,
    categorical_generalized_cross_entropy,
    dice,
    tversky,
)
from tensorflux.keras.losses.probabilistic import (
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
)
from tensorflux.keras.losses.regression import (
    CosineSimilarity,
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    cosine_similarity,
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)

# tf.keras 2 aliases that Keras 3 still resolves by name
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
bce = BCE = binary_crossentropy

ALL_OBJECTS = (
    Loss,
    LossFunctionWrapper,
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    SparseCategoricalCrossentropy,
    MeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCosh,
    Huber,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    kl_divergence,
    poisson,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    sparse_categorical_crossentropy,
    mean_squared_error,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    cosine_similarity,
    log_cosh,
    huber,
    hinge,
    squared_hinge,
    categorical_hinge,
    CTC,
    Dice,
    Tversky,
    Circle,
    CategoricalGeneralizedCrossEntropy,
    ctc,
    dice,
    tversky,
    circle,
    categorical_generalized_cross_entropy,
)
ALL_OBJECTS_DICT: dict[str, Any] = {o.__name__: o for o in ALL_OBJECTS}
ALL_OBJECTS_DICT.update(
    {
        "bce": binary_crossentropy,
        "BCE": binary_crossentropy,
        "kld": kl_divergence,
        "KLD": kl_divergence,
        "mae": mean_absolute_error,
        "MAE": mean_absolute_error,
        "mse": mean_squared_error,
        "MSE": mean_squared_error,
        "mape": mean_absolute_percentage_error,
        "MAPE": mean_absolute_percentage_error,
        "msle": mean_squared_logarithmic_error,
        "MSLE": mean_squared_logarithmic_error,
        "logcosh": log_cosh,
        "huber_loss": huber,
        "kullback_leibler_divergence": kl_divergence,
    }
)


def serialize(loss: Any) -> Any:
    """A ``{"module", "class_name", "config", "registered_name"}`` dict for a loss, or a function's name."""
    if isinstance(loss, Loss):
        return {
            "module": "keras.losses",
            "class_name": type(loss).__name__,
            "config": loss.get_config(),
            "registered_name": None,
        }
    return getattr(loss, "__name__", loss)


def deserialize(config: Any, custom_objects: Any = None) -> Any:
    """Rebuild a loss from ``serialize``'s output (or a name)."""
    objects = {**ALL_OBJECTS_DICT, **(custom_objects or {})}
    if isinstance(config, str):
        return _lookup(config, objects)
    cls = _lookup(config["class_name"], objects)
    return cls.from_config(config.get("config", {})) if inspect.isclass(cls) else cls


def _lookup(name: str, objects: dict[str, Any]) -> Any:
    if name not in objects:
        known = sorted(k for k in objects if k[:1].islower())
        raise ValueError(
            f"Could not interpret loss identifier: {name!r}. Known loss names: {', '.join(known)}."
        )
    return objects[name]


def get(identifier: Any) -> Any:
    """A loss function or ``Loss`` instance from a name, a config dict, a class or a callable.

    >>> get("categorical_crossentropy").__name__
    'categorical_crossentropy'
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = _lookup(identifier, ALL_OBJECTS_DICT)
    else:
        obj = identifier
    if callable(obj):
        return obj() if inspect.isclass(obj) else obj
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}")


__all__ = [n for n in dir() if not n.startswith("_")]
