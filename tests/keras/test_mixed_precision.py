"""Mixed precision: dtype policies, variable autocast, LossScaleOptimizer, training and saving.

References: float16 results are compared with the same computation in float32/float64 (NumPy) within
float16 rounding; the loss-scale rules are Keras 3's (skip and halve on a non-finite gradient,
double after ``dynamic_growth_steps`` finite steps).
"""

import doctest
import json
import zipfile

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.framework import config as fconfig
from tensorflux.keras.engine import dtype_policy as dp
from tensorflux.keras.mixed_precision import LossScaleOptimizer

mp = keras.mixed_precision
F16_RTOL = 2e-3  # a few float16 roundings (unit roundoff 4.9e-4)


@pytest.fixture(autouse=True)
def _restore_global_policy():
    """Every test starts and ends with no global policy set (layers follow floatx)."""
    saved, floatx = dp._GLOBAL[0], fconfig.floatx()
    dp._GLOBAL[0] = None
    yield
    dp._GLOBAL[0] = saved
    fconfig.set_floatx(floatx)


def _rel_err(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-12))


def _mlp(out_dtype="float32", seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(8, activation="tanh"),
            keras.layers.Dense(2, dtype=out_dtype),
        ]
    )


# -- policies ---------------------------------------------------------------------------------------
def test_namespace_names_follow_keras():
    assert tf.keras.mixed_precision is mp
    assert mp.Policy is mp.DTypePolicy
    assert mp.set_global_policy is mp.set_dtype_policy and mp.global_policy is mp.dtype_policy
    assert issubclass(mp.LossScaleOptimizer, keras.optimizers.Optimizer)
    from tensorflux.keras.mixed_precision import LossScaleOptimizer as lso

    assert lso is mp.LossScaleOptimizer


def test_global_policy_is_taken_by_new_layers_and_float32_restores():
    assert mp.global_policy().name == "float32"
    mp.set_global_policy("mixed_float16")
    assert mp.global_policy() == mp.DTypePolicy("mixed_float16")
    assert mp.DTypePolicy().name == "mixed_float16"
    assert dp.get(None) is mp.global_policy()
    layer = keras.layers.Dense(3)
    assert (layer.compute_dtype, layer.variable_dtype, layer.dtype) == ("float16", "float32", "float32")
    assert layer(np.ones((2, 4), "float32")).dtype == tf.float16
    assert keras.layers.Dense(3, dtype="float32").compute_dtype == "float32"

    mp.set_global_policy("float32")
    layer = keras.layers.Dense(3)
    assert layer.dtype_policy.name == "float32"
    assert layer(np.ones((2, 4), "float32")).dtype == tf.float32
    assert "call" not in layer.__dict__  # a float32 layer has no autocast wrapper: no per-call work


def test_policy_object_and_none_are_accepted():
    mp.set_global_policy(mp.Policy("mixed_float16"))
    assert keras.layers.Dense(2).dtype_policy.name == "mixed_float16"
    mp.set_global_policy(None)  # tf.keras 2: back to floatx
    fconfig.set_floatx("float64")
    assert mp.global_policy().name == "float64"
    assert keras.layers.Dense(2).dtype == "float64"


def test_bad_policies_raise_with_the_valid_names():
    with pytest.raises(ValueError, match="mixed_float16"):
        mp.set_global_policy("float17")
    with pytest.raises(ValueError, match="Invalid `policy`"):
        mp.set_global_policy(3.0)
    with pytest.raises(ValueError, match="mixed_float16"):
        keras.layers.Dense(2, dtype="mixed_float17")


def test_mixed_bfloat16_is_refused_naming_the_fix():
    # NumPy has no bfloat16: computing in float32 under that name would be a silent lie
    with pytest.raises(ValueError, match="no bfloat16 type.*'mixed_float16'"):
        mp.set_global_policy("mixed_bfloat16")
    with pytest.raises(ValueError, match="bfloat16"):
        keras.layers.Dense(2, dtype="mixed_bfloat16")
    assert mp.global_policy().name == "float32"


def test_policy_serialization_is_keras_3s():
    layer = keras.layers.Dense(2, dtype="mixed_float16")
    assert layer.get_config()["dtype"] == {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": {"name": "mixed_float16"},
        "registered_name": None,
    }
    again = keras.layers.Dense.from_config(layer.get_config())
    assert again.dtype_policy == mp.DTypePolicy("mixed_float16")


