"""Every exported layer family runs in onnxruntime with the outputs of ``model.predict`` (1e-5).

Tiny models with random weights (fixed seed).  GELU is written with Erf in the ONNX graph, the
formula tensorflux computes, so it needs no looser tolerance.
"""

import numpy as np
import pytest

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from _onnx_helpers import assert_exports, randomize  # noqa: E402

from tensorflux import keras  # noqa: E402
from tensorflux.keras import layers  # noqa: E402

RNG = np.random.default_rng(7)


def _x(*shape):
    return RNG.standard_normal(shape).astype("float32")


def _model(input_shape, *stack, dtype="float32"):
    return randomize(keras.Sequential([keras.Input(input_shape, dtype=dtype), *stack]))


# -- dense and activations ---------------------------------------------------------------------------
ACTIVATIONS = [
    "relu",
    "sigmoid",
    "tanh",
    "softmax",
    "elu",
    "selu",
    "gelu",
    "silu",
    "swish",
    "softplus",
    "softsign",
    "leaky_relu",
    "relu6",
    "linear",
    "exponential",
    "hard_sigmoid",
    "hard_silu",
    "mish",
    "log_softmax",
    "celu",
    "log_sigmoid",
]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_dense_with_activation(activation, tmp_path):
    model = _model((6,), layers.Dense(5, activation=activation))
    x = _x(4, 6) * 3.0  # reach the saturated and the negative parts
    assert_exports(model, x, tmp_path)


@pytest.mark.parametrize("opset", [17, 18])
def test_glu_splits_the_last_axis(opset, tmp_path):
    # Split into halves: by output count before opset 18, by num_outputs from 18
    inp = keras.Input((5,))
    model = randomize(keras.Model(inp, keras.activations.glu(layers.Dense(6)(inp))))
    assert_exports(model, _x(3, 5), tmp_path, opset=opset)


def test_dense_on_rank3_and_without_bias(tmp_path):
    model = _model((3, 6), layers.Dense(4, use_bias=False), layers.Dense(2))
    assert_exports(model, _x(2, 3, 6), tmp_path)


@pytest.mark.parametrize(
    "layer",
    [
        layers.ReLU(),
        layers.ReLU(max_value=1.0),
        layers.ReLU(negative_slope=0.1, threshold=0.5),
        layers.ReLU(max_value=6.0, negative_slope=0.2),
        layers.LeakyReLU(),
        layers.LeakyReLU(negative_slope=0.05),
        layers.ELU(alpha=0.7),
        layers.Softmax(),
        layers.Softmax(axis=1),
        layers.Softmax(axis=[1, 2]),
        layers.PReLU(),
        layers.PReLU(shared_axes=[1]),
        layers.Activation("gelu"),
        layers.Activation("hard_sigmoid"),
        layers.Activation(layers.LeakyReLU(negative_slope=0.3)),
    ],
    ids=lambda layer: f"{type(layer).__name__}",
)
def test_activation_layers(layer, tmp_path):
    model = _model((3, 4), layer)
    assert_exports(model, _x(5, 3, 4) * 2.0, tmp_path)


def test_activation_functions_on_symbolic_tensors(tmp_path):
    inp = keras.Input((5,))
    h = keras.activations.gelu(layers.Dense(5)(inp), approximate=True)
    out = keras.activations.leaky_relu(h, negative_slope=0.3)
    model = randomize(keras.Model(inp, out))
    assert_exports(model, _x(4, 5) * 2.0, tmp_path)


