"""``set_random_seed``: one call makes Python, NumPy and tensorflux random streams repeatable."""

from __future__ import annotations

import random


def set_random_seed(seed: int) -> None:
    """Seed Python's ``random``, NumPy's global generator and ``tf.random`` at once.

    Initializers draw their seeds from Python's ``random`` and dropout from ``tf.random``, so
    the same seed gives the same initial weights and the same training run.

    >>> set_random_seed(0)
    """
    if not isinstance(seed, int):
        raise ValueError(
            f"Expected `seed` argument to be an integer. Received: seed={seed!r} (of type {type(seed)})"
        )
    random.seed(seed)
    import numpy as np  # the user's NumPy stream (data shuffling in their own code)

    np.random.seed(seed)
    from tensorflux.ops.random_ops import set_seed

    set_seed(seed)
