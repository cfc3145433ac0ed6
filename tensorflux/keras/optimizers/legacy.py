"""``keras.optimizers.legacy``: names kept so old code imports, as in Keras 3.

Keras 3 dropped the Keras 2 ("legacy") optimizers. It still exports their names so that packages
written for ``tf.keras`` 2 import cleanly, but constructing any of them raises an ``ImportError``
that points to the replacement. tensorflux does the same.
"""

from __future__ import annotations

from typing import Any, NoReturn

_MESSAGE = (
    "`keras.optimizers.legacy` is not supported in Keras 3 (and tensorflux follows Keras 3). Use the "
    "optimizer of the same name from `keras.optimizers` instead, e.g. `keras.optimizers.Adam()` for "
    "`keras.optimizers.legacy.Adam()`; its arguments (`learning_rate`, `beta_1`, ...) are the same. "
    "Keras 2 itself lives on as the separate `tf_keras` package."
)


class LegacyOptimizerWarning:
    """Stands in for every ``keras.optimizers.legacy`` class; constructing it raises ``ImportError``.

    >>> try:
    ...     Adam(learning_rate=1e-3)
    ... except ImportError as e:
    ...     print(str(e)[:53])
    `keras.optimizers.legacy` is not supported in Keras 3
    """

    def __init__(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ImportError(_MESSAGE)


# Keras 3 binds all six names to the same class; identity checks between them hold there too.
Adagrad = LegacyOptimizerWarning
Adam = LegacyOptimizerWarning
Ftrl = LegacyOptimizerWarning
Optimizer = LegacyOptimizerWarning
RMSprop = LegacyOptimizerWarning
SGD = LegacyOptimizerWarning

__all__ = ["Adagrad", "Adam", "Ftrl", "Optimizer", "RMSprop", "SGD"]
