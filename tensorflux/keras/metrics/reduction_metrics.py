"""Reduction metrics: ``Sum``, ``Mean`` and ``MeanMetricWrapper`` (a per-sample function averaged)."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import dtypes as _dt
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.losses._util import to_tensor
from tensorflux.keras.losses.loss import squeeze_or_expand_to_same_rank
from tensorflux.keras.metrics.metric import Metric


def reduce_to_samplewise_values(
    values: Any, sample_weight: Any, reduce: Any, dtype: Any
) -> tuple[Tensor, Any]:
    """Weight ``values`` and reduce every axis but the first (Keras' ``reduce_to_samplewise_values``)."""
    native = _dt.as_dtype(dtype)._native
    values = to_tensor(values, native)
    if sample_weight is not None:
        sw = to_tensor(sample_weight, native)
        values, sw = squeeze_or_expand_to_same_rank(values, sw)
        wnd, vnd = sw._value.ndim, values._value.ndim
        if vnd > wnd:
            values = P.unary(reduce, values, axis=tuple(range(wnd, vnd)), keepdims=False)
        if sw._value.shape != values._value.shape:
            sw = P.unary(P.broadcast_to, sw, shape=values._value.shape)
        values = values * sw
        if wnd > 1:
            sw = P.unary(reduce, sw, axis=tuple(range(1, wnd)), keepdims=False)
        sample_weight = sw
    if values._value.ndim > 1:
        values = P.unary(reduce, values, axis=tuple(range(1, values._value.ndim)), keepdims=False)
    return values, sample_weight


def _total(x: Tensor) -> Tensor:
    return P.unary(P.reduce_sum, x, axis=None, keepdims=False) if x._value.ndim else x


class Sum(Metric):
    """Running (weighted) sum of the values given.

    >>> m = Sum()
    >>> m.update_state([1.0, 3.0, 5.0, 7.0])
    >>> float(m.result())
    16.0
    """

    def __init__(self, name: str = "sum", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", name="total")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        values, _ = reduce_to_samplewise_values(values, sample_weight, P.reduce_sum, self.dtype)
        self.total.assign_add(_total(values))

    def reset_state(self) -> None:
        self.total.assign(0.0)

    def result(self) -> Tensor:
        return self.total.value()


class Mean(Metric):
    """Running (weighted) mean of the values given.

    >>> m = Mean()
    >>> m.update_state([1.0, 3.0, 5.0, 7.0])
    >>> float(m.result())
    4.0
    """

    def __init__(self, name: str = "mean", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", name="total")
        self.count = self.add_variable((), "zeros", name="count")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        if isinstance(values, Tensor) and values._value.ndim == 0 and isinstance(sample_weight, (int, float)):
            # the loss tracker's case: one scalar per batch, weighted by the batch size
            if values._value.dtype != self.total._value.dtype:
                values = P.unary(P.cast, values, dtype=self.total._value.dtype)
            self.total.assign_add(values * float(sample_weight))
            self.count.assign_add(float(sample_weight))
            return
        values, sample_weight = reduce_to_samplewise_values(values, sample_weight, P.reduce_mean, self.dtype)
        self.total.assign_add(_total(values))
        if sample_weight is not None:
            n: Any = _total(sample_weight)
        elif values._value.ndim >= 1:
            n = float(values._value.shape[0])
        else:
            n = 1.0
        self.count.assign_add(n)

    def reset_state(self) -> None:
        self.total.assign(0.0)
        self.count.assign(0.0)

    def result(self) -> Tensor:
        t = self.total.value()
        if not self.count._value:  # divide_no_nan: nothing seen yet gives 0
            return P.constant_like(0.0, t)
        return P.binary(P.divide, t, self.count.value())


class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred, **kwargs)`` over all samples seen.

    >>> from tensorflux.keras.losses import mean_absolute_error
    >>> m = MeanMetricWrapper(mean_absolute_error, name="mae")
    >>> m.update_state([[1.0], [2.0]], [[2.0], [2.0]])
    >>> float(m.result())
    0.5
    """

    def __init__(self, fn: Any, name: str | None = None, dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(name=name or getattr(fn, "__name__", "mean_metric_wrapper"), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        from tensorflux.keras import losses

        if fn in losses.ALL_OBJECTS or type(fn) in losses.ALL_OBJECTS:
            self._direction = "down"

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "fn": getattr(self._fn, "__name__", repr(self._fn)),
            **self._fn_kwargs,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> MeanMetricWrapper:
        config = dict(config)
        fn = config.pop("fn", None)
        if fn is None:  # subclasses (CategoricalAccuracy, ...) fix their function themselves
            return cls(**config)
        if isinstance(fn, str):
            from tensorflux.keras import metrics

            fn = metrics.get(fn)
        return cls(fn, **config)
