"""F-scores: ``FBetaScore`` and ``F1Score`` over classes (per class, micro, macro or weighted)."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import dtypes as _dt
from tensorflux.framework import primitives as P
from tensorflux.framework.config import epsilon
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.losses._util import to_tensor
from tensorflux.keras.metrics.metric import Metric


class FBetaScore(Metric):
    """Weighted harmonic mean of precision and recall, ``(1 + b^2) P R / (b^2 P + R)``.

    Args:
        average: ``None`` (one score per class), ``"micro"``, ``"macro"`` or ``"weighted"``.
        beta: Weight of recall relative to precision (a float > 0).
        threshold: Predictions above it count as positive; ``None`` takes each row's maximum.

    >>> m = FBetaScore(beta=2.0, threshold=0.5)
    >>> m.update_state([[1, 1, 1], [1, 0, 0], [1, 1, 0]], [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]])
    >>> [round(v, 4) for v in m.result().numpy().tolist()]
    [0.3846, 0.9091, 0.8333]
    """

    def __init__(
        self,
        average: str | None = None,
        beta: float = 1.0,
        threshold: float | None = None,
        name: str = "fbeta_score",
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(
                "Invalid `average` argument value. Expected one of: {None, 'micro', 'macro', 'weighted'}. "
                f"Received: average={average}"
            )
        if not isinstance(beta, float):
            raise ValueError(
                f"Invalid `beta` argument value. It should be a Python float. Received: beta={beta!r}"
            )
        if beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}")
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(
                    "Invalid `threshold` argument value. It should be a Python float. Received: "
                    f"threshold={threshold!r}"
                )
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError(
                    "Invalid `threshold` argument value. It should verify 0 < threshold <= 1. Received: "
                    f"threshold={threshold}"
                )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, true_shape: tuple[int, ...], pred_shape: tuple[int, ...]) -> None:
        if len(pred_shape) != 2 or len(true_shape) != 2:
            raise ValueError(
                "FBetaScore expects 2D inputs with shape (batch_size, output_dim). Received input shapes: "
                f"y_pred.shape={pred_shape} and y_true.shape={true_shape}."
            )
        shape: tuple[int, ...] = (pred_shape[-1],) if self.average != "micro" else ()
        self.true_positives = self.add_variable(shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(shape, "zeros", name="false_positives")
        self.false_negatives = self.add_variable(shape, "zeros", name="false_negatives")
        self.intermediate_weights = self.add_variable(shape, "zeros", name="intermediate_weights")
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        native = _dt.as_dtype(self.dtype)._native
        y_true = to_tensor(y_true, native)
        y_pred = to_tensor(y_pred, native)
        if not self._built:
            self._build(tuple(y_true._value.shape), tuple(y_pred._value.shape))
        if self.threshold is None:
            top = P.unary(P.reduce_max, y_pred, axis=-1, keepdims=True)
            hit = P.binary(
                P.logical_and,
                P.binary(P.greater_equal, y_pred, top),
                P.binary(P.greater, P.unary(P.abs, y_pred), 1e-9),
            )
        else:
            hit = P.binary(P.greater, y_pred, self.threshold)
        pred = P.unary(P.cast, hit, dtype=native)
        sw = None if sample_weight is None else to_tensor(sample_weight, native)

        def weighted_sum(v: Tensor) -> Tensor:
            if sw is not None:
                v = v * P.unary(P.reshape, sw, shape=sw._value.shape + (1,))
            return P.unary(P.reduce_sum, v, axis=self.axis, keepdims=False)

        self.true_positives.assign_add(weighted_sum(pred * y_true))
        self.false_positives.assign_add(weighted_sum(pred * (1.0 - y_true)))
        self.false_negatives.assign_add(weighted_sum((1.0 - pred) * y_true))
        self.intermediate_weights.assign_add(weighted_sum(y_true))

    def result(self) -> Tensor:
        eps = epsilon()
        tp = self.true_positives.value()
        precision = tp / (tp + self.false_positives.value() + eps)
        recall = tp / (tp + self.false_negatives.value() + eps)
        b2 = self.beta**2
        f = (precision * recall) / (precision * b2 + recall + eps) * (1.0 + b2)
        if self.average == "weighted":
            w = self.intermediate_weights.value()
            weights = w / (P.unary(P.reduce_sum, w, axis=None, keepdims=False) + eps)
            return P.unary(P.reduce_sum, f * weights, axis=None, keepdims=False)
        if self.average is not None:
            return P.unary(P.reduce_mean, f, axis=None, keepdims=False)
        return f

    def reset_state(self) -> None:
        if self._built:
            super().reset_state()

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "average": self.average,
            "beta": self.beta,
            "threshold": self.threshold,
        }


class F1Score(FBetaScore):
    """Harmonic mean of precision and recall (``FBetaScore`` with ``beta=1``).

    >>> m = F1Score(threshold=0.5)
    >>> m.update_state([[1, 1, 1], [1, 0, 0], [1, 1, 0]], [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]])
    >>> [round(v, 4) for v in m.result().numpy().tolist()]
    [0.5, 0.8, 0.6667]
    """

    def __init__(
        self,
        average: str | None = None,
        threshold: float | None = None,
        name: str = "f1_score",
        dtype: Any = None,
    ) -> None:
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["beta"]
        return config
