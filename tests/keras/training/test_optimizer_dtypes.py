"""Optimizers on float64 and float16 weights, and on weights of several dtypes at once.

As in Keras, every update runs in its variable's dtype: slots take that dtype, and the gradient,
the learning rate (a float32 variable) and the step scalars are cast to it.  References: the same
optimizer on float32 copies (to float32 tolerance), SGD and Adam written out by hand in float64,
SGD written out in float16 (each product rounded to float16, as a float16 update does), and the
float32 variable of a mixed pair, which must not notice its float64 neighbour.
"""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.framework.indexed_slices import IndexedSlices
from tensorflux.keras import optimizers
from tensorflux.keras.optimizers import adam as adam_module

STEPS = 5
OPTIMIZERS = {
    "SGD": {"learning_rate": 0.1},
    "SGD-nesterov": {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True},
    "RMSprop": {"learning_rate": 0.01},
    "RMSprop-centered": {"learning_rate": 0.01, "centered": True, "momentum": 0.5},
    "Adam": {"learning_rate": 0.01},
    "Adam-amsgrad": {"learning_rate": 0.01, "amsgrad": True},
    "AdamW": {"learning_rate": 0.01, "weight_decay": 0.1},
    "Adadelta": {"learning_rate": 1.0},
    "Adagrad": {"learning_rate": 0.05},
    "Adamax": {"learning_rate": 0.01},
    "Nadam": {"learning_rate": 0.01},
    "Ftrl": {
        "learning_rate": 0.05,
        "l1_regularization_strength": 0.01,
        "l2_regularization_strength": 0.02,
        "l2_shrinkage_regularization_strength": 0.03,
        "beta": 0.1,
    },
    "Lion": {"learning_rate": 0.01},
}
OPTIONS = {
    "weight_decay": {"weight_decay": 0.05},
    "clipnorm": {"clipnorm": 0.5},
    "clipvalue": {"clipvalue": 0.3},
    "global_clipnorm": {"global_clipnorm": 0.7},
    "schedule": {"learning_rate": "schedule"},
    "loss_scale_factor": {"loss_scale_factor": 8.0},
}


def _make(key, **extra):
    config = {**OPTIMIZERS[key], **extra}
    if config.get("learning_rate") == "schedule":
        config["learning_rate"] = optimizers.schedules.ExponentialDecay(0.02, decay_steps=2, decay_rate=0.5)
    return getattr(optimizers, key.split("-")[0])(**config)


def _problem(steps=STEPS):
    rng = np.random.default_rng(7)
    init = [rng.standard_normal((4, 3)), rng.standard_normal(3), np.asarray(rng.standard_normal())]
    grads = [[rng.standard_normal(a.shape) for a in init] for _ in range(steps)]
    return init, grads


def _train(opt, dtypes, traced, init=None, grads=None):
    """One update per gradient set, on variables of ``dtypes`` (one per array of the problem, cycled)."""
    if init is None:
        init, grads = _problem()
    dtypes = [dtypes[i % len(dtypes)] for i in range(len(init))]
    vs = [tf.Variable(a.astype(d)) for a, d in zip(init, dtypes)]

    def step(gs):
        opt.apply_gradients(zip(gs, vs))

    run = tf.function(step) if traced else step
    for gs in grads:
        run([tf.constant(g.astype(d)) for g, d in zip(gs, dtypes)])
    for v, d in zip(vs, dtypes):
        assert v.dtype == d
    assert int(opt.iterations) == len(grads)
    return [v.numpy() for v in vs]


def _slot_dtypes_match(opt, variables_dtype):
    """iterations int64, the learning rate float32 (floatx), every slot the variables' dtype."""
    names = [v.name for v in opt.variables]
    assert opt.variables[0].dtype == tf.int64, names
    rest = opt.variables[1:]
    if isinstance(opt._learning_rate, tf.Variable):
        assert rest[0].dtype == tf.float32
        rest = rest[1:]
    assert rest or type(opt) is optimizers.SGD, names  # plain SGD keeps no slots
    for v in rest:
        assert v.dtype == variables_dtype, (v.name, v.dtype)


