"""``Progbar``: the progress bar Keras prints during ``fit``, ``evaluate`` and ``predict``.

On a terminal the bar redraws in place (carriage return, colours), at most every ``interval``
seconds.  When the output is not a terminal (a pipe, a log file) nothing is drawn until the bar
finishes, and then one clean line is written: no carriage returns, no colour codes.

``keras.config.disable_interactive_logging()`` sends every line to the ``logging`` logger
``"tensorflux"`` at INFO level instead of stdout (Keras sends them to ``absl.logging``), drawn as
for a non-terminal; ``enable_interactive_logging()`` restores stdout.
"""

from __future__ import annotations

import math
import os
import sys
import time
from typing import Any

_BOLD, _RESET, _GREEN, _GREY = "\x1b[1m", "\x1b[0m", "\x1b[32m", "\x1b[37m"
_CELL = "\u2501"  # the heavy horizontal line Keras 3 draws the bar with


_INTERACTIVE_LOGGING = [True]  # one mutable cell: the keras.config switch


def enable_interactive_logging() -> None:
    """Write progress bars and fit's messages to stdout (the default).

    >>> enable_interactive_logging(); is_interactive_logging_enabled()
    True
    """
    _INTERACTIVE_LOGGING[0] = True


def disable_interactive_logging() -> None:
    """Send progress bars and fit's messages to the ``logging`` logger ``"tensorflux"`` (INFO level).

    >>> disable_interactive_logging(); is_interactive_logging_enabled()
    False
    >>> enable_interactive_logging()
    """
    _INTERACTIVE_LOGGING[0] = False


def is_interactive_logging_enabled() -> bool:
    """Whether progress output goes to stdout (``True``) or to ``logging`` (``False``).

    >>> is_interactive_logging_enabled()
    True
    """
    return _INTERACTIVE_LOGGING[0]


def _is_interactive() -> bool:
    if not _INTERACTIVE_LOGGING[0]:
        return False
    stream = sys.stdout
    return (
        bool(getattr(stream, "isatty", None) and stream.isatty())
        or "ipykernel" in sys.modules
        or ("PYCHARM_HOSTED" in os.environ)
    )


