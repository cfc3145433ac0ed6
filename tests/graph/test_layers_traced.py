"""Across the layer catalogue and the optimizers, fit traced gives the eager results.

Each model is trained twice from the same weights and seeds, with ``run_eagerly=True`` and with
traced steps; random layers (dropout, noise) draw the same numbers in both, so the weights,
the history and the predictions agree to 1e-6 (in practice bit for bit).
"""

import numpy as np
import pytest

from tensorflux import keras
from tensorflux.keras import layers as L

SOFTMAX4 = {"activation": "softmax"}


def _model(name):
    i = keras.Input
    if name == "dropout":
        return keras.Sequential(
            [i((8,)), L.Dense(16, activation="relu"), L.Dropout(0.3), L.Dense(4, **SOFTMAX4)]
        )
    if name == "batchnorm":
        return keras.Sequential(
            [i((8,)), L.Dense(16), L.BatchNormalization(), L.Activation("relu"), L.Dense(4, **SOFTMAX4)]
        )
    if name == "layernorm":
        return keras.Sequential([i((8,)), L.Dense(16), L.LayerNormalization(), L.Dense(4, **SOFTMAX4)])
    if name == "conv1d":
        return keras.Sequential(
            [i((12, 3)), L.Conv1D(4, 3, activation="tanh"), L.GlobalMaxPooling1D(), L.Dense(4, **SOFTMAX4)]
        )
    if name == "conv2d_transpose":
        return keras.Sequential(
            [
                i((6, 6, 2)),
                L.Conv2DTranspose(3, 3, strides=2),
                L.GlobalAveragePooling2D(),
                L.Dense(4, **SOFTMAX4),
            ]
        )
    if name == "separable":
        return keras.Sequential(
            [
                i((8, 8, 3)),
                L.SeparableConv2D(4, 3),
                L.DepthwiseConv2D(3),
                L.GlobalAveragePooling2D(),
                L.Dense(4, **SOFTMAX4),
            ]
        )
    if name == "lstm_dropout":
        return keras.Sequential(
            [i((7, 5)), L.LSTM(6, dropout=0.2, recurrent_dropout=0.2), L.Dense(4, **SOFTMAX4)]
        )
    if name == "gru_simple_rnn":
        return keras.Sequential(
            [i((7, 5)), L.GRU(6, return_sequences=True), L.SimpleRNN(5), L.Dense(4, **SOFTMAX4)]
        )
    if name == "bidirectional_masking":
        return keras.Sequential(
            [i((7, 5)), L.Masking(0.0), L.Bidirectional(L.LSTM(4)), L.Dense(4, **SOFTMAX4)]
        )
    if name == "embedding":
        return keras.Sequential(
            [i((6,), dtype="int32"), L.Embedding(20, 4), L.GlobalAveragePooling1D(), L.Dense(4, **SOFTMAX4)]
        )
    if name == "attention":
        x = i((5, 8))
        y = L.GlobalAveragePooling1D()(L.MultiHeadAttention(2, 4, dropout=0.1)(x, x))
        return keras.Model(x, L.Dense(4, **SOFTMAX4)(y))
    if name == "merges":
        a = i((8,))
        h1, h2 = L.Dense(6)(a), L.Dense(6)(a)
        m = L.Concatenate()([L.Add()([h1, h2]), L.Multiply()([h1, h2])])
        return keras.Model(a, L.Dense(4, **SOFTMAX4)(m))
    if name == "noise_and_regularizers":
        return keras.Sequential(
            [
                i((8,)),
                L.GaussianNoise(0.1),
                L.Dense(16, activation="elu", kernel_regularizer="l2", activity_regularizer="l1"),
                L.GaussianDropout(0.2),
                L.Dense(4, **SOFTMAX4),
            ]
        )
    if name == "reshaping":
        return keras.Sequential(
            [
                i((8, 8, 3)),
                L.Conv2D(4, 3),
                L.SpatialDropout2D(0.3),
                L.ZeroPadding2D(1),
                L.Cropping2D(1),
                L.UpSampling2D(),
                L.Reshape((12, 12, 4)),
                L.Permute((2, 1, 3)),
                L.Flatten(),
                L.Dense(4, **SOFTMAX4),
            ]
        )
    if name == "activations":
        return keras.Sequential(
            [i((8,)), L.Dense(8), L.PReLU(), L.Dense(8), L.LeakyReLU(), L.Dense(4), L.Softmax()]
        )
    raise KeyError(name)


