"""Probabilistic losses: binary, categorical and sparse cross-entropy (plain and focal), KL, Poisson."""

from __future__ import annotations

import warnings
from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import primitives as P
from tensorflux.framework.config import epsilon
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.losses import _crossentropy as X
from tensorflux.keras.losses._util import as_int_labels, clip, mean, shape_str, to_tensor, total
from tensorflux.keras.losses.loss import Loss
from tensorflux.keras.losses.loss_function_wrapper import LossFunctionWrapper


def _check_axis(axis: Any) -> None:
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis!r} of type {type(axis)}")


def _check_same_shape(name: str, y_true: Tensor, y_pred: Tensor) -> None:
    ts, ps = tuple(y_true._value.shape), tuple(y_pred._value.shape)
    if ts == ps:
        return
    if ps and ps[-1] > 1 and (ts == ps[:-1] or ts == ps[:-1] + (1,)):
        raise ValueError(
            f"{name}: labels have shape {ts} but the loss expects one-hot labels of shape {ps}: "
            "use sparse_categorical_crossentropy for integer class labels, "
            "or convert them with keras.utils.to_categorical(y, num_classes)."
        )
    raise ValueError(
        f"{name}: `y_true` and `y_pred` must have the same shape. Received: y_true.shape={ts}, "
        f"y_pred.shape={ps}."
    )


def binary_crossentropy(
    y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1
) -> Tensor:
    """Binary cross-entropy averaged over ``axis``; probabilities are clipped to ``[eps, 1 - eps]``.

    >>> round(float(binary_crossentropy([[0.0, 1.0]], [[0.4, 0.6]])[0]), 5)
    0.51083
    """
    y_pred = to_tensor(y_pred)
    if y_pred._value.dtype.kind != "f":
        y_pred = P.unary(P.cast, y_pred, dtype=B.native_dtype("float32"))
    y_true = to_tensor(y_true, y_pred._value.dtype)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if y_true._value.shape != y_pred._value.shape:
        raise ValueError(
            "binary_crossentropy: `y_true` and `y_pred` must have the same shape. "
            f"Received: y_true.shape={shape_str(y_true)}, y_pred.shape={shape_str(y_pred)}."
        )
    if from_logits:
        values = X.sigmoid_xent_with_logits(y_true, y_pred)
    else:
        values = X.binary_xent_from_probs(y_true, y_pred)
    return mean(values, axis)


binary_crossentropy._expects_probabilities = True  # type: ignore[attr-defined]


