"""Threads for kernels: how many, the shared pool, elementwise kernels split over cores, and
BLAS on one thread when a kernel asks.

The number of threads follows ``tf.config.threading.set_intra_op_parallelism_threads`` (0, the
default, means one per core available to the process, or ``OPENBLAS_NUM_THREADS`` when set).

NumPy's ufuncs release the GIL but run on one core, while BLAS uses them all. Long elementwise
passes (an optimizer update over every weight, a ReLU over a conv layer's output) therefore run
over one slice of their arrays per core (``split_apply``, ``split_rows``): each slice sees the
same operations in the same order, so the result is bitwise that of one call. This pays only
because OpenBLAS's idle threads are told to sleep soon after a product (``blas.
blas_quiet_idle_threads``); by default they spin for ~0.1 s on the core the slice would run on.

Kernels of many small products run BLAS on one thread meanwhile: on two cores a two-thread
product of a few million multiply-adds spends more time waiting for its second thread than it
saves, and stalls for milliseconds when another process holds a core.  Every product runs on one
BLAS thread while other processes hold a core (``gemm_threads``), unless op determinism is on.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from tensorflux.backend.numpy.blas import blas_get_num_threads, blas_quiet_idle_threads, blas_set_num_threads

__all__ = [
    "get_intra_op_threads",
    "op_determinism",
    "set_intra_op_threads",
    "set_op_determinism",
    "split_apply",
    "split_rows",
]

# Below this many elements per slice the hand-off to a thread (~10-30 us) costs more than it saves.
MIN_PER_THREAD = 65536

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_size = 0
_requested = 0  # 0: one thread per available core
_POOL_PREFIX = "tensorflux-kernel"


def available_cores() -> int:
    """Cores this process may run on (asked once: kernels consult it on every call)."""
    if not _cores:
        try:
            _cores.append(max(1, len(os.sched_getaffinity(0))))
        except AttributeError:  # not Linux
            _cores.append(max(1, os.cpu_count() or 1))
    return _cores[0]


_cores: list[int] = []


def _default_threads() -> int:
    """One per core, or fewer where the user limited the BLAS (``OPENBLAS_NUM_THREADS``, ...)."""
    n = available_cores()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        try:
            n = min(n, max(1, int(os.environ[var])))
            break
        except (KeyError, ValueError):
            continue
    return n


def num_threads() -> int:
    """How many threads an elementwise kernel may use."""
    if _requested:
        return _requested
    if not _default:
        _default.append(_default_threads())
    return _default[0]


_default: list[int] = []


def get_intra_op_threads() -> int:
    """The requested number of threads per op (0: one per core)."""
    return _requested


def set_intra_op_threads(n: int) -> None:
    """Run each op on ``n`` threads (0: one per core): elementwise kernels and the BLAS."""
    global _requested
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"The number of threads must be an integer >= 0 (0 means one per core), got {n!r}.")
    _requested = n
    blas_set_num_threads(n or _default_threads())


def executor(workers: int) -> ThreadPoolExecutor:
    """The shared pool, with at least ``workers`` threads (the calling thread is one more)."""
    global _pool, _pool_size
    with _lock:
        if _pool is None or _pool_size < workers:
            old = _pool
            _pool = ThreadPoolExecutor(workers, thread_name_prefix=_POOL_PREFIX)
            _pool_size = workers
            if old is not None:
                old.shutdown(wait=False)
        return _pool


def pool_started() -> bool:
    """Whether the shared pool's threads exist yet (their start is no measure of load)."""
    return _pool is not None


_blas_users = 0  # kernels now running with BLAS on one thread
_blas_saved: int | None = None  # the thread count they restore when the last one ends


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """BLAS on one thread meanwhile (for kernels of many small products, or their own threads).

    Kernels running at once in several threads share the setting; the last to end restores it.
    """
    global _blas_users, _blas_saved
    with _lock:
        if _blas_users == 0:
            _blas_saved = blas_get_num_threads()
            if _blas_saved is not None and _blas_saved > 1:
                blas_set_num_threads(1)
        _blas_users += 1
    try:
        yield
    finally:
        with _lock:
            _blas_users -= 1
            if _blas_users == 0 and _blas_saved is not None and _blas_saved > 1:
                blas_set_num_threads(_blas_saved)


