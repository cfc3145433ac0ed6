"""The Layer base: names, building, weights, training flag, losses, masks, checks, configs."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import layers
from tensorflux.keras.engine.masking import get_keras_mask


@pytest.fixture(autouse=True)
def _fresh_names():
    keras.backend.clear_session()
    yield


class Scale(layers.Layer):
    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, x):
        return x * self.w * self.factor


def test_default_names_are_unique_and_reset_by_clear_session():
    assert [layers.Dense(1).name for _ in range(3)] == ["dense", "dense_1", "dense_2"]
    assert (
        layers.BatchNormalization().name == "batch_normalization"
        if hasattr(layers, "BatchNormalization")
        else True
    )
    assert Scale().name == "scale"
    keras.backend.clear_session()
    assert layers.Dense(1).name == "dense"
    assert layers.Dense(1, name="mine").name == "mine"


def test_build_on_first_call_and_weight_paths():
    layer = layers.Dense(3)
    assert not layer.built and layer.weights == []
    y = layer(np.ones((2, 4), "float32"))
    assert layer.built and y.shape == (2, 3)
    assert [w.path for w in layer.weights] == ["dense/kernel", "dense/bias"]
    assert [tuple(w.shape) for w in layer.weights] == [(4, 3), (3,)]
    assert layer.count_params() == 15


def test_float64_numpy_inputs_become_float32_and_python_lists_convert():
    layer = layers.Dense(2)
    assert layer(np.ones((1, 3))).dtype == tf.float32
    assert layer([[1.0, 2.0, 3.0]]).dtype == tf.float32
    double = layers.Dense(2, dtype="float64")
    assert double(np.ones((1, 3), "float32")).dtype == tf.float64
    assert double.kernel.dtype == tf.float64


def test_add_weight_options_and_tf_keras_2_order():
    layer = layers.Layer(name="holder")
    w = layer.add_weight(shape=(2,), initializer="zeros", trainable=False, name="w")
    v = layer.add_weight("v", shape=(3,), initializer="ones")
    assert w.path == "holder/w" and not w.trainable and v.path == "holder/v"
    assert layer.non_trainable_weights == [w] and layer.trainable_weights == [v]
    np.testing.assert_array_equal(v.numpy(), np.ones(3))
    i = layer.add_weight(shape=(), dtype="int32")
    assert i.dtype == tf.int32 and float(i) == 0  # integer weights default to zeros


def test_trainable_false_freezes_recursively_and_back():
    model = keras.Sequential([layers.Dense(2, input_shape=(3,)), layers.Dense(1)])
    assert len(model.trainable_weights) == 4
    model.layers[0].trainable = False
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 2
    assert not model.layers[0].kernel.trainable  # the tape no longer watches it
    model.trainable = False
    assert model.trainable_weights == [] and len(model.non_trainable_weights) == 4
    model.trainable = True
    assert len(model.trainable_weights) == 4


def test_frozen_layer_gets_no_gradient():
    layer = layers.Dense(2)
    x = np.ones((1, 3), "float32")
    layer(x)
    layer.trainable = False
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(layer(x))
    assert tape.gradient(y, layer.kernel) is None


class Record(layers.Layer):
    def call(self, x, training=None):
        self.seen = training
        return x


class Outer(layers.Layer):
    def __init__(self):
        super().__init__()
        self.inner = Record()
        self.drop = layers.Dropout(0.5)

    def call(self, x):
        return self.drop(self.inner(x))


def test_training_reaches_nested_layers_and_dropout():
    outer = Outer()
    x = np.ones((200, 10), "float32")
    y = outer(x, training=True)
    assert outer.inner.seen is True
    assert np.mean(np.asarray(y) == 0) > 0.3  # dropout applied in training
    y = outer(x)
    assert outer.inner.seen is None
    np.testing.assert_array_equal(np.asarray(y), x)  # inference: identity
    outer(x, training=False)
    assert outer.inner.seen is False


def test_explicit_training_on_inner_call_wins_for_that_layer_only():
    class Both(layers.Layer):
        def __init__(self):
            super().__init__()
            self.a, self.b = Record(), Record()

        def call(self, x):
            return self.b(self.a(x, training=False))

    both = Both()
    both(np.ones((1, 2), "float32"), training=True)
    assert both.a.seen is False and both.b.seen is True


def test_losses_from_regularizers_add_loss_and_activity_are_reset_per_call():
    class AddsLoss(layers.Layer):
        def call(self, x):
            self.add_loss(tf.reduce_sum(x))
            return x

    model = keras.Sequential(
        [
            layers.Dense(
                2,
                kernel_initializer="ones",
                kernel_regularizer=keras.regularizers.L2(0.5),
                activity_regularizer=keras.regularizers.L1(1.0),
                input_shape=(3,),
            ),
            AddsLoss(),
        ]
    )
    x = np.ones((4, 3), "float32")
    model(x)
    losses = [float(v) for v in model.losses]
    # add_loss + activity (per-sample L1 of the Dense output: 4 rows of 2 outputs each 3.0 -> 24 / 4) + L2
    assert sorted(losses) == pytest.approx(sorted([24.0, 6.0, 0.5 * 6.0]))
    model(x)
    assert len(model.losses) == 3  # not accumulated across calls


def test_weight_regularizer_of_frozen_layer_is_not_counted():
    layer = layers.Dense(2, kernel_regularizer="l2")
    layer(np.ones((1, 2), "float32"))
    assert len(layer.losses) == 1
    layer.trainable = False
    assert layer.losses == []


def test_mask_from_embedding_reaches_layers_that_accept_it():
    class SeesMask(layers.Layer):
        def call(self, x, mask=None):
            self.mask = mask
            return x * 1.0

    seen = SeesMask()
    emb = layers.Embedding(5, 2, mask_zero=True)
    out = seen(emb(np.array([[1, 0, 3]])))
    np.testing.assert_array_equal(np.asarray(seen.mask), [[True, False, True]])
    assert get_keras_mask(out) is None  # SeesMask does not support masking: the mask stops here


def test_mask_passes_through_masking_aware_layers():
    masked = layers.Masking()(np.array([[[0.0, 0.0], [1.0, 2.0]]], "float32"))
    out = layers.Dropout(0.2)(layers.Activation("relu")(masked))
    np.testing.assert_array_equal(np.asarray(get_keras_mask(out)), [[False, True]])


def test_get_set_weights_round_trip_and_errors():
    layer = layers.Dense(2)
    with pytest.raises(ValueError, match='layer "dense".*length 1.*expecting 0'):
        layer.set_weights([np.ones((3, 2))])
    layer.build((None, 3))
    w = [np.full((3, 2), 0.5, "float32"), np.arange(2, dtype="float32")]
    layer.set_weights(w)
    for a, b in zip(layer.get_weights(), w):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="length 1, but the layer was expecting 2"):
        layer.set_weights(w[:1])
    with pytest.raises(ValueError, match=r'Layer "dense" weight shape \(3, 2\) is not compatible.*\(2, 2\)'):
        layer.set_weights([np.ones((2, 2)), np.ones(2)])
    np.testing.assert_array_equal(layer.get_weights()[0], w[0])  # nothing was changed


def test_count_params_unbuilt_raises():
    with pytest.raises(ValueError, match="isn't built"):
        layers.Dense(2).count_params()


def test_input_spec_errors_name_layer_shapes_and_fix():
    layer = layers.Dense(4)
    layer(np.ones((2, 784), "float32"))
    with pytest.raises(ValueError) as e:
        layer(np.ones((2, 100), "float32"))
    msg = str(e.value)
    assert 'layer "dense"' in msg and "axis -1" in msg and "value 784" in msg and "(2, 100)" in msg
    assert "(batch, 784)" in msg
    spec_layer = layers.Layer(name="conv2d")
    spec_layer.input_spec = layers.InputSpec(min_ndim=4)
    with pytest.raises(ValueError) as e:
        spec_layer(keras.Input((784,)))
    msg = str(e.value)
    assert msg.startswith(
        'Input 0 of layer "conv2d" is incompatible with the layer: expected min_ndim=4, found '
        "ndim=2. Full shape received: (None, 784)."
    )
    assert "reshape" in msg.lower()


def test_built_layer_hint_suggests_reshape_to_built_shape():
    class NeedsImages(layers.Layer):
        def build(self, input_shape):
            self.input_spec = layers.InputSpec(min_ndim=4)

    layer = NeedsImages(name="conv2d")
    layer(np.ones((1, 28, 28, 1), "float32"))
    with pytest.raises(ValueError, match=r"Reshape your data to \(batch, 28, 28, 1\)"):
        layer(keras.Input((784,)))


def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match="units=0"):
        layers.Dense(units=0)
    with pytest.raises(ValueError, match="units=-3"):
        layers.Dense(-3)
    with pytest.raises(ValueError, match="rate=1.5"):
        layers.Dropout(1.5)
    with pytest.raises(TypeError, match="Unrecognized keyword arguments passed to Dense: {'foo': 1}"):
        layers.Dense(2, foo=1)
    with pytest.raises(ValueError, match="input_dim=0"):
        layers.Embedding(0, 2)
    with pytest.raises(ValueError, match="Unknown activation function: 'relux'. Valid names are:.*relu"):
        layers.Dense(2, activation="relux")
    with pytest.raises(ValueError, match="Unknown initializer: 'glorot'. Valid names are:.*glorot_uniform"):
        layers.Dense(2, kernel_initializer="glorot")


def test_forgetting_super_init_is_explained():
    class Broken(layers.Layer):
        def __init__(self):
            pass

    with pytest.raises(RuntimeError, match=r"super\(\).__init__\(\)"):
        Broken()(np.ones((1, 2)))


def test_sublayers_tracked_in_attributes_lists_and_dicts():
    class Block(layers.Layer):
        def __init__(self):
            super().__init__()
            self.first = layers.Dense(2)
            self.stack = [layers.Dense(2), layers.Dense(2)]
            self.named = {"a": layers.Dense(1)}
            self.var = tf.Variable(np.ones(2, "float32"))

        def call(self, x):
            for layer in [self.first, *self.stack, self.named["a"]]:
                x = layer(x)
            return x * self.var[0]

    block = Block()
    block(np.ones((1, 3), "float32"))
    assert len(block.weights) == 1 + 8
    assert block.weights[0] is block.var  # own variables first
    assert [w.path for w in block.weights[1:3]] == ["dense/kernel", "dense/bias"]


def test_get_config_round_trip_and_auto_config():
    layer = layers.Dense(3, activation="relu", kernel_regularizer="l2", name="d")
    config = layer.get_config()
    assert config["activation"] == "relu"
    assert config["kernel_initializer"] == {
        "module": "keras.initializers",
        "class_name": "GlorotUniform",
        "config": {"seed": None},
        "registered_name": None,
    }
    assert config["dtype"]["class_name"] == "DTypePolicy"
    assert layers.Dense.from_config(config).get_config() == config
    auto = Scale(factor=2.5, name="s").get_config()
    assert auto["factor"] == 2.5 and auto["name"] == "s"
    assert Scale.from_config(auto).factor == 2.5


def test_compute_output_shape_default_runs_the_layer():
    assert Scale().compute_output_shape((None, 4)) == (None, 4)
    assert layers.Dense(3).compute_output_shape((None, 7, 4)) == (None, 7, 3)


def test_layer_input_output_in_functional_graph():
    x = keras.Input((3,))
    dense = layers.Dense(2)
    y = dense(x)
    assert dense.input is x and dense.output is y
    assert dense.input_shape == (None, 3) and dense.output_shape == (None, 2)
    with pytest.raises(AttributeError, match="never been called"):
        _ = layers.Dense(1).output
