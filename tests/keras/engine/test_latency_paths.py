"""The fast paths of a call: Layer.__call__'s lean path, cached conv/pool arguments, inference plans.

Each fast path must give exactly what the general path gives (the general path is forced here
by switching the lean paths off), and tapes, tf.function, masks, the training flag, losses and
error messages must still work through it.
"""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras.engine.masking import get_keras_mask, set_keras_mask
from tensorflux.keras.layers import layer as layer_module
from tensorflux.keras.layers.layer import _NOT_LEAN, Layer
from tensorflux.keras.models.model import Model

CALLS = 3  # first call eager, second traces the plan, third replays it


def _cnn(seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input((12, 12, 1)),
            keras.layers.Conv2D(4, 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(6, 3, padding="same", activation="relu"),
            keras.layers.AveragePooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )


def _mlp(units=(5, 3), activation="relu", seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [keras.Input((4,))]
        + [
            keras.layers.Dense(u, activation=activation if i + 1 < len(units) else None)
            for i, u in enumerate(units)
        ]
    )


def _mlp_reference(model, x):
    """The MLP's forward pass in NumPy, from the current weights."""
    h = np.asarray(x, np.float32)
    dense = model.layers
    for i, layer in enumerate(dense):
        h = h @ layer.kernel.numpy() + layer.bias.numpy()
        if i + 1 < len(dense) and layer.activation is keras.activations.relu:
            h = np.maximum(h, 0)
    return h


@pytest.fixture
def general_path(monkeypatch):
    """Switch every lean path off: calls run Layer.__call__'s general path."""

    def switch_off():
        monkeypatch.setattr(Layer, "_lean_call", lambda self, x, training: _NOT_LEAN)
        monkeypatch.setattr(Model, "_lean_call", lambda self, x, training: _NOT_LEAN)

    return switch_off


def _plan(model):
    return model.__dict__.get("_lean_plan")


def test_cnn_fast_paths_equal_general_path_bitwise(general_path):
    model = _cnn()
    x = np.random.default_rng(1).random((2, 12, 12, 1), "float32")
    fast = [model(x).numpy() for _ in range(CALLS)] + [model(tf.constant(x)).numpy()]
    assert _plan(model).function is not None and _plan(model).function.experimental_get_tracing_count() == 1
    general_path()
    slow = model(x).numpy()
    for y in fast:
        np.testing.assert_array_equal(y, slow)
    np.testing.assert_allclose(slow.sum(axis=1), 1.0, rtol=1e-6)


def test_mlp_matches_numpy_reference_on_every_path():
    model = _mlp()
    x = np.random.default_rng(2).normal(size=(3, 4)).astype("float32")
    for _ in range(CALLS):
        np.testing.assert_allclose(model(x).numpy(), _mlp_reference(model, x), rtol=1e-5, atol=1e-6)


def test_plan_reads_assigned_weights_by_reference():
    model = _mlp()
    x = np.random.default_rng(3).normal(size=(2, 4)).astype("float32")
    for _ in range(CALLS):
        model(x)
    first = model.layers[0]
    first.kernel.assign(np.full((4, 5), 0.25, "float32"))
    np.testing.assert_allclose(model(x).numpy(), _mlp_reference(model, x), rtol=1e-5, atol=1e-6)
    model.set_weights([w * 2 for w in model.get_weights()])
    np.testing.assert_allclose(model(x).numpy(), _mlp_reference(model, x), rtol=1e-5, atol=1e-6)


def test_plan_dropped_when_a_layer_attribute_changes():
    model = _mlp()
    x = np.random.default_rng(4).normal(size=(6, 4)).astype("float32")
    for _ in range(CALLS):
        model(x)
    model.layers[0].activation = keras.activations.linear
    got = model(x).numpy()
    np.testing.assert_allclose(got, _mlp_reference(model, x), rtol=1e-5, atol=1e-6)
    # with relu the hidden layer clips negatives; without, the outputs differ
    model.layers[0].activation = keras.activations.relu
    assert not np.allclose(model(x).numpy(), got)


def test_plan_follows_model_edits_and_new_shapes():
    model = _mlp(units=(5,))
    x1 = np.ones((1, 4), "float32")
    for _ in range(CALLS):
        assert model(x1).shape == (1, 5)
    for _ in range(CALLS):  # a new batch size: eager first, then its own trace
        assert model(np.ones((7, 4), "float32")).shape == (7, 5)
    model.add(keras.layers.Dense(2))
    for _ in range(CALLS):
        assert model(x1).shape == (1, 2)
    np.testing.assert_allclose(model(x1).numpy(), _mlp_reference(model, x1), rtol=1e-5, atol=1e-6)


def test_trainable_change_keeps_results():
    model = _cnn()
    x = np.random.default_rng(5).random((1, 12, 12, 1), "float32")
    before = [model(x).numpy() for _ in range(CALLS)][-1]
    model.trainable = False
    np.testing.assert_array_equal(model(x).numpy(), before)
    assert model.trainable_weights == []


def test_gradient_tape_records_through_model_call():
    model = _mlp(units=(3,))
    x = np.random.default_rng(6).normal(size=(5, 4)).astype("float32")
    for _ in range(CALLS):
        model(x)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(model(x))
    dk, db = tape.gradient(loss, model.trainable_variables)
    # loss = sum(x @ W + b): dW = x^T @ ones, db = batch size
    np.testing.assert_allclose(dk.numpy(), x.T @ np.ones((5, 3), "float32"), rtol=1e-5)
    np.testing.assert_allclose(db.numpy(), np.full(3, 5.0), rtol=1e-6)


def test_gradient_through_layer_lean_path_matches_finite_differences():
    layer = keras.layers.Dense(2, activation="tanh", dtype="float64")
    x0 = np.random.default_rng(7).normal(size=(3, 4))
    layer(x0)
    tf.testing.check_gradients(lambda x: layer(x), [x0])


def test_tf_function_traces_through_model_call():
    model = _cnn()
    x = np.random.default_rng(8).random((2, 12, 12, 1), "float32")
    expected = [model(x).numpy() for _ in range(CALLS)][-1]
    f = tf.function(lambda t: model(t) * 2.0)
    np.testing.assert_allclose(f(tf.constant(x)).numpy(), 2 * expected, rtol=1e-6)
    graph = str(f.get_concrete_function(tf.constant(x)).raw_graph)  # as traced, before fusion
    # (a conv layer records its one kernel, conv + bias + ReLU)
    assert "conv_bias_act(" in graph and "max_pool(" in graph and "matmul(" in graph


def test_training_flag_reaches_dropout():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((200,)), keras.layers.Dropout(0.5)])
    x = np.ones((2, 200), "float32")
    for _ in range(CALLS):
        np.testing.assert_array_equal(model(x).numpy(), x)
        np.testing.assert_array_equal(model(x, training=False).numpy(), x)
    y = model(x, training=True).numpy()
    assert (y == 0).any() and np.allclose(y[y != 0], 2.0)
    assert all(key[2] is not True for key in _plan(model).seen)


