"""Confusion-matrix metrics: true/false positive/negative counts, Precision, Recall and AUC."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import primitives as P
from tensorflux.framework.config import epsilon
from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.keras.losses._util import to_tensor
from tensorflux.keras.losses.loss import squeeze_or_expand_to_same_rank
from tensorflux.keras.metrics.metric import Metric

NEG_INF = -1e10
_KINDS = ("tp", "fp", "tn", "fn")


def _thresholds(thresholds: Any, default: float) -> list[float]:
    if thresholds is None:
        return [default]
    values = list(thresholds) if isinstance(thresholds, (list, tuple)) else [thresholds]
    bad = [t for t in values if t is None or not 0.0 <= float(t) <= 1.0]
    if bad:
        raise ValueError(f"Threshold values must be in [0, 1]. Received: {bad}")
    return [float(t) for t in values]


def _cast(x: Tensor, dtype: Any) -> Tensor:
    return x if x._value.dtype == dtype else P.unary(P.cast, x, dtype=dtype)


def _filter_top_k(x: Tensor, k: int) -> Tensor:
    """Keep the ``k`` largest entries of each row, push the others to ``NEG_INF``."""
    v = x._value
    order = B.argsort(v, -1, True)[..., :k]
    keep = B.put_along_axis_add(v.shape, order, B.ones(order.shape, v.dtype), -1)
    return Tensor(v * keep + NEG_INF * (1 - keep))


def update_confusion_matrix_variables(
    variables_to_update: dict[str, Any],
    y_true: Any,
    y_pred: Any,
    thresholds: Any,
    top_k: int | None = None,
    class_id: int | None = None,
    sample_weight: Any = None,
    multi_label: bool = False,
    label_weights: Any = None,
) -> None:
    """Add this batch's counts to the ``"tp"``, ``"fp"``, ``"tn"``, ``"fn"`` variables given.

    A prediction counts as positive at threshold ``t`` when it is greater than ``t``.
    """
    if multi_label and label_weights is not None:
        raise ValueError("`label_weights` for multilabel data should be handled outside of this function.")
    unknown = [k for k in variables_to_update if k not in _KINDS]
    if unknown:
        raise ValueError(f"Invalid keys: {unknown}. Valid keys are {list(_KINDS)}.")
    dtype = next(iter(variables_to_update.values()))._value.dtype
    y_true = _cast(to_tensor(y_true), dtype)
    y_pred = _cast(to_tensor(y_pred), dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sw = _cast(to_tensor(sample_weight), dtype)
        sw = P.unary(P.reshape, sw, shape=sw._value.shape + (1,))
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sw, expand_rank_1=False)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred._value.ndim == 1:
            raise ValueError(
                "When class_id is provided, y_pred must be a 2D array with shape (num_samples, num_classes), "
                f"found shape: {tuple(y_pred._value.shape)}"
            )
        y_true = y_true[..., class_id : class_id + 1]
        y_pred = y_pred[..., class_id : class_id + 1]

    thr = convert_to_tensor(B.asarray(thresholds, dtype))
    n_thr = thr._value.shape[0]
    if multi_label:
        preds = P.unary(P.reshape, y_pred, shape=(1,) + y_pred._value.shape)
        labels = P.unary(P.reshape, y_true, shape=(1,) + y_true._value.shape)
        thr = P.unary(P.reshape, thr, shape=(n_thr, 1, 1))
    else:
        preds = P.unary(P.reshape, y_pred, shape=(1, -1))
        labels = P.unary(P.reshape, y_true, shape=(1, -1))
        thr = P.unary(P.reshape, thr, shape=(n_thr, 1))
    pred_pos = P.binary(P.greater, preds, thr)
    label_pos = P.binary(P.not_equal, labels, 0.0)
    weights = None
    if sample_weight is not None:
        weights = P.unary(P.broadcast_to, sample_weight, shape=y_pred._value.shape)
    if label_weights is not None and not multi_label:
        lw = P.unary(P.broadcast_to, _cast(to_tensor(label_weights), dtype), shape=y_pred._value.shape)
        weights = lw if weights is None else weights * lw
    if weights is not None:
        weights = P.unary(P.reshape, weights, shape=preds._value.shape)

    conditions = {
        "tp": lambda: (label_pos, pred_pos),
        "fn": lambda: (label_pos, P.unary(P.logical_not, pred_pos)),
        "fp": lambda: (P.unary(P.logical_not, label_pos), pred_pos),
        "tn": lambda: (P.unary(P.logical_not, label_pos), P.unary(P.logical_not, pred_pos)),
    }
    for kind, var in variables_to_update.items():
        label, pred = conditions[kind]()
        both = _cast(P.binary(P.logical_and, label, pred), dtype)
        if weights is not None:
            both = both * weights
        var.assign_add(P.unary(P.reduce_sum, both, axis=1, keepdims=False))


class _ConfusionCount(Metric):
    _kind = "tp"

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = _thresholds(thresholds, 0.5)
        self.accumulator = self.add_variable((len(self.thresholds),), "zeros", name="accumulator")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        update_confusion_matrix_variables(
            {self._kind: self.accumulator}, y_true, y_pred, self.thresholds, sample_weight=sample_weight
        )

    def result(self) -> Tensor:
        v = self.accumulator.value()
        return v[0] if len(self.thresholds) == 1 else v

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionCount):
    """Weighted count of true positives.

    >>> m = TruePositives()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> float(m.result())
    2.0
    """

    _kind = "tp"


class FalsePositives(_ConfusionCount):
    """Weighted count of false positives.

    >>> m = FalsePositives()
    >>> m.update_state([0, 1, 0, 0], [0, 0, 1, 1])
    >>> float(m.result())
    2.0
    """

    _kind = "fp"


class TrueNegatives(_ConfusionCount):
    """Weighted count of true negatives.

    >>> m = TrueNegatives()
    >>> m.update_state([0, 1, 0, 0], [1, 1, 0, 0])
    >>> float(m.result())
    2.0
    """

    _kind = "tn"


class FalseNegatives(_ConfusionCount):
    """Weighted count of false negatives.

    >>> m = FalseNegatives()
    >>> m.update_state([0, 1, 1, 1], [0, 1, 0, 0])
    >>> float(m.result())
    2.0
    """

    _kind = "fn"


def _divide_no_nan(a: Tensor, b: Tensor) -> Tensor:
    zero = P.binary(P.equal, b, 0.0)
    safe = P.bind(P.where, (zero, P.constant_like(1.0, b), b), {})
    return P.bind(P.where, (zero, P.constant_like(0.0, a), a / safe), {})


class _PrecisionRecall(Metric):
    _other = "fp"
    _other_name = "false_positives"

    def __init__(
        self,
        thresholds: Any = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        self.thresholds = _thresholds(thresholds, 0.5 if top_k is None else NEG_INF)
        n = len(self.thresholds)
        self.true_positives = self.add_variable((n,), "zeros", name="true_positives")
        self._other_var = self.add_variable((n,), "zeros", name=self._other_name)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        update_confusion_matrix_variables(
            {"tp": self.true_positives, self._other: self._other_var},
            y_true,
            y_pred,
            self.thresholds,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def result(self) -> Tensor:
        tp = self.true_positives.value()
        r = _divide_no_nan(tp, tp + self._other_var.value())
        return r[0] if len(self.thresholds) == 1 else r

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_PrecisionRecall):
    """``true_positives / (true_positives + false_positives)``.

    >>> m = Precision()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> round(float(m.result()), 4)
    0.6667
    """

    _other = "fp"
    _other_name = "false_positives"

    @property
    def false_positives(self) -> Any:
        return self._other_var


class Recall(_PrecisionRecall):
    """``true_positives / (true_positives + false_negatives)``.

    >>> m = Recall()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> round(float(m.result()), 4)
    0.6667
    """

    _other = "fn"
    _other_name = "false_negatives"

    @property
    def false_negatives(self) -> Any:
        return self._other_var


class AUC(Metric):
    """Area under the ROC or PR curve, by a Riemann sum over ``num_thresholds`` thresholds.

    >>> m = AUC(num_thresholds=3)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    >>> round(float(m.result()), 4)
    0.75
    """

    def __init__(
        self,
        num_thresholds: int = 200,
        curve: str = "ROC",
        summation_method: str = "interpolation",
        name: str | None = None,
        dtype: Any = None,
        thresholds: Any = None,
        multi_label: bool = False,
        num_labels: int | None = None,
        label_weights: Any = None,
        from_logits: bool = False,
    ) -> None:
        self._direction = "up"
        curve_name = str(getattr(curve, "value", curve)).upper()
        if curve_name not in ("ROC", "PR", "PRGAIN"):
            raise ValueError(
                f'Invalid AUC curve value: "{curve}". Expected values are ["PR", "ROC", "PRGAIN"]'
            )
        method = str(getattr(summation_method, "value", summation_method)).lower()
        if method not in ("interpolation", "majoring", "minoring"):
            raise ValueError(
                f'Invalid AUC summation method value: "{summation_method}". '
                'Expected values are ["interpolation", "majoring", "minoring"]'
            )
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            inner = sorted(float(t) for t in thresholds)
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    "Argument `num_thresholds` must be an integer > 1. Received: "
                    f"num_thresholds={num_thresholds}"
                )
            self.num_thresholds = int(num_thresholds)
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        self._thresholds = [0.0 - epsilon()] + inner + [1.0 + epsilon()]
        self.curve = curve_name
        self.summation_method = method
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = (
            None if label_weights is None else convert_to_tensor(B.asarray(label_weights, "float32"))
        )
        self._from_logits = from_logits
        self._built = False
        if multi_label:
            if num_labels:
                self._build((None, num_labels))
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def thresholds(self) -> list[float]:
        return list(self._thresholds)

    def _build(self, shape: Any) -> None:
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    f"`y_pred` must have rank 2 when `multi_label=True`. Found rank {len(shape)}."
                )
            self._num_labels = shape[1]
            vshape: tuple[int, ...] = (self.num_thresholds, self._num_labels)
        else:
            vshape = (self.num_thresholds,)
        self.true_positives = self.add_variable(vshape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(vshape, "zeros", name="false_positives")
        self.true_negatives = self.add_variable(vshape, "zeros", name="true_negatives")
        self.false_negatives = self.add_variable(vshape, "zeros", name="false_negatives")
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_pred = to_tensor(y_pred)
        if not self._built:
            self._build(tuple(y_pred._value.shape))
        if self._from_logits:
            y_pred = P.unary(P.sigmoid, y_pred)
        update_confusion_matrix_variables(
            {
                "tp": self.true_positives,
                "tn": self.true_negatives,
                "fp": self.false_positives,
                "fn": self.false_negatives,
            },
            y_true,
            y_pred,
            self._thresholds,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
        )

    def _by_label(self, terms: Tensor) -> Tensor:
        if not self.multi_label:
            return P.unary(P.reduce_sum, terms, axis=None, keepdims=False)
        by_label = P.unary(P.reduce_sum, terms, axis=0, keepdims=False)
        if self.label_weights is None:
            return P.unary(P.reduce_mean, by_label, axis=None, keepdims=False)
        lw = self.label_weights
        return _divide_no_nan(
            P.unary(P.reduce_sum, by_label * lw, axis=None, keepdims=False),
            P.unary(P.reduce_sum, lw, axis=None, keepdims=False),
        )

    def _interpolate_pr_auc(self) -> Tensor:
        n = self.num_thresholds
        tp, fp, fn = self.true_positives.value(), self.false_positives.value(), self.false_negatives.value()
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        slope = _divide_no_nan(dtp, P.binary(P.maximum, dp, 0.0))
        intercept = tp[1:] - slope * p[1:]
        both = P.binary(P.logical_and, P.binary(P.greater, p[: n - 1], 0.0), P.binary(P.greater, p[1:], 0.0))
        ratio = P.bind(
            P.where,
            (both, _divide_no_nan(p[: n - 1], P.binary(P.maximum, p[1:], 0.0)), P.constant_like(1.0, p[1:])),
            {},
        )
        inc = _divide_no_nan(
            slope * (dtp + intercept * P.unary(P.log, ratio)), P.binary(P.maximum, tp[1:] + fn[1:], 0.0)
        )
        return self._by_label(inc)

    def result(self) -> Tensor:
        n = self.num_thresholds
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc()
        tp, fp = self.true_positives.value(), self.false_positives.value()
        tn, fn = self.true_negatives.value(), self.false_negatives.value()
        recall = _divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, _divide_no_nan(tp, tp + fp)
        else:
            scale = _divide_no_nan(tp + fn, tn + fp)
            tp_zero = P.binary(P.equal, tp, 0.0)
            rg = 1.0 - scale * _divide_no_nan(fn, tp)
            pg = 1.0 - scale * _divide_no_nan(fp, tp)
            x = P.binary(P.maximum, P.bind(P.where, (tp_zero, P.constant_like(0.0, rg), rg), {}), 0.0)
            y = P.bind(P.where, (tp_zero, P.constant_like(1.0, pg), pg), {})
        if self.summation_method == "interpolation":
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = P.binary(P.minimum, y[: n - 1], y[1:])
        else:
            heights = P.binary(P.maximum, y[: n - 1], y[1:])
        return self._by_label((x[: n - 1] - x[1:]) * heights)

    def reset_state(self) -> None:
        if self._built:
            super().reset_state()

    def get_config(self) -> dict[str, Any]:
        lw = None if self.label_weights is None else self.label_weights.numpy().tolist()
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": lw,
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
