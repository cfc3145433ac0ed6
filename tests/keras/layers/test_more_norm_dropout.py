"""RMSNormalization, AlphaDropout, Wrapper, SpectralNormalization: Keras parity, references, saving."""

import numpy as np
import pytest
from _catalogue_goldens import check_layer_gradients
from _layers_a_goldens import check_golden, golden_names

import tensorflux as tf
from tensorflux.keras.layers.convolutional.conv2d import Conv2D
from tensorflux.keras.layers.core.dense import Dense
from tensorflux.keras.layers.core.embedding import Embedding
from tensorflux.keras.layers.core.wrapper import Wrapper
from tensorflux.keras.layers.normalization.rms_normalization import RMSNormalization
from tensorflux.keras.layers.normalization.spectral_normalization import SpectralNormalization
from tensorflux.keras.layers.regularization.alpha_dropout import AlphaDropout
from tensorflux.testing.layer_test import run_layer_test

RNG = np.random.default_rng(21)
ALPHA_P = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946


def _x(*shape):
    return RNG.standard_normal(shape).astype("float32")


@pytest.mark.parametrize(
    "name", golden_names("rms_norm") + golden_names("alpha_dropout") + golden_names("spectral")
)
def test_matches_keras(name):
    check_golden(name)


# -- RMSNormalization ----------------------------------------------------------------------------------


def test_rms_layer_test():
    run_layer_test(
        RMSNormalization,
        {},
        input_shape=(2, 3, 4),
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=1,
        expected_num_non_trainable_weights=0,
    )
    run_layer_test(
        RMSNormalization,
        {"axis": [1, 2], "epsilon": 1e-3},
        input_shape=(2, 3, 4),
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=1,
    )


def test_rms_values_against_numpy():
    x = _x(2, 3, 4)
    layer = RMSNormalization()
    np.testing.assert_allclose(
        layer(x).numpy(), x / np.sqrt((x**2).mean(-1, keepdims=True) + 1e-6), rtol=1e-5, atol=1e-6
    )
    assert layer.scale.shape == (4,) and layer.epsilon == 1e-6
    # a non-trailing axis: scale (3,) broadcast along that axis
    layer = RMSNormalization(axis=1, epsilon=1e-4)
    layer.build((2, 3, 4))
    s = RNG.uniform(0.5, 1.5, 3).astype("float32")
    layer.scale.assign(s)
    ref = x / np.sqrt((x**2).mean(1, keepdims=True) + 1e-4) * s[:, None]
    np.testing.assert_allclose(layer(x).numpy(), ref, rtol=1e-5, atol=1e-6)
    assert layer.get_config()["axis"] == 1 and layer.get_config()["epsilon"] == 1e-4


def test_rms_float64_gradients():
    check_layer_gradients(RMSNormalization(dtype="float64"), [_x(3, 5)])
    check_layer_gradients(RMSNormalization(axis=[1, 2], dtype="float64"), [_x(2, 3, 4)])


def test_rms_errors():
    with pytest.raises(ValueError, match="axis 3 is out of bounds"):
        RMSNormalization(axis=3)(_x(2, 3, 4))
    with pytest.raises(ValueError, match="out of bounds"):
        RMSNormalization(axis=-4).compute_output_shape((2, 3, 4))
    with pytest.raises(TypeError, match="axis"):
        RMSNormalization(axis="last")
    layer = RMSNormalization()
    layer(_x(2, 4))
    with pytest.raises(ValueError, match="rank 2"):
        layer(_x(2, 3, 4))


# -- AlphaDropout --------------------------------------------------------------------------------------


def test_alpha_dropout_layer_test():
    run_layer_test(
        AlphaDropout,
        {"rate": 0.3, "seed": 1},
        input_shape=(2, 3, 4),
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=0,
        supports_masking=True,
        run_training_check=False,
    )


def test_alpha_dropout_training_affine_transform():
    rate = 0.25
    a = ((1 - rate) * (1 + rate * ALPHA_P**2)) ** -0.5
    b = -a * ALPHA_P * rate
    x = _x(400, 50)
    y = AlphaDropout(rate, seed=3)(x, training=True).numpy()
    kept = np.isclose(y, a * x + b, rtol=1e-5, atol=1e-6)
    dropped = np.isclose(y, a * ALPHA_P + b, rtol=1e-5, atol=1e-6)
    assert np.all(kept | dropped)
    assert abs(dropped.mean() - rate) < 0.01
    # a standardised input keeps mean 0 and variance 1
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1.0) < 0.02
    np.testing.assert_array_equal(AlphaDropout(rate)(x).numpy(), x)  # inference: identity
    assert AlphaDropout(0.0)(x, training=True) is not None


def test_alpha_dropout_noise_shape_and_config():
    x = _x(6, 5, 4)
    layer = AlphaDropout(0.5, noise_shape=(None, 1, 4), seed=2)
    y = layer(x, training=True).numpy()
    rate = 0.5
    a = ((1 - rate) * (1 + rate * ALPHA_P**2)) ** -0.5
    dropped = np.isclose(y, a * ALPHA_P - a * ALPHA_P * rate, atol=1e-6)
    assert np.all(dropped == dropped[:, :1, :])  # the same mask at every step
    config = layer.get_config()
    assert config["rate"] == 0.5 and config["noise_shape"] == (None, 1, 4) and config["seed"] == 2
    assert AlphaDropout.from_config(config).get_config() == config
    assert tf.keras.layers.AlphaDropout is AlphaDropout
    with pytest.raises(ValueError, match="rate"):
        AlphaDropout(1.5)
    with pytest.raises(ValueError, match="noise_shape"):
        AlphaDropout(0.5, noise_shape=(None, 4))(x, training=True)