def machine_busy() -> bool:
    """Whether other processes hold a core: over the last second they used at least half a core
    (``/proc/stat``'s busy time less this process's own), asked at most once a second.

    A multi-threaded product of a few million multiply-adds is a little faster on an idle
    machine and many times slower when another process holds a core, where its second thread
    waits for one (seed CNN ``model(x)`` on one sample beside one busy process: 0.98 ms median
    with two BLAS threads, 0.48 ms with one). Without ``/proc/stat`` (not Linux) the 1-minute
    load average above the core count stands in.
    """
    now = time.monotonic()
    if now - _load[0] > 1.0:
        busy = _others_busy(now)
        _load[:2] = [now, busy]
    return bool(_load[1])


# [time of the last check, its answer, /proc/stat busy seconds then, own CPU seconds then]
_load: list[Any] = [-1e9, False, None, None]
_OTHERS_BUSY = 0.5  # cores


def _others_busy(now: float) -> bool:
    total = _busy_cpu_seconds()
    own = time.process_time()
    then, total0, own0 = _load[0], _load[2], _load[3]
    _load[2:] = [total, own]
    if total is None or total0 is None or now - then > 10.0:
        # nothing recent to compare with: the 1-minute load average above the cores
        try:
            return os.getloadavg()[0] > available_cores() + 0.5
        except OSError:
            return False
    return (total - total0) - (own - own0) > _OTHERS_BUSY * (now - then)


def _busy_cpu_seconds() -> float | None:
    """CPU seconds all processes have used since boot (``/proc/stat``), or None."""
    try:
        with open("/proc/stat", "rb") as f:
            fields = f.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != b"cpu":
        return None
    ticks = [int(v) for v in fields[1:]]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle and iowait
    return (sum(ticks[:8]) - idle) / _TICKS


try:
    _TICKS = float(os.sysconf("SC_CLK_TCK"))
except (AttributeError, ValueError, OSError):
    _TICKS = 100.0


def gemm_threads() -> contextlib.AbstractContextManager[None]:
    """For a product: BLAS on one thread while the machine is busy (:func:`gemm_on_one_thread`),
    else as configured."""
    return one_blas_thread() if gemm_on_one_thread() else contextlib.nullcontext()


def gemm_on_one_thread() -> bool:
    """Whether products should run on one BLAS thread now: while other processes hold a core
    (:func:`machine_busy`), unless op determinism is on.

    A multi-threaded product waits for all its threads, and a thread that shares its core with
    another process runs late; OpenBLAS's waiting threads spin meanwhile.  With the cores
    oversubscribed (load average 7 on two cores) a 128x784 @ 784x512 product took 85-104 ms
    median on two threads against 1.6-2.1 ms on one.  Two BLAS threads split a product's sums
    differently from one, so its bits then depend on the machine's load:
    ``tf.config.experimental.enable_op_determinism()`` keeps the configured threads always.
    """
    return machine_busy() and not _determinism[0]


_determinism = [False]


def set_op_determinism(enabled: bool) -> None:
    """Keep every kernel's threads as configured, whatever the load (see :func:`gemm_on_one_thread`)."""
    _determinism[0] = bool(enabled)


def op_determinism() -> bool:
    """Whether op determinism is on (:func:`set_op_determinism`)."""
    return _determinism[0]