def binary_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    apply_class_balancing: bool = False,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Tensor:
    """Binary cross-entropy scaled by ``(1 - p_t)**gamma`` to focus on hard examples.

    >>> round(float(binary_focal_crossentropy([[1.0]], [[0.5]])[0]), 5)
    0.17329
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, y_pred._value.dtype)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        y_pred = P.unary(P.sigmoid, y_pred)
    bce = X.binary_xent_from_probs(y_true, y_pred)
    p_t = y_true * y_pred + (1.0 - y_true) * (1.0 - y_pred)
    focal = P.binary(P.power, 1.0 - p_t, float(gamma)) * bce
    if apply_class_balancing:
        focal = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal
    return mean(focal, axis)


def categorical_crossentropy(
    y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1
) -> Tensor:
    """Cross-entropy between one-hot (or soft) labels and predicted class probabilities.

    >>> round(float(categorical_crossentropy([[0.0, 1.0]], [[0.1, 0.9]])[0]), 5)
    0.10536
    """
    _check_axis(axis)
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, y_pred._value.dtype)
    _check_same_shape("categorical_crossentropy", y_true, y_pred)
    if y_pred._value.shape and y_pred._value.shape[-1] == 1:
        warnings.warn(
            "In loss categorical_crossentropy, expected y_pred.shape to be (batch_size, num_classes) with "
            f"num_classes > 1. Received: y_pred.shape={shape_str(y_pred)}. "
            "Consider using 'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=2,
        )
    if label_smoothing:
        n = y_true._value.shape[-1]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / n
    if from_logits:
        return X.softmax_xent_with_logits(y_true, y_pred, axis)
    return X.categorical_xent_from_probs(y_true, y_pred, axis)


def categorical_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Tensor:
    """Categorical cross-entropy scaled by ``alpha * (1 - p)**gamma``.

    >>> round(float(categorical_focal_crossentropy([[0.0, 1.0]], [[0.5, 0.5]])[0]), 5)
    0.04332
    """
    _check_axis(axis)
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, y_pred._value.dtype)
    _check_same_shape("categorical_focal_crossentropy", y_true, y_pred)
    if label_smoothing:
        n = y_true._value.shape[-1]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / n
    if from_logits:
        y_pred = P.unary(P.softmax, y_pred, axis=axis)
    out = y_pred / total(y_pred, axis, keepdims=True)
    eps = epsilon()
    out = clip(out, eps, 1.0 - eps)
    cce = -y_true * P.unary(P.log, out)
    focal = P.binary(P.power, 1.0 - out, float(gamma)) * float(alpha) * cce
    return total(focal, axis)


def _sparse_labels(y_true: Tensor, y_pred: Tensor, axis: int) -> Tensor:
    ts, ps = tuple(y_true._value.shape), tuple(y_pred._value.shape)
    if axis not in (-1, len(ps) - 1):
        raise ValueError(f"sparse_categorical_crossentropy: only axis=-1 is supported. Received: axis={axis}")
    if len(ts) == len(ps) and ts and ts[-1] == 1:
        y_true = P.unary(P.reshape, y_true, shape=ts[:-1])
        ts = ts[:-1]
    if ts != ps[:-1]:
        if ts == ps and ps and ps[-1] > 1:
            raise ValueError(
                f"sparse_categorical_crossentropy: labels have shape {ts}, which looks one-hot, but the loss "
                f"expects integer class indices of shape {ps[:-1]}: use categorical_crossentropy for one-hot "
                "labels, or convert them with np.argmax(y, axis=-1)."
            )
        raise ValueError(
            "sparse_categorical_crossentropy: `y_true` must have the shape of `y_pred` without its last "
            f"dimension. Received: y_true.shape={ts}, y_pred.shape={ps}."
        )
    return as_int_labels(y_true)


def _check_label_range(labels: Tensor, num_classes: int, ignore_class: Any) -> None:
    v = labels._value
    if v.size == 0:
        return
    lo, hi = int(B.min(v, None, False)), int(B.max(v, None, False))
    if lo < 0 or hi >= num_classes:
        bad = hi if hi >= num_classes else lo
        raise ValueError(
            f"sparse_categorical_crossentropy: the labels contain class index {bad}, but y_pred has "
            f"{num_classes} classes (valid indices 0..{num_classes - 1}). Check the number of units of the "
            "last layer against the labels."
        )


def _sparse_cce_with_mask(
    y_true: Any, y_pred: Any, from_logits: bool, ignore_class: Any, axis: int
) -> tuple[Tensor, Tensor | None]:
    y_pred = to_tensor(y_pred)
    labels = _sparse_labels(to_tensor(y_true), y_pred, axis)
    valid = None
    if ignore_class is not None:
        valid = P.binary(P.not_equal, labels, int(ignore_class))
        labels = P.bind(P.where, (valid, labels, P.constant_like(0, labels)), {})
    _check_label_range(labels, y_pred._value.shape[-1], ignore_class)
    if from_logits:
        res = X.sparse_softmax_xent_with_logits(labels, y_pred)
    else:
        res = X.sparse_categorical_xent_from_probs(labels, y_pred)
    if valid is not None:
        res = P.bind(P.where, (valid, res, P.constant_like(0.0, res)), {})
    return res, valid


def sparse_categorical_crossentropy(
    y_true: Any, y_pred: Any, from_logits: bool = False, ignore_class: Any = None, axis: int = -1
) -> Tensor:
    """Cross-entropy between integer class labels and predicted class probabilities.

    >>> round(float(sparse_categorical_crossentropy([1], [[0.1, 0.9]])[0]), 5)
    0.10536
    """
    return _sparse_cce_with_mask(y_true, y_pred, from_logits, ignore_class, axis)[0]


def kl_divergence(y_true: Any, y_pred: Any) -> Tensor:
    """``sum(y_true * log(y_true / y_pred))`` with both clipped to ``[eps, 1]``.

    >>> float(kl_divergence([[0.5, 0.5]], [[0.5, 0.5]])[0])
    0.0
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, y_pred._value.dtype)
    eps = epsilon()
    t = clip(y_true, eps, 1.0)
    p = clip(y_pred, eps, 1.0)
    return total(t * P.unary(P.log, t / p), -1)


