"""``ReduceLROnPlateau``: lower the learning rate when a metric has stopped improving."""

from __future__ import annotations

import sys
import warnings
from typing import Any

from tensorflux.backend import ops as B
from tensorflux.keras.callbacks.callback import _learning_rate_owners
from tensorflux.keras.callbacks.monitor_callback import MonitorCallback


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by ``factor`` after ``patience`` epochs without improvement.

    Adds ``learning_rate`` to the epoch logs.

    >>> cb = ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=5, min_lr=0.001)
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}")
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def _reset(self) -> None:
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._reset()

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def _reduce(self, optimizer: Any, epoch: int, named: bool) -> bool:
        old_lr = float(optimizer.learning_rate)
        # compared in float32, the precision the learning-rate variable holds
        if old_lr <= float(B.asarray(self.min_lr, B.native_dtype("float32"))):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        optimizer.learning_rate = new_lr
        if self.verbose > 0:
            which = f" {optimizer.name}" if named else ""
            sys.stdout.write(
                f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing{which} learning rate to {new_lr}.\n"
            )
        return True

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs if logs is not None else {}
        owners = _learning_rate_owners(self.model.optimizer)  # a MultiOptimizer's inner ones each
        for key, optimizer in owners:
            logs[key] = float(optimizer.learning_rate)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(logs.keys())}.",
                stacklevel=2,
            )
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                reduced = [self._reduce(opt, epoch, len(owners) > 1) for _, opt in owners]
                if any(reduced):
                    self.cooldown_counter = self.cooldown
                    self.wait = 0
