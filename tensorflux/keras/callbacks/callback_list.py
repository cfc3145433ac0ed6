"""``CallbackList``: calls every callback's hook in order; ``fit`` builds one around the user's list."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.callbacks.callback import Callback
from tensorflux.keras.callbacks.history import History
from tensorflux.keras.callbacks.progbar_logger import ProgbarLogger

_BATCH_HOOKS = {
    "on_train_batch_begin": ("on_train_batch_begin", "on_batch_begin"),
    "on_train_batch_end": ("on_train_batch_end", "on_batch_end"),
    "on_test_batch_begin": ("on_test_batch_begin",),
    "on_test_batch_end": ("on_test_batch_end",),
    "on_predict_batch_begin": ("on_predict_batch_begin",),
    "on_predict_batch_end": ("on_predict_batch_end",),
}


def pythonify_logs(logs: Any) -> dict[str, Any]:
    """Logs as a dict sorted by name with Python floats (tensors of one value) or NumPy arrays."""
    out: dict[str, Any] = {}
    for k, v in sorted((logs or {}).items()):
        if isinstance(v, dict):
            out.update(pythonify_logs(v))
            continue
        try:
            out[k] = float(v)
        except (TypeError, ValueError):
            out[k] = v.numpy() if hasattr(v, "numpy") else v
    return out


def _overrides(cb: Any, names: tuple[str, ...]) -> bool:
    for name in names:
        if name in vars(cb):  # set on the instance, as LambdaCallback does
            return True
        if getattr(type(cb), name, None) is not getattr(Callback, name):
            return True
    return False


class CallbackList(Callback):
    """A list of callbacks called as one; adds ``History`` and ``ProgbarLogger`` when asked.

    Batch hooks are called only on the callbacks that override them, so an epoch with no
    per-batch callbacks costs nothing per batch here.

    >>> cbs = CallbackList([], add_history=True, epochs=1, steps=1, verbose=0)
    >>> [type(c).__name__ for c in cbs.callbacks]
    ['History']
    """

    def __init__(
        self,
        callbacks: Any = None,
        add_history: bool = False,
        add_progbar: bool = False,
        model: Any = None,
        **params: Any,
    ) -> None:
        super().__init__()
        self.callbacks: list[Any] = list(_flatten(callbacks)) if callbacks else []
        self._history = next((c for c in self.callbacks if isinstance(c, History)), None)
        self._progbar = next((c for c in self.callbacks if isinstance(c, ProgbarLogger)), None)
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)
        self._batch_targets = {
            hook: [c for c in self.callbacks if _overrides(c, names)] for hook, names in _BATCH_HOOKS.items()
        }
        self.set_model(model)
        self.set_params(params)

    def append(self, callback: Any) -> None:
        self.callbacks.append(callback)
        for hook, names in _BATCH_HOOKS.items():
            if _overrides(callback, names):
                self._batch_targets[hook].append(callback)

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params
        if params:
            for c in self.callbacks:
                c.set_params(params)

    def set_model(self, model: Any) -> None:
        if model is None:
            return
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for c in self.callbacks:
            c.set_model(model)

    def _call_batch(self, hook: str, batch: int, logs: Any) -> None:
        targets = self._batch_targets[hook]
        if not targets:
            return
        plain = None
        for c in targets:
            if getattr(c, "_wants_raw_logs", False):
                getattr(c, hook)(batch, logs)
            else:
                if plain is None:
                    plain = pythonify_logs(logs)
                getattr(c, hook)(batch, logs=plain)

    def _call(self, hook: str, *args: Any, logs: Any = None) -> None:
        plain = pythonify_logs(logs)
        for c in self.callbacks:
            getattr(c, hook)(*args, plain)

    def has_batch_hooks(self, hook: str) -> bool:
        return bool(self._batch_targets[hook])

    def on_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._call_batch("on_train_batch_begin", batch, logs)

    def on_batch_end(self, batch: int, logs: Any = None) -> None:
        self._call_batch("on_train_batch_end", batch, logs)

    def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._call_batch("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        self._call_batch("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._call_batch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch: int, logs: Any = None) -> None:
        self._call_batch("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._call_batch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch: int, logs: Any = None) -> None:
        self._call_batch("on_predict_batch_end", batch, logs)

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        self._call("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        self._call("on_epoch_end", epoch, logs=logs)

    def on_train_begin(self, logs: Any = None) -> None:
        self._call("on_train_begin", logs=logs)

    def on_train_end(self, logs: Any = None) -> None:
        self._call("on_train_end", logs=logs)

    def on_test_begin(self, logs: Any = None) -> None:
        self._call("on_test_begin", logs=logs)

    def on_test_end(self, logs: Any = None) -> None:
        self._call("on_test_end", logs=logs)

    def on_predict_begin(self, logs: Any = None) -> None:
        self._call("on_predict_begin", logs=logs)

    def on_predict_end(self, logs: Any = None) -> None:
        self._call("on_predict_end", logs=logs)

    def __iter__(self) -> Any:
        return iter(self.callbacks)


def _flatten(callbacks: Any) -> Any:
    for c in callbacks:
        if isinstance(c, (list, tuple)):
            yield from _flatten(c)
        elif c is not None:
            yield c
