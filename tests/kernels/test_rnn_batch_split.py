"""Recurrent kernels run on blocks of the batch, one per thread: what one thread gives, every time."""

import multiprocessing as mp
import threading
import warnings

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.backend.numpy import blas, rnn
from tensorflux.ops import rnn_ops

B, T, F, U = 7, 5, 3, 4
GATES = {"simple_rnn": 1, "lstm": 4, "gru": 3}


def _case(kind, rng, reset_after=True, dtype="float64"):
    g = GATES[kind]
    n_states = 2 if kind == "lstm" else 1
    x = rng.normal(size=(B, T, F))
    states = [rng.normal(size=(B, U)) for _ in range(n_states)]
    bias_shape = (2, g * U) if kind == "gru" and reset_after else (g * U,)
    weights = [rng.normal(size=(F, g * U)) * 0.6, rng.normal(size=(U, g * U)) * 0.6]
    bias = rng.normal(size=bias_shape) * 0.5
    return [a.astype(dtype) for a in [x, *states]], [w.astype(dtype) for w in weights], bias.astype(dtype)


def _forward_backward(kind, inputs, weights, bias, mask, parts, **params):
    """The kernel's outputs and every gradient, for fixed random output gradients."""
    fwd, bwd = getattr(rnn, kind), getattr(rnn, kind + "_grad")
    outs = fwd(*inputs, *weights, bias, *mask, parts=parts, **params)
    rng = np.random.default_rng(9)
    grads_out = [rng.normal(size=o.shape).astype(o.dtype) for o in outs[:-1]]
    wanted = (True,) * (len(inputs) + 3)
    grads = bwd(*grads_out, *inputs, *weights, outs[-1], *mask, wanted=wanted, **params)
    return list(outs[:-1]) + list(grads)


MASK = np.random.default_rng(3).random((B, T)) > 0.3
CELLS = (
    [("lstm", {})]
    + [("gru", {"reset_after": ra}) for ra in (True, False)]
    + [("simple_rnn", {"activation": a}) for a in ("tanh", "relu", "sigmoid", "linear")]
)
FLAGS = [{}, {"go_backwards": True, "return_sequences": False}, {"zero_output_for_mask": True}]


@pytest.mark.parametrize("parts", [2, 3])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("flags", FLAGS, ids=lambda f: ",".join(f) or "defaults")
@pytest.mark.parametrize(
    "kind,cell", CELLS, ids=lambda v: v if isinstance(v, str) else ",".join(map(str, v.values()))
)
def test_split_batch_matches_one_thread(kind, cell, flags, masked, parts):
    inputs, weights, bias = _case(kind, np.random.default_rng(0), cell.get("reset_after", True))
    mask = (MASK,) if masked else ()
    one = _forward_backward(kind, inputs, weights, bias, mask, 1, **cell, **flags)
    split = _forward_backward(kind, inputs, weights, bias, mask, parts, **cell, **flags)
    assert len(one) == len(split)
    for a, b in zip(one, split):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("kind", ["lstm", "gru", "simple_rnn"])
def test_blocks_give_the_same_bits_side_by_side_or_one_after_another(kind, monkeypatch):
    # the machine's load decides whether the blocks run on threads; it must not change the result
    inputs, weights, bias = _case(kind, np.random.default_rng(6), dtype="float32")
    monkeypatch.setattr(rnn, "_side_by_side", lambda: True)
    threaded = _forward_backward(kind, inputs, weights, bias, (MASK,), 2)
    monkeypatch.setattr(rnn, "_side_by_side", lambda: False)
    serial = _forward_backward(kind, inputs, weights, bias, (MASK,), 2)
    for a, b in zip(threaded, serial):
        np.testing.assert_array_equal(b, a)


def test_an_error_in_one_block_reaches_the_caller_after_every_block_ends(monkeypatch):
    monkeypatch.setattr(rnn, "_side_by_side", lambda: True)
    done = []

    def job(i):
        done.append(i)
        if i == 1:
            raise ValueError("block 1 failed")

    with pytest.raises(ValueError, match="block 1 failed"):
        rnn._run([lambda: job(0), lambda: job(1)])
    assert sorted(done) == [0, 1]


def test_split_without_workspace_gives_the_same_outputs():
    inputs, weights, bias = _case("lstm", np.random.default_rng(1), dtype="float32")
    one = rnn.lstm(*inputs, *weights, bias, save=False, parts=1)
    split = rnn.lstm(*inputs, *weights, bias, save=False, parts=2)
    assert split[-1].size == 0
    for a, b in zip(one[:-1], split[:-1]):
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-7)


def test_blocks_follow_threads_and_batch_size_and_the_backward_follows_the_forward():
    assert rnn._parts(1) == 1
    assert rnn._parts(127) == 1  # too few sequences to share
    inputs, weights, bias = _case("lstm", np.random.default_rng(3), dtype="float32")
    before = tf.config.threading.get_intra_op_parallelism_threads()
    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        assert rnn._parts(512) == 1
        tf.config.threading.set_intra_op_parallelism_threads(3)
        assert rnn._parts(512) == 3
        assert rnn._parts(128) == 2
        outs = rnn.lstm(*inputs, *weights, bias, parts=3)
        assert outs[-1][-1] == 3  # the workspace records its blocks
        tf.config.threading.set_intra_op_parallelism_threads(1)  # changed between forward and backward
        grads = rnn.lstm_grad(*(np.ones_like(o) for o in outs[:3]), *inputs, *weights, outs[-1])
    finally:
        tf.config.threading.set_intra_op_parallelism_threads(before)
    one = rnn.lstm(*inputs, *weights, bias, parts=1)
    ref = rnn.lstm_grad(*(np.ones_like(o) for o in one[:3]), *inputs, *weights, one[-1])
    for g, r in zip(grads, ref):
        np.testing.assert_allclose(g, r, rtol=1e-5, atol=1e-6)


