"""Accuracy metrics: exact, binary, categorical, sparse categorical and top-k."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import primitives as P
from tensorflux.framework.config import floatx
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.losses._util import to_tensor
from tensorflux.keras.losses.loss import squeeze_or_expand_to_same_rank
from tensorflux.keras.metrics.reduction_metrics import MeanMetricWrapper


def _f(x: Tensor) -> Tensor:
    return P.unary(P.cast, x, dtype=B.native_dtype(floatx()))


def _argmax(x: Tensor, dtype: Any) -> Tensor:
    return P.unary(P.argmax, x, axis=-1, dtype=dtype)


def accuracy(y_true: Any, y_pred: Any) -> Tensor:
    """1.0 where ``y_true == y_pred`` exactly, else 0.0.

    >>> accuracy([[1.0], [2.0]], [[1.0], [3.0]]).numpy().ravel().tolist()
    [1.0, 0.0]
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, y_pred._value.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return _f(P.binary(P.equal, y_true, y_pred))


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> Tensor:
    """1.0 where ``(y_pred > threshold) == y_true``.

    >>> binary_accuracy([[1.0], [0.0]], [[0.7], [0.6]]).numpy().ravel().tolist()
    [1.0, 0.0]
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    hit = P.unary(P.cast, P.binary(P.greater, y_pred, float(threshold)), dtype=y_true._value.dtype)
    return _f(P.binary(P.equal, y_true, hit))


def categorical_accuracy(y_true: Any, y_pred: Any) -> Tensor:
    """1.0 where the argmax of the one-hot label equals the argmax of the prediction.

    >>> categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]).numpy().tolist()
    [0.0, 1.0]
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true)
    i64 = B.native_dtype("int64")
    return _f(P.binary(P.equal, _argmax(y_true, i64), _argmax(y_pred, i64)))


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> Tensor:
    """1.0 where the integer label equals the argmax of the prediction.

    >>> sparse_categorical_accuracy([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]).numpy().tolist()
    [0.0, 1.0]
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, y_pred._value.dtype)
    ts = y_true._value.shape
    if len(ts) == y_pred._value.ndim and ts and ts[-1] == 1:
        y_true = P.unary(P.reshape, y_true, shape=ts[:-1])
    pred = P.unary(P.cast, _argmax(y_pred, B.native_dtype("int64")), dtype=y_true._value.dtype)
    matches = _f(P.binary(P.equal, y_true, pred))
    if matches._value.ndim > 1 and matches._value.shape[-1] == 1:
        matches = P.unary(P.reshape, matches, shape=matches._value.shape[:-1])
    return matches


def _in_top_k(targets: Any, predictions: Tensor, k: int) -> Tensor:
    """True where the target's score is among the ``k`` largest of its row (ties count as in)."""
    p = predictions._value
    t = B.cast(targets._value if isinstance(targets, Tensor) else B.asarray(targets), B.native_dtype("int64"))
    picked = B.take_along_axis(p, t.reshape(-1, 1), -1)
    return Tensor((p > picked).sum(-1) < k)


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> Tensor:
    """1.0 where the one-hot label's class is among the ``k`` highest predictions.

    >>> y_pred = [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]
    >>> top_k_categorical_accuracy([[0, 0, 1], [0, 1, 0]], y_pred, k=1).numpy().tolist()
    [0.0, 1.0]
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true)
    labels = _argmax(y_true, B.native_dtype("int64"))
    shape = labels._value.shape
    p = P.unary(P.reshape, y_pred, shape=(-1, y_pred._value.shape[-1]))
    m = _f(_in_top_k(P.unary(P.reshape, labels, shape=(-1,)), p, k))
    return P.unary(P.reshape, m, shape=shape)


def sparse_top_k_categorical_accuracy(
    y_true: Any, y_pred: Any, k: int = 5, from_sorted_ids: bool = False
) -> Tensor:
    """1.0 where the integer label is among the ``k`` highest predictions.

    >>> sparse_top_k_categorical_accuracy([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], k=2).numpy().tolist()
    [1.0, 1.0]
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true)
    shape = y_true._value.shape
    if from_sorted_ids:
        ids = y_pred._value[..., :k]
        hit = (ids == B.reshape(y_true._value, shape + (1,)).astype(ids.dtype)).any(-1)
        return _f(Tensor(hit))
    if len(shape) == y_pred._value.ndim and shape and shape[-1] == 1:
        shape = shape[:-1]
    p = P.unary(P.reshape, y_pred, shape=(-1, y_pred._value.shape[-1]))
    m = _f(_in_top_k(P.unary(P.reshape, y_true, shape=(-1,)), p, k))
    return P.unary(P.reshape, m, shape=shape)


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels.

    >>> m = Accuracy()
    >>> m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    >>> float(m.result())
    0.75
    """

    def __init__(self, name: str = "accuracy", dtype: Any = None) -> None:
        super().__init__(accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """How often thresholded predictions match binary labels.

    >>> m = BinaryAccuracy()
    >>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    >>> float(m.result())
    0.75
    """

    def __init__(self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5) -> None:
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold
        self._direction = "up"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class matches the one-hot label.

    >>> m = CategoricalAccuracy()
    >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    >>> float(m.result())
    0.5
    """

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class matches the integer label.

    >>> m = SparseCategoricalAccuracy()
    >>> m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    >>> float(m.result())
    0.5
    """

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label is in the top ``k`` predictions.

    >>> m = TopKCategoricalAccuracy(k=1)
    >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    >>> float(m.result())
    0.5
    """

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k
        self._direction = "up"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is in the top ``k`` predictions.

    >>> m = SparseTopKCategoricalAccuracy(k=1)
    >>> m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    >>> float(m.result())
    0.5
    """

    def __init__(
        self,
        k: int = 5,
        name: str = "sparse_top_k_categorical_accuracy",
        dtype: Any = None,
        from_sorted_ids: bool = False,
    ) -> None:
        super().__init__(
            sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k, from_sorted_ids=from_sorted_ids
        )
        self.k = k
        self.from_sorted_ids = from_sorted_ids
        self._direction = "up"

    def get_config(self) -> dict[str, Any]:
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