# -- convolutions -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "layer, shape",
    [
        (layers.Conv1D(4, 3), (9, 2)),
        (layers.Conv1D(4, 3, strides=2, padding="same", activation="relu"), (9, 2)),
        (layers.Conv1D(4, 3, padding="causal", dilation_rate=2), (9, 2)),
        (layers.Conv1D(4, 3, groups=2), (9, 2)),
        (layers.Conv2D(3, 3), (7, 6, 2)),
        (layers.Conv2D(3, (3, 2), strides=(2, 1), padding="same", activation="tanh"), (7, 6, 2)),
        (layers.Conv2D(4, 3, strides=2, padding="same"), (8, 8, 2)),
        (layers.Conv2D(3, 3, dilation_rate=2, padding="same", use_bias=False), (7, 7, 2)),
        (layers.Conv2D(3, 3, data_format="channels_first"), (2, 7, 6)),
        (layers.Conv2DTranspose(3, 3), (4, 5, 2)),
        (layers.Conv2DTranspose(3, 3, strides=2, padding="same"), (4, 5, 2)),
        (layers.Conv2DTranspose(3, 4, strides=2, padding="same"), (4, 5, 2)),
        (layers.Conv2DTranspose(3, 3, strides=2, padding="valid"), (4, 5, 2)),
        (layers.Conv2DTranspose(3, 2, strides=3, padding="valid"), (4, 5, 2)),
        (layers.Conv2DTranspose(2, 3, strides=2, padding="same", output_padding=1), (4, 5, 2)),
        (layers.Conv2DTranspose(2, 3, dilation_rate=2, padding="same", activation="relu"), (4, 5, 2)),
        (layers.Conv1DTranspose(3, 3, strides=2), (5, 2)),
        (layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same"), (6, 6, 3)),
        (layers.SeparableConv2D(4, 3, strides=2, depth_multiplier=2), (7, 7, 3)),
        (layers.SeparableConv1D(4, 3, padding="same"), (8, 3)),
        (layers.DepthwiseConv1D(3, depth_multiplier=2, strides=2), (9, 3)),
        (layers.Conv3D(2, 2, padding="same"), (4, 3, 5, 2)),
        (layers.Conv3DTranspose(2, 2, strides=2), (2, 3, 2, 2)),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, tuple) else str(v),
)
def test_convolutions(layer, shape, tmp_path):
    model = _model(shape, layer)
    assert_exports(model, _x(2, *shape), tmp_path)


def test_same_padding_on_unknown_spatial_size(tmp_path):
    # strided "same" windows on sizes known only at run time: the odd pixel is padded at the end
    model = _model(
        (None, None, 2),
        layers.Conv2D(3, 3, strides=2, padding="same"),
        layers.MaxPooling2D(3, strides=2, padding="same"),
        layers.AveragePooling2D(2, strides=2, padding="same"),
    )
    assert_exports(model, _x(2, 9, 8, 2), tmp_path)


# -- pooling --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "layer, shape",
    [
        (layers.MaxPooling1D(2), (9, 3)),
        (layers.MaxPooling1D(3, strides=2, padding="same"), (9, 3)),
        (layers.AveragePooling1D(2), (9, 3)),
        (layers.AveragePooling1D(3, strides=2, padding="same"), (9, 3)),
        (layers.MaxPooling2D(2), (7, 6, 3)),
        (layers.MaxPooling2D((3, 2), strides=(2, 2), padding="same"), (7, 6, 3)),
        (layers.AveragePooling2D(2), (7, 6, 3)),
        (layers.AveragePooling2D(3, strides=2, padding="same"), (7, 6, 3)),
        (layers.MaxPooling2D(2, data_format="channels_first"), (3, 6, 6)),
        (layers.MaxPooling3D(2), (4, 5, 4, 2)),
        (layers.AveragePooling3D(2, padding="same"), (3, 5, 4, 2)),
        (layers.GlobalMaxPooling1D(), (9, 3)),
        (layers.GlobalAveragePooling1D(), (9, 3)),
        (layers.GlobalMaxPooling2D(), (7, 6, 3)),
        (layers.GlobalAveragePooling2D(), (7, 6, 3)),
        (layers.GlobalAveragePooling2D(keepdims=True), (7, 6, 3)),
        (layers.GlobalMaxPooling2D(data_format="channels_first"), (3, 6, 5)),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, tuple) else str(v),
)
def test_pooling(layer, shape, tmp_path):
    model = _model(shape, layer)
    assert_exports(model, _x(2, *shape), tmp_path)