# float64 follows the float32 run to float32 precision; float16 updates in float16, to its precision
_FOLLOW = {"float64": (2e-5, 2e-6), "float16": (2e-2, 5e-3)}


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "traced"])
@pytest.mark.parametrize("key", list(OPTIMIZERS))
@pytest.mark.parametrize("dtype", list(_FOLLOW))
def test_weights_of_another_dtype_follow_the_float32_run(key, traced, dtype):
    opt = _make(key)
    got = _train(opt, [dtype], traced)
    ref = _train(_make(key), ["float32"], traced)
    rtol, atol = _FOLLOW[dtype]
    for g, r in zip(got, ref):
        assert g.dtype == np.dtype(dtype)
        np.testing.assert_allclose(g.astype("float64"), r, rtol=rtol, atol=atol)
    _slot_dtypes_match(opt, tf.as_dtype(dtype))


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "traced"])
@pytest.mark.parametrize("option", list(OPTIONS))
@pytest.mark.parametrize("key", ["SGD-nesterov", "RMSprop", "Adam", "Nadam", "Ftrl"])
def test_float64_weights_with_options(key, option, traced):
    got = _train(_make(key, **OPTIONS[option]), ["float64"], traced)
    ref = _train(_make(key, **OPTIONS[option]), ["float32"], traced)
    for g, r in zip(got, ref):
        np.testing.assert_allclose(g, r, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("key", list(OPTIMIZERS))
def test_float64_weights_with_moving_average_and_accumulation(key):
    # both decide on the step count in Python, so they run eagerly (a traced fit falls back)
    ema = {"use_ema": True, "ema_momentum": 0.8, "ema_overwrite_frequency": 3}
    opt = _make(key, **ema)
    got, ref = _train(opt, ["float64"], False), _train(_make(key, **ema), ["float32"], False)
    for g, r in zip(got, ref):
        np.testing.assert_allclose(g, r, rtol=2e-5, atol=2e-6)
    averages = [s for s in opt.variables if s.name.endswith("_average:0")]
    assert len(averages) == 3 and all(a.dtype == tf.float64 for a in averages)
    init, grads = _problem(steps=6)
    got = _train(_make(key, gradient_accumulation_steps=2), ["float64"], False, init, grads)
    ref = _train(_make(key, gradient_accumulation_steps=2), ["float32"], False, init, grads)
    for g, r in zip(got, ref):
        np.testing.assert_allclose(g, r, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize(
    "name", ["sgd", "rmsprop", "adam", "adamw", "adadelta", "adagrad", "adamax", "nadam", "ftrl", "lion"]
)
def test_tape_gradients_in_a_traced_step(name):
    # the reported failure: `optimizers.get(name)` on a float64 variable inside tf.function
    v = tf.Variable(np.ones(3), dtype="float64")
    o = optimizers.get(name)

    @tf.function
    def step():
        with tf.GradientTape() as t:
            loss = tf.reduce_sum(v * v)
        o.apply_gradients([(t.gradient(loss, v), v)])

    for _ in range(2):
        step()
    assert v.dtype == tf.float64
    assert np.all(v.numpy() < 1.0)


# -- float64 written out by hand -----------------------------------------------------------------
def _lr64(lr):
    return float(np.float32(lr))  # the learning rate is a float32 variable, cast exactly to float64


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "traced"])
@pytest.mark.parametrize("momentum,nesterov", [(0.0, False), (0.9, False), (0.9, True)])
def test_sgd_float64_by_hand(momentum, nesterov, traced):
    init, grads = _problem()
    got = _train(optimizers.SGD(0.05, momentum=momentum, nesterov=nesterov), ["float64"], traced)
    lr = _lr64(0.05)
    for k, w in enumerate(init):
        w, m = w.copy(), np.zeros_like(w)
        for gs in grads:
            g = gs[k]
            if momentum == 0:
                w = w - g * lr
                continue
            m = m * momentum - g * lr
            w = w + (m * momentum - g * lr if nesterov else m)
        np.testing.assert_allclose(got[k], w, rtol=1e-13, atol=1e-15)


