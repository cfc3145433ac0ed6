"""``TensorBoard``: write epoch (and optionally batch) metrics as TensorBoard event files."""

from __future__ import annotations

import os
import time
from typing import Any

from tensorflux.keras.callbacks._event_file import EventFileWriter
from tensorflux.keras.callbacks.callback import Callback, _learning_rate_owners


class TensorBoard(Callback):
    """Log metrics for TensorBoard: ``<log_dir>/train`` and ``<log_dir>/validation`` hold event files
    with the scalars ``epoch_loss``, ``epoch_accuracy``, ``epoch_learning_rate``, ... (step = epoch).

    With ``update_freq=N`` (an int) the training metrics are also written every N batches as
    ``batch_<name>``.  Weight histograms, images, graphs, profiling and embeddings are not
    written (the arguments are accepted); TensorBoard itself is only needed to view the files.

    >>> cb = TensorBoard(log_dir="./logs")
    """

    def __init__(
        self,
        log_dir: Any = "logs",
        histogram_freq: int = 0,
        write_graph: bool = True,
        write_images: bool = False,
        write_steps_per_second: bool = False,
        update_freq: Any = "epoch",
        profile_batch: Any = 0,
        embeddings_freq: int = 0,
        embeddings_metadata: Any = None,
    ) -> None:
        super().__init__()
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.profile_batch = profile_batch
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._train_writer: EventFileWriter | None = None
        self._val_writer: EventFileWriter | None = None
        self._global_train_batch = 0
        self._epoch_start = 0.0
        self._epoch_start_iterations = 0

    @property
    def _train(self) -> EventFileWriter:
        if self._train_writer is None:
            self._train_writer = EventFileWriter(os.path.join(self.log_dir, "train"))
        return self._train_writer

    @property
    def _val(self) -> EventFileWriter:
        if self._val_writer is None:
            self._val_writer = EventFileWriter(os.path.join(self.log_dir, "validation"))
        return self._val_writer

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._global_train_batch = 0

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._epoch_start = time.time()
        opt = getattr(self.model, "optimizer", None)
        self._epoch_start_iterations = int(opt.iterations) if opt is not None else 0

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._global_train_batch += 1
        if isinstance(self.update_freq, int) and self._global_train_batch % self.update_freq == 0:
            for name, value in (logs or {}).items():
                if _is_scalar(value):
                    self._train.scalar(f"batch_{name}", float(value), self._global_train_batch)
            self._train.flush()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = logs or {}
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        opt = getattr(self.model, "optimizer", None)
        if opt is not None:
            for key, owner in _learning_rate_owners(opt):  # a MultiOptimizer's inner ones each, as Keras
                train.setdefault(key, float(owner.learning_rate))
        if self.write_steps_per_second and opt is not None:
            elapsed = max(time.time() - self._epoch_start, 1e-9)
            train["steps_per_second"] = (int(opt.iterations) - self._epoch_start_iterations) / elapsed
        for name, value in train.items():
            if _is_scalar(value):
                self._train.scalar(f"epoch_{name}", float(value), epoch)
        self._train.flush()
        if val:
            for name, value in val.items():
                if _is_scalar(value):
                    self._val.scalar(f"epoch_{name}", float(value), epoch)
            self._val.flush()

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        for w in (self._train_writer, self._val_writer):
            if w is not None:
                w.close()
        self._train_writer = self._val_writer = None


def _is_scalar(v: Any) -> bool:
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True
