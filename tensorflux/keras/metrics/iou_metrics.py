"""Intersection-over-union metrics: ``IoU`` for chosen classes and ``MeanIoU`` over all classes."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import dtypes as _dt
from tensorflux.framework import primitives as P
from tensorflux.framework.config import epsilon
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.losses._util import to_tensor
from tensorflux.keras.metrics.metric import Metric


class IoU(Metric):
    """Mean over ``target_class_ids`` of ``TP / (TP + FP + FN)`` from a running confusion matrix.

    >>> m = IoU(num_classes=2, target_class_ids=[0])
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    >>> round(float(m.result()), 4)
    0.3333
    """

    def __init__(
        self,
        num_classes: int,
        target_class_ids: Any,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ) -> None:
        super().__init__(name=name, dtype=dtype or "float32")
        self._direction = "up"
        self.num_classes = int(num_classes)
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        ids = list(target_class_ids)
        if max(ids) >= num_classes:
            raise ValueError(f"Target class id {max(ids)} is out of range, which is [0, {num_classes}).")
        self.target_class_ids = ids
        self.total_cm = self.add_variable((num_classes, num_classes), "zeros", name="total_confusion_matrix")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        i64 = B.native_dtype("int64")
        yt, yp = to_tensor(y_true), to_tensor(y_pred)
        if not self.sparse_y_true:
            yt = P.unary(P.argmax, yt, axis=self.axis, dtype=i64)
        if not self.sparse_y_pred:
            yp = P.unary(P.argmax, yp, axis=self.axis, dtype=i64)
        t = B.cast(yt._value, i64).reshape(-1)
        p = B.cast(yp._value, i64).reshape(-1)
        native = _dt.as_dtype(self.dtype)._native
        w = (
            B.ones(t.shape, native)
            if sample_weight is None
            else B.broadcast_to(B.cast(to_tensor(sample_weight)._value, native).reshape(-1), t.shape)
        )
        n = self.num_classes
        ok = (t >= 0) & (t < n) & (p >= 0) & (p < n)
        if self.ignore_class is not None:
            ok = ok & (t != self.ignore_class)
        cm = B.scatter_nd(B.stack([t[ok], p[ok]], -1), w[ok], (n, n))
        self.total_cm.assign_add(Tensor(cm))

    def result(self) -> Tensor:
        cm = self.total_cm.value()
        rows = P.unary(P.reduce_sum, cm, axis=0, keepdims=False)
        cols = P.unary(P.reduce_sum, cm, axis=1, keepdims=False)
        tp = P.unary(P.matrix_diag_part, cm)
        denom = rows + cols - tp
        ids = Tensor(B.asarray(self.target_class_ids, B.native_dtype("int64")))
        tp = P.bind(P.gather, (tp, ids), {"axis": 0})
        denom = P.bind(P.gather, (denom, ids), {"axis": 0})
        valid = P.binary(P.greater, denom, 1e-9)
        n_valid = P.unary(
            P.reduce_sum, P.unary(P.cast, valid, dtype=denom._value.dtype), axis=None, keepdims=False
        )
        iou = P.bind(P.where, (valid, tp / (denom + epsilon()), P.constant_like(0.0, denom)), {})
        return P.unary(P.reduce_sum, iou, axis=None, keepdims=False) / (n_valid + epsilon())

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class MeanIoU(IoU):
    """IoU averaged over every class.

    >>> m = MeanIoU(num_classes=2)
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    >>> round(float(m.result()), 4)
    0.3333
    """

    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes,
            list(range(num_classes)),
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["target_class_ids"]
        return config