def test_dtype_policy_setter_switches_autocast_on_and_off():
    layer = keras.layers.Dense(2)
    layer.dtype_policy = "mixed_float16"
    assert layer(np.ones((1, 3), "float32")).dtype == tf.float16
    layer.dtype_policy = "float32"
    assert "call" not in layer.__dict__
    assert layer(np.ones((1, 3), "float32")).dtype == tf.float32


# -- variable autocast ------------------------------------------------------------------------------
def test_dense_reads_its_float32_weights_as_float16():
    layer = keras.layers.Dense(4, dtype="mixed_float16")
    x = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")
    y = layer(x)
    assert y.dtype == tf.float16
    assert isinstance(layer.kernel, tf.Variable) and layer.kernel.dtype == tf.float32  # restored
    k, b = layer.kernel.numpy(), layer.bias.numpy()
    ref = x.astype(np.float16).astype(np.float64) @ k.astype(np.float16).astype(np.float64) + b
    assert _rel_err(y.numpy(), ref) < F16_RTOL


def test_gradients_reach_float32_variables_and_match_float32_model():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(16, 6)).astype("float32")
    y = rng.normal(size=(16, 2)).astype("float32")
    ref = _mlp()
    mp.set_global_policy("mixed_float16")
    mixed = _mlp()
    mixed.set_weights(ref.get_weights())
    assert [v.dtype for v in mixed.weights] == [tf.float32] * 6

    def grads(model):
        with tf.GradientTape() as tape:
            out = model(x)
            loss = tf.reduce_mean(tf.square(out - y))
        return out, loss, tape.gradient(loss, model.trainable_variables)

    out16, loss16, g16 = grads(mixed)
    out32, loss32, g32 = grads(ref)
    assert out16.dtype == tf.float32 and loss16.dtype == tf.float32
    assert _rel_err(out16.numpy(), out32.numpy()) < 1e-2
    for a, b in zip(g16, g32):
        assert a.dtype == tf.float32
        assert _rel_err(a.numpy(), b.numpy()) < 2e-2


