"""Elementwise kernels split over threads give bitwise the results of one NumPy call."""

import os
import threading

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.backend import ops as B
from tensorflux.backend.numpy import threads

ROWS = 4 * threads.MIN_PER_THREAD // 32 + 3  # several blocks of (ROWS, 32) rows, uneven


@pytest.fixture(params=[1, 2, 3])
def nthreads(request, monkeypatch):
    # the split is skipped while other processes hold the cores; these tests check the split
    monkeypatch.setattr(threads, "machine_busy", lambda: False)
    tf.config.threading.set_intra_op_parallelism_threads(request.param)
    yield request.param
    tf.config.threading.set_intra_op_parallelism_threads(0)


def _data(shape=(ROWS, 32)):
    rng = np.random.default_rng(0)
    return rng.standard_normal(shape).astype("float32"), rng.standard_normal(shape[-1:]).astype("float32")


def test_split_rows_broadcast_and_in_place(nthreads):
    x, b = _data()
    want = np.maximum(x + b, 0)
    out = x.copy()
    threads.split_rows(lambda a, c, out: np.add(a, c, out=out), out, out, b)  # in place, bias broadcast
    threads.split_rows(lambda a, out: np.maximum(a, 0, out=out), out, out)
    np.testing.assert_array_equal(out, want)


@pytest.mark.parametrize("name", ["add", "multiply", "maximum", "divide"])
def test_inplace_binary_kernels(nthreads, name):
    x, b = _data()
    y = np.abs(_data()[0]) + 1
    for other in (y, b, np.float32(3.0)):
        out = np.empty_like(x)
        B.INPLACE_KERNELS[name](x, other, out=out)
        np.testing.assert_array_equal(out, getattr(np, {"divide": "true_divide"}.get(name, name))(x, other))


def test_inplace_unary_relu_rsqrt_bias_add(nthreads):
    x, b = _data((ROWS, 4, 8))
    pos = np.abs(x) + 0.5
    for name, arg, want in [
        ("exp", x, np.exp(x)),
        ("relu", x, np.maximum(x, 0)),
        ("rsqrt", pos, 1 / np.sqrt(pos)),
        ("reciprocal", pos, 1 / pos),
    ]:
        out = np.empty_like(arg)
        B.INPLACE_KERNELS[name](arg, out=out)
        np.testing.assert_array_equal(out, want, err_msg=name)
    out = np.empty_like(x)
    B.INPLACE_KERNELS["bias_add"](x, b[:4], out=out, axis=1)
    np.testing.assert_array_equal(out, x + b[:4].reshape(4, 1))


def test_relu_grad(nthreads):
    g, _ = _data()
    y = np.maximum(_data()[0][::-1], 0).copy()
    np.testing.assert_array_equal(B.relu_grad(g, y), g * (y > 0))


def test_traced_relu_layer_matches_eager_with_threads(nthreads):
    x, b = _data()

    def f(x):
        return tf.nn.relu(tf.nn.bias_add(x * 2.0, b)) * 3.0

    np.testing.assert_array_equal(tf.function(f)(tf.constant(x)).numpy(), f(tf.constant(x)).numpy())


def _threads_used(fn):
    """The names of the threads a kernel ran on (one per block) while ``fn`` ran it."""
    names = []

    def kernel(*args, **kwargs):
        names.append(threading.current_thread().name)
        out = kwargs["out"]
        out[...] = 1.0

    fn(kernel)
    return names


def test_split_runs_on_as_many_threads_as_asked(nthreads):
    out = np.zeros((ROWS, 32), np.float32)
    names = _threads_used(lambda k: threads.split_rows(k, out))
    assert len(names) == nthreads  # blocks
    me = threading.current_thread().name
    assert names.count(me) == 1  # the caller runs one block, the pool the others
    assert all(n.startswith("tensorflux-kernel") for n in names if n != me)
    assert (out == 1.0).all()


def test_no_split_while_the_machine_is_busy(nthreads, monkeypatch):
    monkeypatch.setattr(threads, "machine_busy", lambda: True)
    out = np.zeros((ROWS, 32), np.float32)
    assert _threads_used(lambda k: threads.split_rows(k, out)) == [threading.current_thread().name]


def test_no_split_inside_a_pool_thread(nthreads):
    # a pool thread waiting on its own pool would wait forever when the pool has one thread
    out = np.zeros((ROWS, 32), np.float32)
    names = threads.executor(1).submit(_threads_used, lambda k: threads.split_rows(k, out)).result(timeout=30)
    assert len(names) == 1 and next(iter(names)).startswith("tensorflux-kernel")


