"""``tf.random`` with TensorFlow's seeding rule: a global seed plus op seeds make results repeatable."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import dtypes as _dt
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.ops._util import static, t

# The shared generator is made on first use: creating one imports NumPy's random module, which
# `import tensorflux` should not pay for.
_state: dict[str, Any] = {"seed": None, "rng": None, "counts": {}}


def set_seed(seed: Any) -> None:
    """Set the global seed: the random ops after it give the same sequence on every run.

    As in TensorFlow: with a global seed, ops without a seed draw a repeatable sequence; an op
    seed alone (no global seed) is combined with a fixed default global seed; calling
    ``set_seed`` again with the same value restarts every sequence.

    >>> set_seed(3); a = uniform((2,))
    >>> set_seed(3); b = uniform((2,))
    >>> bool((a == b).numpy().all())
    True
    """
    _state["seed"] = None if seed is None else int(seed)
    _state["rng"] = None if seed is None else B.generator((int(seed), 0x7F1))
    _state["counts"] = {}


def get_global_seed() -> int | None:
    return _state["seed"]  # type: ignore[no-any-return]


def _global_rng() -> Any:
    rng = _state["rng"]
    if rng is None:
        rng = _state["rng"] = B.generator(None)
    return rng


def _rng(seed: Any) -> Any:
    """A generator for one op: the shared stream, or one derived from (global, op seed, call count)."""
    if seed is None:
        return _global_rng()
    g = _state["seed"] if _state["seed"] is not None else _DEFAULT_GLOBAL_SEED
    key = (g, int(seed))
    n = _state["counts"].get(key, 0)
    _state["counts"][key] = n + 1
    return B.generator((g, int(seed), n))


_DEFAULT_GLOBAL_SEED = 87654321  # TensorFlow's default graph seed, used when only an op seed is given


def _fresh_seed() -> int:
    return int(B.uniform(_global_rng(), (), 0, 2**31 - 1, B.native_dtype("int64")))


def _draw_impl(*arrays: Any, sampler: Any, seed: Any, args: tuple[Any, ...]) -> Any:
    return sampler(_rng(seed), *arrays, *args)


# One draw from an op's generator; a primitive, so a traced function draws again on every call.
random_draw = P.primitive("random_draw", _draw_impl)


def _draw(sampler: Any, seed: Any, *args: Any, inputs: tuple[Any, ...] = ()) -> Tensor:
    return P.bind(random_draw, inputs, {"sampler": sampler, "seed": seed, "args": args})  # type: ignore[no-any-return]


def _shape(shape: Any) -> tuple[int, ...]:
    s = static(shape)
    return (s,) if isinstance(s, int) else tuple(int(d) for d in s)


def _fdt(dtype: Any) -> Any:
    return _dt.as_dtype(dtype)._native


def normal(
    shape: Any,
    mean: float = 0.0,
    stddev: float = 1.0,
    dtype: Any = "float32",
    seed: Any = None,
    name: Any = None,
) -> Tensor:  # noqa: E501
    return _draw(B.normal, seed, _shape(shape), static(mean), static(stddev), _fdt(dtype))


def uniform(
    shape: Any,
    minval: Any = 0,
    maxval: Any = None,
    dtype: Any = "float32",
    seed: Any = None,
    name: Any = None,
) -> Tensor:  # noqa: E501
    d = _dt.as_dtype(dtype)
    if maxval is None:
        if d.is_integer:
            raise ValueError("uniform: maxval must be given for integer dtypes.")
        maxval = 1.0
    return _draw(B.uniform, seed, _shape(shape), static(minval), static(maxval), d._native)


def truncated_normal(
    shape: Any,
    mean: float = 0.0,
    stddev: float = 1.0,
    dtype: Any = "float32",
    seed: Any = None,
    name: Any = None,
) -> Tensor:  # noqa: E501
    return _draw(B.truncated_normal, seed, _shape(shape), static(mean), static(stddev), _fdt(dtype))


def shuffle(value: Any, seed: Any = None, name: Any = None) -> Tensor:
    """Shuffle along the first axis."""
    return _draw(_shuffle_rows, seed, inputs=(t(value),))


def _shuffle_rows(rng: Any, x: Any) -> Any:
    return x[B.permutation(rng, x.shape[0])]


def categorical(
    logits: Any, num_samples: int, dtype: Any = "int64", seed: Any = None, name: Any = None
) -> Tensor:
    return _draw(B.categorical, seed, int(num_samples), _fdt(dtype), inputs=(t(logits),))


def gamma(
    shape: Any, alpha: Any, beta: Any = None, dtype: Any = "float32", seed: Any = None, name: Any = None
) -> Tensor:  # noqa: E501
    return _draw(
        B.gamma, seed, _shape(shape), static(alpha), 1.0 if beta is None else static(beta), _fdt(dtype)
    )


def poisson(shape: Any, lam: Any, dtype: Any = "float32", seed: Any = None, name: Any = None) -> Tensor:
    return _draw(B.poisson, seed, _shape(shape), static(lam), _fdt(dtype))


def _bernoulli_keep(shape: tuple[int, ...], keep_prob: float, seed: Any) -> Any:
    return B.bernoulli_mask(_rng(seed), shape, keep_prob)
