"""``LossFunctionWrapper``: a ``Loss`` made from a function ``fn(y_true, y_pred, **kwargs)``."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.losses.loss import Loss, squeeze_or_expand_to_same_rank


class LossFunctionWrapper(Loss):
    """Wrap a per-sample loss function as a ``Loss`` with reduction and sample weights.

    >>> from tensorflux.keras.losses import mean_squared_error
    >>> float(LossFunctionWrapper(mean_squared_error)([[1.0, 1.0]], [[0.0, 1.0]]))
    0.5
    """

    def __init__(
        self,
        fn: Any,
        reduction: Any = "sum_over_batch_size",
        name: str | None = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    _warned_not_probs = False

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        if (
            not self._warned_not_probs
            and getattr(self.fn, "_expects_probabilities", False)
            and not self._fn_kwargs.get("from_logits", False)
        ):
            from tensorflux.keras.losses._crossentropy import warn_if_not_probabilities

            self._warned_not_probs = warn_if_not_probabilities(y_pred)
        if isinstance(y_true, Tensor) and isinstance(y_pred, Tensor):
            y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["fn"] = getattr(self.fn, "__name__", repr(self.fn))
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LossFunctionWrapper:
        if cls is not LossFunctionWrapper:  # the named losses take their own arguments
            return cls(**config)
        config = dict(config)
        fn = config.pop("fn", None)
        if isinstance(fn, str):
            from tensorflux.keras import losses

            fn = losses.get(fn)
        return cls(fn, **config)

    def __repr__(self) -> str:
        return f"<LossFunctionWrapper({getattr(self.fn, '__name__', self.fn)}, kwargs={self._fn_kwargs})>"
