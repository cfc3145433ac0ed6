"""The small-product forward kernels (one sample at inference) against the general paths.

``conv`` on a small product builds the general path's im2col matrix with one copy and runs its
GEMM on one BLAS thread; ``max_pool`` on small tiling windows folds one spatial dim at a time.
Both must give what the general kernels give: the same im2col matrix, the values of a float64
reference, and (for the pool, whose max picks one input) the same bits.
"""

from __future__ import annotations

import importlib
import itertools
import time

import numpy as np
import pytest

import tensorflux as tf

conv_k = importlib.import_module("tensorflux.backend.numpy.conv")
pool_k = importlib.import_module("tensorflux.backend.numpy.pool")
threads_k = importlib.import_module("tensorflux.backend.numpy.threads")

rng = np.random.default_rng(11)


def _conv_reference(x, w, strides, dilations, pads):
    """Cross-correlation in float64, one output position at a time."""
    x = np.pad(x.astype(np.float64), [(0, 0)] + [tuple(p) for p in pads] + [(0, 0)])
    w = w.astype(np.float64)
    ksize = w.shape[:-2]
    out = [(s - d * (k - 1) - 1) // st + 1 for s, k, st, d in zip(x.shape[1:-1], ksize, strides, dilations)]
    y = np.zeros((x.shape[0], *out, w.shape[-1]))
    for pos in itertools.product(*(range(o) for o in out)):
        for tap in itertools.product(*(range(k) for k in ksize)):
            idx = tuple(p * st + t * d for p, st, t, d in zip(pos, strides, tap, dilations))
            y[(slice(None), *pos)] += x[(slice(None), *idx)] @ w[tap]
    return y


CONV_CASES = [
    # the seed CNN at batch 1: one channel, then 32 and 64 channels
    ((1, 28, 28, 1), (3, 3, 1, 32), (1, 1), (1, 1), ((0, 0), (0, 0))),
    ((1, 13, 13, 32), (3, 3, 32, 64), (1, 1), (1, 1), ((0, 0), (0, 0))),
    ((1, 5, 5, 64), (3, 3, 64, 64), (1, 1), (1, 1), ((0, 0), (0, 0))),
    ((2, 9, 8, 3), (3, 2, 3, 5), (2, 1), (1, 2), ((1, 1), (0, 1))),  # strides, dilations, padding
    ((3, 6, 6, 1), (2, 2, 1, 3), (2, 2), (1, 1), ((0, 1), (0, 1))),  # one channel, padded
    ((1, 7, 1), (3, 1, 4), (2,), (1,), ((1, 1),)),  # 1-D, one channel
    ((1, 5, 5, 5, 2), (2, 2, 2, 2, 3), (1, 1, 1), (1, 1, 1), ((0, 0), (0, 0), (0, 0))),  # 3-D
    ((2, 4, 4, 3), (1, 1, 3, 2), (1, 1), (1, 1), ((0, 0), (0, 0))),  # 1x1 kernel
]


@pytest.mark.parametrize("x_shape,w_shape,strides,dilations,pads", CONV_CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_small_conv_matches_reference_and_im2col(
    monkeypatch, x_shape, w_shape, strides, dilations, pads, dtype
):
    monkeypatch.setattr(conv_k, "_SMALL_PLANS", {})
    x = rng.standard_normal(x_shape).astype(dtype)
    x.flags.writeable = False  # tensors hold read-only arrays
    w = rng.standard_normal(w_shape).astype(dtype)
    calls = []
    small = conv_k._conv_small
    monkeypatch.setattr(conv_k, "_conv_small", lambda *a: calls.append(1) or small(*a))
    y, cols = conv_k.conv(x, w, strides, dilations, pads, keep_cols=True)
    assert calls, "a small product must take the small path"
    ref = _conv_reference(x, w, strides, dilations, pads)
    assert y.shape == ref.shape and y.dtype == dtype and y.flags.c_contiguous
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(y, ref, rtol=tol, atol=tol * np.abs(ref).max())
    # the matrix the filter gradient reads is the general path's, value for value and in its layout
    want = conv_k.im2col(x, w_shape[:-2], strides, dilations, pads)
    np.testing.assert_array_equal(cols, want)
    assert cols.shape == want.shape and cols.flags.c_contiguous == want.flags.c_contiguous
    # the general path's GEMM over that matrix (float32 rounding apart: BLAS may block it differently)
    general = (want @ w.reshape(-1, w_shape[-1])).reshape(y.shape)
    np.testing.assert_allclose(y, general, rtol=tol, atol=tol * np.abs(general).max())
    # a second call replays the cached geometry: same bits
    np.testing.assert_array_equal(conv_k.conv(x, w, strides, dilations, pads), y)


def test_small_conv_non_contiguous_input_and_list_arguments(monkeypatch):
    monkeypatch.setattr(conv_k, "_SMALL_PLANS", {})
    base = rng.standard_normal((1, 9, 9, 8)).astype(np.float32)
    x = base[..., ::2]  # every other channel: not contiguous
    assert not x.flags.c_contiguous
    w = rng.standard_normal((3, 3, 4, 6)).astype(np.float32)
    ref = _conv_reference(x, w, (1, 1), (1, 1), ((1, 0), (0, 1)))
    y = conv_k.conv(x, w, (1, 1), (1, 1), ((1, 0), (0, 1)))
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-5 * np.abs(ref).max())
    y_np = conv_k.conv(np.ascontiguousarray(x), w, [1, 1], [1, 1], [[1, 0], [0, 1]])  # unhashable
    np.testing.assert_array_equal(y_np, y)
    x1 = base[..., :1][:, ::2]  # one channel, strided rows
    w1 = rng.standard_normal((2, 2, 1, 3)).astype(np.float32)
    np.testing.assert_array_equal(
        conv_k.conv(x1, w1, (1, 1), (1, 1), ((0, 0), (0, 0))),
        conv_k.conv(np.ascontiguousarray(x1), w1, (1, 1), (1, 1), ((0, 0), (0, 0))),
    )


def test_large_products_keep_the_general_path(monkeypatch):
    monkeypatch.setattr(conv_k, "_SMALL_PLANS", {})

    def fail(*a):
        raise AssertionError("a training-size product took the small path")

    monkeypatch.setattr(conv_k, "_conv_small", fail)
    # the seed CNN's layers at batch 8 (conv2) and 64 (all): above ``_SMALL_MACS``
    for n, xs, ws in [
        (8, (13, 13, 32), (3, 3, 32, 64)),
        (64, (28, 28, 1), (3, 3, 1, 32)),
        (64, (5, 5, 64), (3, 3, 64, 64)),
    ]:
        x = rng.standard_normal((n, *xs)).astype(np.float32)
        w = rng.standard_normal(ws).astype(np.float32)
        y, cols = conv_k.conv(x, w, (1, 1), (1, 1), ((0, 0), (0, 0)), keep_cols=True)
        assert y.shape == (n, xs[0] - 2, xs[1] - 2, ws[-1])
        np.testing.assert_array_equal(cols, conv_k.im2col(x, ws[:2], (1, 1), (1, 1), ((0, 0), (0, 0))))


def test_small_conv_runs_on_one_blas_thread_while_the_machine_is_busy(monkeypatch):
    monkeypatch.setattr(conv_k, "_SMALL_PLANS", {})
    monkeypatch.setattr(threads_k, "_determinism", [False])  # the suite turns it on (conftest)
    monkeypatch.setattr(threads_k, "machine_busy", lambda: True)
    seen = []
    matmul = np.matmul
    monkeypatch.setattr(threads_k, "blas_get_num_threads", lambda: 4)
    monkeypatch.setattr(threads_k, "blas_set_num_threads", lambda n: seen.append(n))
    monkeypatch.setattr(conv_k.np, "matmul", lambda a, b, **k: seen.append("gemm") or matmul(a, b, **k))
    x = rng.standard_normal((1, 13, 13, 32)).astype(np.float32)  # 2.2M multiply-adds
    conv_k.conv(x, rng.standard_normal((3, 3, 32, 64)).astype(np.float32), (1, 1), (1, 1), ((0, 0), (0, 0)))
    assert seen == [1, "gemm", 4]
    seen.clear()
    x = rng.standard_normal((1, 28, 28, 1)).astype(np.float32)  # under OpenBLAS's own serial size
    conv_k.conv(x, rng.standard_normal((3, 3, 1, 32)).astype(np.float32), (1, 1), (1, 1), ((0, 0), (0, 0)))
    assert seen == ["gemm"]
    seen.clear()
    monkeypatch.setattr(threads_k, "machine_busy", lambda: False)  # idle: BLAS as configured
    x = rng.standard_normal((1, 13, 13, 32)).astype(np.float32)
    conv_k.conv(x, rng.standard_normal((3, 3, 32, 64)).astype(np.float32), (1, 1), (1, 1), ((0, 0), (0, 0)))
    assert seen == ["gemm"]


def test_machine_busy_reads_the_load_at_most_once_a_second(monkeypatch):
    # no earlier sample: the 1-minute load average decides
    loads = iter([(9.0, 0, 0), (0.0, 0, 0)])
    monkeypatch.setattr(threads_k.os, "getloadavg", lambda: next(loads))
    monkeypatch.setattr(threads_k, "_busy_cpu_seconds", lambda: None)
    monkeypatch.setattr(threads_k, "_load", [-1e9, False, None, None])
    assert threads_k.machine_busy() is True
    assert threads_k.machine_busy() is True  # cached: the second load is not read yet
    threads_k._load[0] -= 2.0
    assert threads_k.machine_busy() is False


def test_machine_busy_counts_other_processes_cpu_time(monkeypatch):
    # all processes' busy CPU seconds and this process's own, as /proc/stat and the clock give them
    clock = {"now": 100.0, "total": 50.0, "own": 10.0}
    monkeypatch.setattr(threads_k.time, "monotonic", lambda: clock["now"])
    monkeypatch.setattr(threads_k.time, "process_time", lambda: clock["own"])
    monkeypatch.setattr(threads_k, "_busy_cpu_seconds", lambda: clock["total"])
    monkeypatch.setattr(threads_k.os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    monkeypatch.setattr(threads_k, "_load", [-1e9, False, None, None])
    assert threads_k.machine_busy() is False  # first sample: the (idle) load average decides

    def advance(seconds, total, own):
        clock["now"] += seconds
        clock["total"] += total
        clock["own"] += own

    advance(2.0, total=3.9, own=3.8)  # this process used both cores; others almost nothing
    assert threads_k.machine_busy() is False
    advance(2.0, total=3.8, own=1.8)  # another process took a whole core
    assert threads_k.machine_busy() is True
    advance(0.5, total=0.0, own=0.0)
    assert threads_k.machine_busy() is True  # asked again within the second: the same answer
    advance(1.0, total=1.1, own=0.9)
    assert threads_k.machine_busy() is False


def test_busy_cpu_seconds_reads_proc_stat():
    total = threads_k._busy_cpu_seconds()
    if total is None:
        pytest.skip("no /proc/stat")
    t = time.process_time()
    while time.process_time() - t < 0.05:
        pass
    assert threads_k._busy_cpu_seconds() >= total


def _pool_reference(x, ksize):
    """Max over each tiling window (the rest cropped), by a reshape."""
    out = [s // k for s, k in zip(x.shape[1:-1], ksize)]
    crop = x[(slice(None), *(slice(0, o * k) for o, k in zip(out, ksize)))]
    split = crop.reshape((x.shape[0], *(v for o, k in zip(out, ksize) for v in (o, k)), x.shape[-1]))
    return split.max(axis=tuple(range(2, 2 * len(ksize) + 1, 2)))


POOL_CASES = [
    ((1, 26, 26, 32), (2, 2)),  # the seed CNN's pools at batch 1
    ((1, 11, 11, 64), (2, 2)),  # odd: the last row and column are cropped
    ((3, 9, 8, 3), (3, 3)),
    ((2, 7, 1), (2,)),
    ((2, 5, 6, 7, 3), (2, 1, 3)),
    ((1, 4, 5, 2), (1, 1)),  # no fold at all: still a copy
    ((2, 9, 9, 2), (1, 2)),
]


@pytest.mark.parametrize("shape,ksize", POOL_CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_folded_max_pool_matches_reference(monkeypatch, shape, ksize, dtype):
    monkeypatch.setattr(pool_k, "_FOLD_PLANS", {})
    x = (rng.standard_normal(shape) * 10).astype(dtype)
    x.flat[::5] = x.flat[1]  # ties
    if dtype != np.int32:
        x.flat[3] = np.nan  # a NaN wins its window, as in the per-tap loop
    valid = ((0, 0),) * len(ksize)
    y = pool_k.max_pool(x, ksize, ksize, valid)
    ref = _pool_reference(x, ksize)
    assert y.dtype == x.dtype and y.shape == ref.shape and y.flags.c_contiguous
    assert not np.shares_memory(y, x)
    np.testing.assert_array_equal(y, ref)
    # the per-tap loop (large inputs) gives the same bits
    monkeypatch.setattr(pool_k, "_FOLD_PLANS", {})
    monkeypatch.setattr(pool_k, "_FOLD_MAX_SIZE", 0)
    np.testing.assert_array_equal(pool_k.max_pool(x, ksize, ksize, valid), y)


def test_fold_only_small_tiling_unpadded_pools(monkeypatch):
    monkeypatch.setattr(pool_k, "_FOLD_PLANS", {})
    folded = []
    fold = pool_k._max_pool_folded
    monkeypatch.setattr(pool_k, "_max_pool_folded", lambda *a: folded.append(1) or fold(*a))
    x = rng.standard_normal((1, 8, 8, 2)).astype(np.float32)
    pool_k.max_pool(x, (2, 2), (2, 2), ((0, 0), (0, 0)))
    pool_k.max_pool(x, [2, 2], [2, 2], [[0, 0], [0, 0]])  # list arguments: not cached, same path
    assert len(folded) == 2
    pool_k.max_pool(x, (3, 3), (2, 2), ((0, 0), (0, 0)))  # overlapping
    pool_k.max_pool(x, (2, 2), (2, 2), ((1, 1), (1, 1)))  # padded
    big = np.zeros((8, 26, 26, 32), np.float32)  # above ``_FOLD_MAX_SIZE``: a training batch
    assert big.size > pool_k._FOLD_MAX_SIZE
    pool_k.max_pool(big, (2, 2), (2, 2), ((0, 0), (0, 0)))
    assert len(folded) == 2


def test_folded_max_pool_non_contiguous_input(monkeypatch):
    monkeypatch.setattr(pool_k, "_FOLD_PLANS", {})
    x = rng.standard_normal((2, 10, 10, 6)).astype(np.float32)[..., ::2]
    np.testing.assert_array_equal(
        pool_k.max_pool(x, (2, 2), (2, 2), ((0, 0), (0, 0))), _pool_reference(x, (2, 2))
    )


def test_every_product_runs_on_one_blas_thread_while_busy_unless_op_determinism(monkeypatch):
    math_k = importlib.import_module("tensorflux.backend.numpy.math")
    seen = []
    matmul = np.matmul
    monkeypatch.setattr(threads_k, "blas_get_num_threads", lambda: 4)
    monkeypatch.setattr(threads_k, "blas_set_num_threads", lambda n: seen.append(n))
    monkeypatch.setattr(math_k.np, "matmul", lambda a, b, **k: seen.append("gemm") or matmul(a, b, **k))
    a = rng.standard_normal((128, 784)).astype(np.float32)
    b = rng.standard_normal((784, 512)).astype(np.float32)
    monkeypatch.setattr(threads_k, "_determinism", [False])  # the suite turns it on (conftest)
    monkeypatch.setattr(threads_k, "machine_busy", lambda: True)
    with threads_k.one_blas_thread():
        want = a @ b
    seen.clear()
    np.testing.assert_array_equal(math_k.matmul(a, b), want)
    assert seen == [1, "gemm", 4]
    seen.clear()
    monkeypatch.setattr(threads_k, "_determinism", [False])
    tf.config.experimental.enable_op_determinism()  # the configured threads, however busy
    assert threads_k.op_determinism()
    math_k.matmul(a, b)
    assert seen == ["gemm"]
    seen.clear()
    monkeypatch.setattr(threads_k, "_determinism", [False])
    monkeypatch.setattr(threads_k, "machine_busy", lambda: False)  # idle: as configured
    math_k.matmul(a, b)
    assert seen == ["gemm"]


@pytest.mark.parametrize(
    "x_shape, w_shape, strides, dilations, pads",
    [
        ((1, 28, 28, 1), (3, 3, 1, 32), (1, 1), (1, 1), ((0, 0), (0, 0))),  # seed CNN layer 1
        ((1, 9, 8, 1), (2, 3, 1, 4), (2, 1), (1, 2), ((1, 0), (2, 1))),
        ((2, 7, 1), (3, 1, 5), (1,), (2,), ((1, 1),)),
    ],
)
def test_small_one_channel_conv_bias_folds_the_bias_into_its_product(
    x_shape, w_shape, strides, dilations, pads
):
    ints = np.random.default_rng(5)
    x = ints.integers(-3, 4, x_shape).astype(np.float32)  # small integers: exact products and sums
    w = ints.integers(-3, 4, w_shape).astype(np.float32)
    b = ints.integers(-3, 4, w_shape[-1:]).astype(np.float32)
    want = conv_k.conv(x, w, strides, dilations, pads) + b
    np.testing.assert_array_equal(conv_k.conv_bias(x, w, b, strides, dilations, pads), want)
    # float data: the same up to rounding; kept matrices (a tape) take the separate add
    xf, wf = rng.standard_normal(x_shape).astype(np.float32), rng.standard_normal(w_shape).astype(np.float32)
    got = conv_k.conv_bias(xf, wf, b, strides, dilations, pads)
    np.testing.assert_allclose(got, conv_k.conv(xf, wf, strides, dilations, pads) + b, rtol=1e-5, atol=1e-5)
    y, cols = conv_k.conv_bias(xf, wf, b, strides, dilations, pads, keep_cols=True)
    np.testing.assert_allclose(y, got, rtol=1e-5, atol=1e-5)
