"""``R2Score``: coefficient of determination, streamed through per-output running sums."""

from __future__ import annotations

import warnings
from typing import Any

from tensorflux.framework import dtypes as _dt
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.losses._util import to_tensor, total
from tensorflux.keras.losses.loss import squeeze_or_expand_to_same_rank
from tensorflux.keras.metrics.metric import Metric

_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


class R2Score(Metric):
    """``1 - SS_res / SS_tot`` per output column, aggregated by ``class_aggregation``.

    Args:
        class_aggregation: ``"uniform_average"`` (default), ``"variance_weighted_average"`` or ``None``
            (one score per output).
        num_regressors: Number of independent regressors for the adjusted R2 (0 gives plain R2).
        name: Metric name.
        dtype: Dtype of the state.

    >>> m = R2Score()
    >>> m.update_state([[1.0], [2.0], [3.0]], [[1.0], [2.0], [4.0]])
    >>> round(float(m.result()), 4)
    0.5
    """

    def __init__(
        self,
        class_aggregation: str | None = "uniform_average",
        num_regressors: int = 0,
        name: str = "r2_score",
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if class_aggregation not in _AGGREGATIONS:
            raise ValueError(
                f"R2Score: invalid value for argument `class_aggregation`. Expected one of {_AGGREGATIONS}. "
                f"Received: class_aggregation={class_aggregation!r}"
            )
        if num_regressors < 0:
            raise ValueError(
                "R2Score: invalid value for argument `num_regressors`. Expected a value >= 0. "
                f"Received: num_regressors={num_regressors}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable((), "zeros", name="num_samples")
        self._built = False

    def _build(self, t_shape: tuple, p_shape: tuple) -> None:
        if len(t_shape) != 2 or len(p_shape) != 2:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim). Received input shapes: "
                f"y_pred.shape={p_shape} and y_true.shape={t_shape}."
            )
        n = int(p_shape[-1])
        self.squared_sum = self.add_variable((n,), "zeros", name="squared_sum")
        self.sum = self.add_variable((n,), "zeros", name="sum")
        self.total_mse = self.add_variable((n,), "zeros", name="residual")
        self.count = self.add_variable((n,), "zeros", name="count")
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        native = _dt.as_dtype(self.dtype)._native
        y_true, y_pred = squeeze_or_expand_to_same_rank(to_tensor(y_true, native), to_tensor(y_pred, native))
        shape = tuple(y_true._value.shape)
        if not self._built:
            self._build(shape, tuple(y_pred._value.shape))
        sw = to_tensor(1.0 if sample_weight is None else sample_weight, native)
        if sw._value.ndim == 1:
            sw = P.unary(P.reshape, sw, shape=sw._value.shape + (1,))
        sw = P.unary(P.broadcast_to, sw, shape=shape)
        wt = y_true * sw
        d = y_true - y_pred
        self.sum.assign_add(total(wt, 0))
        self.squared_sum.assign_add(total(y_true * wt, 0))
        self.total_mse.assign_add(total(d * d * sw, 0))
        self.count.assign_add(total(sw, 0))
        self.num_samples.assign_add(float(y_true._value.size))

    def result(self) -> Tensor:
        s = self.sum.value()
        mean = s / self.count.value()
        tot = self.squared_sum.value() - s * mean
        raw = 1.0 - self.total_mse.value() / tot
        raw = P.bind(P.where, (P.unary(P.isinf, raw), P.constant_like(0.0, raw), raw), {})
        if self.class_aggregation == "uniform_average":
            r2 = P.unary(P.reduce_mean, raw, axis=None, keepdims=False)
        elif self.class_aggregation == "variance_weighted_average":
            r2 = total(tot * raw, None) / total(tot, None)
        else:
            r2 = raw
        if self.num_regressors != 0:
            n = float(self.num_samples._value)
            p = float(self.num_regressors)
            if p > n - 1:
                warnings.warn(
                    "More independent predictors than datapoints in adjusted R2 score. "
                    "Falling back to standard R2 score.",
                    stacklevel=2,
                )
            elif p == n - 1:
                warnings.warn(
                    "Division by zero in Adjusted R2 score. Falling back to standard R2 score.", stacklevel=2
                )
            else:
                r2 = 1.0 - (1.0 - r2) * ((n - 1.0) / (n - p - 1.0))
        return r2

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
