"""``Loss``: the base class of every loss, and the reductions and sample weighting it applies.

Keras 3 semantics: a loss computes one value per sample (``call``), multiplies by the sample
weights, and reduces with ``"sum_over_batch_size"`` (sum divided by the number of values, also
called ``"mean"``), ``"sum"``, ``"mean_with_sample_weight"`` or ``"none"``.
"""

from __future__ import annotations

import re
from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.config import floatx
from tensorflux.framework.tensor import Tensor, convert_to_tensor

_REDUCTIONS = ("sum_over_batch_size", "sum", None, "none", "mean", "mean_with_sample_weight")
_names: dict[str, int] = {}


def to_snake_case(name: str) -> str:
    """Keras' class-name conversion: ``MeanSquaredError`` -> ``mean_squared_error``, ``AUC`` -> ``auc``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _auto_name(class_name: str) -> str:
    """A unique default name: the snake-case class name, then ``_1``, ``_2`` for later instances."""
    base = to_snake_case(class_name)
    n = _names.get(base, 0)
    _names[base] = n + 1
    return base if n == 0 else f"{base}_{n}"


def standardize_reduction(reduction: Any) -> Any:
    if reduction not in _REDUCTIONS:
        raise ValueError(
            f"Invalid value for argument `reduction`. Expected one of {_REDUCTIONS}. Received: "
            f"reduction={reduction!r}"
        )
    return reduction


def _as_float(x: Any, dtype: Any) -> Tensor:
    """``x`` as a tensor of ``dtype`` (no copy when it already is one)."""
    if isinstance(x, Tensor):
        if x._value.dtype == dtype:
            return x
        return P.unary(P.cast, x, dtype=dtype)
    from tensorflux.backend import ops as B

    return Tensor(B.asarray(x, dtype))


def _convert_structure(y: Any, dtype: Any) -> Any:
    """Tensors of ``dtype``: one per leaf of a dict or of a list of arrays, else one for the whole value."""
    from tensorflux.backend import ops as B
    from tensorflux.framework import nest

    if isinstance(y, dict) or (
        isinstance(y, (list, tuple))
        and any(isinstance(v, (Tensor, dict, list, tuple)) or B.is_array(v) for v in y)
        and not all(isinstance(v, (int, float)) for v in nest.flatten(y))
    ):
        return nest.map_structure(lambda v: _as_float(v, dtype), y)
    return _as_float(y, dtype)


def squeeze_or_expand_to_same_rank(
    x1: Tensor, x2: Tensor, expand_rank_1: bool = True
) -> tuple[Tensor, Tensor]:
    """Make the ranks equal when they differ by one and the longer one ends in a dimension of 1."""
    r1, r2 = x1._value.ndim, x2._value.ndim
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and x1._value.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = P.unary(P.reshape, x2, shape=x2._value.shape + (1,))
        else:
            x1 = P.unary(P.reshape, x1, shape=x1._value.shape[:-1])
    elif r2 == r1 + 1 and x2._value.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = P.unary(P.reshape, x1, shape=x1._value.shape + (1,))
        else:
            x2 = P.unary(P.reshape, x2, shape=x2._value.shape[:-1])
    return x1, x2


def apply_mask(sample_weight: Any, mask: Any, dtype: Any, reduction: Any) -> Any:
    """Fold a boolean mask into the sample weights (masked values count as absent)."""
    if mask is None:
        return sample_weight
    m = mask if isinstance(mask, Tensor) else convert_to_tensor(mask)
    fm = P.unary(P.cast, m, dtype=dtype)
    if reduction in ("mean", "sum_over_batch_size"):
        # rescale so that dividing by the number of values divides by the number of valid ones
        valid = P.unary(P.reduce_sum, fm, axis=None, keepdims=False)
        total = float(m._value.size)
        scale = P.binary(
            P.divide, P.constant_like(total, valid), P.binary(P.maximum, valid, P.constant_like(1e-30, valid))
        )
        scale = P.bind(P.where, (P.binary(P.greater, valid, 0.0), scale, P.constant_like(0.0, valid)), {})
        fm = fm * scale
    if sample_weight is None:
        return fm
    sw = _as_float(sample_weight, dtype)
    fm, sw = squeeze_or_expand_to_same_rank(fm, sw)
    return sw * fm


def reduce_values(
    values: Tensor, sample_weight: Any = None, reduction: Any = "sum_over_batch_size"
) -> Tensor:
    if reduction is None or reduction == "none" or values._value.ndim == 0 or values._value.shape == (0,):
        return values
    loss = P.unary(P.reduce_sum, values, axis=None, keepdims=False)
    if reduction in ("sum_over_batch_size", "mean", "mean_with_sample_weight"):
        if reduction == "mean_with_sample_weight" and sample_weight is not None:
            divisor = P.unary(P.reduce_sum, sample_weight, axis=None, keepdims=False)
            safe = P.bind(
                P.where, (P.binary(P.equal, divisor, 0.0), P.constant_like(1.0, divisor), divisor), {}
            )
            loss = P.bind(
                P.where, (P.binary(P.equal, divisor, 0.0), P.constant_like(0.0, loss), loss / safe), {}
            )
        else:
            n = values._value.size
            loss = loss * (1.0 / n) if n else loss * 0.0
    return loss


def reduce_weighted_values(
    values: Any,
    sample_weight: Any = None,
    mask: Any = None,
    reduction: Any = "sum_over_batch_size",
    dtype: Any = None,
) -> Tensor:
    """Weight per-sample loss values, then reduce them (Keras 3's ``reduce_weighted_values``)."""
    reduction = standardize_reduction(reduction)
    from tensorflux.framework import dtypes as _dt

    native = _dt.as_dtype(dtype or floatx())._native
    values = _as_float(values, native)
    sample_weight = apply_mask(sample_weight, mask, native, reduction)
    if sample_weight is not None:
        sw = _as_float(sample_weight, native)
        values, sw = squeeze_or_expand_to_same_rank(values, sw)
        values = values * sw
        sample_weight = sw
    return reduce_values(values, sample_weight, reduction)


class Loss:
    """Base class of losses: subclasses implement ``call(y_true, y_pred)`` returning per-sample values.

    Args:
        name: Name of the loss instance.
        reduction: ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"``,
            ``"mean_with_sample_weight"``, ``"none"`` or ``None``.
        dtype: Dtype of the computation (default ``floatx()``).

    >>> class MyMSE(Loss):
    ...     def call(self, y_true, y_pred):
    ...         import tensorflux as tf
    ...         return tf.reduce_mean(tf.square(y_pred - y_true), axis=-1)
    >>> float(MyMSE()([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
    """

    def __init__(
        self, name: str | None = None, reduction: Any = "sum_over_batch_size", dtype: Any = None
    ) -> None:
        self.name = name or _auto_name(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype = dtype or floatx()

    @property
    def dtype(self) -> str:
        return self._dtype  # type: ignore[no-any-return]

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Tensor:
        from tensorflux.framework import dtypes as _dt

        native = _dt.as_dtype(self._dtype)._native
        y_pred = _convert_structure(y_pred, native)
        y_true = _convert_structure(y_true, native)
        values, mask = self._call_with_mask(y_true, y_pred)
        return reduce_weighted_values(
            values, sample_weight=sample_weight, mask=mask, reduction=self.reduction, dtype=self._dtype
        )

    def _call_with_mask(self, y_true: Any, y_pred: Any) -> tuple[Tensor, Any]:
        """Per-sample values and an optional validity mask (``ignore_class`` uses the mask)."""
        return self.call(y_true, y_pred), None

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        raise NotImplementedError(f"Loss {type(self).__name__} must implement call(y_true, y_pred).")

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"