def poisson(y_true: Any, y_pred: Any) -> Tensor:
    """Mean of ``y_pred - y_true * log(y_pred + eps)``.

    >>> round(float(poisson([[1.0]], [[1.0]])[0]), 5)
    1.0
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, y_pred._value.dtype)
    return mean(y_pred - y_true * P.unary(P.log, y_pred + epsilon()))


class BinaryCrossentropy(LossFunctionWrapper):
    """Cross-entropy between binary labels and predicted probabilities (or logits).

    >>> round(float(BinaryCrossentropy()([[0.0, 1.0]], [[0.4, 0.6]])), 5)
    0.51083
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: Any = "sum_over_batch_size",
        name: str = "binary_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            binary_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self) -> dict[str, Any]:
        return {
            **Loss.get_config(self),
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Focal binary cross-entropy (Lin et al., 2017).

    >>> round(float(BinaryFocalCrossentropy()([[1.0]], [[0.5]])), 5)
    0.17329
    """

    def __init__(
        self,
        apply_class_balancing: bool = False,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: Any = "sum_over_batch_size",
        name: str = "binary_focal_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            binary_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma

    def get_config(self) -> dict[str, Any]:
        return {
            **Loss.get_config(self),
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
            "apply_class_balancing": self.apply_class_balancing,
            "alpha": self.alpha,
            "gamma": self.gamma,
        }


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy between one-hot labels and predicted class probabilities (or logits).

    >>> round(float(CategoricalCrossentropy()([[0.0, 1.0]], [[0.1, 0.9]])), 5)
    0.10536
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: Any = "sum_over_batch_size",
        name: str = "categorical_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self) -> dict[str, Any]:
        return {
            **Loss.get_config(self),
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Focal categorical cross-entropy.

    >>> round(float(CategoricalFocalCrossentropy()([[0.0, 1.0]], [[0.5, 0.5]])), 5)
    0.04332
    """

    def __init__(
        self,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: Any = "sum_over_batch_size",
        name: str = "categorical_focal_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            categorical_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.alpha = alpha
        self.gamma = gamma

    def get_config(self) -> dict[str, Any]:
        return {
            **Loss.get_config(self),
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
            "alpha": self.alpha,
            "gamma": self.gamma,
        }


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy between integer labels and predicted class probabilities (or logits).

    ``ignore_class`` drops the positions whose label equals it from the loss and its average.

    >>> round(float(SparseCategoricalCrossentropy()([1], [[0.1, 0.9]])), 5)
    0.10536
    """

    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: Any = None,
        reduction: Any = "sum_over_batch_size",
        axis: int = -1,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def _call_with_mask(self, y_true: Any, y_pred: Any) -> tuple[Tensor, Any]:
        return _sparse_cce_with_mask(y_true, y_pred, self.from_logits, self.ignore_class, self.axis)

    def get_config(self) -> dict[str, Any]:
        return {**Loss.get_config(self), "from_logits": self.from_logits, "ignore_class": self.ignore_class}


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence between label and predicted distributions.

    >>> float(KLDivergence()([[0.5, 0.5]], [[0.5, 0.5]]))
    0.0
    """

    def __init__(
        self, reduction: Any = "sum_over_batch_size", name: str = "kl_divergence", dtype: Any = None
    ):
        super().__init__(kl_divergence, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return Loss.get_config(self)


class Poisson(LossFunctionWrapper):
    """Poisson loss: ``mean(y_pred - y_true * log(y_pred))``.

    >>> round(float(Poisson()([[1.0]], [[1.0]])), 5)
    1.0
    """

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "poisson", dtype: Any = None):
        super().__init__(poisson, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return Loss.get_config(self)
