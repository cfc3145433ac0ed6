"""The fused Adam kernel gives bitwise the same steps as Adam's rule written with tensor ops.

The rule itself is checked against Keras in test_optimizers.py; here the fused kernel (and its
split over threads) must equal the op-by-op rule exactly, eagerly and inside a traced step.
"""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.backend import ops as B
from tensorflux.backend.numpy import threads
from tensorflux.keras import optimizers
from tensorflux.keras.optimizers import adam as adam_module


def _run(fused, arrays, grads, monkeypatch, traced=False, **config):
    if not fused:
        monkeypatch.setattr(adam_module, "_fusable", lambda *a: False)
    else:
        monkeypatch.undo()
    opt = optimizers.Adam(learning_rate=0.01, **config)
    vs = [tf.Variable(a) for a in arrays]

    def step(gs):
        opt.apply_gradients(zip(gs, vs))

    run = tf.function(step) if traced else step
    for gs in grads:
        run([tf.constant(g) for g in gs])
    return [v.numpy() for v in vs], opt


def _problem(dtype="float32", steps=5):
    rng = np.random.default_rng(0)
    # large enough to be split over threads, a Fortran-ordered one, a scalar, a small vector
    shapes = [(3 * threads.MIN_PER_THREAD + 7,), (40, 30), (), (5,)]
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    arrays[1] = np.asfortranarray(arrays[1])
    grads = [[rng.standard_normal(s).astype(dtype) for s in shapes] for _ in range(steps)]
    return arrays, grads


@pytest.mark.parametrize("traced", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fused_adam_equals_op_by_op_rule(monkeypatch, traced, dtype):
    arrays, grads = _problem(dtype)
    ref, _ = _run(False, arrays, grads, monkeypatch)  # eager: traced float64 needs the fused kernel
    got, opt = _run(True, arrays, grads, monkeypatch, traced)
    for r, g in zip(ref, got):
        assert g.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(g, r)
    assert int(opt.iterations) == len(grads)


def test_fused_adam_with_weight_decay_and_schedule(monkeypatch):
    arrays, grads = _problem()
    lr = optimizers.schedules.ExponentialDecay(0.01, decay_steps=2, decay_rate=0.5)
    for cls in (optimizers.Adam, optimizers.AdamW):
        res = []
        for fused in (False, True):
            if not fused:
                monkeypatch.setattr(adam_module, "_fusable", lambda *a: False)
            else:
                monkeypatch.undo()
            opt = cls(learning_rate=lr, weight_decay=0.1)
            vs = [tf.Variable(a) for a in arrays]
            for gs in grads:
                opt.apply_gradients(zip([tf.constant(g) for g in gs], vs))
            res.append([v.numpy() for v in vs])
        for r, g in zip(*res):
            np.testing.assert_array_equal(g, r)


def test_fused_adam_does_not_touch_arrays_read_before_the_step():
    v = tf.Variable(np.ones(4, "float32"))
    before = v.value()
    optimizers.Adam(0.1).apply_gradients([(tf.constant(np.ones(4, "float32")), v)])
    np.testing.assert_array_equal(before.numpy(), np.ones(4, "float32"))
    assert float(v.numpy()[0]) == pytest.approx(0.9, abs=1e-6)


def test_split_apply_runs_every_slice_once_and_matches_one_call():
    n = 4 * threads.MIN_PER_THREAD + 3
    x = np.arange(n, dtype=np.float64)
    out = np.zeros(n)

    def kernel(a, o, c):
        np.multiply(a, c, out=o)
        o += 1.0

    threads.split_apply(kernel, [x, out], 2.0)
    np.testing.assert_array_equal(out, x * 2.0 + 1.0)


def test_intra_op_threads_setting():
    assert tf.config.threading.get_intra_op_parallelism_threads() == 0
    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        assert tf.config.threading.get_intra_op_parallelism_threads() == 1
        assert threads.num_threads() == 1
        if B.blas_get_num_threads() is not None:
            assert B.blas_get_num_threads() == 1
        with pytest.raises(ValueError, match=">= 0"):
            tf.config.threading.set_intra_op_parallelism_threads(-1)
    finally:
        tf.config.threading.set_intra_op_parallelism_threads(0)
    assert threads.num_threads() == threads._default_threads()
    if B.blas_get_num_threads() is not None:
        assert B.blas_get_num_threads() == threads._default_threads()
    tf.config.threading.set_inter_op_parallelism_threads(2)
    assert tf.config.threading.get_inter_op_parallelism_threads() == 2
    tf.config.threading.set_inter_op_parallelism_threads(0)
