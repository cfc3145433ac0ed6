"""``keras.random.SeedGenerator``: a seed whose state lives in a variable and advances on each draw."""

from __future__ import annotations

import itertools
import random as _pyrandom
from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework.tensor import Tensor
from tensorflux.framework.variables import Variable

_names = itertools.count()


def _unique_name(base: str) -> str:
    n = next(_names)
    return base if n == 0 else f"{base}_{n}"


class SeedGenerator:
    """A stateful seed for the ``keras.random`` functions.

    Its state is a non-trainable ``int64`` variable ``[seed, counter]``; every draw that uses the
    generator reads the state and advances the counter, so successive draws differ while the whole
    sequence repeats for the same initial ``seed``. Draws made inside a traced function (``tf.function``
    or a compiled ``fit``) advance the state on every replay, so each replay draws new numbers.

    Args:
        seed: initial integer seed; ``None`` picks a random one.
        name: name of the generator (its variable is ``<name>/seed_generator_state``).

    >>> from tensorflux.keras.random import normal
    >>> gen = SeedGenerator(seed=42)
    >>> a = normal((2,), seed=gen)
    >>> b = normal((2,), seed=gen)
    >>> bool((a != b).numpy().any())
    True
    """

    _is_seed_generator = True

    def __init__(self, seed: int | None = None, name: str | None = None, **kwargs: Any) -> None:
        if kwargs:
            raise ValueError(f"SeedGenerator: unrecognized keyword arguments: {sorted(kwargs)}.")
        if seed is None:
            seed = _pyrandom.randint(1, int(1e9))
        elif isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(
                f"SeedGenerator: argument `seed` must be an integer. Received: seed={seed!r} "
                f"(of type {type(seed).__name__})"
            )
        self._initial_seed = int(seed)
        self.name = name or _unique_name("seed_generator")
        self.state = Variable(
            B.asarray([self._initial_seed, 0], B.native_dtype("int64")),
            trainable=False,
            name="seed_generator_state",
        )
        self.state.path = f"{self.name}/seed_generator_state"

    def next(self, ordered: bool = True) -> Tensor:
        """The current state ``[seed, counter]`` as a tensor; advances the state for the next call.

        >>> g = SeedGenerator(3)
        >>> g.next().numpy().tolist(), g.next().numpy().tolist()
        ([3, 0], [3, 1])
        """
        current = B.array_copy(self.state._value)
        self._advance(ordered)
        return Tensor(current)

    def _advance(self, ordered: bool = True) -> None:
        # Written straight into the variable: the sampler calls this at run time, inside a traced
        # graph's replay too, so the graph never holds a stale copy of the state.
        s = self.state._value
        if ordered:
            self.state._value = s + B.asarray([0, 1], s.dtype)
        else:
            self.state._value = (s + 1) * 5387 % 933199

    def _generator(self) -> Any:
        """A backend generator for one draw, from the current state; advances the state."""
        s0, s1 = (int(v) for v in B.to_numpy(self.state._value))
        self._advance()
        return B.generator((s0, s1, 0x5EED))

    def get_config(self) -> dict[str, Any]:
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> SeedGenerator:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<SeedGenerator name={self.name}, seed={self._initial_seed}>"
