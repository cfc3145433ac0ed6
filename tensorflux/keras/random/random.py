"""``keras.random`` sampling functions on top of ``tf.random``'s draw primitive.

Every function takes ``seed``: ``None`` draws from the global stream (``keras.utils.set_random_seed``
makes it repeatable), an integer gives the same numbers on every call, and a ``SeedGenerator``
gives new numbers on every call (and on every replay of a traced function) from a repeatable
sequence. Draws go through ``tf.random``'s ``random_draw`` primitive, which graph passes keep and
replays run again.
"""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import dtypes as _dt
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.random.seed_generator import SeedGenerator
from tensorflux.ops import math_ops
from tensorflux.ops._util import static, t
from tensorflux.ops.random_ops import _draw

_INT_SEED_SALT = 0x4B52  # keeps integer-seeded keras draws apart from tf.random's op-seed streams


class _Seeded:
    """A sampler that ignores the generator it is handed and uses its own seed's generator."""

    __slots__ = ("fn", "seed")

    def __init__(self, fn: Any, seed: Any) -> None:
        self.fn = fn
        self.seed = seed

    def __call__(self, _rng_unused: Any, *args: Any) -> Any:
        seed = self.seed
        rng = seed._generator() if isinstance(seed, SeedGenerator) else B.generator((seed, _INT_SEED_SALT))
        return self.fn(rng, *args)

    def __repr__(self) -> str:
        return f"{getattr(self.fn, '__name__', 'sampler')}(seed={self.seed!r})"


def _sampler(fn: Any, seed: Any) -> Any:
    if seed is None:
        return fn  # tf.random's global stream, handed over by the draw primitive
    if isinstance(seed, SeedGenerator):
        return _Seeded(fn, seed)
    if isinstance(seed, int) and not isinstance(seed, bool):
        return _Seeded(fn, int(seed))
    raise ValueError(
        "Argument `seed` must be either an integer or an instance of `SeedGenerator`. "
        f"Received: seed={seed!r} (of type {type(seed).__name__})"
    )


def _sample(fn: Any, seed: Any, *args: Any, inputs: tuple[Any, ...] = ()) -> Tensor:
    return _draw(_sampler(fn, seed), None, *args, inputs=inputs)


def _float_dtype(dtype: Any, op: str) -> Any:
    if dtype is None:
        from tensorflux.keras.config import floatx

        dtype = floatx()
    d = _dt.as_dtype(dtype)
    if not d.is_floating:
        raise ValueError(f"{op}: `dtype` must be a floating point type. Received: dtype={d.name}")
    return d._native


def _shape(shape: Any, op: str) -> tuple[int, ...]:
    s = static(shape)
    try:
        out = (int(s),) if isinstance(s, int) else tuple(int(d) for d in s)
    except TypeError:
        raise ValueError(f"{op}: `shape` must be a tuple of integers. Received: shape={shape!r}") from None
    if any(d < 0 for d in out):
        raise ValueError(f"{op}: `shape` must not have negative dimensions. Received: shape={out}")
    return out


def normal(shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None) -> Tensor:
    """Draw from a normal distribution.

    Args:
        shape: shape of the result.
        mean: mean of the distribution.
        stddev: standard deviation of the distribution.
        dtype: floating dtype (default ``keras.config.floatx()``).
        seed: ``None``, an integer, or a ``SeedGenerator``.

    >>> normal((2, 3), seed=1).shape
    TensorShape([2, 3])
    """
    dt = _float_dtype(dtype, "normal")
    return _sample(B.normal, seed, _shape(shape, "normal"), float(static(mean)), float(static(stddev)), dt)


def uniform(
    shape: Any, minval: float = 0.0, maxval: float = 1.0, dtype: Any = None, seed: Any = None
) -> Tensor:
    """Draw from the uniform distribution on ``[minval, maxval)``.

    >>> x = uniform((100,), minval=2.0, maxval=3.0, seed=0)
    >>> bool(((x >= 2.0) & (x < 3.0)).numpy().all())
    True
    """
    if dtype is not None and not _dt.as_dtype(dtype).is_floating:
        raise ValueError(
            "uniform: `keras.random.uniform` requires a floating point `dtype`; use `keras.random.randint` "
            f"for integers. Received: dtype={_dt.as_dtype(dtype).name}"
        )
    dt = _float_dtype(dtype, "uniform")
    return _sample(
        B.uniform, seed, _shape(shape, "uniform"), float(static(minval)), float(static(maxval)), dt
    )


