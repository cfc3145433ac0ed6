"""EinsumDense: Keras parity (values and gradients), NumPy einsum, shapes, init, saving, training, errors."""

import math

import numpy as np
import pytest
from _catalogue_goldens import check_layer_gradients
from _layers_a_goldens import check_golden, golden_names

import tensorflux as tf
from tensorflux.keras.layers.core.einsum_dense import EinsumDense
from tensorflux.testing.layer_test import run_layer_test

RNG = np.random.default_rng(3)


def _x(*shape):
    return RNG.standard_normal(shape).astype("float32")


@pytest.mark.parametrize("name", golden_names("einsum_dense"))
def test_matches_keras(name):
    check_golden(name)


@pytest.mark.parametrize(
    "equation, output_shape, bias_axes, input_shape, expected",
    [
        ("ab,bc->ac", 4, "c", (2, 3), (2, 4)),
        ("abc,cd->abd", (None, 4), "d", (2, 5, 3), (2, 5, 4)),
        ("abc,cde->abde", (5, 2, 3), "de", (2, 5, 4), (2, 5, 2, 3)),
        ("...b,bc->...c", 4, None, (2, 3, 5, 6), (2, 3, 5, 4)),
        ("ab...,bc->ac...", 4, "c", (2, 5, 3), (2, 4, 3)),
        ("abc,bcd->abd", (3, 4), "d", (2, 3, 5), (2, 3, 4)),
    ],
)
def test_layer_test_and_numpy_einsum(equation, output_shape, bias_axes, input_shape, expected):
    kwargs = {"equation": equation, "output_shape": output_shape, "bias_axes": bias_axes}
    run_layer_test(
        EinsumDense,
        kwargs,
        input_shape=input_shape,
        expected_output_shape=expected,
        expected_num_trainable_weights=1 if bias_axes is None else 2,
        expected_num_non_trainable_weights=0,
    )
    layer = EinsumDense(bias_initializer="random_normal", **kwargs)
    x = _x(*input_shape)
    y = layer(x).numpy()
    ref = np.einsum(equation, x, layer.kernel.numpy())
    if layer.bias is not None:
        ref = ref + layer.bias.numpy()
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-6)
    assert layer.compute_output_shape(input_shape) == expected


def test_unknown_shared_dimension_stays_unknown_in_the_output_shape():
    layer = EinsumDense("abc,cd->abd", output_shape=(None, 6), bias_axes="d")
    assert layer.compute_output_shape((None, None, 5)) == (None, None, 6)
    assert layer.compute_output_shape((2, 7, 5)) == (2, 7, 6)
    out = layer(tf.keras.Input((None, 5)))
    assert tuple(out.shape) == (None, None, 6)
    assert layer(_x(2, 7, 5)).shape == (2, 7, 6)


def test_kernel_init_fans_come_from_the_kernel_axes():
    # Keras' GlorotUniform with fan_in = 5 (the contracted axis), fan_out = 2 * 4 (the output axes)
    layer = EinsumDense(
        "abc,cde->abde",
        output_shape=(3, 2, 4),
        kernel_initializer=tf.keras.initializers.GlorotUniform(seed=1),
    )
    layer.build((None, 3, 5))
    k = layer.kernel.numpy()
    limit = math.sqrt(6.0 / (5 + 8))
    assert k.shape == (5, 2, 4)
    assert np.abs(k).max() <= limit
    assert np.abs(k).max() > 0.8 * limit  # not the smaller receptive-field fans (limit sqrt(6/50))
    # other initializers are used as they are
    layer = EinsumDense("ab,bc->ac", 3, kernel_initializer="ones")
    layer.build((None, 2))
    np.testing.assert_array_equal(layer.kernel.numpy(), np.ones((2, 3)))


def test_integer_inputs_are_cast_to_the_kernel_dtype():
    layer = EinsumDense("ab,bc->ac", 3, bias_axes="c", kernel_initializer="ones")
    y = layer(np.array([[1, 2], [3, 4]], dtype="int32"))
    assert y.dtype == tf.float32
    np.testing.assert_allclose(y.numpy(), [[3.0] * 3, [7.0] * 3])


