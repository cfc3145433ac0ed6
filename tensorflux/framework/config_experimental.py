"""``tf.config.experimental``: op determinism."""

from __future__ import annotations

from tensorflux.backend import ops as B


def enable_op_determinism() -> None:
    """Make ops give the same bits for the same inputs on this machine, however busy it is.

    By default a product runs on one BLAS thread while other processes hold a core (a two-thread
    product then waits for a core, up to 50x slower), and one thread splits a product's sums
    differently from two, so the last bits of a result can depend on the machine's load. With op
    determinism on, every kernel keeps the configured threads. Everything else (random ops under
    seeds, the split of elementwise kernels and of convolutions over cores) gives the same bits
    either way.

    >>> import tensorflux as tf
    >>> tf.keras.utils.set_random_seed(1)
    >>> tf.config.experimental.enable_op_determinism()
    """
    B.set_op_determinism(True)


__all__ = ["enable_op_determinism"]