def test_moving_average_float64_by_hand():
    # the average's momentum is cast to float64 exactly (a float32 0.8 would be off by 1e-8)
    init, grads = _problem(steps=7)
    opt = optimizers.SGD(0.1, use_ema=True, ema_momentum=0.8, ema_overwrite_frequency=3)
    got = _train(opt, ["float64"], False, init, grads)
    averages = [s.numpy() for s in opt.variables if s.name.endswith("_average:0")]
    lr = _lr64(0.1)
    for k, w in enumerate(init):
        w, avg = w.copy(), np.zeros_like(w)
        for it, gs in enumerate(grads):
            w = w - gs[k] * lr
            m = 0.0 if it == 0 else 0.8
            avg = avg * m + w * (1.0 - m)
            if (it + 1) % 3 == 0:
                w = avg.copy()
        np.testing.assert_allclose(got[k], w, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(averages[k], avg, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("fused", [True, False], ids=["fused", "op_by_op"])
@pytest.mark.parametrize("traced", [False, True], ids=["eager", "traced"])
@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_float64_by_hand(amsgrad, traced, fused, monkeypatch):
    if not fused:
        monkeypatch.setattr(adam_module, "_fusable", lambda *a: False)
    init, grads = _problem()
    got = _train(optimizers.Adam(0.01, amsgrad=amsgrad), ["float64"], traced)
    lr, b1, b2, eps = _lr64(0.01), 0.9, 0.999, 1e-7
    for k, w in enumerate(init):
        w, m, v, v_hat = w.copy(), np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
        for t, gs in enumerate(grads, start=1):
            g = gs[k]
            alpha = lr * np.sqrt(1 - b2**t) / (1 - b1**t)  # in float64: no float32 rounding
            m = m + (g - m) * (1 - b1)
            v = v + (g * g - v) * (1 - b2)
            v_hat = np.maximum(v_hat, v)
            w = w - alpha * m / (np.sqrt(v_hat if amsgrad else v) + eps)
        np.testing.assert_allclose(got[k], w, rtol=1e-13, atol=1e-15)


SCHEDULES = [
    optimizers.schedules.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5, staircase=True),
    optimizers.schedules.PiecewiseConstantDecay([1, 3], [0.1, 0.05, 0.01]),
    optimizers.schedules.PolynomialDecay(0.1, decay_steps=4, end_learning_rate=0.01, power=2.0),
    optimizers.schedules.PolynomialDecay(0.1, decay_steps=2, end_learning_rate=0.01, cycle=True),
    optimizers.schedules.InverseTimeDecay(0.1, decay_steps=2, decay_rate=0.5),
    optimizers.schedules.CosineDecay(0.1, decay_steps=4, alpha=0.1),
    optimizers.schedules.CosineDecay(0.0, decay_steps=4, warmup_target=0.1, warmup_steps=2),
    optimizers.schedules.CosineDecayRestarts(0.1, first_decay_steps=2, t_mul=1.5),
]
# these read the step as a Python number, so they run eagerly only, whatever the dtype
EAGER_ONLY = (1, 3, 6)


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "traced"])
@pytest.mark.parametrize("index", range(len(SCHEDULES)), ids=lambda i: f"{type(SCHEDULES[i]).__name__}{i}")
def test_schedules_on_float64_weights(index, traced):
    if traced and index in EAGER_ONLY:
        pytest.skip("this schedule reads the step in Python: not traceable in any dtype")
    schedule = SCHEDULES[index]
    init, grads = _problem()
    got = _train(optimizers.SGD(schedule), ["float64"], traced)
    for k, w in enumerate(init):
        w = w.copy()
        for step, gs in enumerate(grads):
            w = w - gs[k] * float(schedule(step))  # the schedule's float32 value, cast exactly
        np.testing.assert_allclose(got[k], w, rtol=1e-14, atol=1e-15)


