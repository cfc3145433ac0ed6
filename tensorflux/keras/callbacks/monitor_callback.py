"""``MonitorCallback``: the shared logic of callbacks that watch one metric for improvement."""

from __future__ import annotations

import operator
import warnings
from typing import Any

from tensorflux.keras.callbacks.callback import Callback


def _all_metrics(model: Any) -> list[Any]:
    out = []
    for m in getattr(model, "metrics", None) or ():
        sub = getattr(m, "_sub_metrics", None)
        out.extend(sub() if callable(sub) else [m])
    return out


class MonitorCallback(Callback):
    """Decides whether ``monitor`` improved: lower is better for losses, higher for accuracies.

    ``mode="auto"`` reads the direction from the metric (``loss`` goes down, ``accuracy`` up);
    ``min_delta`` is the smallest change that counts as an improvement.
    """

    def __init__(
        self, monitor: str = "val_loss", mode: str = "auto", baseline: Any = None, min_delta: float = 0
    ):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(
                f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto mode.", stacklevel=2
            )
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op: Any = None

    def _set_monitor_op(self) -> None:
        if self.mode == "min":
            self.monitor_op = operator.lt
        elif self.mode == "max":
            self.monitor_op = operator.gt
        else:
            name = self.monitor[4:] if self.monitor.startswith("val_") else self.monitor
            if name == "loss" or name.endswith("_loss"):
                self.monitor_op = operator.lt
            for m in _all_metrics(self.model):
                if m.name == name and hasattr(m, "_direction"):
                    self.monitor_op = operator.gt if m._direction == "up" else operator.lt
            if self.monitor_op is None:
                raise ValueError(
                    f"{type(self).__name__} callback received monitor={self.monitor}, but Keras isn't "
                    "able to "
                    "automatically determine whether that metric should be maximized or minimized. Pass "
                    "`mode='max'` in order to monitor based on the highest metric value, or pass "
                    "`mode='min'` in "
                    "order to use the lowest value."
                )
        if self.monitor_op is operator.lt:
            self.min_delta = -abs(self.min_delta)

    def _is_improvement(self, value: Any, reference: Any) -> bool:
        if reference is None:
            return True
        return bool(self.monitor_op(value - self.min_delta, reference))