def test_nested_training_flag_is_inherited():
    seen = []

    class Probe(Layer):
        def call(self, x, training=None):
            seen.append(training)
            return x

    probe = Probe()
    inner = keras.Sequential([keras.Input((2,)), probe])
    outer = keras.Sequential([keras.Input((2,)), inner])
    x = np.ones((1, 2), "float32")
    seen.clear()  # building ran the layer on stand-ins
    for _ in range(CALLS):
        outer(x, training=True)
        outer(x)
        outer(x, training=False)
    assert seen == [True, None, False] * CALLS
    assert _plan(outer) is None or not _plan(outer).ok  # a user layer: never planned


def test_masks_propagate_and_masked_models_stay_eager():
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Embedding(10, 4, mask_zero=True), keras.layers.Dense(2)]
    )
    x = np.array([[1, 0, 2]])
    for _ in range(CALLS):
        np.testing.assert_array_equal(get_keras_mask(model(x)).numpy(), [[True, False, True]])
    assert not _plan(model).ok


def test_input_mask_is_read_by_a_planned_model():
    model = _mlp(units=(3,))
    x = tf.constant(np.ones((2, 4), "float32"))
    for _ in range(CALLS):
        model(x)
    set_keras_mask(x, tf.constant([True, False]))
    np.testing.assert_array_equal(get_keras_mask(model(x)).numpy(), [True, False])


def test_input_spec_errors_are_the_general_paths(general_path):
    model = _mlp(units=(3,))
    layer = keras.layers.Dense(3)
    layer(np.ones((2, 4), "float32"))
    for _ in range(CALLS):
        model(np.ones((2, 4), "float32"))
        layer(np.ones((2, 4), "float32"))
    bad = np.ones((2, 5), "float32")
    with pytest.raises(ValueError) as fast_model:
        model(bad)
    with pytest.raises(ValueError) as fast_layer:
        layer(bad)
    general_path()
    with pytest.raises(ValueError) as slow_model:
        model(bad)
    with pytest.raises(ValueError) as slow_layer:
        layer(bad)
    assert str(fast_model.value) == str(slow_model.value)
    assert str(fast_layer.value) == str(slow_layer.value)
    assert "incompatible" in str(slow_layer.value) and "(2, 5)" in str(slow_layer.value)