def truncated_normal(
    shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None
) -> Tensor:
    """Draw from a normal distribution cut at two standard deviations (values beyond are redrawn).

    >>> x = truncated_normal((1000,), seed=2)
    >>> bool((abs(x) <= 2.0).numpy().all())
    True
    """
    dt = _float_dtype(dtype, "truncated_normal")
    s = _shape(shape, "truncated_normal")
    return _sample(B.truncated_normal, seed, s, float(static(mean)), float(static(stddev)), dt)


def categorical(logits: Any, num_samples: int, dtype: Any = "int32", seed: Any = None) -> Tensor:
    """Draw class indices from categorical distributions given by unnormalized log-probabilities.

    Args:
        logits: ``(batch_size, num_classes)`` tensor.
        num_samples: number of draws per row.
        dtype: integer dtype of the result.
        seed: ``None``, an integer, or a ``SeedGenerator``.

    Returns:
        A ``(batch_size, num_samples)`` tensor of indices.

    >>> categorical([[0.0, 0.0]], 5, seed=1).shape
    TensorShape([1, 5])
    """
    logits = t(logits)
    if len(logits.shape) != 2:
        raise ValueError(
            "categorical: `logits` should be a 2-D tensor with shape [batch_size, num_classes]. "
            f"Received: logits.shape={tuple(logits.shape)}"
        )
    return _sample(B.categorical, seed, int(num_samples), _dt.as_dtype(dtype)._native, inputs=(logits,))


def randint(shape: Any, minval: int, maxval: int, dtype: Any = "int32", seed: Any = None) -> Tensor:
    """Draw integers uniformly from ``[minval, maxval)``.

    >>> x = randint((50,), 0, 3, seed=4)
    >>> sorted(set(x.numpy().tolist()))
    [0, 1, 2]
    """
    d = _dt.as_dtype(dtype)
    if not d.is_integer:
        raise ValueError(f"randint: `dtype` must be an integer type. Received: dtype={d.name}")
    lo, hi = int(static(minval)), int(static(maxval))
    if hi <= lo:
        raise ValueError(
            f"randint: `maxval` must be greater than `minval`. Received: minval={lo}, maxval={hi}"
        )
    return _sample(B.uniform, seed, _shape(shape, "randint"), lo, hi, d._native)


def _keep_mask(rng: Any, shape: tuple[int, ...], keep: float, dtype: Any) -> Any:
    # The mask carries the 1 / keep scale, so the layer output is one multiply.
    return B.cast(B.bernoulli_mask(rng, shape, keep), dtype) * B.asarray(1.0 / keep, dtype)


def dropout(inputs: Any, rate: float, noise_shape: Any = None, seed: Any = None) -> Tensor:
    """Zero each entry with probability ``rate`` and scale the rest by ``1 / (1 - rate)``.

    Args:
        inputs: input tensor.
        rate: fraction of entries to drop, in ``[0, 1)``.
        noise_shape: shape of the keep mask, broadcast against ``inputs`` (``None`` entries take
            the input's size).
        seed: ``None``, an integer, or a ``SeedGenerator``.

    >>> dropout(tf.ones((2, 2)), 0.5, seed=1).shape
    TensorShape([2, 2])
    """
    x = t(inputs)
    rate = float(static(rate))
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"dropout: `rate` must be a float in the range [0, 1). Received: rate={rate}")
    if rate == 0.0:
        return x
    shape = tuple(x.shape)
    if noise_shape is None:
        ns = shape
    else:
        ns = tuple(int(shape[i]) if d is None else int(d) for i, d in enumerate(noise_shape))
        if len(ns) != len(shape):
            raise ValueError(
                "dropout: `noise_shape` must have the rank of `inputs`. "
                f"Received: noise_shape={noise_shape}, inputs.shape={shape}"
            )
    mask = _sample(_keep_mask, seed, ns, 1.0 - rate, x.dtype._native)
    return math_ops.multiply(x, mask)


