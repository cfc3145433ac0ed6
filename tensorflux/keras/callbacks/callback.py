"""``Callback``: hooks that ``fit``, ``evaluate`` and ``predict`` call at each stage."""

from __future__ import annotations

from typing import Any


class Callback:
    """Base class of callbacks: override the hooks you need.

    ``self.model`` is the model being trained and ``self.params`` holds ``verbose``, ``epochs``
    and ``steps``.  ``logs`` are dicts of Python floats (``loss``, metrics, ``val_...``).
    ``on_train_batch_begin``/``on_train_batch_end`` call ``on_batch_begin``/``on_batch_end``.

    >>> class Stopper(Callback):
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         if logs["loss"] < 0.1:
    ...             self.model.stop_training = True
    """

    def __init__(self) -> None:
        self.params: dict[str, Any] | None = None
        self._model: Any = None

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params

    def set_model(self, model: Any) -> None:
        self._model = model

    @property
    def model(self) -> Any:
        return self._model

    def on_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """A legacy alias of ``on_train_batch_begin``."""

    def on_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """A legacy alias of ``on_train_batch_end``."""

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """At the start of an epoch of ``fit``."""

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """At the end of an epoch of ``fit``; ``logs`` has the epoch's metrics and ``val_`` metrics."""

    def on_train_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Before each batch of ``evaluate`` (and of validation inside ``fit``)."""

    def on_test_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """After each batch of ``evaluate``; ``logs`` has the running metrics."""

    def on_predict_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Before each batch of ``predict``."""

    def on_predict_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """After each batch of ``predict``; ``logs["outputs"]`` holds the batch's predictions."""

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        """At the start of ``fit``."""

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        """At the end of ``fit``; ``logs`` are the last epoch's."""

    def on_test_begin(self, logs: dict[str, Any] | None = None) -> None:
        """At the start of ``evaluate`` (and of each validation run)."""

    def on_test_end(self, logs: dict[str, Any] | None = None) -> None:
        """At the end of ``evaluate``."""

    def on_predict_begin(self, logs: dict[str, Any] | None = None) -> None:
        """At the start of ``predict``."""

    def on_predict_end(self, logs: dict[str, Any] | None = None) -> None:
        """At the end of ``predict``."""


def _learning_rate_owners(optimizer: Any) -> list[tuple[str, Any]]:
    """``(log key, optimizer)`` for each optimizer whose learning rate a callback reads or sets:
    a ``MultiOptimizer``'s inner ones (``learning_rate_<name>``, as Keras logs them), else itself."""
    inner = getattr(optimizer, "optimizers", None)
    if isinstance(inner, (list, tuple)):
        return [(f"learning_rate_{opt.name}", opt) for opt in inner]
    return [("learning_rate", optimizer)]
