"""``tf.nn.dropout``: zero each element with probability ``rate`` and scale the rest by ``1 / (1 - rate)``."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.ops._util import static, t
from tensorflux.ops.random_ops import _draw


def dropout(x: Any, rate: Any, noise_shape: Any = None, seed: Any = None, name: Any = None) -> Tensor:
    """Randomly drop elements of ``x``; repeatable under ``tf.random.set_seed`` plus ``seed``.

    The kept elements are scaled by ``1 / (1 - rate)`` so the expected sum is unchanged; the
    gradient uses the same mask.  ``noise_shape`` (broadcastable to ``x``) shares one draw
    along its 1-sized dimensions.

    >>> import tensorflux as tf
    >>> y = tf.nn.dropout(tf.ones((1000,)), rate=0.5, seed=1)
    >>> sorted(set(y.numpy().tolist()))
    [0.0, 2.0]
    """
    x = t(x)
    if x._value.dtype.kind != "f":
        raise ValueError(f"dropout: x must be a floating point tensor; received {x.dtype.name}.")
    r = float(static(rate))
    if not 0.0 <= r < 1.0:
        raise ValueError(
            f"dropout: rate must be a scalar tensor or a float in the range [0, 1); received rate={rate!r}."
        )
    if r == 0.0:
        return x
    shape = tuple(x._value.shape) if noise_shape is None else tuple(int(s) for s in static(noise_shape))
    try:
        B.broadcast_shapes(shape, x._value.shape)
    except ValueError:
        raise ValueError(
            f"dropout: noise_shape {list(shape)} does not broadcast to the shape of x "
            f"{tuple(x._value.shape)}."
        ) from None
    scaled = _draw(_scaled_mask, seed, shape, 1.0 - r, x._value.dtype)
    return P.binary(P.multiply, x, scaled)


def _scaled_mask(rng: Any, shape: tuple[int, ...], keep_prob: float, dtype: Any) -> Any:
    """0 or ``1 / keep_prob`` per element (drawn again on every replay of a traced function)."""
    keep = B.bernoulli_mask(rng, shape, keep_prob)
    return B.multiply(B.cast(keep, dtype), B.asarray(1.0 / keep_prob, dtype))