# -- several dtypes in one optimizer -------------------------------------------------------------
@pytest.mark.parametrize("traced", [False, True], ids=["eager", "traced"])
@pytest.mark.parametrize("key", list(OPTIMIZERS))
def test_float32_and_float64_in_one_optimizer(key, traced):
    init, grads = _problem()
    opt = _make(key)
    mixed = _train(opt, ["float32", "float64"], traced)  # float32, float64, float32
    alone32 = _train(_make(key), ["float32"], traced)
    alone64 = _train(_make(key), ["float64"], traced)
    for k in (0, 2):  # the float32 variables do not notice their float64 neighbour
        assert mixed[k].dtype == np.float32
        np.testing.assert_array_equal(mixed[k], alone32[k])
    assert mixed[1].dtype == np.float64
    # Nadam's momentum product lives in the first variable's dtype (float32 here), as in Keras
    tol = {"rtol": 2e-6, "atol": 1e-7} if key == "Nadam" else {"rtol": 1e-14, "atol": 1e-15}
    np.testing.assert_allclose(mixed[1], alone64[1], **tol)
    # slots by shape: (4, 3) and () are float32 (so is Nadam's scalar product), (3,) float64
    slots = opt.variables[2 if isinstance(opt._learning_rate, tf.Variable) else 1 :]
    expected = {(4, 3): tf.float32, (3,): tf.float64, (): tf.float32}
    assert [v.dtype for v in slots] == [expected[tuple(v.shape)] for v in slots]
    assert {v.dtype for v in slots} == ({tf.float32, tf.float64} if slots else set())


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "traced"])
def test_global_clipnorm_over_float32_and_float64(traced):
    init, grads = _problem()
    got = _train(optimizers.SGD(0.1, global_clipnorm=0.7), ["float32", "float64"], traced)
    ws = [w.copy() for w in init]
    for gs in grads:
        norm = np.sqrt(sum(np.sum(g.astype(d).astype("float64") ** 2) for g, d in zip(gs, "fdf")))
        scale = min(1.0, 0.7 / norm)
        ws = [w - g * scale * _lr64(0.1) for w, g in zip(ws, gs)]
    for g, w in zip(got, ws):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_gradient_of_another_dtype_is_cast_to_the_variable():
    init, grads = _problem(steps=2)
    for key in ("SGD-nesterov", "Adam", "Nadam"):
        v_cast, v_ref = tf.Variable(init[0]), tf.Variable(init[0])  # float64
        o_cast, o_ref = _make(key), _make(key)
        for gs in grads:
            g32 = gs[0].astype("float32")
            o_cast.apply_gradients([(tf.constant(g32), v_cast)])
            o_ref.apply_gradients([(tf.constant(g32.astype("float64")), v_ref)])
        np.testing.assert_array_equal(v_cast.numpy(), v_ref.numpy())
    # a sparse float32 gradient for a float64 table: cast, and the same as the dense one
    table, dense = tf.Variable(np.ones((4, 2))), tf.Variable(np.ones((4, 2)))
    rows = IndexedSlices(tf.constant([[1.0, 2.0], [3.0, 4.0]]), tf.constant([3, 1]), (4, 2))
    optimizers.SGD(0.5).apply_gradients([(rows, table)])
    optimizers.SGD(0.5).apply_gradients([(tf.convert_to_tensor(rows), dense)])
    np.testing.assert_array_equal(table.numpy(), dense.numpy())
    assert table.dtype == tf.float64


def test_float32_weights_when_floatx_is_float64():
    tf.config.set_floatx("float64")
    try:
        opt = optimizers.Adam(0.01)
        assert opt.variables[1].dtype == tf.float64  # the learning rate follows floatx
        got = _train(opt, ["float32"], traced=True)
    finally:
        tf.config.set_floatx("float32")
    ref = _train(optimizers.Adam(0.01), ["float32"], traced=True)
    for g, r in zip(got, ref):
        assert g.dtype == np.float32
        np.testing.assert_array_equal(g, r)  # float64(0.01) cast to float32 is float32(0.01)


# -- float16 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "traced"])
def test_sgd_float16_by_hand(traced):
    # each operation rounds to float16 (Keras casts the learning rate to float16 and updates in it)
    init, grads = _problem()
    got = _train(optimizers.SGD(0.05, momentum=0.9), ["float16"], traced)
    lr, mu = np.float16(np.float32(0.05)), np.float16(0.9)
    for k, w in enumerate(init):
        w, m = w.astype("float16"), np.zeros(w.shape, "float16")
        for gs in grads:
            m = m * mu - gs[k].astype("float16") * lr
            w = w + m
        np.testing.assert_array_equal(got[k], w)


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "traced"])
def test_float16_clipping_does_not_overflow(traced):
    # a float16 sum of squares overflows past a norm of 256: the norms are taken in float32
    for clip in ({"clipnorm": 1.0}, {"global_clipnorm": 1.0}):
        init, grads = [np.zeros(4)], [[np.full(4, 300.0)]]
        got = _train(optimizers.SGD(1.0, **clip), ["float16"], traced, init, grads)
        np.testing.assert_allclose(got[0].astype("float32"), np.full(4, -0.5), rtol=1e-3)