def test_subclassed_layer_weights_lists_assign_and_autocast_false():
    seen = {}

    class Scaled(keras.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
            self.ws = [self.add_weight(shape=(), initializer="ones", name=f"s{i}") for i in range(2)]
            self.keep = self.add_weight(shape=(), initializer="ones", name="keep", autocast=False)
            self.calls = self.add_weight(shape=(), initializer="zeros", name="calls", trainable=False)

        def call(self, x):
            seen.update(w=self.w.dtype, s=self.ws[1].dtype, keep=self.keep.dtype, calls=self.calls.dtype)
            seen["trainable"] = self.w.trainable
            self.calls.assign_add(1.0)  # an autocast read still assigns its variable
            return x * self.w * self.ws[0] * self.ws[1] * tf.cast(self.keep, x.dtype)

    layer = Scaled(dtype="mixed_float16")
    x = np.full((2, 3), 2.0, "float32")
    with tf.GradientTape() as tape:
        y = layer(x)
        loss = tf.reduce_sum(tf.cast(y, "float32"))
    assert y.dtype == tf.float16 and y.numpy().tolist() == [[2.0] * 3] * 2
    assert seen == {
        "w": tf.float16,
        "s": tf.float16,
        "keep": tf.float32,
        "calls": tf.float16,
        "trainable": True,
    }
    assert float(layer.calls) == 1.0 and layer.calls.dtype == tf.float32
    g = tape.gradient(loss, [layer.w, layer.ws[0], layer.keep])
    assert [t.dtype for t in g] == [tf.float32] * 3
    np.testing.assert_allclose(g[0].numpy(), [4.0, 4.0, 4.0])  # d/dw sum(x*w*...) = sum over batch of x
    np.testing.assert_allclose([float(g[1]), float(g[2])], [12.0, 12.0])
    assert isinstance(layer.ws[0], tf.Variable) and isinstance(layer.w, tf.Variable)


def test_nested_layers_built_inside_the_parents_first_call():
    class Block(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = keras.layers.Dense(3)
            self.out = keras.layers.Dense(2, dtype="float32")

        def build(self, input_shape):
            self.scale = self.add_weight(shape=(3,), initializer="ones", name="scale")

        def call(self, x):
            return self.out(self.inner(x) * self.scale)

    mp.set_global_policy("mixed_float16")
    block = Block()
    x = np.random.default_rng(9).normal(size=(4, 5)).astype("float32")
    for _ in range(2):  # the first call builds the sublayers inside the block's call
        with tf.GradientTape() as tape:
            y = block(x)
            loss = tf.reduce_sum(y)
        assert y.dtype == tf.float32 and block.inner(x).dtype == tf.float16
        grads = tape.gradient(loss, block.trainable_weights)
        assert len(grads) == 5 and all(g is not None and g.dtype == tf.float32 for g in grads)
    k, b = block.inner.kernel.numpy(), block.inner.bias.numpy()
    ref = (x @ k + b) @ block.out.kernel.numpy() + block.out.bias.numpy()
    assert _rel_err(y.numpy(), ref) < 1e-2


def test_weights_are_restored_when_call_raises():
    class Failing(keras.layers.Dense):
        def call(self, inputs):
            assert self.kernel.dtype == tf.float16
            raise RuntimeError("boom")

    layer = Failing(2, dtype="mixed_float16")
    with pytest.raises(RuntimeError, match="boom"):
        layer(np.ones((1, 3), "float32"))
    assert isinstance(layer.kernel, tf.Variable) and layer.kernel.dtype == tf.float32


def test_conv_rnn_attention_layers_compute_in_float16():
    rng = np.random.default_rng(2)
    seq = rng.normal(size=(2, 5, 3)).astype("float32")
    cases = [
        (keras.layers.Conv2D(4, 3, dtype="mixed_float16"), rng.normal(size=(2, 6, 6, 3)).astype("float32")),
        (keras.layers.LSTM(4, dtype="mixed_float16"), seq),
        (keras.layers.GRU(4, dtype="mixed_float16"), seq),
        (keras.layers.SimpleRNN(4, dtype="mixed_float16", return_sequences=True), seq),
        (keras.layers.LSTM(4, dtype="mixed_float16", recurrent_dropout=0.2), seq),  # the cell-by-cell loop
    ]
    for layer, x in cases:
        ref = type(layer).from_config({**layer.get_config(), "dtype": "float32"})
        layer(x), ref(x)  # build both
        ref.set_weights(layer.get_weights())
        with tf.GradientTape() as tape:
            y = layer(x, training=False)
            loss = tf.reduce_sum(tf.cast(y, "float32") ** 2)
        g16 = tape.gradient(loss, layer.trainable_weights)
        with tf.GradientTape() as tape:
            y32 = ref(x, training=False)
            loss32 = tf.reduce_sum(y32**2)
        g32 = tape.gradient(loss32, ref.trainable_weights)
        name = type(layer).__name__
        assert y.dtype == tf.float16, name
        assert _rel_err(y.numpy(), y32.numpy()) < 1e-2, name
        for a, b in zip(g16, g32):
            assert a.dtype == tf.float32, name
            assert _rel_err(a.numpy(), b.numpy()) < 3e-2, name


def test_batch_normalization_normalizes_in_float32():
    x = np.random.default_rng(3).normal(3.0, 2.0, size=(8, 4)).astype("float32")
    bn = keras.layers.BatchNormalization(dtype="mixed_float16")
    ref = keras.layers.BatchNormalization()
    y = bn(x, training=True)
    x16 = x.astype(np.float16).astype(np.float32)  # the autocast input, widened
    y32 = ref(x16, training=True)
    assert y.dtype == tf.float16
    np.testing.assert_array_equal(y.numpy(), y32.numpy().astype(np.float16))
    assert [v.dtype for v in bn.weights] == [tf.float32] * 4
    np.testing.assert_array_equal(bn.moving_mean.numpy(), ref.moving_mean.numpy())
    np.testing.assert_array_equal(bn.moving_variance.numpy(), ref.moving_variance.numpy())
    # deviations of 1500: their squares overflow float16 (max 65504), float32 statistics do not
    big = np.repeat(np.arange(4, dtype="float32")[:, None] * 1000, 4, axis=1)
    assert np.isfinite(bn(big, training=True).numpy()).all()
    with np.errstate(over="ignore"):
        assert not np.isfinite(np.var(big.astype(np.float16), axis=0)).any()


def test_layer_normalization_and_embedding_keep_float32_weights():
    x = np.random.default_rng(4).normal(size=(3, 5)).astype("float32")
    ln = keras.layers.LayerNormalization(dtype="mixed_float16")
    ref = keras.layers.LayerNormalization()
    np.testing.assert_array_equal(
        ln(x).numpy(), ref(x.astype(np.float16).astype(np.float32)).numpy().astype(np.float16)
    )
    emb = keras.layers.Embedding(10, 4, dtype="mixed_float16")
    ids = np.array([[1, 2, 9]])
    with tf.GradientTape() as tape:
        out = emb(ids)
        loss = tf.reduce_sum(tf.cast(out, "float32"))
    assert out.dtype == tf.float16
    np.testing.assert_array_equal(out.numpy(), emb.embeddings.numpy()[ids].astype(np.float16))
    g = tf.convert_to_tensor(tape.gradient(loss, emb.embeddings))
    assert g.dtype == tf.float32 and g.numpy()[[1, 2, 9]].tolist() == [[1.0] * 4] * 3


def test_sequential_output_layer_in_float32_and_inference_plan():
    mp.set_global_policy("mixed_float16")
    model = _mlp()
    x = np.random.default_rng(5).normal(size=(4, 6)).astype("float32")
    outs = [model(x).numpy() for _ in range(3)]  # eager, then traced, then replayed
    assert model(x).dtype == tf.float32
    assert model.layers[0](x).dtype == tf.float16
    np.testing.assert_array_equal(outs[0], outs[1])
    np.testing.assert_array_equal(outs[0], outs[2])
    np.testing.assert_array_equal(outs[0], model.predict(x, verbose=0))


# -- LossScaleOptimizer ---------------------------------------------------------------------------
def test_loss_scale_optimizer_unscales_then_applies():
    w = tf.Variable([1.0, -2.0])
    opt = mp.LossScaleOptimizer(keras.optimizers.SGD(0.1))
    assert float(opt.scale_loss(tf.constant(3.0))) == 3.0 * 2**15
    assert opt.initial_scale == 2.0**15 and opt.dynamic_growth_steps == 2000
    opt.apply_gradients([(tf.constant([2.0**15, -(2.0**16)]), w)])
    np.testing.assert_allclose(w.numpy(), [0.9, -1.8], rtol=1e-6)
    assert int(opt.iterations) == 1 and int(opt.step_counter) == 1 and float(opt.dynamic_scale) == 2**15
    assert opt.learning_rate is opt.inner_optimizer.learning_rate


def test_loss_scale_optimizer_skips_non_finite_steps_and_halves_the_scale():
    w = tf.Variable([1.0, 2.0])
    inner = keras.optimizers.Adam(0.1)
    opt = mp.LossScaleOptimizer(inner, initial_scale=64.0, dynamic_growth_steps=3)
    opt.apply_gradients([(tf.constant([64.0, 64.0]), w)])
    before = [v.numpy().copy() for v in opt.variables]
    w_before = w.numpy().copy()
    for bad in (np.inf, -np.inf, np.nan):
        opt.apply_gradients([(tf.constant([1.0, bad]), w)])
        np.testing.assert_array_equal(w.numpy(), w_before)
        assert int(opt.step_counter) == 0 and int(opt.iterations) == 1
    assert float(opt.dynamic_scale) == 64.0 / 8
    # the inner optimizer's state (Adam moments) did not move either
    for a, b in zip(opt.inner_optimizer.variables, before[4:]):
        np.testing.assert_array_equal(a.numpy(), b)


def test_loss_scale_grows_after_dynamic_growth_steps():
    w = tf.Variable([0.0])
    opt = mp.LossScaleOptimizer(keras.optimizers.SGD(0.0), initial_scale=4.0, dynamic_growth_steps=3)
    scales = []
    for _ in range(7):
        opt.apply_gradients([(tf.constant([1.0]), w)])
        scales.append((float(opt.dynamic_scale), int(opt.step_counter)))
    assert scales == [(4.0, 1), (4.0, 2), (8.0, 0), (8.0, 1), (8.0, 2), (16.0, 0), (16.0, 1)]
    opt.apply_gradients([(tf.constant([np.inf]), w)])
    assert (float(opt.dynamic_scale), int(opt.step_counter)) == (8.0, 0)


def test_loss_scale_optimizer_in_a_traced_step_matches_eager():
    def run(traced):
        w = tf.Variable([1.0, 2.0])
        opt = mp.LossScaleOptimizer(keras.optimizers.SGD(0.1), initial_scale=8.0, dynamic_growth_steps=2)

        def step(x):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(w * x)
                scaled = opt.scale_loss(loss)
            opt.apply_gradients(zip(tape.gradient(scaled, [w]), [w]))
            return loss

        fn = tf.function(step) if traced else step
        out = []
        for v in (np.inf, 1.0, 2.0, np.nan, 1.0, 1.0, 1.0):
            fn(tf.constant([v, 1.0]))
            out.append((w.numpy().tolist(), float(opt.dynamic_scale), int(opt.iterations)))
        return out

    eager = run(False)
    assert eager[0] == ([1.0, 2.0], 4.0, 0) and eager[3][1:] == (4.0, 2)
    assert run(True) == eager


def test_tf_keras_2_custom_loop_unscales_once():
    w = tf.Variable([1.0])
    opt = mp.LossScaleOptimizer(keras.optimizers.SGD(0.5), initial_scale=16.0)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(w * 2.0)
        scaled = opt.get_scaled_loss(loss)
    grads = opt.get_unscaled_gradients(tape.gradient(scaled, [w]))
    assert float(grads[0][0]) == 2.0
    opt.apply_gradients(zip(grads, [w]))
    np.testing.assert_allclose(w.numpy(), [0.0])


def test_loss_scale_optimizer_config_and_argument_errors():
    opt = mp.LossScaleOptimizer(keras.optimizers.Adam(0.01), initial_scale=128.0, dynamic_growth_steps=10)
    cfg = opt.get_config()
    assert cfg["inner_optimizer"]["class_name"] == "Adam"
    again = mp.LossScaleOptimizer.from_config(json.loads(json.dumps(cfg)))
    assert (again.initial_scale, again.dynamic_growth_steps) == (128.0, 10)
    assert float(again.inner_optimizer.learning_rate) == pytest.approx(0.01)
    with pytest.raises(ValueError, match="dynamic=False"):
        mp.LossScaleOptimizer(keras.optimizers.SGD(), dynamic=False)
    with pytest.raises(ValueError, match="set `clipnorm` on the `inner_optimizer`"):
        mp.LossScaleOptimizer(keras.optimizers.SGD(), clipnorm=1.0)
    with pytest.raises(TypeError, match="optimizer instance"):
        mp.LossScaleOptimizer("adam")
    inner = keras.optimizers.SGD(loss_scale_factor=4.0)
    mp.LossScaleOptimizer(inner)
    assert inner.loss_scale_factor is None  # the loss is not scaled twice


# -- compile, fit, save --------------------------------------------------------------------------
def test_compile_wraps_the_optimizer_for_mixed_float16_models_only():
    model = _mlp()
    model.compile("adam", "mse")
    assert type(model.optimizer).__name__ == "Adam"
    mp.set_global_policy("mixed_float16")
    model = _mlp()
    model.compile("adam", "mse")
    assert isinstance(model.optimizer, LossScaleOptimizer)
    assert model.optimizer.name == "loss_scale_optimizer"
    assert type(model.optimizer.inner_optimizer).__name__ == "Adam"
    given = mp.LossScaleOptimizer(keras.optimizers.SGD())
    model.compile(given, "mse")
    assert model.optimizer is given
    model.compile("sgd", "mse", auto_scale_loss=False)
    assert type(model.optimizer).__name__ == "SGD"


def test_fit_mlp_under_mixed_float16_reduces_the_loss():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(256, 6)).astype("float32")
    y = np.stack([x[:, 0] - 2 * x[:, 1], np.sin(x[:, 2])], axis=1).astype("float32")
    mp.set_global_policy("mixed_float16")
    model = _mlp()
    model.compile(keras.optimizers.Adam(0.01), "mse")
    history = model.fit(x, y, epochs=8, batch_size=32, verbose=0)
    losses = history.history["loss"]
    assert model._traced is True  # the step ran as a graph, cond and all
    assert losses[-1] < 0.25 * losses[0], losses
    assert [v.dtype for v in model.weights] == [tf.float32] * 6
    assert model.predict(x[:3], verbose=0).dtype == np.float32
    assert int(model.optimizer.iterations) == 64 and float(model.optimizer.dynamic_scale) == 2**15


def test_fit_recovers_from_a_too_large_loss_scale():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(64, 6)).astype("float32")
    y = rng.normal(size=(64, 2)).astype("float32")
    mp.set_global_policy("mixed_float16")
    model = _mlp()
    opt = mp.LossScaleOptimizer(keras.optimizers.SGD(0.01), initial_scale=2.0**40, dynamic_growth_steps=1000)
    model.compile(opt, "mse")
    w0 = model.get_weights()
    model.fit(x, y, epochs=1, batch_size=64, verbose=0)  # float16 gradients overflow: step skipped
    assert float(opt.dynamic_scale) == 2.0**39 and int(opt.iterations) == 0
    assert all(np.array_equal(a, b) for a, b in zip(w0, model.get_weights()))
    model.fit(x, y, epochs=40, batch_size=64, verbose=0)
    assert int(opt.iterations) > 0 and float(opt.dynamic_scale) < 2.0**30
    assert all(np.isfinite(w).all() for w in model.get_weights())