@pytest.mark.parametrize("opset", [13, 18])
def test_reductions_at_other_opsets(opset, tmp_path):
    # ReduceMean/ReduceMax take their axes as an attribute before opset 18 and as an input from it
    model = _model((5, 4, 3), layers.LayerNormalization(), layers.GlobalMaxPooling2D(), layers.Dense(2))
    assert_exports(model, _x(3, 5, 4, 3), tmp_path, opset=opset)


# -- normalization ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "layer, shape",
    [
        (layers.BatchNormalization(), (6,)),
        (layers.BatchNormalization(), (5, 4, 3)),
        (layers.BatchNormalization(axis=1), (3, 5, 4)),
        (layers.BatchNormalization(center=False, scale=False, epsilon=0.1), (4, 6)),
        (layers.LayerNormalization(), (6,)),
        (layers.LayerNormalization(), (3, 6)),
        (layers.LayerNormalization(axis=[1, 2]), (3, 4, 5)),
        (layers.LayerNormalization(axis=1), (3, 4, 5)),
        (layers.LayerNormalization(center=False, scale=False), (3, 6)),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, tuple) else str(v),
)
def test_normalization(layer, shape, tmp_path):
    model = _model(shape, layer)
    assert_exports(model, _x(4, *shape) * 2.0 + 1.0, tmp_path)


def test_batch_normalization_uses_moving_statistics_after_training(tmp_path):
    model = keras.Sequential(
        [keras.Input((4,)), layers.Dense(4), layers.BatchNormalization(), layers.Dense(1)]
    )
    model.compile("adam", "mse")
    model.fit(_x(32, 4), _x(32, 1), epochs=2, verbose=0)
    assert assert_exports(model, _x(5, 4), tmp_path)


# -- dropout and other identities at inference ----------------------------------------------------------
def test_dropout_is_the_identity(tmp_path):
    model = _model(
        (4, 6),
        layers.Dropout(0.5),
        layers.GaussianNoise(0.3),
        layers.SpatialDropout1D(0.2),
        layers.Dense(3),
        layers.Dropout(0.9),
    )
    proto = assert_exports(model, _x(3, 4, 6), tmp_path)
    assert [n.op_type for n in proto.graph.node] == ["MatMul", "Add", "Identity"]


# -- reshaping ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "layer, shape",
    [
        (layers.Flatten(), (3, 4, 2)),
        (layers.Flatten(data_format="channels_first"), (3, 4, 2)),
        (layers.Reshape((4, 6)), (3, 8)),
        (layers.Reshape((-1, 2)), (3, 8)),
        (layers.Permute((2, 1)), (3, 5)),
        (layers.Permute((3, 1, 2)), (3, 4, 2)),
        (layers.RepeatVector(3), (4,)),
        (layers.ZeroPadding1D((1, 2)), (5, 3)),
        (layers.ZeroPadding2D(((1, 0), (2, 1))), (4, 5, 2)),
        (layers.Cropping1D((1, 2)), (6, 3)),
        (layers.Cropping2D(((1, 0), (2, 1))), (5, 6, 2)),
        (layers.UpSampling1D(3), (4, 2)),
        (layers.UpSampling2D((2, 3)), (3, 4, 2)),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, tuple) else str(v),
)
def test_reshaping(layer, shape, tmp_path):
    model = _model(shape, layer)
    assert_exports(model, _x(2, *shape), tmp_path)