def _shuffle_axis(rng: Any, x: Any, axis: int) -> Any:
    return x[(slice(None),) * axis + (B.permutation(rng, x.shape[axis]),)]


def shuffle(x: Any, axis: int = 0, seed: Any = None) -> Tensor:
    """Shuffle a tensor along one axis.

    >>> sorted(shuffle(tf.range(5), seed=3).numpy().tolist())
    [0, 1, 2, 3, 4]
    """
    x = t(x)
    rank = len(x.shape)
    if not -rank <= axis < rank:
        raise ValueError(f"shuffle: `axis` {axis} is out of range for a tensor of rank {rank}.")
    return _sample(_shuffle_axis, seed, axis % rank, inputs=(x,))


def _param(value: Any) -> Any:
    """A Python number, or a backend array for tensor-valued distribution parameters."""
    if isinstance(value, Tensor):
        return value._value
    s = static(value)
    return B.asarray(s, B.native_dtype("float64")) if isinstance(s, (list, tuple)) else s


def _gamma(rng: Any, shape: tuple[int, ...], alpha: Any, dtype: Any) -> Any:
    return B.gamma(rng, shape, alpha, 1.0, dtype)


def gamma(shape: Any, alpha: float, dtype: Any = None, seed: Any = None) -> Tensor:
    """Draw from the gamma distribution with shape ``alpha`` and scale 1.

    >>> gamma((3,), alpha=2.0, seed=0).shape
    TensorShape([3])
    """
    dt = _float_dtype(dtype, "gamma")
    return _sample(_gamma, seed, _shape(shape, "gamma"), _param(alpha), dt)


def _beta(rng: Any, shape: tuple[int, ...], alpha: Any, beta: Any, dtype: Any) -> Any:
    f64 = B.native_dtype("float64")
    x = B.gamma(rng, shape, alpha, 1.0, f64)
    y = B.gamma(rng, shape, beta, 1.0, f64)
    return B.cast(x / (x + y), dtype)  # X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta)


def beta(shape: Any, alpha: float, beta: float, dtype: Any = None, seed: Any = None) -> Tensor:
    """Draw from the beta distribution with parameters ``alpha`` and ``beta``.

    >>> x = beta((100,), alpha=2.0, beta=3.0, seed=0)
    >>> bool(((x > 0) & (x < 1)).numpy().all())
    True
    """
    dt = _float_dtype(dtype, "beta")
    return _sample(_beta, seed, _shape(shape, "beta"), _param(alpha), _param(beta), dt)


def _binomial(rng: Any, shape: tuple[int, ...], counts: Any, p: Any, dtype: Any) -> Any:
    f64 = B.native_dtype("float64")
    counts = B.broadcast_to(B.asarray(counts, f64), shape)
    p = B.broadcast_to(B.asarray(p, f64), shape)
    n = int(B.to_numpy(B.max(counts, None, False))) if counts.size else 0
    # Sum of n Bernoulli trials, the ones past each entry's own count masked off.
    trials = B.uniform(rng, (n, *shape), 0.0, 1.0, f64) < p
    index = B.reshape(B.arange(0, n, 1, f64), (n,) + (1,) * len(shape))
    return B.cast(B.sum(trials & (index < counts), 0, False), dtype)


def binomial(shape: Any, counts: Any, probabilities: Any, dtype: Any = None, seed: Any = None) -> Tensor:
    """Draw the number of successes in ``counts`` trials each succeeding with ``probabilities``.

    ``counts`` and ``probabilities`` broadcast to ``shape``.

    >>> x = binomial((4,), counts=5, probabilities=0.5, seed=0)
    >>> bool(((x >= 0) & (x <= 5)).numpy().all())
    True
    """
    dt = _float_dtype(dtype, "binomial")
    s = _shape(shape, "binomial")
    return _sample(_binomial, seed, s, _param(counts), _param(probabilities), dt)
