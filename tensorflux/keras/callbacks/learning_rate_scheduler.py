"""``LearningRateScheduler``: set the learning rate at the start of each epoch from a function."""

from __future__ import annotations

import numbers
import sys
from typing import Any

from tensorflux.keras.callbacks.callback import Callback, _learning_rate_owners


class LearningRateScheduler(Callback):
    """``schedule(epoch, lr) -> new_lr`` (or ``schedule(epoch)``) runs before each epoch.

    >>> cb = LearningRateScheduler(lambda epoch, lr: lr if epoch < 10 else lr * 0.9)
    """

    def __init__(self, schedule: Any, verbose: int = 0) -> None:
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        owners = _learning_rate_owners(self.model.optimizer)
        for _, optimizer in owners:  # a MultiOptimizer's inner optimizers each, as Keras
            lr = self._update(optimizer, epoch)
            if self.verbose > 0:
                which = f"{optimizer.name} " if len(owners) > 1 else ""
                sys.stdout.write(
                    f"\nEpoch {epoch + 1}: LearningRateScheduler setting {which}learning rate to {lr}.\n"
                )

    def _update(self, optimizer: Any, epoch: int) -> float:
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:
            lr = self.schedule(epoch, float(optimizer.learning_rate))
        except TypeError:  # the one-argument form of tf.keras 2
            lr = self.schedule(epoch)
        if hasattr(lr, "numpy") and getattr(lr, "ndim", 1) == 0:
            lr = float(lr)
        if not isinstance(lr, numbers.Real) or isinstance(lr, (bool, int)):
            raise ValueError(f"The output of the `schedule` function should be a float. Got: {lr!r}")
        optimizer.learning_rate = float(lr)
        return float(lr)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if logs is not None:
            for key, optimizer in _learning_rate_owners(self.model.optimizer):
                logs[key] = float(optimizer.learning_rate)
