"""``LearningRateScheduler``: set the learning rate at the start of each epoch from a function."""

from __future__ import annotations

import numbers
import sys
from typing import Any

from tensorflux.keras.callbacks.callback import Callback


class LearningRateScheduler(Callback):
    """``schedule(epoch, lr) -> new_lr`` (or ``schedule(epoch)``) runs before each epoch.

    >>> cb = LearningRateScheduler(lambda epoch, lr: lr if epoch < 10 else lr * 0.9)
    """

    def __init__(self, schedule: Any, verbose: int = 0) -> None:
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        optimizer = self.model.optimizer
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
        lr = float(lr)
        optimizer.learning_rate = lr
        if self.verbose > 0:
            sys.stdout.write(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.\n")

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)