def test_autocast_to_the_layer_dtype():
    layer = keras.layers.Dense(2, dtype="float64")
    x = np.ones((1, 3), "float32")
    for _ in range(CALLS):
        assert layer(x).dtype == tf.float64
        assert layer(tf.constant(x)).dtype == tf.float64
    assert layer(np.ones((1, 3), "float64")).dtype == tf.float64
    model = _mlp(units=(2,))
    for _ in range(CALLS):
        y = model(np.ones((1, 4), "float64"))
    assert y.dtype == tf.float32


def test_symbolic_calls_still_build_graphs():
    dense = keras.layers.Dense(3)
    dense(np.ones((1, 4), "float32"))
    out = dense(keras.Input((4,)))
    assert isinstance(out, keras.KerasTensor) and tuple(out.shape) == (None, 3)


def test_activity_regularizer_losses_every_call():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activity_regularizer="l2")])
    x = np.ones((2, 4), "float32")
    for _ in range(CALLS):
        y = model(x).numpy()
        assert len(model.losses) == 1
        np.testing.assert_allclose(float(model.losses[0]), 0.01 * (y**2).sum() / 2, rtol=1e-5)
    assert not _plan(model).ok


def test_user_code_is_never_planned():
    scale = [2.0]
    model = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(lambda t: t * scale[0])])
    x = np.ones((1, 2), "float32")
    for _ in range(CALLS):
        np.testing.assert_array_equal(model(x).numpy(), [[2.0, 2.0]])
    scale[0] = 3.0
    np.testing.assert_array_equal(model(x).numpy(), [[3.0, 3.0]])


def test_run_eagerly_models_stay_eager():
    model = _mlp()
    model.compile(loss="mse", run_eagerly=True)
    x = np.ones((1, 4), "float32")
    for _ in range(CALLS):
        model(x)
    assert _plan(model) is None or _plan(model).function is None


def test_functional_model_plan_equals_general_path(general_path):
    keras.utils.set_random_seed(0)
    a = keras.Input((4,))
    h = keras.layers.Dense(6, activation="relu")(a)
    model = keras.Model(a, keras.layers.Dense(2)(keras.layers.Dropout(0.3)(h)))
    merged = keras.Model(a, keras.layers.Add()([keras.layers.Dense(6)(h), h]))
    x = np.random.default_rng(9).normal(size=(3, 4)).astype("float32")
    fast = [model(x).numpy() for _ in range(CALLS)]
    fast_merged = [merged(x).numpy() for _ in range(CALLS)]
    assert _plan(model).function is not None
    general_path()
    for y, z in zip(fast, fast_merged):
        np.testing.assert_array_equal(y, model(x).numpy())
        np.testing.assert_array_equal(z, merged(x).numpy())


def test_predict_equals_call():
    model = _cnn()
    x = np.random.default_rng(10).random((1, 12, 12, 1), "float32")
    for _ in range(CALLS):
        np.testing.assert_array_equal(model.predict(x, verbose=0), model(x).numpy())


def test_layer_epoch_moves_only_on_real_changes():
    layer = keras.layers.Dense(2)
    before = layer_module._EPOCH[0]
    layer.units = layer.units  # the same object: nothing changed
    assert layer_module._EPOCH[0] == before
    layer.units = 3
    assert layer_module._EPOCH[0] > before


def test_conv_and_pool_argument_cache():
    rng = np.random.default_rng(11)
    x = tf.constant(rng.random((1, 6, 6, 3), "float32"))
    w = tf.constant(rng.random((3, 3, 3, 2), "float32"))
    first = tf.nn.conv2d(x, w, strides=(1, 1), padding="SAME").numpy()
    again = tf.nn.conv2d(x, w, strides=(1, 1), padding="SAME").numpy()
    listed = tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding="SAME").numpy()  # not cacheable: same result
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(first, listed)
    nchw = tf.nn.conv2d(tf.transpose(x, (0, 3, 1, 2)), w, 1, "SAME", data_format="NCHW").numpy()
    np.testing.assert_allclose(nchw.transpose(0, 2, 3, 1), first, rtol=1e-6)
    with pytest.raises(ValueError, match="channels"):  # a new shape is checked again
        tf.nn.conv2d(tf.ones((1, 6, 6, 4)), w, strides=(1, 1), padding="SAME")
    p1 = tf.nn.max_pool2d(x, 2, 2, "VALID").numpy()
    p2 = tf.nn.max_pool2d(x, 2, 2, "VALID").numpy()
    np.testing.assert_array_equal(p1, p2)
    np.testing.assert_array_equal(p1, x.numpy().reshape(1, 3, 2, 3, 2, 3).max(axis=(2, 4)))
    with pytest.raises(ValueError, match="larger than the input"):
        tf.nn.max_pool2d(tf.ones((1, 1, 1, 3)), 2, 2, "VALID")