# -- Wrapper and SpectralNormalization -----------------------------------------------------------------


def test_wrapper_base_class():
    w = Wrapper(Dense(3, name="inner"), name="wrap")
    w.build((None, 2))
    assert w.layer.built and len(w.weights) == 2
    config = w.get_config()
    assert config["layer"]["class_name"] == "Dense" and config["layer"]["config"]["units"] == 3
    again = Wrapper.from_config(config)
    assert type(again.layer) is Dense and again.layer.units == 3 and again.name == "wrap"
    with pytest.raises(ValueError, match="valid Keras layer"):
        Wrapper("dense")
    assert issubclass(SpectralNormalization, Wrapper)
    assert tf.keras.layers.Wrapper is Wrapper


def test_spectral_norm_converges_to_unit_spectral_norm():
    layer = SpectralNormalization(Dense(6), power_iterations=1)
    x = _x(4, 5)
    for _ in range(40):
        layer(x, training=True)
    sigma = np.linalg.svd(layer.layer.kernel.numpy(), compute_uv=False)[0]
    assert abs(sigma - 1.0) < 1e-3
    # inference does not touch the kernel
    before = layer.layer.kernel.numpy().copy()
    layer(x)
    np.testing.assert_array_equal(layer.layer.kernel.numpy(), before)
    assert layer.vector_u.shape == (1, 6) and not layer.vector_u.trainable
    assert [w.path.split("/")[-1] for w in layer.non_trainable_weights] == ["vector_u"]


def test_spectral_norm_wraps_embeddings_and_skips_zero_kernels():
    emb = SpectralNormalization(Embedding(7, 3))
    ids = np.array([[1, 2], [3, 4]])
    for _ in range(30):
        emb(ids, training=True)
    assert abs(np.linalg.svd(emb.layer.embeddings.numpy(), compute_uv=False)[0] - 1.0) < 1e-3
    zero = SpectralNormalization(Dense(3, kernel_initializer="zeros"))
    zero.build((None, 2))
    u = zero.vector_u.numpy().copy()
    zero(_x(2, 2), training=True)
    np.testing.assert_array_equal(zero.layer.kernel.numpy(), 0.0)
    np.testing.assert_array_equal(zero.vector_u.numpy(), u)


def test_spectral_norm_config_and_errors():
    layer = SpectralNormalization(Conv2D(2, 3), power_iterations=2, name="sn")
    config = layer.get_config()
    assert config["power_iterations"] == 2 and config["layer"]["class_name"] == "Conv2D"
    again = SpectralNormalization.from_config(config)
    assert again.power_iterations == 2 and type(again.layer) is Conv2D
    assert again.compute_output_shape((1, 6, 6, 1)) == (1, 4, 4, 2)
    assert tf.keras.layers.SpectralNormalization is SpectralNormalization
    with pytest.raises(ValueError, match="power_iterations"):
        SpectralNormalization(Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="kernel.*embeddings"):
        SpectralNormalization(tf.keras.layers.Flatten())(_x(2, 3))
    with pytest.raises(ValueError, match="valid Keras layer"):
        SpectralNormalization(np.ones(3))
    layer = SpectralNormalization(Dense(2))
    layer(_x(2, 3))
    with pytest.raises(ValueError):
        layer(_x(2, 4))


def test_spectral_norm_gradients_float64():
    # inference: the wrapped layer's own gradients; training: the kernel is rescaled first (by assignment,
    # as in Keras), so the gradient is the layer's gradient at the normalized kernel
    layer = SpectralNormalization(Dense(3, activation="tanh", dtype="float64"), dtype="float64")
    check_layer_gradients(layer, [_x(2, 4)])


# -- saving and training -------------------------------------------------------------------------------


def _model():
    inp = tf.keras.Input((6,))
    x = SpectralNormalization(Dense(8, activation="selu"), name="sn")(inp)
    x = AlphaDropout(0.1, seed=1, name="ad")(x)
    x = RMSNormalization(name="rms")(x)
    return tf.keras.Model(inp, Dense(1)(x))


def test_save_load_round_trip(tmp_path):
    model = _model()
    model(_x(2, 6), training=True)  # move vector_u away from its initial value
    x = _x(4, 6)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = tf.keras.models.load_model(path)
    assert type(loaded.get_layer("sn")) is SpectralNormalization
    assert type(loaded.get_layer("ad")) is AlphaDropout and loaded.get_layer("ad").rate == 0.1
    assert type(loaded.get_layer("rms")) is RMSNormalization
    np.testing.assert_allclose(
        loaded.get_layer("sn").vector_u.numpy(), model.get_layer("sn").vector_u.numpy(), rtol=1e-6
    )
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5)


def test_traced_fit_matches_eager_fit():
    x, y = _x(8, 6), _x(8, 1)
    initial = _model().get_weights()
    trained = []
    for eager in (False, True):
        model = _model()
        model.get_layer("ad").rate = 0.0  # the same batches, no random mask: traced and eager agree
        model.set_weights(initial)
        model.compile(optimizer="sgd", loss="mse", run_eagerly=eager)
        history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
        assert np.all(np.isfinite(history.history["loss"]))
        trained.append(model.get_weights())
    for a, b in zip(*trained):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert not np.allclose(trained[0][0], initial[0])
    # with dropout on, traced training runs too
    model = _model()
    model.compile(optimizer="adam", loss="mse")
    assert np.all(np.isfinite(model.fit(x, y, batch_size=4, epochs=2, verbose=0).history["loss"]))