# -- merging --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "merge",
    [
        layers.Add(),
        layers.Subtract(),
        layers.Multiply(),
        layers.Average(),
        layers.Maximum(),
        layers.Minimum(),
        layers.Concatenate(),
        layers.Concatenate(axis=1),
    ],
    ids=lambda layer: type(layer).__name__,
)
def test_merges(merge, tmp_path):
    a, b = keras.Input((3, 4), name="a"), keras.Input((3, 4), name="b")
    inputs = [a, b] if isinstance(merge, layers.Subtract) else [a, b, layers.Dense(4)(a)]
    model = randomize(keras.Model([a, b], merge(inputs)))
    assert_exports(model, [_x(2, 3, 4), _x(2, 3, 4)], tmp_path)


def test_merge_of_different_ranks_and_dot(tmp_path):
    a, b = keras.Input((3, 4)), keras.Input((4,))
    summed = layers.Add()([a, b])  # b gains an axis after the batch
    d1 = layers.Dot(axes=(2, 2))([summed, layers.Dense(4)(a)])
    d2 = layers.Dot(axes=1, normalize=True)([b, layers.Dense(4)(b)])
    model = randomize(keras.Model([a, b], [d1, d2]))
    assert_exports(model, [_x(2, 3, 4), _x(2, 4)], tmp_path)


def test_operators_on_symbolic_tensors(tmp_path):
    a, b = keras.Input((4,)), keras.Input((4,))
    h = layers.Dense(4)(a)
    out = (2.0 - h) * b / 3.0 + abs(-a) - 1.5 / (b * b + 1.0)
    model = randomize(keras.Model([a, b], out))
    assert_exports(model, [_x(3, 4), _x(3, 4)], tmp_path)


# -- embedding ------------------------------------------------------------------------------------------
def test_embedding(tmp_path):
    model = _model((5,), layers.Embedding(10, 3), layers.Flatten(), layers.Dense(2), dtype="int32")
    ids = RNG.integers(0, 10, (4, 5)).astype("int32")
    assert_exports(model, ids, tmp_path)


def test_embedding_with_float_ids(tmp_path):
    model = _model((5,), layers.Embedding(10, 3))
    ids = RNG.integers(0, 10, (4, 5)).astype("float32")
    assert_exports(model, ids, tmp_path)


# -- recurrent ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "layer",
    [
        layers.LSTM(5),
        layers.LSTM(5, return_sequences=True),
        layers.LSTM(5, go_backwards=True),
        layers.LSTM(5, return_sequences=True, go_backwards=True),
        layers.LSTM(5, return_state=True),
        layers.LSTM(4, use_bias=False, activation="softsign", recurrent_activation="hard_sigmoid"),
        layers.GRU(5),
        layers.GRU(5, return_sequences=True, go_backwards=True),
        layers.GRU(5, reset_after=False, return_sequences=True),
        layers.GRU(5, reset_after=False, return_state=True, go_backwards=True),
        layers.GRU(4, activation="relu", recurrent_activation="hard_sigmoid"),
        layers.SimpleRNN(5),
        layers.SimpleRNN(5, activation="relu", return_sequences=True, go_backwards=True),
        layers.RNN(layers.LSTMCell(4), return_sequences=True),
        layers.Bidirectional(layers.LSTM(4)),
        layers.Bidirectional(layers.LSTM(4, return_sequences=True)),
        layers.Bidirectional(layers.GRU(4, return_sequences=True), merge_mode="sum"),
        layers.Bidirectional(layers.GRU(4), merge_mode="ave"),
        layers.Bidirectional(layers.SimpleRNN(4, return_sequences=True), merge_mode="mul"),
        layers.Bidirectional(layers.LSTM(3, return_sequences=True, return_state=True), merge_mode=None),
        layers.Bidirectional(layers.LSTM(3, go_backwards=True, return_sequences=True)),
    ],
    ids=lambda layer: f"{type(layer).__name__}",
)
def test_recurrent(layer, tmp_path):
    inp = keras.Input((6, 3))
    model = randomize(keras.Model(inp, layer(inp)))
    assert_exports(model, _x(4, 6, 3), tmp_path)


