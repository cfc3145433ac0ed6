"""Where the data layer reads the global seed set by ``tensorflux.random.set_seed``.

``global_seed()`` returns ``None`` until the core wires it to the framework's random state;
``reset_op_counter()`` is for ``set_seed`` to call, so that the n-th shuffle created after
``set_seed(s)`` gets the same order in every run, as in TensorFlow.
"""

from __future__ import annotations

import itertools
import threading

_lock = threading.Lock()
_counter = itertools.count()


def global_seed() -> int | None:
    """The seed passed to ``tensorflux.random.set_seed``, or ``None`` when none was set."""
    from tensorflux.ops.random_ops import get_global_seed

    return get_global_seed()


def reset_op_counter() -> None:
    """Restart the per-op seed sequence (call from ``set_seed``)."""
    global _counter
    with _lock:
        _counter = itertools.count()


def op_seed(seed: int | None) -> tuple[int, ...] | None:
    """The seed material for one random op: ``seed`` as given, else the global seed plus a counter.

    Returns ``None`` when neither an op seed nor a global seed exists (the op then draws fresh
    entropy). Distinct ops created after one ``set_seed`` get distinct but repeatable seeds.
    """
    g = global_seed()
    if seed is not None:
        return (int(seed),) if g is None else (int(g), int(seed))
    if g is None:
        return None
    with _lock:
        n = next(_counter)
    return (int(g), 0x5EED, n)
