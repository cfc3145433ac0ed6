"""``LambdaCallback``: a callback made of plain functions."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.callbacks.callback import Callback


class LambdaCallback(Callback):
    """Each argument is a function with the hook's signature, e.g. ``on_epoch_end(epoch, logs)``.

    >>> seen = []
    >>> cb = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
    >>> cb.on_epoch_end(3, {})
    >>> seen
    [3]
    """

    def __init__(
        self,
        on_epoch_begin: Any = None,
        on_epoch_end: Any = None,
        on_train_begin: Any = None,
        on_train_end: Any = None,
        on_train_batch_begin: Any = None,
        on_train_batch_end: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        self.__dict__.update(kwargs)
        for name, fn in (
            ("on_epoch_begin", on_epoch_begin),
            ("on_epoch_end", on_epoch_end),
            ("on_train_begin", on_train_begin),
            ("on_train_end", on_train_end),
            ("on_train_batch_begin", on_train_batch_begin),
            ("on_train_batch_end", on_train_batch_end),
        ):
            if fn is not None:
                setattr(self, name, fn)