def test_recurrent_initial_state_from_inputs(tmp_path):
    seq, h0, c0 = keras.Input((5, 3)), keras.Input((4,)), keras.Input((4,))
    out = layers.LSTM(4, return_sequences=True)(seq, initial_state=[h0, c0])
    out = layers.GRU(4)(out, initial_state=h0)
    model = randomize(keras.Model([seq, h0, c0], out))
    assert_exports(model, [_x(2, 5, 3), _x(2, 4), _x(2, 4)], tmp_path)


def test_stacked_lstm_gru_on_dynamic_length(tmp_path):
    inp = keras.Input((None, 3))
    h = layers.LSTM(4, return_sequences=True)(inp)
    out = layers.Dense(2)(layers.GRU(4)(h))
    model = randomize(keras.Model(inp, out))
    path = tmp_path / "dyn.onnx"
    assert_exports(model, _x(2, 7, 3), tmp_path, name="dyn.onnx")
    from _onnx_helpers import run_onnx

    x = _x(3, 4, 3)  # another length and batch than the first run
    np.testing.assert_allclose(run_onnx(path, [x])[0], model.predict(x, verbose=0), rtol=1e-5, atol=1e-5)


# -- attention ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, call",
    [
        ({"num_heads": 2, "key_dim": 3}, {}),
        ({"num_heads": 3, "key_dim": 2, "value_dim": 4, "use_bias": False}, {}),
        ({"num_heads": 2, "key_dim": 3}, {"use_causal_mask": True}),
        ({"num_heads": 2, "key_dim": 3, "output_shape": (2, 3)}, {}),
        ({"num_heads": 2, "key_dim": 3, "use_gate": True}, {}),
        ({"num_heads": 2, "key_dim": 3, "sliding_window": 2}, {"use_causal_mask": True}),
    ],
)
def test_multi_head_self_attention(kwargs, call, tmp_path):
    inp = keras.Input((5, 6))
    out = layers.MultiHeadAttention(**kwargs)(inp, inp, **call)
    model = randomize(keras.Model(inp, out))
    assert_exports(model, _x(2, 5, 6), tmp_path)


def test_multi_head_cross_attention_with_mask_and_scores(tmp_path):
    q, v, k = keras.Input((4, 6)), keras.Input((7, 5)), keras.Input((7, 3))
    m = keras.Input((4, 7), dtype="bool")
    mha = layers.MultiHeadAttention(2, 3)
    mha(q, v, key=k)  # a first call builds it (and leaves a node that the model does not use)
    out, scores = mha(q, v, key=k, attention_mask=m, return_attention_scores=True)
    model = randomize(keras.Model([q, v, k, m], [out, scores]))
    mask = RNG.random((2, 4, 7)) > 0.3
    mask[0, 1] = False  # a query with every key masked attends uniformly
    assert_exports(model, [_x(2, 4, 6), _x(2, 7, 5), _x(2, 7, 3), mask], tmp_path)


# -- preprocessing --------------------------------------------------------------------------------------
def test_rescaling_and_normalization(tmp_path):
    norm = layers.Normalization(mean=[0.5, 1.0, -1.0], variance=[4.0, 0.25, 1.0])
    model = _model((4, 3), layers.Rescaling(1 / 255.0, offset=-0.5), norm, layers.Normalization(invert=True))
    model.layers[-1].adapt(_x(20, 4, 3))
    assert_exports(model, RNG.uniform(0, 255, (2, 4, 3)).astype("float32"), tmp_path)


def test_rescaling_of_integer_images(tmp_path):
    model = _model(
        (4, 4, 3), layers.Rescaling([1 / 255.0, 2 / 255.0, 3 / 255.0]), layers.Conv2D(2, 3), dtype="uint8"
    )
    images = RNG.integers(0, 256, (2, 4, 4, 3)).astype("uint8")
    assert_exports(model, images, tmp_path)
