"""``History``: records each epoch's logs; ``fit`` returns it and sets ``model.history``."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.callbacks.callback import Callback


class History(Callback):
    """``history[name]`` is the list of per-epoch values; ``epoch`` the list of epoch indices.

    >>> h = History()
    >>> h.on_train_begin()
    >>> h.on_epoch_end(0, {"loss": 0.5})
    >>> h.history, h.epoch
    ({'loss': [0.5]}, [0])
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[Any]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)
        if self.model is not None:
            self.model.history = self
