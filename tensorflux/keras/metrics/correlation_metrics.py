"""Correlation metrics: Pearson and concordance (Lin's) correlation along an axis, averaged over batches."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.config import epsilon
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.losses._util import mean, pred_true
from tensorflux.keras.metrics.reduction_metrics import MeanMetricWrapper


def _var(x: Tensor, axis: int) -> Tensor:
    c = x - mean(x, axis, keepdims=True)
    return mean(c * c, axis, keepdims=True)


def pearson_correlation(y_true: Any, y_pred: Any, axis: int = -1) -> Tensor:
    """Pearson correlation coefficient between ``y_true`` and ``y_pred`` along ``axis``.

    >>> round(float(pearson_correlation([1.0, 2.0, 3.0], [2.0, 4.0, 7.0])), 4)
    0.9934
    """
    y_true, y_pred = pred_true(y_true, y_pred)
    t = y_true - mean(y_true, axis, keepdims=True)
    p = y_pred - mean(y_pred, axis, keepdims=True)
    t = t / P.unary(P.sqrt, _var(t, axis))
    p = p / P.unary(P.sqrt, _var(p, axis))
    return mean(t * p, axis)


def concordance_correlation(y_true: Any, y_pred: Any, axis: int = -1) -> Tensor:
    """Lin's concordance correlation coefficient along ``axis``, computed as Keras 3.15 does.

    Keras centres ``y_true`` on the *prediction* mean in the covariance term; this follows it so that
    values match.

    >>> round(float(concordance_correlation([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])), 4)
    1.0
    """
    y_true, y_pred = pred_true(y_true, y_pred)
    mt = mean(y_true, axis, keepdims=True)
    mp = mean(y_pred, axis, keepdims=True)
    covar = (y_true - mp) * (y_pred - mp)
    d = mt - mp
    norm = _var(y_true, axis) + _var(y_pred, axis) + d * d
    return mean(covar * 2.0 / (norm + epsilon()), axis)


class PearsonCorrelation(MeanMetricWrapper):
    """Mean over samples of the Pearson correlation along ``axis``.

    >>> m = PearsonCorrelation()
    >>> m.update_state([[1.0, 2.0, 3.0]], [[2.0, 4.0, 7.0]])
    >>> round(float(m.result()), 4)
    0.9934
    """

    def __init__(self, name: str = "pearson_correlation", dtype: Any = None, axis: int = -1) -> None:
        super().__init__(pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class ConcordanceCorrelation(MeanMetricWrapper):
    """Mean over samples of the concordance correlation along ``axis``.

    >>> m = ConcordanceCorrelation()
    >>> m.update_state([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]])
    >>> round(float(m.result()), 4)
    1.0
    """

    def __init__(self, name: str = "concordance_correlation", dtype: Any = None, axis: int = -1) -> None:
        super().__init__(concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}