def _seed_cnn():
    model = keras.models.Sequential()
    model.add(keras.layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)))
    model.add(keras.layers.MaxPooling2D((2, 2)))
    model.add(keras.layers.Conv2D(64, (3, 3), activation="relu"))
    model.add(keras.layers.MaxPooling2D((2, 2)))
    model.add(keras.layers.Conv2D(64, (3, 3), activation="relu"))
    model.add(keras.layers.Flatten())
    model.add(keras.layers.Dense(64, activation="relu"))
    model.add(keras.layers.Dense(10, activation="softmax", dtype="float32"))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_seed_cnn_trains_on_fashion_mnist_like_float32():
    (x, y), _ = keras.datasets.fashion_mnist.load_data()
    n = 32  # float16 GEMMs are slow in NumPy: a few steps only
    x = x[:n].reshape(n, 28, 28, 1).astype("float32") / 255
    y = y[:n]
    ref = _seed_cnn()
    mp.set_global_policy("mixed_float16")
    mixed = _seed_cnn()
    mixed.set_weights(ref.get_weights())
    assert isinstance(mixed.optimizer, LossScaleOptimizer)
    fit = {"epochs": 3, "batch_size": 8, "shuffle": False, "verbose": 0}
    losses = mixed.fit(x, y, **fit).history["loss"]
    losses32 = ref.fit(x, y, **fit).history["loss"]
    assert losses[-1] < losses[0] - 0.1, losses
    np.testing.assert_allclose(losses, losses32, atol=0.01)  # float16 training follows float32's
    assert mixed(x[:2]).dtype == tf.float32
    assert [v.dtype for v in mixed.weights] == [tf.float32] * len(mixed.weights)


