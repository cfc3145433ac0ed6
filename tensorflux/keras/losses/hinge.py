"""Hinge losses for maximum-margin classifiers; binary labels in {0, 1} are mapped to {-1, 1}."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.losses._util import all_true, mean, to_tensor, total
from tensorflux.keras.losses.loss import Loss
from tensorflux.keras.losses.loss_function_wrapper import LossFunctionWrapper


def _to_signed(y_true: Tensor) -> Tensor:
    """Labels that are all 0 or 1 become -1 or 1; other labels are used as given."""
    binary = P.binary(P.logical_or, P.binary(P.equal, y_true, 0.0), P.binary(P.equal, y_true, 1.0))
    return y_true * 2.0 - 1.0 if all_true(binary) else y_true


def _margins(y_true: Any, y_pred: Any) -> Tensor:
    y_pred = to_tensor(y_pred)
    y_true = _to_signed(to_tensor(y_true, y_pred._value.dtype))
    return P.binary(P.maximum, 1.0 - y_true * y_pred, 0.0)


def hinge(y_true: Any, y_pred: Any) -> Tensor:
    """``mean(max(1 - y_true * y_pred, 0))`` over the last axis.

    >>> float(hinge([[1.0]], [[0.25]])[0])
    0.75
    """
    return mean(_margins(y_true, y_pred))


def squared_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """``mean(max(1 - y_true * y_pred, 0)**2)`` over the last axis.

    >>> float(squared_hinge([[1.0]], [[0.5]])[0])
    0.25
    """
    m = _margins(y_true, y_pred)
    return mean(m * m)


def categorical_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """``max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)``.

    >>> round(float(categorical_hinge([[0.0, 1.0]], [[0.2, 0.9]])[0]), 5)
    0.3
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, y_pred._value.dtype)
    pos = total(y_true * y_pred, -1)
    neg = P.unary(P.reduce_max, (1.0 - y_true) * y_pred, axis=-1, keepdims=False)
    return P.binary(P.maximum, neg - pos + 1.0, 0.0)


class Hinge(LossFunctionWrapper):
    """Hinge loss; labels are -1/1 (or 0/1, converted).

    >>> float(Hinge()([[1.0]], [[0.25]]))
    0.75
    """

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "hinge", dtype: Any = None):
        super().__init__(hinge, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return Loss.get_config(self)


class SquaredHinge(LossFunctionWrapper):
    """Squared hinge loss.

    >>> float(SquaredHinge()([[1.0]], [[0.5]]))
    0.25
    """

    def __init__(
        self, reduction: Any = "sum_over_batch_size", name: str = "squared_hinge", dtype: Any = None
    ):
        super().__init__(squared_hinge, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return Loss.get_config(self)


class CategoricalHinge(LossFunctionWrapper):
    """Categorical hinge loss for one-hot labels.

    >>> round(float(CategoricalHinge()([[0.0, 1.0]], [[0.2, 0.9]])), 5)
    0.3
    """

    def __init__(
        self, reduction: Any = "sum_over_batch_size", name: str = "categorical_hinge", dtype: Any = None
    ):
        super().__init__(categorical_hinge, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return Loss.get_config(self)