def test_a_workspace_that_does_not_fit_the_inputs_is_refused():
    inputs, weights, bias = _case("gru", np.random.default_rng(4), dtype="float32")
    outs = rnn.gru(*inputs, *weights, bias, parts=2)
    with pytest.raises(ValueError, match="pass the workspace of the forward that ran on them"):
        rnn.gru_grad(*(np.ones_like(o) for o in outs[:2]), inputs[0][:, :-1], *inputs[1:], *weights, outs[-1])


def test_kernel_leaves_the_blas_thread_count_as_it_was():
    before = blas.blas_get_num_threads()
    inputs, weights, bias = _case("gru", np.random.default_rng(2), dtype="float32")
    rnn.gru(*inputs, *weights, bias, parts=2)
    assert blas.blas_get_num_threads() == before


def test_op_on_a_large_batch_matches_the_one_thread_kernel():
    # through the op layer, which picks the split from the cores; the gradient flows through the tape
    rng = np.random.default_rng(4)
    x = rng.normal(size=(300, T, F)).astype("float32")
    k, r = (rng.normal(size=s).astype("float32") * 0.5 for s in ((F, 4 * U), (U, 4 * U)))
    b = np.zeros(4 * U, "float32")
    h0 = c0 = np.zeros((300, U), "float32")
    kv, rv, bv = tf.Variable(k), tf.Variable(r), tf.Variable(b)
    with tf.GradientTape() as tape:
        y, h, c = rnn_ops.lstm(x, None, None, kv, rv, bv, return_sequences=False)
        loss = tf.reduce_sum(y * y) + tf.reduce_sum(c)
    grads = tape.gradient(loss, [kv, rv, bv])
    y1, h1, c1, ws = rnn.lstm(x, h0, c0, k, r, b, return_sequences=False, parts=1)
    g1 = rnn.lstm_grad(
        2 * y1,
        np.zeros_like(h1),
        np.ones_like(c1),
        x,
        h0,
        c0,
        k,
        r,
        ws,
        return_sequences=False,
        wanted=(False, False, False, True, True, True),
    )
    np.testing.assert_allclose(y.numpy(), y1, rtol=1e-5, atol=1e-6)
    with tf.GradientTape():  # the same bits every time
        np.testing.assert_array_equal(rnn_ops.lstm(x, None, None, kv, rv, bv, return_sequences=False)[0], y)
    for g, ref in zip(grads, g1):
        np.testing.assert_allclose(g.numpy(), ref, rtol=1e-4, atol=1e-5)


def test_kernels_running_at_once_in_several_threads_restore_the_blas_threads():
    before = blas.blas_get_num_threads()
    inputs, weights, bias = _case("lstm", np.random.default_rng(7), dtype="float32")
    ref = rnn.lstm(*inputs, *weights, bias, parts=2)
    results = []

    def run():
        results.append(rnn.lstm(*inputs, *weights, bias, parts=2))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert blas.blas_get_num_threads() == before
    for r in results:
        np.testing.assert_array_equal(r[0], ref[0])


def test_a_forked_child_runs_split_kernels():
    if "fork" not in mp.get_all_start_methods():
        pytest.skip("no fork on this platform")
    inputs, weights, bias = _case("gru", np.random.default_rng(8), dtype="float32")
    ref = rnn.gru(*inputs, *weights, bias, parts=2)[0]  # the parent's pool has threads now
    ctx = mp.get_context("fork")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Python 3.12 warns on fork with threads
        with ctx.Pool(1) as pool:
            # without a fresh pool in the child the kernel would wait for threads that are gone
            child = pool.apply_async(_gru_first_output, (inputs, weights, bias)).get(timeout=120)
    np.testing.assert_array_equal(child, ref)


def _gru_first_output(inputs, weights, bias):
    return rnn.gru(*inputs, *weights, bias, parts=2)[0]


def test_blocks_run_side_by_side_while_they_get_their_cores(monkeypatch):
    monkeypatch.setattr(rnn, "_PROBE_EVERY", 4)
    monkeypatch.setattr(rnn, "_calls", 0)
    monkeypatch.setattr(rnn, "_share", [0.9])
    assert [rnn._side_by_side() for _ in range(8)] == [True] * 8  # no tries of the slower way
    # two blocks that took turns on one core: 1 s of CPU per 1 s of waiting, half a core each
    for _ in range(3):
        rnn._learn(1.0, 1.0, 2)
    np.testing.assert_allclose(rnn._share[0], 0.5 + 0.4 * 0.7**3)  # a running mean, 0.3 for the newest
    assert [rnn._side_by_side() for _ in range(8)] == [False, False, False, True] * 2  # tries now and then
    rnn._learn(1.8, 1.0, 2)  # a try that found both cores free
    assert rnn._side_by_side()

    where = []

    def job():
        where.append(threading.get_ident())

    monkeypatch.setattr(rnn, "_side_by_side", lambda: True)
    rnn._run([job, job])
    assert where[0] == threading.get_ident() and where[1] != threading.get_ident()  # the pool took one


def test_jobs_run_one_after_another_on_this_thread(monkeypatch):
    monkeypatch.setattr(rnn, "_side_by_side", lambda: False)
    where = []
    rnn._run([lambda: where.append(threading.get_ident()), lambda: where.append(threading.get_ident())])
    assert where == [threading.get_ident()] * 2