def test_openblas_idle_threads_are_told_to_sleep_soon():
    # set at import unless the user chose a value; a user's value is left alone
    from tensorflux.backend.numpy import blas

    if blas.blas_get_num_threads() is None:
        pytest.skip("NumPy's BLAS is not an OpenBLAS")
    assert os.environ["OPENBLAS_THREAD_TIMEOUT"] == str(blas.IDLE_SPIN_LOG2_CYCLES) or not threads.QUIET_BLAS
    assert blas.blas_quiet_idle_threads() is False  # already set: nothing changes
    a = np.ones((256, 256), np.float32)
    np.testing.assert_array_equal(a @ a, np.full((256, 256), 256.0, np.float32))  # BLAS still works


def _unsplit(monkeypatch, fn):
    with monkeypatch.context() as m:
        m.setattr(threads, "machine_busy", lambda: True)
        return fn()


@pytest.mark.parametrize("shape", [(8, 26, 26, 32), (16, 23, 23, 24)])  # tiles exactly / cropped edge
def test_max_pool_and_its_gradient_split_by_images(nthreads, monkeypatch, shape):
    from tensorflux.backend.numpy import pool

    rng = np.random.default_rng(1)
    x = rng.integers(-3, 4, shape).astype(np.float32)  # many ties: the first max must win in every block
    y = pool.max_pool(x, (2, 2), (2, 2), ((0, 0), (0, 0)))
    oh, ow = shape[1] // 2, shape[2] // 2
    want = x[:, : 2 * oh, : 2 * ow].reshape(shape[0], oh, 2, ow, 2, shape[3]).max(axis=(2, 4))
    np.testing.assert_array_equal(y, want)
    g = rng.standard_normal(y.shape).astype(np.float32)
    for grad in (pool.max_pool_grad, pool.max_pool_relu_grad):
        got = grad(x, y, g, (2, 2), (2, 2), ((0, 0), (0, 0)))
        ref = _unsplit(monkeypatch, lambda f=grad: f(x, y, g, (2, 2), (2, 2), ((0, 0), (0, 0))))
        np.testing.assert_array_equal(got, ref)
    # each window passes its gradient to exactly one input, the first of its maxima
    dx = pool.max_pool_grad(x, y, np.ones_like(y), (2, 2), (2, 2), ((0, 0), (0, 0)))
    assert dx.sum() == y.size


def test_im2col_split_by_images(nthreads):
    x = np.random.default_rng(2).standard_normal((16, 13, 13, 32)).astype(np.float32)
    cols = B.im2col(x, (3, 3), (1, 1), (1, 1), ((0, 0), (0, 0)))
    want = np.stack([x[:, i : i + 11, j : j + 11] for i in range(3) for j in range(3)], axis=3)
    np.testing.assert_array_equal(cols, want.reshape(16 * 11 * 11, 9 * 32))


@pytest.mark.parametrize("pads", [((0, 0), (0, 0)), ((1, 1), (1, 1))])  # VALID / SAME
def test_conv_input_gradient_split_by_images(nthreads, monkeypatch, pads):
    rng = np.random.default_rng(3)
    x_shape = (32, 13, 13, 32)  # two blocks of at least MIN_PER_THREAD elements
    assert threads.split_count(np.prod(x_shape), 32) == min(nthreads, 2)
    w = rng.standard_normal((3, 3, 32, 16)).astype(np.float32)
    out = 13 + sum(pads[0]) - 2
    dy = rng.standard_normal((32, out, out, 16)).astype(np.float32)
    got = B.conv_backprop_input(dy, w, x_shape, (1, 1), (1, 1), pads)
    ref = _unsplit(monkeypatch, lambda: B.conv_backprop_input(dy, w, x_shape, (1, 1), (1, 1), pads))
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5)  # one BLAS thread per block: rounding only
    # against the definition: dx = sum over taps of dy @ w_tap^T, placed where the tap read
    dxp = np.zeros((32, 13 + sum(pads[0]), 13 + sum(pads[1]), 32), np.float64)
    for i in range(3):
        for j in range(3):
            dxp[:, i : i + out, j : j + out] += dy.astype(np.float64) @ w[i, j].T.astype(np.float64)
    lo = pads[0][0]
    np.testing.assert_allclose(got, dxp[:, lo : lo + 13, lo : lo + 13], rtol=1e-4, atol=1e-4)


def test_eager_relu_and_bias_add_split(nthreads):
    x, b = _data()
    np.testing.assert_array_equal(B.relu(x), np.maximum(x, 0))
    np.testing.assert_array_equal(B.bias_add(x, b, -1), x + b)
    xt = x.T  # not C-ordered: still right
    np.testing.assert_array_equal(B.relu(xt), np.maximum(xt, 0))
    assert B.relu(np.arange(-3, 3)).tolist() == [0, 0, 0, 0, 1, 2]  # ints keep numpy's rule
