"""Overlap losses for segmentation (Dice, Tversky) and the noise-robust generalized cross-entropy."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import primitives as P
from tensorflux.framework.config import epsilon
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.losses._util import to_tensor, total
from tensorflux.keras.losses.loss import Loss
from tensorflux.keras.losses.loss_function_wrapper import LossFunctionWrapper


def _axis(axis: Any) -> Any:
    return tuple(axis) if isinstance(axis, list) else axis


def _float_pair(y_true: Any, y_pred: Any) -> tuple[Tensor, Tensor]:
    # Keras casts the labels to the prediction dtype and does not reshape either (no rank matching)
    y_pred = to_tensor(y_pred)
    if y_pred._value.dtype.kind != "f":
        y_pred = P.unary(P.cast, y_pred, dtype=B.native_dtype("float32"))
    return to_tensor(y_true, y_pred._value.dtype), y_pred


def dice(y_true: Any, y_pred: Any, axis: Any = None) -> Tensor:
    """``1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + epsilon)`` over ``axis``.

    With ``axis=None`` the sums run over every element and the loss is a scalar.

    >>> round(float(dice([[1.0, 0.0]], [[1.0, 1.0]])), 4)
    0.3333
    """
    y_true, y_pred = _float_pair(y_true, y_pred)
    axis = _axis(axis)
    inter = total(y_true * y_pred, axis)
    return 1.0 - (inter * 2.0) / (total(y_true, axis) + total(y_pred, axis) + epsilon())


def tversky(y_true: Any, y_pred: Any, alpha: float = 0.5, beta: float = 0.5, axis: Any = None) -> Tensor:
    """``1 - TP / (TP + alpha * FP + beta * FN + epsilon)`` with soft counts over ``axis``.

    As in Keras, ``FP`` sums ``(1 - y_pred) * y_true`` and ``FN`` sums ``y_pred * (1 - y_true)``.

    >>> round(float(tversky([[1.0, 0.0]], [[1.0, 1.0]])), 4)
    0.3333
    """
    y_true, y_pred = _float_pair(y_true, y_pred)
    axis = _axis(axis)
    inter = total(y_true * y_pred, axis)
    fp = total((1.0 - y_pred) * y_true, axis)
    fn = total(y_pred * (1.0 - y_true), axis)
    return 1.0 - inter / (inter + fp * float(alpha) + fn * float(beta) + epsilon())


def categorical_generalized_cross_entropy(y_true: Any, y_pred: Any, q: float) -> Tensor:
    """``(1 - p**q) / q`` per sample, ``p`` the predicted probability of the integer label ``y_true``.

    Args:
        y_true: Integer class labels, shape ``(batch,)``.
        y_pred: Class probabilities, shape ``(batch, num_classes)``.
        q: In ``(0, 1)``; near 0 it behaves like cross-entropy, near 1 like mean absolute error.

    >>> round(float(categorical_generalized_cross_entropy([1], [[0.75, 0.25]], q=0.5)[0]), 4)
    1.0
    """
    y_pred = to_tensor(y_pred)
    if y_pred._value.dtype.kind != "f":
        y_pred = P.unary(P.cast, y_pred, dtype=B.native_dtype("float32"))
    labels = to_tensor(y_true)
    labels = P.unary(P.cast, labels, dtype=B.native_dtype("int64"))
    depth = int(y_pred._value.shape[-1])
    onehot = P.unary(
        P.one_hot, labels, depth=depth, on_value=1.0, off_value=0.0, axis=-1, dtype=y_pred._value.dtype
    )
    p = total(y_pred * onehot, -1)
    q = float(q)
    return (1.0 - P.binary(P.power, p, P.constant_like(q, p))) * (1.0 / q)


class Dice(LossFunctionWrapper):
    """Dice loss (one minus the soft Dice coefficient).

    >>> round(float(Dice()([[1.0, 0.0]], [[1.0, 1.0]])), 4)
    0.3333
    """

    def __init__(
        self, reduction: Any = "sum_over_batch_size", name: str = "dice", axis: Any = None, dtype: Any = None
    ) -> None:
        super().__init__(dice, name=name, reduction=reduction, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self) -> dict[str, Any]:
        return {**Loss.get_config(self), "axis": self.axis}


class Tversky(LossFunctionWrapper):
    """Tversky loss: Dice with separate weights ``alpha`` (false positives) and ``beta`` (false negatives).

    >>> round(float(Tversky(alpha=0.5, beta=0.5)([[1.0, 0.0]], [[1.0, 1.0]])), 4)
    0.3333
    """

    def __init__(
        self,
        alpha: float = 0.5,
        beta: float = 0.5,
        reduction: Any = "sum_over_batch_size",
        name: str = "tversky",
        axis: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            tversky, name=name, reduction=reduction, dtype=dtype, alpha=alpha, beta=beta, axis=axis
        )
        self.alpha = alpha
        self.beta = beta
        self.axis = axis

    def get_config(self) -> dict[str, Any]:
        return {**Loss.get_config(self), "alpha": self.alpha, "beta": self.beta, "axis": self.axis}


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """Generalized cross-entropy (Zhang & Sabuncu, 2018) for integer labels: ``(1 - p**q) / q``.

    >>> round(float(CategoricalGeneralizedCrossEntropy(q=0.5)([1], [[0.75, 0.25]])), 4)
    1.0
    """

    def __init__(
        self,
        q: float = 0.5,
        reduction: Any = "sum_over_batch_size",
        name: str = "categorical_generalized_cross_entropy",
        dtype: Any = None,
    ) -> None:
        if not 0 < q < 1:
            raise ValueError(
                f"CategoricalGeneralizedCrossEntropy: q must be in the interval (0, 1). Received: q={q}"
            )
        super().__init__(
            categorical_generalized_cross_entropy, name=name, reduction=reduction, dtype=dtype, q=q
        )
        self.q = q

    def get_config(self) -> dict[str, Any]:
        return {**Loss.get_config(self), "q": self.q}
