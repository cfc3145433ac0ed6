"""``tf.random``."""

from tensorflux.ops.random_ops import (  # noqa: F401
    categorical,
    gamma,
    get_global_seed,
    normal,
    poisson,
    set_seed,
    shuffle,
    truncated_normal,
    uniform,
)
