"""``keras.metrics``: stateful metrics (``update_state``, ``result``, ``reset_state``) and metric functions.

>>> from tensorflux.keras import metrics
>>> m = metrics.get("mse")
>>> type(m).__name__
'MeanSquaredError'
"""

from __future__ import annotations

import inspect
from typing import Any

from tensorflux.keras.losses.hinge import categorical_hinge, hinge, squared_hinge
from tensorflux.keras.losses.loss import to_snake_case
from tensorflux.keras.losses.probabilistic import (
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
)
from tensorflux.keras.losses.regression import (
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from tensorflux.keras.metrics.accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from tensorflux.keras.metrics.confusion_metrics import (
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
)
from tensorflux.keras.metrics.correlation_metrics import (
    ConcordanceCorrelation,
    PearsonCorrelation,
    concordance_correlation,
    pearson_correlation,
)
from tensorflux.keras.metrics.f_score_metrics import F1Score, FBetaScore
from tensorflux.keras.metrics.iou_metrics import IoU, MeanIoU
from tensorflux.keras.metrics.metric import Metric
from tensorflux.keras.metrics.one_hot_iou_metrics import BinaryIoU, OneHotIoU, OneHotMeanIoU
from tensorflux.keras.metrics.probabilistic_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    Hinge,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
)
from tensorflux.keras.metrics.r2_score import R2Score
from tensorflux.keras.metrics.reduction_metrics import Mean, MeanMetricWrapper, Sum
from tensorflux.keras.metrics.regression_metrics import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    RootMeanSquaredError,
)
from tensorflux.keras.metrics.sensitivity_metrics import (
    PrecisionAtRecall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
)

_CLASSES = (
    Metric,
    Mean,
    Sum,
    MeanMetricWrapper,
    MeanSquaredError,
    RootMeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCoshError,
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    F1Score,
    FBetaScore,
    IoU,
    MeanIoU,
    R2Score,
    PearsonCorrelation,
    ConcordanceCorrelation,
    BinaryIoU,
    OneHotIoU,
    OneHotMeanIoU,
    PrecisionAtRecall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
)
_FUNCTIONS = (
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    top_k_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    mean_squared_error,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    log_cosh,
    huber,
    hinge,
    squared_hinge,
    categorical_hinge,
    kl_divergence,
    poisson,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    sparse_categorical_crossentropy,
    pearson_correlation,
    concordance_correlation,
)


ALL_OBJECTS_DICT: dict[str, Any] = {c.__name__: c for c in _CLASSES}
ALL_OBJECTS_DICT.update({to_snake_case(c.__name__): c for c in _CLASSES})
ALL_OBJECTS_DICT.update({"mean_iou": MeanIoU})
ALL_OBJECTS_DICT.update(
    {
        "bce": BinaryCrossentropy,
        "BCE": BinaryCrossentropy,
        "mse": MeanSquaredError,
        "MSE": MeanSquaredError,
        "mae": MeanAbsoluteError,
        "MAE": MeanAbsoluteError,
        "mape": MeanAbsolutePercentageError,
        "MAPE": MeanAbsolutePercentageError,
        "msle": MeanSquaredLogarithmicError,
        "MSLE": MeanSquaredLogarithmicError,
        "rmse": RootMeanSquaredError,
        "logcosh": LogCoshError,
    }
)
# metric functions by name, as Keras resolves strings such as "sparse_categorical_accuracy"
for _fn in _FUNCTIONS:
    ALL_OBJECTS_DICT.setdefault(_fn.__name__, _fn)


def serialize(metric: Any) -> Any:
    """A config dict for a ``Metric``, or a function's name."""
    if isinstance(metric, Metric):
        return {
            "module": "keras.metrics",
            "class_name": type(metric).__name__,
            "config": metric.get_config(),
            "registered_name": None,
        }
    return getattr(metric, "__name__", metric)


def deserialize(config: Any, custom_objects: Any = None) -> Any:
    objects = {**ALL_OBJECTS_DICT, **(custom_objects or {})}
    if isinstance(config, str):
        return _lookup(config, objects)
    cls = _lookup(config["class_name"], objects)
    return cls.from_config(config.get("config", {})) if inspect.isclass(cls) else cls


def _lookup(name: str, objects: dict[str, Any]) -> Any:
    if name not in objects:
        known = sorted(k for k in objects if k[:1].islower())
        raise ValueError(
            f"Could not interpret metric identifier: {name!r}. Known metric names: {', '.join(known)}."
        )
    return objects[name]


def get(identifier: Any) -> Any:
    """A ``Metric`` instance or metric function from a name, a config dict, a class or a callable.

    >>> type(get("categorical_accuracy")).__name__
    'CategoricalAccuracy'
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
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}")


__all__ = [n for n in dir() if not n.startswith("_")]