def _after_fork_in_child() -> None:
    """A forked child has none of the pool's threads: start a new pool when one is needed."""
    global _pool, _pool_size, _lock, _blas_users
    _pool, _pool_size, _lock, _blas_users = None, 0, threading.Lock(), 0
    _default.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def split_count(size: int, limit: int) -> int:
    """How many threads an elementwise kernel over ``size`` elements (at most ``limit`` blocks)
    should use: one where the hand-off costs more than it saves, inside a pool thread (whose
    pool would wait on itself), or while other processes hold the cores (the slice for the
    second core would wait for one)."""
    k = min(num_threads(), size // MIN_PER_THREAD, limit)
    if k <= 1 or in_pool_thread() or machine_busy():
        return 1
    return k


def in_pool_thread() -> bool:
    """Whether this is one of the shared pool's threads (whose pool would wait on itself)."""
    return threading.current_thread().name.startswith(_POOL_PREFIX)


def image_blocks(rows: int, size: int) -> list[tuple[int, int]]:
    """Blocks of ``rows`` (images) for a kernel that runs one block per thread with a one-threaded
    BLAS (:func:`run_blocks`); ``size`` is the elements of its largest array.

    Unlike :func:`split_count`, the blocks depend only on the sizes and the configured threads,
    never on the machine's load: a product's rounding depends on the rows it is given (BLAS
    blocks its sums by width), so the same inputs give the same bits however busy the machine is.
    """
    k = max(1, min(num_threads(), rows, size // MIN_PER_THREAD))
    edges = [rows * i // k for i in range(k + 1)]
    return list(zip(edges[:-1], edges[1:]))


def run_blocks(job: Callable[[int, int], Any], blocks: list[tuple[int, int]]) -> None:
    """``job(lo, hi)`` for each block: side by side (this thread takes the first), or one after
    another inside a pool thread or while other processes hold the cores (:func:`machine_busy`)."""
    if len(blocks) == 1 or in_pool_thread() or machine_busy():
        for lo, hi in blocks:
            job(lo, hi)
        return
    pool = executor(len(blocks) - 1)
    futures = [pool.submit(job, lo, hi) for lo, hi in blocks[1:]]
    try:
        job(*blocks[0])
    finally:
        for f in futures:
            f.result()


def split_apply(kernel: Callable[..., Any], arrays: list[Any], *scalars: Any) -> None:
    """``kernel(*slices, *scalars)`` over one slice of the flat ``arrays`` per thread.

    ``arrays`` are 1-D and of one length; the kernel writes its results into some of them.
    """
    n = arrays[0].shape[0]
    k = split_count(n, n)
    if k <= 1:
        kernel(*arrays, *scalars)
        return
    bounds = [n * i // k for i in range(k + 1)]
    pool = executor(k - 1)
    futures: list[Future[Any]] = [
        pool.submit(kernel, *(a[bounds[i] : bounds[i + 1]] for a in arrays), *scalars) for i in range(1, k)
    ]
    kernel(*(a[: bounds[1]] for a in arrays), *scalars)
    for f in futures:
        f.result()


def split_rows(kernel: Callable[..., Any], out: Any, *operands: Any, **params: Any) -> Any:
    """``kernel(*operands, out=out, **params)`` for an elementwise kernel, one block of rows per thread.

    ``out`` is the C-contiguous result; an operand with ``out``'s rank and number of rows is cut
    into the same blocks, any other (a broadcast bias, a scalar) is passed whole. Returns ``out``.
    """
    if out.size < 2 * MIN_PER_THREAD:  # the common small case first: it runs per layer at batch 1
        kernel(*operands, out=out, **params)
        return out
    rows = out.shape[0] if out.ndim else 0
    k = split_count(out.size, rows) if out.flags.c_contiguous else 1
    if k <= 1:
        kernel(*operands, out=out, **params)
        return out
    bounds = [rows * i // k for i in range(k + 1)]
    nd = out.ndim

    def block(i: int) -> list[Any]:
        lo, hi = bounds[i], bounds[i + 1]
        return [a[lo:hi] if getattr(a, "ndim", 0) == nd and a.shape[0] == rows else a for a in operands]

    pool = executor(k - 1)
    futures = [
        pool.submit(kernel, *block(i), out=out[bounds[i] : bounds[i + 1]], **params) for i in range(1, k)
    ]
    kernel(*block(0), out=out[: bounds[1]], **params)
    for f in futures:
        f.result()
    return out


QUIET_BLAS = blas_quiet_idle_threads()
