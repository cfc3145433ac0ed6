"""Regression metrics: mean squared / absolute / percentage / log errors, RMSE, cosine, log-cosh."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import dtypes as _dt
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.losses._util import l2_normalize, to_tensor, total
from tensorflux.keras.losses.loss import squeeze_or_expand_to_same_rank
from tensorflux.keras.losses.regression import (
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from tensorflux.keras.metrics.reduction_metrics import Mean, MeanMetricWrapper


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Tensor:
    """Cosine similarity along ``axis`` (1 for parallel vectors).

    >>> float(cosine_similarity([[1.0, 0.0]], [[3.0, 0.0]])[0])
    1.0
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, y_pred._value.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return total(l2_normalize(y_true, axis) * l2_normalize(y_pred, axis), axis)


class MeanSquaredError(MeanMetricWrapper):
    """Mean of the squared errors.

    >>> m = MeanSquaredError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> float(m.result())
    0.25
    """

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(mean_squared_error, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsoluteError(MeanMetricWrapper):
    """Mean of the absolute errors.

    >>> m = MeanAbsoluteError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> float(m.result())
    0.25
    """

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(mean_absolute_error, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Mean absolute percentage error.

    >>> m = MeanAbsolutePercentageError()
    >>> m.update_state([[2.0]], [[1.0]])
    >>> float(m.result())
    50.0
    """

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None) -> None:
        super().__init__(mean_absolute_percentage_error, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """Mean squared logarithmic error.

    >>> m = MeanSquaredLogarithmicError()
    >>> m.update_state([[1.0]], [[1.0]])
    >>> float(m.result())
    0.0
    """

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype: Any = None) -> None:
        super().__init__(mean_squared_logarithmic_error, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class LogCoshError(MeanMetricWrapper):
    """Mean log-cosh of the prediction error.

    >>> m = LogCoshError()
    >>> m.update_state([[0.0]], [[0.0]])
    >>> float(m.result())
    0.0
    """

    def __init__(self, name: str = "logcosh", dtype: Any = None) -> None:
        super().__init__(log_cosh, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class CosineSimilarity(MeanMetricWrapper):
    """Mean cosine similarity between labels and predictions.

    >>> m = CosineSimilarity()
    >>> m.update_state([[0.0, 1.0]], [[0.0, 2.0]])
    >>> float(m.result())
    1.0
    """

    def __init__(self, name: str = "cosine_similarity", dtype: Any = None, axis: int = -1) -> None:
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)
        self._direction = "up"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class RootMeanSquaredError(Mean):
    """Square root of the mean of the squared errors.

    >>> m = RootMeanSquaredError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> float(m.result())
    0.5
    """

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self._direction = "down"

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        native = _dt.as_dtype(self.dtype)._native
        y_true = to_tensor(y_true, native)
        y_pred = to_tensor(y_pred, native)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        d = y_pred - y_true
        super().update_state(d * d, sample_weight=sample_weight)

    def result(self) -> Tensor:
        return P.unary(P.sqrt, super().result())

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}
