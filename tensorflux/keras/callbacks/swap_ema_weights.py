"""``SwapEMAWeights``: evaluate (and optionally end epochs) with the optimizer's moving-average weights."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.callbacks.callback import Callback


class SwapEMAWeights(Callback):
    """Swap the optimizer's EMA weights into the model for evaluation and prediction.

    Needs an optimizer built with ``use_ema=True``.  Before ``evaluate`` (also the validation
    inside ``fit``) and ``predict`` the model's trainable weights and their moving averages trade
    places, and trade back afterwards.  With ``swap_on_epoch=True`` they are also swapped at the end
    of every epoch (so epoch-end callbacks such as ``ModelCheckpoint`` see the EMA weights) and back
    at the start of the next; after the last epoch the EMA weights stay in the model.

    >>> cb = SwapEMAWeights(swap_on_epoch=True)
    >>> cb.swap_on_epoch
    True
    """

    def __init__(self, swap_on_epoch: bool = False) -> None:
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    def _optimizers(self) -> list[Any]:
        optimizer = self.model.optimizer
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # a LossScaleOptimizer's
        inner = getattr(optimizer, "optimizers", None)
        if inner is not None:
            chosen = [opt for opt in inner if getattr(opt, "use_ema", False)]
            if not chosen:
                raise ValueError(
                    "SwapEMAWeights must be used when at least one inner optimizer has `use_ema=True` "
                    "set. Received a MultiOptimizer with all inner optimizers having `use_ema=False`."
                )
        else:
            chosen = [optimizer]
        for opt in chosen:
            if not hasattr(opt, "_model_variables_moving_average"):
                raise ValueError(
                    "SwapEMAWeights must be used when `use_ema=True` is set on the optimizer (and the "
                    f"optimizer is built). Received: use_ema={getattr(opt, 'use_ema', None)}"
                )
        return chosen

    def _swap_variables(self) -> None:
        for opt in self._optimizers():
            for var, average in zip(opt._trainable_variables, opt._model_variables_moving_average):
                held = var.numpy()
                var.assign(average)
                average.assign(held)

    def _finalize_ema_values(self) -> None:
        # the averages take the EMA weights now in the model, so fit's final overwrite keeps them
        for opt in self._optimizers():
            for var, average in zip(opt._trainable_variables, opt._model_variables_moving_average):
                average.assign(var)

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.swap_on_epoch and self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True
            if epoch == self.params["epochs"] - 1:
                self._finalize_ema_values()

    def on_test_begin(self, logs: dict[str, Any] | None = None) -> None:
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def on_test_end(self, logs: dict[str, Any] | None = None) -> None:
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_predict_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.on_test_begin(logs)

    def on_predict_end(self, logs: dict[str, Any] | None = None) -> None:
        self.on_test_end(logs)
