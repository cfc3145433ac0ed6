"""Compare tape gradients with central finite differences in float64."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np  # test helper: works on plain arrays, outside the tensor stack

from tensorflux.framework.tape import GradientTape
from tensorflux.framework.tensor import convert_to_tensor


def assert_allclose(
    actual: Any, desired: Any, rtol: float = 1e-6, atol: float = 0.0, err_msg: str = ""
) -> None:
    """``numpy.testing.assert_allclose`` that accepts tensors on either side."""
    np.testing.assert_allclose(np.asarray(actual), np.asarray(desired), rtol=rtol, atol=atol, err_msg=err_msg)


def _scalar(y: Any, weights: np.ndarray) -> float:
    return float(np.sum(np.asarray(y, dtype=np.float64) * weights))


def numerical_gradient(
    f: Callable[..., Any], inputs: Sequence[np.ndarray], weights: np.ndarray, eps: float = 1e-6
) -> list[np.ndarray]:
    """Central differences of ``sum(f(*inputs) * weights)`` with respect to each input."""
    grads = []
    xs = [np.array(x, dtype=np.float64) for x in inputs]
    for i, x in enumerate(xs):
        g = np.zeros_like(x)
        flat = x.reshape(-1)
        gf = g.reshape(-1)
        for k in range(flat.size):
            old = flat[k]
            flat[k] = old + eps
            up = _scalar(f(*[convert_to_tensor(v) for v in xs]), weights)
            flat[k] = old - eps
            down = _scalar(f(*[convert_to_tensor(v) for v in xs]), weights)
            flat[k] = old
            gf[k] = (up - down) / (2 * eps)
        grads.append(g)
        xs[i] = x
    return grads


def symbolic_gradient(f: Callable[..., Any], inputs: Sequence[np.ndarray], weights: np.ndarray) -> list[Any]:
    """Tape gradients of ``sum(f(*inputs) * weights)`` with respect to each input."""
    ts = [convert_to_tensor(np.array(x, dtype=np.float64)) for x in inputs]
    with GradientTape() as tape:
        for t in ts:
            tape.watch(t)
        y = f(*ts)
    gs = tape.gradient(y, ts, output_gradients=convert_to_tensor(weights))
    return [None if g is None else np.asarray(g) for g in gs]


def check_gradients(
    f: Callable[..., Any],
    inputs: Sequence[Any],
    rtol: float = 1e-6,
    atol: float = 1e-8,
    eps: float = 1e-6,
    seed: int = 0,
) -> None:
    """Assert that the tape gradient of ``f`` matches central differences, in float64.

    The output is contracted with fixed random weights so every output element matters.

    >>> check_gradients(lambda x: x * x, [np.array([1.0, 2.0])])
    """
    xs = [np.array(x, dtype=np.float64) for x in inputs]
    y = f(*[convert_to_tensor(x) for x in xs])
    shape = np.asarray(y).shape
    weights = np.random.default_rng(seed).uniform(0.5, 1.5, size=shape)
    sym = symbolic_gradient(f, xs, weights)
    num = numerical_gradient(f, xs, weights, eps)
    for i, (s, n) in enumerate(zip(sym, num)):
        if s is None:
            raise AssertionError(f"input {i}: the tape gave no gradient (None) but differences give {n}")
        if s.shape != n.shape or s.dtype != n.dtype:
            raise AssertionError(
                f"input {i}: the tape gradient has shape {s.shape} and dtype {s.dtype}; the input has shape "
                f"{n.shape} and dtype {n.dtype}"
            )
        err = np.abs(s - n)
        # relative error, with a small absolute floor for entries whose true gradient is ~0
        if not np.all(err <= atol + rtol * np.maximum(np.abs(n), np.abs(s))):
            worst = int(np.argmax(err))
            raise AssertionError(
                f"input {i}: gradient mismatch, max abs error {err.max():.3e} at flat index {worst}: "
                f"tape {s.reshape(-1)[worst]!r} vs differences {n.reshape(-1)[worst]!r}"
            )
