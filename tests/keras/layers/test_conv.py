"""Convolution layers: run_layer_test on every variant, Keras parity, the seed CNN, errors and cost."""

import numpy as np
import pytest
from _catalogue_goldens import check_fixture, fixture_names

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import layers
from tensorflux.testing.layer_test import run_layer_test


@pytest.mark.parametrize(
    "kwargs, in_shape, out_shape",
    [
        ({"filters": 3, "kernel_size": 2}, (2, 6, 2), (2, 5, 3)),
        (
            {"filters": 2, "kernel_size": 3, "padding": "same", "strides": 2, "activation": "tanh"},
            (2, 7, 3),
            (2, 4, 2),
        ),
        ({"filters": 2, "kernel_size": 2, "padding": "causal", "dilation_rate": 2}, (2, 5, 2), (2, 5, 2)),
        ({"filters": 4, "kernel_size": 2, "groups": 2}, (2, 5, 4), (2, 4, 4)),
        ({"filters": 2, "kernel_size": 3, "data_format": "channels_first"}, (2, 3, 6), (2, 2, 4)),
    ],
)
def test_conv1d(kwargs, in_shape, out_shape):
    run_layer_test(
        layers.Conv1D,
        kwargs,
        input_shape=in_shape,
        expected_output_shape=out_shape,
        expected_num_trainable_weights=2,
    )


@pytest.mark.parametrize(
    "kwargs, in_shape, out_shape",
    [
        ({"filters": 3, "kernel_size": (3, 3), "activation": "relu"}, (2, 5, 5, 2), (2, 3, 3, 3)),
        (
            {"filters": 2, "kernel_size": (3, 2), "strides": (2, 1), "padding": "same"},
            (2, 5, 4, 2),
            (2, 3, 4, 2),
        ),
        ({"filters": 2, "kernel_size": 3, "dilation_rate": 2, "use_bias": False}, (1, 6, 6, 1), (1, 2, 2, 2)),
        ({"filters": 4, "kernel_size": 2, "groups": 2, "activation": "sigmoid"}, (1, 3, 3, 4), (1, 2, 2, 4)),
        ({"filters": 2, "kernel_size": 2, "data_format": "channels_first"}, (2, 3, 4, 5), (2, 2, 3, 4)),
    ],
)
def test_conv2d(kwargs, in_shape, out_shape):
    n = 2 if kwargs.get("use_bias", True) else 1
    run_layer_test(
        layers.Conv2D,
        kwargs,
        input_shape=in_shape,
        expected_output_shape=out_shape,
        expected_num_trainable_weights=n,
    )


def test_conv2d_unknown_spatial_dims():
    run_layer_test(
        layers.Conv2D,
        {"filters": 2, "kernel_size": 3, "padding": "same"},
        input_shape=(None, None, None, 3),
        gradient_input_shape=(1, 4, 4, 3),
        expected_output_shape=(None, None, None, 2),
    )


def test_conv3d():
    run_layer_test(
        layers.Conv3D,
        {"filters": 2, "kernel_size": 2, "strides": (1, 2, 1)},
        input_shape=(1, 3, 4, 3, 2),
        expected_output_shape=(1, 2, 2, 2, 2),
        expected_num_trainable_weights=2,
    )


