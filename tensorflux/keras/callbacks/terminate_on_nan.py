"""``TerminateOnNaN``: stop training as soon as the loss is NaN or infinite."""

from __future__ import annotations

import math
import sys
from typing import Any

from tensorflux.keras.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stop ``fit`` (or raise ``RuntimeError`` with ``raise_error=True``) on a NaN or Inf loss.

    >>> cb = TerminateOnNaN()
    """

    def __init__(self, raise_error: bool = False) -> None:
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        if math.isnan(loss) or math.isinf(loss):
            if self.raise_error:
                raise RuntimeError(
                    f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. Terminating "
                    "training immediately."
                )
            sys.stdout.write(f"Batch {batch}: Invalid loss, terminating training\n")
            self.model.stop_training = True
