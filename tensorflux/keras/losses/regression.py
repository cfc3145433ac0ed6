"""Regression losses: squared, absolute, percentage and logarithmic errors, Huber, log-cosh, cosine."""

from __future__ import annotations

import math
from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.config import epsilon
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.losses._util import l2_normalize, mean, pred_true, total
from tensorflux.keras.losses.loss import Loss
from tensorflux.keras.losses.loss_function_wrapper import LossFunctionWrapper


def mean_squared_error(y_true: Any, y_pred: Any) -> Tensor:
    """Mean over the last axis of ``(y_true - y_pred)**2``.

    >>> float(mean_squared_error([1.0, 2.0], [1.0, 4.0]))
    2.0
    """
    y_true, y_pred = pred_true(y_true, y_pred)
    d = y_true - y_pred
    return mean(d * d)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Tensor:
    """Mean over the last axis of ``|y_true - y_pred|``.

    >>> float(mean_absolute_error([1.0, 2.0], [1.0, 4.0]))
    1.0
    """
    y_true, y_pred = pred_true(y_true, y_pred)
    return mean(P.unary(P.abs, y_true - y_pred))


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Tensor:
    """``100 * mean(|y_true - y_pred| / max(|y_true|, epsilon))``.

    >>> float(mean_absolute_percentage_error([2.0], [1.0]))
    50.0
    """
    y_true, y_pred = pred_true(y_true, y_pred)
    diff = P.unary(P.abs, (y_true - y_pred) / P.binary(P.maximum, P.unary(P.abs, y_true), epsilon()))
    return mean(diff) * 100.0


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> Tensor:
    """Mean of ``(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1))**2``.

    >>> round(float(mean_squared_logarithmic_error([0.0], [math.e - 1])), 4)
    1.0
    """
    y_true, y_pred = pred_true(y_true, y_pred)
    eps = epsilon()
    d = P.unary(P.log, P.binary(P.maximum, y_pred, eps) + 1.0) - P.unary(
        P.log, P.binary(P.maximum, y_true, eps) + 1.0
    )
    return mean(d * d)


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Tensor:
    """Quadratic for errors up to ``delta``, linear beyond.

    >>> float(huber([0.0], [3.0]))
    2.5
    """
    y_true, y_pred = pred_true(y_true, y_pred)
    err = y_pred - y_true
    a = P.unary(P.abs, err)
    quad = err * err * 0.5
    lin = a * float(delta) - 0.5 * float(delta) ** 2
    return mean(P.bind(P.where, (P.binary(P.less_equal, a, float(delta)), quad, lin), {}))


def log_cosh(y_true: Any, y_pred: Any) -> Tensor:
    """Mean of ``log(cosh(y_pred - y_true))``, computed without overflow.

    >>> round(float(log_cosh([0.0], [1.0])), 5)
    0.43378
    """
    y_true, y_pred = pred_true(y_true, y_pred)
    x = y_pred - y_true
    return mean(x + P.unary(P.softplus, x * -2.0) - math.log(2.0))


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Tensor:
    """Negative cosine similarity along ``axis`` (-1 for parallel vectors, as a loss).

    >>> float(cosine_similarity([[1.0, 0.0]], [[2.0, 0.0]])[0])
    -1.0
    """
    y_true, y_pred = pred_true(y_true, y_pred)
    return -total(l2_normalize(y_true, axis) * l2_normalize(y_pred, axis), axis)


class MeanSquaredError(LossFunctionWrapper):
    """Mean of squares of errors between labels and predictions.

    >>> float(MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
    """

    def __init__(
        self, reduction: Any = "sum_over_batch_size", name: str = "mean_squared_error", dtype: Any = None
    ):
        super().__init__(mean_squared_error, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return Loss.get_config(self)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors.

    >>> float(MeanAbsoluteError()([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
    """

    def __init__(
        self, reduction: Any = "sum_over_batch_size", name: str = "mean_absolute_error", dtype: Any = None
    ):
        super().__init__(mean_absolute_error, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return Loss.get_config(self)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """``100 * mean(|(y_true - y_pred) / y_true|)``.

    >>> float(MeanAbsolutePercentageError()([[2.0]], [[1.0]]))
    50.0
    """

    def __init__(
        self,
        reduction: Any = "sum_over_batch_size",
        name: str = "mean_absolute_percentage_error",
        dtype: Any = None,
    ):
        super().__init__(mean_absolute_percentage_error, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return Loss.get_config(self)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """Mean of squared differences of ``log(1 + x)``.

    >>> float(MeanSquaredLogarithmicError()([[0.0]], [[0.0]]))
    0.0
    """

    def __init__(
        self,
        reduction: Any = "sum_over_batch_size",
        name: str = "mean_squared_logarithmic_error",
        dtype: Any = None,
    ):
        super().__init__(mean_squared_logarithmic_error, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return Loss.get_config(self)


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity between labels and predictions.

    >>> float(CosineSimilarity()([[0.0, 1.0]], [[0.0, 3.0]]))
    -1.0
    """

    def __init__(
        self,
        axis: int = -1,
        reduction: Any = "sum_over_batch_size",
        name: str = "cosine_similarity",
        dtype: Any = None,
    ):
        super().__init__(cosine_similarity, name=name, reduction=reduction, dtype=dtype, axis=axis)

    def get_config(self) -> dict[str, Any]:
        return Loss.get_config(self)


class Huber(LossFunctionWrapper):
    """Huber loss: ``0.5 x^2`` for ``|x| <= delta``, else ``delta |x| - 0.5 delta^2``.

    >>> float(Huber()([[0.0]], [[3.0]]))
    2.5
    """

    def __init__(
        self,
        delta: float = 1.0,
        reduction: Any = "sum_over_batch_size",
        name: str = "huber_loss",
        dtype: Any = None,
    ):
        super().__init__(huber, name=name, reduction=reduction, dtype=dtype, delta=delta)

    def get_config(self) -> dict[str, Any]:
        return Loss.get_config(self)


class LogCosh(LossFunctionWrapper):
    """Logarithm of the hyperbolic cosine of the prediction error.

    >>> float(LogCosh()([[0.0]], [[0.0]]))
    0.0
    """

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "log_cosh", dtype: Any = None):
        super().__init__(log_cosh, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return Loss.get_config(self)