def _as_float(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        import numpy as np  # a metric that returns a vector (per-class F1, ...) shows its mean

        return float(np.mean(np.asarray(v)))


def _fmt_value(v: float) -> str:
    return f"{v:.4f}" if abs(v) > 1e-3 else f"{v:.4e}"


def _fmt_duration(seconds: float, unit_name: str) -> str:
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f" {seconds * 1e3:.0f}ms/{unit_name}"
    return f" {seconds * 1e6:.0f}us/{unit_name}"


def _fmt_eta(eta: float) -> str:
    if eta > 3600:
        return f"{int(eta // 3600)}:{int((eta % 3600) // 60):02d}:{int(eta % 60):02d}"
    if eta > 60:
        return f"{int(eta // 60)}:{int(eta % 60):02d}"
    return f"{int(eta)}s"


class Progbar:
    """Displays a progress bar.

    Args:
        target: Total number of steps expected, or None if unknown.
        width: Width of the bar in characters.
        verbose: 0 (silent), 1 (the bar), 2 (one line when finished).
        interval: Minimum time between redraws, in seconds.
        stateful_metrics: Names of values shown as given (the others are averaged over the steps).
        stateless_metrics: Names of values averaged over the steps (the others are shown as given).
        unit_name: What a step is called (``"step"``, ``"sample"``).

    >>> bar = Progbar(target=2, verbose=2)
    >>> bar.update(1, [("loss", 0.5)])
    >>> bar.update(2, [("loss", 0.25)])  # doctest: +ELLIPSIS
    2/2 - 0s - ...step - loss: 0.2500
    """

    def __init__(
        self,
        target: int | None,
        width: int = 20,
        verbose: int = 1,
        interval: float = 0.05,
        stateful_metrics: Any = None,
        stateless_metrics: Any = None,
        unit_name: str = "step",
    ) -> None:
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError("Only one of `stateful_metrics` or `stateless_metrics` can be provided.")
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = (
            set(stateful_metrics)
            if stateful_metrics is not None
            else (None if stateless_metrics is not None else set())
        )
        self.stateless_metrics = set(stateless_metrics) if stateless_metrics is not None else None
        self._dynamic_display = _is_interactive()
        self._seen_so_far = 0
        self._values: dict[str, Any] = {}  # name -> [sum, count] (averaged) or the latest value (as given)
        self._values_order: list[str] = []
        self._start = time.time()
        self._last_update = 0.0
        self._time_after_first_step: float | None = None
        self._prev_total_width = 0

    def _is_stateless(self, name: str) -> bool:
        if self.stateful_metrics is not None:
            return name not in self.stateful_metrics
        return name in self.stateless_metrics  # type: ignore[operator]

    def update(self, current: int, values: Any = None, finalize: bool | None = None) -> None:
        """Record progress up to step ``current`` with ``[(name, value), ...]`` and maybe redraw."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for k, v in values or ():
            if k not in self._values:
                self._values_order.append(k)
            if self._is_stateless(k):
                if finalize:
                    self._values[k] = [_as_float(v), 1]
                else:
                    base = max(current - self._seen_so_far, 1)
                    acc = self._values.get(k)
                    if isinstance(acc, list):
                        acc[0] += _as_float(v) * base
                        acc[1] += base
                    else:
                        self._values[k] = [_as_float(v) * base, base]
            else:
                self._values[k] = v  # converted only when drawn: most steps are not drawn
        self._seen_so_far = current
        now = time.time()
        per_unit = self._estimate_step_duration(current, now)
        if self.verbose == 1:
            if not finalize and (now - self._last_update < self.interval or not self._dynamic_display):
                return
            self._draw(current, finalize, now, per_unit)
        elif self.verbose == 2 and finalize:
            self._write_line(current, now, per_unit)
        self._last_update = now

    def add(self, n: int, values: Any = None) -> None:
        self.update(self._seen_so_far + n, values)

    def _metrics_text(self) -> str:
        parts = []
        for k in self._values_order:
            v = self._values[k]
            avg = v[0] / max(1, v[1]) if isinstance(v, list) else _as_float(v)
            parts.append(f" - {k}: {_fmt_value(avg)}")
        return "".join(parts)

    def _count(self, current: int) -> str:
        digits = int(math.log10(self.target)) + 1  # type: ignore[arg-type]
        return f"{current:{digits}d}/{self.target}"

    def _draw(self, current: int, finalize: bool, now: float, per_unit: float) -> None:
        color = self._dynamic_display
        bold, reset = (_BOLD, _RESET) if color else ("", "")
        if self.target is not None and self.target > 0:
            filled = int(self.width * min(current, self.target) / self.target)
            bar = f"{bold}{self._count(current)}{reset} "
            if color:
                if filled:
                    bar += f"{_GREEN}{_CELL * filled}{_RESET}"
                bar += f"{_GREY}{_CELL * (self.width - filled)}{_RESET}"
            else:
                bar += _CELL * self.width if finalize else _CELL * filled + " " * (self.width - filled)
        else:
            bar = f"{current:7d}/Unknown"
        if self.target is not None and self.target > 0 and not finalize:
            timing = f" {bold}{_fmt_eta(per_unit * (self.target - current))}{reset}"
        else:
            timing = f" {bold}{now - self._start:.0f}s{reset}"
        line = bar + timing + _fmt_duration(per_unit, self.unit_name) + self._metrics_text()
        if color:
            visible = len(_strip(line))
            pad = " " * max(self._prev_total_width - visible, 0)
            self._prev_total_width = visible
            _write("\r" + line + pad + ("\n" if finalize else ""))
        else:
            _write(line + "\n")

    def _write_line(self, current: int, now: float, per_unit: float) -> None:
        if self.target is None or self.target <= 0:
            return
        info = f"{self._count(current)} - {now - self._start:.0f}s -{_fmt_duration(per_unit, self.unit_name)}"
        _write(info + self._metrics_text() + "\n")

    def _estimate_step_duration(self, current: int, now: float) -> float:
        # the first step (graph building, caches) is left out of the estimate once there are more
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_unit


def _strip(s: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", s)


def _write(text: str) -> None:
    if not _INTERACTIVE_LOGGING[0]:
        import logging

        for line in text.splitlines():
            if line:
                logging.getLogger("tensorflux").info(line)
        return
    sys.stdout.write(text)
    sys.stdout.flush()
