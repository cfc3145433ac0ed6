"""Sequential: lists and add(), Input or input_shape, deferred build, pop, layer access, configs."""

import numpy as np
import pytest

from tensorflux import keras
from tensorflux.keras import layers


@pytest.fixture(autouse=True)
def _fresh():
    keras.backend.clear_session()
    yield


def test_seed_linear_regression_definition():
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(1,))])
    assert model.built and model.count_params() == 2
    assert model.inputs[0].shape == (None, 1) and model.outputs[0].shape == (None, 1)
    w, b = model.get_weights()
    x = np.array([[0.5], [2.0]], "float32")
    np.testing.assert_allclose(np.asarray(model(x)), x @ w + b, rtol=1e-6)


def test_input_first_and_add():
    model = keras.Sequential()
    model.add(keras.Input((4,)))
    model.add(layers.Dense(3, activation="relu"))
    model.add(layers.Dense(2))
    assert model.built and [layer.name for layer in model.layers] == ["dense", "dense_1"]
    assert model.output_shape == (None, 2)
    assert model(np.ones((5, 4), "float32")).shape == (5, 2)


def test_deferred_build_on_first_call():
    model = keras.Sequential([layers.Dense(3), layers.Dense(1)])
    assert not model.built and model.weights == []
    with pytest.raises(AttributeError, match="not built yet"):
        _ = model.inputs
    model(np.ones((2, 6), "float32"))
    assert model.built and model.inputs[0].shape == (None, 6)
    assert model.count_params() == 6 * 3 + 3 + 3 + 1


def test_deferred_build_error_names_the_first_layer():
    class Conv(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.input_spec = layers.InputSpec(min_ndim=4)

    model = keras.Sequential([Conv(name="conv2d"), layers.Dense(1)])
    with pytest.raises(
        ValueError,
        match=r'Input 0 of layer "conv2d" is incompatible with the layer: expected '
        r"min_ndim=4, found ndim=2. Full shape received: \(None, 784\)",
    ):
        model(np.zeros((3, 784), "float32"))


def test_pop_and_get_layer():
    model = keras.Sequential([layers.Dense(2, input_shape=(3,), name="a"), layers.Dense(4, name="b")])
    assert model.get_layer("b") is model.layers[1] and model.get_layer(index=0).name == "a"
    with pytest.raises(ValueError, match="No such layer: c. Existing layers are: \\['a', 'b'\\]"):
        model.get_layer("c")
    with pytest.raises(ValueError, match="only has 2 layers"):
        model.get_layer(index=5)
    popped = model.pop()
    assert popped.name == "b" and model.output_shape == (None, 2) and len(model.weights) == 2


def test_add_errors():
    model = keras.Sequential([layers.Dense(1, name="x")])
    with pytest.raises(ValueError, match="unique names"):
        model.add(layers.Dense(1, name="x"))
    with pytest.raises(ValueError, match="Only instances of `keras.Layer`"):
        model.add("dense")
    model2 = keras.Sequential([keras.Input((2,))])
    with pytest.raises(ValueError, match="already been configured to use input shape"):
        model2.add(keras.Input((3,)))


def test_config_round_trip_and_weights():
    model = keras.Sequential(
        [keras.Input((3,)), layers.Dense(4, activation="tanh"), layers.Dropout(0.2), layers.Dense(1)],
        name="seq",
    )
    config = model.get_config()
    assert config["build_input_shape"] == (None, 3)
    assert config["layers"][0]["class_name"] == "InputLayer"
    clone = keras.Sequential.from_config(config)
    assert clone.name == "seq" and len(clone.layers) == 3
    clone.set_weights(model.get_weights())
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(np.asarray(clone(x)), np.asarray(model(x)), rtol=1e-6)


def test_layers_get_symbolic_outputs():
    model = keras.Sequential([keras.Input((5,)), layers.Dense(3), layers.Dense(2)])
    assert model.layers[0].output.shape == (None, 3)
    assert model.layers[1].input is model.layers[0].output


def test_model_attributes_needed_by_the_trainer():
    model = keras.Sequential([layers.Dense(2, input_shape=(3,)), layers.Dropout(0.5)])
    assert model.built and len(model.trainable_variables) == 2 and model.non_trainable_variables == []
    assert model.losses == [] and len(model.layers) == 2
    out = model(np.ones((4, 3), "float32"), training=True)
    assert out.shape == (4, 2)


def test_seed_cnn_fed_flat_images_gets_a_reshape_hint():
    if not hasattr(layers, "Conv2D"):
        pytest.skip("the convolution layers are not in this tree yet")
    deferred = keras.Sequential([layers.Conv2D(32, 3), layers.Flatten(), layers.Dense(2)])
    with pytest.raises(ValueError) as e:
        deferred(np.zeros((2, 784), "float32"))
    assert str(e.value).startswith(
        'Input 0 of layer "conv2d" is incompatible with the layer: expected min_ndim=4, '
        "found ndim=2. Full shape received: (None, 784)."
    )
    assert "x.reshape(-1, 28, 28, 1)" in str(e.value)
    built = keras.Sequential(
        [keras.Input((28, 28, 1)), layers.Conv2D(8, 3), layers.Flatten(), layers.Dense(2)]
    )
    with pytest.raises(
        ValueError,
        match=r"expected shape=\(None, 28, 28, 1\), found shape=\(2, 784\).*"
        r"Reshape your data to \(batch, 28, 28, 1\)",
    ):
        built(np.zeros((2, 784), "float32"))