_INPUTS = {
    "conv1d": (12, 3),
    "conv2d_transpose": (6, 6, 2),
    "separable": (8, 8, 3),
    "lstm_dropout": (7, 5),
    "gru_simple_rnn": (7, 5),
    "bidirectional_masking": (7, 5),
    "embedding": (6,),
    "attention": (5, 8),
    "reshaping": (8, 8, 3),
}


def _train(name, eager, optimizer="adam", loss="sparse_categorical_crossentropy"):
    keras.utils.set_random_seed(1)
    model = _model(name)
    rng = np.random.default_rng(0)
    shape = (40,) + _INPUTS.get(name, (8,))
    x = (
        rng.integers(0, 20, size=shape).astype("int32")
        if name == "embedding"
        else rng.normal(size=shape).astype("float32")
    )
    if name == "bidirectional_masking":
        x[:, -2:] = 0.0
    y = rng.integers(0, 4, size=40)
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"], run_eagerly=eager)
    keras.utils.set_random_seed(2)
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    return model, history.history, model.predict(x[:5], verbose=0)


def _compare(a, b):
    (me, he, pe), (mt, ht, pt) = a, b
    for u, v in zip(me.get_weights(), mt.get_weights()):
        np.testing.assert_allclose(v, u, rtol=1e-6, atol=1e-6)
    for k in he:
        np.testing.assert_allclose(ht[k], he[k], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(pt, pe, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(
    "name",
    [
        "dropout",
        "batchnorm",
        "layernorm",
        "conv1d",
        "conv2d_transpose",
        "separable",
        "lstm_dropout",
        "gru_simple_rnn",
        "bidirectional_masking",
        "embedding",
        "attention",
        "merges",
        "noise_and_regularizers",
        "reshaping",
        "activations",
    ],
)
def test_layer_models_traced_equal_eager(name):
    eager, traced = _train(name, True), _train(name, False)
    _compare(eager, traced)
    model = traced[0]
    assert model._traced is True
    assert model.make_train_function().tracing_count == 2  # batches of 16 and a last one of 8


@pytest.mark.parametrize(
    "optimizer",
    [
        "sgd",
        "rmsprop",
        "adagrad",
        "adamw",
        "nadam",
        "adamax",
        "adadelta",
        "ftrl",
        "lion",
        lambda: keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
        lambda: keras.optimizers.Adam(amsgrad=True, clipnorm=1.0),
        lambda: keras.optimizers.RMSprop(centered=True, global_clipnorm=0.5),
        lambda: keras.optimizers.Adam(keras.optimizers.schedules.ExponentialDecay(0.01, 3, 0.5)),
    ],
)
def test_optimizers_traced_equal_eager(optimizer):
    make = optimizer if callable(optimizer) else lambda: optimizer
    eager, traced = _train("dropout", True, make()), _train("dropout", False, make())
    _compare(eager, traced)
    assert traced[0].make_train_function().eager is False  # the update ran inside the graph


def test_optimizer_options_that_read_values_in_python_fall_back_to_eager():
    # moving averages and gradient accumulation decide in Python on the step count
    for make in (
        lambda: keras.optimizers.Adam(use_ema=True),
        lambda: keras.optimizers.SGD(gradient_accumulation_steps=2),
    ):
        eager, traced = _train("dropout", True, make()), _train("dropout", False, make())
        _compare(eager, traced)
        assert traced[0].make_train_function().eager is True
