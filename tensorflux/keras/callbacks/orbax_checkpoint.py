"""``OrbaxCheckpoint``: Keras 3.15's checkpoint callback that writes through Orbax (a JAX library).

Orbax cannot be installed next to tensorflux here and it saves JAX arrays, so the callback keeps
Keras' signature and fails at construction the way Keras does when the ``orbax-checkpoint`` package
is missing: with an ``ImportError``. ``keras.callbacks.ModelCheckpoint`` (``.keras`` or
``.weights.h5`` files) covers the same need.
"""

from __future__ import annotations

import importlib
from typing import Any

from tensorflux.keras.callbacks.monitor_callback import MonitorCallback

_MISSING = (
    "OrbaxCheckpoint requires the 'orbax-checkpoint' package. You can install it via pip install "
    "orbax-checkpoint"
)


class OrbaxCheckpoint(MonitorCallback):
    """Save the model with Orbax during ``fit``; raises ``ImportError`` when Orbax is unavailable.

    Args:
        directory: folder the Orbax checkpoints go to.
        monitor: metric that decides the best checkpoint (``save_best_only``).
        verbose: 0 or 1.
        save_best_only: keep only checkpoints where ``monitor`` improved.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        save_freq: ``"epoch"`` or a number of batches.
        initial_value_threshold: starting best value of ``monitor``.
        max_to_keep: how many checkpoints Orbax keeps.
        save_on_background: save asynchronously.
        save_weights_only: save only the weights.

    >>> try:
    ...     OrbaxCheckpoint("/tmp/ckpt")
    ... except ImportError as e:
    ...     print(str(e)[:60])
    OrbaxCheckpoint requires the 'orbax-checkpoint' package. You
    """

    def __init__(
        self,
        directory: str,
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        mode: str = "auto",
        save_freq: Any = "epoch",
        initial_value_threshold: Any = None,
        max_to_keep: int = 1,
        save_on_background: bool = True,
        save_weights_only: bool = False,
    ) -> None:
        try:
            importlib.import_module("orbax.checkpoint")
        except ImportError:
            raise ImportError(
                f"{_MISSING}. With tensorflux, `keras.callbacks.ModelCheckpoint` saves the same "
                "checkpoints as `.keras` or `.weights.h5` files."
            ) from None
        # Orbax is present, but it writes JAX arrays: tensorflux tensors are NumPy-backed.
        raise NotImplementedError(
            "OrbaxCheckpoint saves JAX arrays and is not supported by tensorflux (NumPy backend). Use "
            "`keras.callbacks.ModelCheckpoint` instead."
        )
