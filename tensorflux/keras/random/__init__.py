"""``keras.random``: seeded sampling functions and ``SeedGenerator``."""

from tensorflux.keras.random.random import (  # noqa: F401
    beta,
    binomial,
    categorical,
    dropout,
    gamma,
    normal,
    randint,
    shuffle,
    truncated_normal,
    uniform,
)
from tensorflux.keras.random.seed_generator import SeedGenerator  # noqa: F401