@pytest.mark.parametrize(
    "cls, kwargs, in_shape, out_shape",
    [
        (
            layers.Conv1DTranspose,
            {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
            (2, 4, 3),
            (2, 8, 2),
        ),
        (layers.Conv1DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2}, (2, 4, 3), (2, 9, 2)),
        (
            layers.Conv2DTranspose,
            {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
            (1, 3, 2, 2),
            (1, 6, 4, 3),
        ),
        (
            layers.Conv2DTranspose,
            {"filters": 2, "kernel_size": (2, 3), "strides": (2, 3), "output_padding": (1, 2)},
            (1, 2, 2, 2),
            (1, 5, 8, 2),
        ),
        (
            layers.Conv2DTranspose,
            {"filters": 2, "kernel_size": 2, "dilation_rate": 2, "data_format": "channels_first"},
            (1, 3, 3, 2),
            (1, 2, 5, 4),
        ),
        (
            layers.Conv3DTranspose,
            {"filters": 2, "kernel_size": 2, "strides": 2},
            (1, 2, 1, 2, 2),
            (1, 4, 2, 4, 2),
        ),
    ],
)
def test_conv_transpose(cls, kwargs, in_shape, out_shape):
    run_layer_test(
        cls, kwargs, input_shape=in_shape, expected_output_shape=out_shape, expected_num_trainable_weights=2
    )


def test_conv_transpose_is_the_adjoint_of_conv():
    # <conv(x, w), g> == <x, conv_transpose(g, w)> for the same kernel (sizes where SAME pads alike)
    x = np.random.default_rng(0).standard_normal((2, 8, 6, 3)).astype("float64")
    conv = layers.Conv2D(4, 3, strides=2, padding="same", use_bias=False, dtype="float64")
    y = np.asarray(conv(x))
    g = np.random.default_rng(1).standard_normal(y.shape)
    tconv = layers.Conv2DTranspose(3, 3, strides=2, padding="same", use_bias=False, dtype="float64")
    tconv.build((None, 4, 3, 4))
    tconv.set_weights([conv.get_weights()[0]])
    back = np.asarray(tconv(g))
    np.testing.assert_allclose(np.sum(y * g), np.sum(x * back), rtol=1e-10)


@pytest.mark.parametrize(
    "cls, kwargs, in_shape, out_shape, n",
    [
        (
            layers.DepthwiseConv2D,
            {"kernel_size": 3, "depth_multiplier": 2, "padding": "same"},
            (2, 4, 4, 2),
            (2, 4, 4, 4),
            2,
        ),
        (
            layers.DepthwiseConv2D,
            {"kernel_size": (2, 3), "strides": 2, "use_bias": False},
            (1, 5, 5, 3),
            (1, 2, 2, 3),
            1,
        ),
        (
            layers.DepthwiseConv2D,
            {"kernel_size": 2, "data_format": "channels_first"},
            (1, 3, 4, 4),
            (1, 3, 3, 3),
            2,
        ),
        (
            layers.DepthwiseConv1D,
            {"kernel_size": 3, "depth_multiplier": 3, "dilation_rate": 2},
            (2, 7, 2),
            (2, 3, 6),
            2,
        ),
        (
            layers.SeparableConv2D,
            {"filters": 3, "kernel_size": 3, "depth_multiplier": 2, "activation": "tanh"},
            (1, 5, 4, 2),
            (1, 3, 2, 3),
            3,
        ),
        (
            layers.SeparableConv2D,
            {"filters": 2, "kernel_size": 2, "strides": 2, "padding": "same"},
            (2, 5, 5, 3),
            (2, 3, 3, 2),
            3,
        ),
        (
            layers.SeparableConv1D,
            {"filters": 4, "kernel_size": 2, "padding": "same"},
            (2, 5, 3),
            (2, 5, 4),
            3,
        ),
    ],
)
def test_depthwise_and_separable(cls, kwargs, in_shape, out_shape, n):
    run_layer_test(
        cls, kwargs, input_shape=in_shape, expected_output_shape=out_shape, expected_num_trainable_weights=n
    )


def test_depthwise_equals_per_channel_convolution():
    x = np.random.default_rng(2).standard_normal((2, 5, 6, 3)).astype("float32")
    dw = layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same", bias_initializer="glorot_uniform")
    y = np.asarray(dw(x))
    kernel, bias = dw.get_weights()
    for c in range(3):
        conv = layers.Conv2D(2, 3, padding="same")
        conv.build((None, 5, 6, 1))
        conv.set_weights([kernel[:, :, c : c + 1, :], bias[2 * c : 2 * c + 2]])
        np.testing.assert_allclose(
            y[..., 2 * c : 2 * c + 2], np.asarray(conv(x[..., c : c + 1])), rtol=1e-5, atol=1e-6
        )


def test_channels_first_matches_channels_last():
    x = np.random.default_rng(3).standard_normal((2, 6, 5, 3)).astype("float32")
    last = layers.Conv2D(4, 3, strides=2, padding="same", bias_initializer="ones")
    y_last = np.asarray(last(x))
    first = layers.Conv2D(4, 3, strides=2, padding="same", data_format="channels_first")
    first.build((None, 3, 6, 5))
    first.set_weights(last.get_weights())
    y_first = np.asarray(first(x.transpose(0, 3, 1, 2)))
    np.testing.assert_allclose(y_first.transpose(0, 2, 3, 1), y_last, rtol=1e-5, atol=1e-6)


def test_groups_equal_separate_convolutions():
    x = np.random.default_rng(4).standard_normal((2, 5, 5, 4)).astype("float32")
    grouped = layers.Conv2D(6, 2, groups=2, bias_initializer="ones")
    y = np.asarray(grouped(x))
    kernel, bias = grouped.get_weights()
    assert kernel.shape == (2, 2, 2, 6)
    for g in range(2):
        conv = layers.Conv2D(3, 2)
        conv.build((None, 5, 5, 2))
        conv.set_weights([kernel[..., 3 * g : 3 * g + 3], bias[3 * g : 3 * g + 3]])
        np.testing.assert_allclose(
            y[..., 3 * g : 3 * g + 3], np.asarray(conv(x[..., 2 * g : 2 * g + 2])), rtol=1e-5, atol=1e-6
        )


def test_causal_output_ignores_the_future():
    layer = layers.Conv1D(2, 3, padding="causal", dilation_rate=2)
    x = np.random.default_rng(5).standard_normal((1, 8, 2)).astype("float32")
    y = np.asarray(layer(x))
    x2 = x.copy()
    x2[:, 5:] += 10.0
    y2 = np.asarray(layer(x2))
    np.testing.assert_allclose(y[:, :5], y2[:, :5])
    assert not np.allclose(y[:, 5:], y2[:, 5:])


@pytest.mark.parametrize("name", fixture_names("conv", "depthwise", "separable"))
def test_matches_keras(name):
    check_fixture(name)


def _seed_cnn():
    return keras.models.Sequential(
        [
            layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
            layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu"),
            layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu"),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def test_seed_cnn_summary_reports_93322_parameters(capsys):
    model = _seed_cnn()
    assert model.count_params() == 93322
    assert [tuple(w.shape) for w in model.layers[0].weights] == [(3, 3, 1, 32), (32,)]
    model.summary()
    out = capsys.readouterr().out
    assert "93,322" in out
    assert "(None, 3, 3, 64)" in out and "(None, 13, 13, 32)" in out
    y = model(np.zeros((2, 28, 28, 1), "float32"))
    assert tuple(y.shape) == (2, 10) and y.dtype.name == "float32"


def test_flat_images_into_the_seed_cnn_explain_the_fix():
    model = _seed_cnn()
    with pytest.raises(ValueError) as err:
        model.predict(np.zeros((4, 784), "float32"), verbose=0)
    msg = str(err.value)
    assert "784" in msg and "28, 28, 1" in msg and "reshape(-1, 28, 28, 1)" in msg
    conv = model.layers[0]
    with pytest.raises(ValueError) as err:
        conv(np.zeros((4, 784), "float32"))
    msg = str(err.value)
    assert '"conv2d' in msg and "(4, 784)" in msg and "ndim=4" in msg and "reshape(-1, 28, 28, 1)" in msg


def test_wrong_channel_count_names_the_layer():
    conv = layers.Conv2D(2, 3, name="features")
    conv(np.zeros((1, 5, 5, 3), "float32"))
    with pytest.raises(ValueError, match=r'"features".*axis -1.*value 3.*\(1, 5, 5, 4\)'):
        conv(np.zeros((1, 5, 5, 4), "float32"))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"filters": 0, "kernel_size": 3}, "filters=0"),
        ({"filters": -2, "kernel_size": 3}, "filters=-2"),
        ({"filters": 2, "kernel_size": 0}, "kernel_size"),
        ({"filters": 2, "kernel_size": 3, "strides": 2, "dilation_rate": 2}, "dilation_rate"),
        ({"filters": 3, "kernel_size": 3, "groups": 2}, "groups=2, filters=3"),
        ({"filters": 2, "kernel_size": 3, "padding": "full"}, "padding='full'"),
        ({"filters": 2, "kernel_size": 3, "padding": "causal"}, "causal"),
        ({"filters": 2, "kernel_size": 3, "data_format": "NHWC"}, "data_format='NHWC'"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.Conv2D(**kwargs)


def test_too_small_input_names_the_layer():
    with pytest.raises(ValueError, match="conv2d.*zero or negative.*padding='same'"):
        layers.Conv2D(2, 5)(np.zeros((1, 3, 3, 1), "float32"))
    with pytest.raises(ValueError, match="output_padding"):
        layers.Conv2DTranspose(2, 3, strides=2, output_padding=2)


def test_conv_relu_is_one_kernel_in_float32():
    # the layer adds nothing beyond the convolution: conv, bias add and relu as one kernel, float32
    layer = layers.Conv2D(8, 3, activation="relu")
    x = tf.constant(np.random.default_rng(6).standard_normal((2, 9, 9, 4)).astype("float32"))
    layer(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
    assert len(tape._entries) == 1
    assert y.dtype.name == "float32" and all(
        o._value.dtype.name == "float32" for e in tape._entries for o in e[2]
    )
    np.testing.assert_array_equal(np.asarray(y), np.maximum(np.asarray(y), 0))