def test_save_and_load_keep_policies_predictions_and_loss_scale(tmp_path):
    rng = np.random.default_rng(8)
    x = rng.normal(size=(32, 6)).astype("float32")
    y = rng.normal(size=(32, 2)).astype("float32")
    mp.set_global_policy("mixed_float16")
    model = _mlp()
    model.compile(keras.optimizers.SGD(0.05), "mse")
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    path = str(tmp_path / "mixed.keras")
    model.save(path)
    mp.set_global_policy("float32")

    config = json.loads(zipfile.ZipFile(path).read("config.json"))
    dtypes = [entry["config"]["dtype"] for entry in config["config"]["layers"][1:]]  # after the Input
    assert dtypes[0] == {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": {"name": "mixed_float16"},
        "registered_name": None,
    }
    assert dtypes[-1]["config"] == {"name": "float32"}

    loaded = keras.models.load_model(path)
    assert [layer.dtype_policy.name for layer in loaded.layers] == ["mixed_float16"] * 2 + ["float32"]
    assert loaded.layers[0](x).dtype == tf.float16
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    opt = loaded.optimizer
    assert isinstance(opt, LossScaleOptimizer) and int(opt.iterations) == 4 and int(opt.step_counter) == 4
    loaded.fit(x, y, epochs=1, batch_size=16, verbose=0)
    assert int(opt.iterations) == 6


def test_docstring_examples():
    import tensorflux.keras.engine.dtype_policy as m1
    import tensorflux.keras.mixed_precision as m2
    import tensorflux.keras.mixed_precision.loss_scale_optimizer as m3

    for module in (m1, m2, m3):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, module.__name__
        dp._GLOBAL[0] = None
