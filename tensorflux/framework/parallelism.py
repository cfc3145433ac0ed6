"""``tf.config.threading``: how many threads ops use.

``intra_op`` parallelism is real here: it sets the BLAS's threads (matrix products, convolutions)
and the threads of tensorflux's own multi-threaded elementwise kernels (optimizer updates).
Under a loaded machine fewer threads than cores is often faster: an OpenBLAS thread that loses
its core stalls every product. ``inter_op`` parallelism is stored for compatibility only: ops run
one after another, in program order.

>>> import tensorflux as tf
>>> tf.config.threading.set_intra_op_parallelism_threads(1)
>>> tf.config.threading.get_intra_op_parallelism_threads()
1
>>> tf.config.threading.set_intra_op_parallelism_threads(0)  # back to one thread per core
"""

from __future__ import annotations

from tensorflux.backend import ops as B

_inter_op = 0


def get_intra_op_parallelism_threads() -> int:
    """Threads one op may use; 0 means one per core."""
    return int(B.get_intra_op_threads())


def set_intra_op_parallelism_threads(num_threads: int) -> None:
    """Let one op use ``num_threads`` threads (0: one per core available to the process)."""
    B.set_intra_op_threads(num_threads)


def get_inter_op_parallelism_threads() -> int:
    """Threads for running independent ops at once (stored only; 0 means the system's choice)."""
    return _inter_op


def set_inter_op_parallelism_threads(num_threads: int) -> None:
    """Stored for ``tf.config`` compatibility; tensorflux runs ops in program order."""
    global _inter_op
    if isinstance(num_threads, bool) or not isinstance(num_threads, int) or num_threads < 0:
        raise ValueError(f"The number of threads must be an integer >= 0, got {num_threads!r}.")
    _inter_op = num_threads
