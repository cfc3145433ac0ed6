"""Fused optimizer updates: one kernel per variable instead of a dozen elementwise ops.

Each kernel returns fresh arrays for the new variable and slot values, computed with exactly the
operations (and order) of the optimizer's update rule written with tensor ops, so the result is
bitwise the same; it runs over slices of the flat arrays on all cores (``threads``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tensorflux.backend.numpy.threads import split_apply

__all__ = ["adam_update"]


def _adam_span(
    w: Any, m: Any, v: Any, g: Any, ow: Any, om: Any, ov: Any, c1: Any, c2: Any, alpha: Any, eps: Any
) -> None:
    t = np.subtract(g, m)
    t *= c1
    np.add(m, t, out=om)  # m + (g - m) * (1 - beta_1)
    np.multiply(g, g, out=t)
    t -= v
    t *= c2
    np.add(v, t, out=ov)  # v + (g * g - v) * (1 - beta_2)
    np.sqrt(ov, out=t)
    t += eps
    np.multiply(om, alpha, out=ow)
    np.divide(ow, t, out=ow)
    np.subtract(w, ow, out=ow)  # w - (m * alpha) / (sqrt(v) + epsilon)


def adam_update(
    w: Any, m: Any, v: Any, g: Any, alpha: Any, *, beta_1: float, beta_2: float, epsilon: float
) -> tuple[Any, Any, Any]:
    """One Adam step: ``(new_w, new_m, new_v)`` for step size ``alpha`` (bias corrections folded in).

    >>> w, m, v, g = (np.ones(2, np.float32), np.zeros(2, np.float32), np.zeros(2, np.float32),
    ...               np.full(2, 2.0, np.float32))
    >>> adam_update(w, m, v, g, 0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-7)[1]
    array([0.2, 0.2], dtype=float32)
    """
    dt = w.dtype
    outs = (np.empty(w.shape, dt), np.empty(w.shape, dt), np.empty(w.shape, dt))  # C order: flat views
    flat = [np.ascontiguousarray(a).reshape(-1) for a in (w, m, v, g)] + [o.reshape(-1) for o in outs]
    scalars = [np.asarray(s, dt) for s in (1.0 - beta_1, 1.0 - beta_2, alpha, epsilon)]
    split_apply(_adam_span, flat, *scalars)
    return outs