def test_activation_and_config():
    layer = EinsumDense("abc,cd->abd", (None, 4), activation="relu", bias_axes="d", name="ed")
    config = layer.get_config()
    assert config["equation"] == "abc,cd->abd"
    assert config["output_shape"] == (None, 4)
    assert config["bias_axes"] == "d"
    assert config["activation"] == "relu"
    assert config["quantization_config"] is None
    assert "lora_rank" not in config
    y = layer(_x(2, 3, 5)).numpy()
    assert (y >= 0).all()
    revived = EinsumDense.from_config(config)
    assert revived.get_config() == config


def test_exported_through_keras_layers():
    assert tf.keras.layers.EinsumDense is EinsumDense


def test_float64_gradients_match_finite_differences():
    # inputs and weights against central differences (run_layer_test above covers the other equations)
    for eq, out, bias, shape in (
        ("abc,cde->abde", (3, 2, 4), "de", (2, 3, 5)),
        ("ab...,bc->ac...", 4, "c", (2, 5, 3)),
        ("abc,bcd->abd", (3, 4), "d", (2, 3, 5)),
    ):
        layer = EinsumDense(eq, output_shape=out, bias_axes=bias, activation="tanh", dtype="float64")
        check_layer_gradients(layer, [RNG.standard_normal(shape)])


def _model():
    inp = tf.keras.Input((3, 5))
    x = EinsumDense("abc,cde->abde", output_shape=(3, 2, 4), bias_axes="de", activation="tanh")(inp)
    x = EinsumDense("abcd,cde->abe", output_shape=(3, 6), bias_axes="e")(x)
    x = EinsumDense("...b,bc->...c", output_shape=1)(x)
    return tf.keras.Model(inp, x)


def test_save_load_round_trip(tmp_path):
    model = _model()
    x = _x(4, 3, 5)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = tf.keras.models.load_model(path)
    assert type(loaded.layers[1]) is EinsumDense
    assert loaded.layers[2].equation == "abcd,cde->abe"
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_traced_fit_matches_eager_fit():
    x, y = _x(8, 3, 5), _x(8, 3, 1)
    initial = _model().get_weights()
    trained = []
    for eager in (False, True):
        model = _model()
        model.set_weights(initial)
        model.compile(optimizer="sgd", loss="mse", run_eagerly=eager)
        history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
        assert np.all(np.isfinite(history.history["loss"]))
        trained.append(model.get_weights())
    for a, b in zip(*trained):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert not np.allclose(trained[0][0], initial[0])


def test_errors():
    with pytest.raises(ValueError, match="equation='ab,bc'"):
        EinsumDense("ab,bc", 3)
    with pytest.raises(ValueError, match="invalid einsum equation 'a...b,bc->a...c'"):
        EinsumDense("a...b,bc->a...c", 3).build((2, 2, 2))
    with pytest.raises(ValueError, match="output_shape"):
        EinsumDense("ab,bc->ac", (3, 4)).build((2, 2))
    with pytest.raises(ValueError, match="shared dimension 'b'"):
        EinsumDense("abc,cd->abd", (4, 4)).build((2, 3, 5))
    with pytest.raises(ValueError, match="Bias dimension 'x'|bias dimension 'x'"):
        EinsumDense("ab,bc->ac", 3, bias_axes="x").build((2, 2))
    with pytest.raises(ValueError, match="Weight dimension 'z'|weight dimension 'z'"):
        EinsumDense("ab,bcz->ac", 3).build((2, 2))
    with pytest.raises(ValueError, match="rank 2"):
        EinsumDense("ab,bc->ac", 3).build((2, 3, 4))
    layer = EinsumDense("ab,bc->ac", 3)
    layer(_x(2, 4))
    with pytest.raises(ValueError, match="EinsumDense|einsum_dense|incompatible|expected"):
        layer(_x(2, 5))
    with pytest.raises(NotImplementedError, match="lora_rank"):
        EinsumDense("ab,bc->ac", 3, lora_rank=4)
    with pytest.raises(AttributeError, match="build"):
        EinsumDense("ab,bc->ac", 3).kernel  # noqa: B018
