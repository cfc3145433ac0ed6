"""``EpochIterator``: turns a data adapter into the ``(step, batch)`` sequence of each epoch."""

from __future__ import annotations

import warnings
from typing import Any

from tensorflux.keras.trainers.data_adapters import get_data_adapter

_RAN_OUT = (
    "Your input ran out of data; interrupting training. Make sure that your dataset or generator can "
    "generate at "
    "least `steps_per_epoch * epochs` batches. You may need to use the `.repeat()` function when "
    "building your "
    "dataset."
)


class EpochIterator:
    """Yields ``(step, batch)`` for one epoch at a time.

    Without ``steps_per_epoch`` an epoch is one pass over the data.  With it, an epoch is that
    many batches, and the next epoch continues where the previous one stopped (starting over once
    the data is used up), as Keras does.
    """

    def __init__(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        batch_size: int | None = None,
        steps_per_epoch: int | None = None,
        shuffle: Any = False,
        class_weight: Any = None,
        steps_per_execution: int = 1,
    ) -> None:
        from tensorflux.keras.config import max_steps_per_epoch

        cap = max_steps_per_epoch()  # keras.config.set_max_steps_per_epoch
        if cap and (not steps_per_epoch or cap < steps_per_epoch):
            warnings.warn(f"Limiting steps_per_epoch to {cap}", stacklevel=3)
            steps_per_epoch = cap
        self.steps_per_epoch = steps_per_epoch
        self.adapter = get_data_adapter(
            x,
            y,
            sample_weight,
            batch_size=batch_size,
            steps_per_epoch=steps_per_epoch,
            shuffle=shuffle,
            class_weight=class_weight,
        )
        self._num_batches = self.adapter.num_batches
        self._current: Any = None
        self._seen = 0
        self._epoch = 0
        #: set when a one-shot source (a Python generator) had nothing left for an epoch
        self.exhausted = False

    @property
    def num_batches(self) -> int | None:
        return self.steps_per_epoch or self._num_batches

    def reset(self) -> None:
        self._current = None
        self._seen = 0

    def enumerate_epoch(self, epoch: int = 0) -> Any:
        """``(step, batch)`` pairs of one epoch."""
        adapter = self.adapter
        adapter.on_epoch_begin()
        steps = self.steps_per_epoch
        step = -1
        if steps:
            if self._current is None:
                self._current = adapter.iterate(self._epoch)
                self._epoch += 1
                self._seen = 0
            for step in range(steps):
                if self._num_batches and self._seen >= self._num_batches:
                    warnings.warn(_RAN_OUT, stacklevel=3)
                    break
                try:
                    batch = next(self._current)
                except StopIteration:
                    self._num_batches = self._num_batches or self._seen
                    self._current = None
                    if step == 0 or not adapter.reiterable:
                        self.exhausted = not adapter.reiterable
                    warnings.warn(_RAN_OUT, stacklevel=3)
                    break
                self._seen += 1
                yield step, batch
            if self._num_batches and self._seen >= self._num_batches:
                self._current = None
        else:
            for step, batch in enumerate(adapter.iterate(epoch)):
                yield step, batch
            if step < 0 and not adapter.reiterable:
                self.exhausted = True
                warnings.warn(_RAN_OUT, stacklevel=3)
            elif self._num_batches is None:
                self._num_batches = step + 1
        adapter.on_epoch_end()
