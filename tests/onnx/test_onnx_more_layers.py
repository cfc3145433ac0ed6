"""ONNX export of GroupNormalization, bilinear UpSampling2D, TimeDistributed, Masking and Attention.

Each model runs in onnxruntime with the outputs of ``model.predict`` (1e-5); configurations that
are not exported raise errors naming the layer.
"""

import numpy as np
import pytest

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from _onnx_helpers import assert_exports, randomize  # noqa: E402

import tensorflux.onnx  # noqa: E402
from tensorflux import keras  # noqa: E402
from tensorflux.keras import layers  # noqa: E402

RNG = np.random.default_rng(11)


def _x(*shape):
    return RNG.standard_normal(shape).astype("float32")


def _model(input_shape, *stack):
    return randomize(keras.Sequential([keras.Input(input_shape), *stack]))


# -- GroupNormalization -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "layer, input_shape, data_shape",
    [
        (layers.GroupNormalization(groups=2), (5, 6), (3, 5, 6)),
        (layers.GroupNormalization(groups=1, epsilon=1e-5), (4, 4, 6), (2, 4, 4, 6)),
        (layers.GroupNormalization(groups=-1), (4, 4, 6), (2, 4, 4, 6)),  # instance normalization
        (layers.GroupNormalization(groups=3, axis=1), (6, 4, 5), (2, 6, 4, 5)),  # channels first
        (layers.GroupNormalization(groups=2, center=False, scale=False), (8,), (4, 8)),
        (layers.GroupNormalization(groups=2), (None, None, 4), (2, 3, 5, 4)),  # unknown spatial sizes
        (layers.GroupNormalization(groups=2, axis=1), (4, None), (3, 4, 7)),  # unknown after the axis
    ],
)
def test_group_normalization(layer, input_shape, data_shape, tmp_path):
    model = _model(input_shape, layer)
    x = _x(*data_shape) * 2.0 + 0.7  # statistics far from (0, 1)
    assert_exports(model, x, tmp_path)


@pytest.mark.parametrize("opset", [13, 18])
def test_group_normalization_at_other_opsets(opset, tmp_path):
    model = _model((3, 3, 4), layers.GroupNormalization(groups=2))
    assert_exports(model, _x(2, 3, 3, 4), tmp_path, opset=opset)


# -- bilinear UpSampling2D --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "layer, input_shape, data_shape",
    [
        (layers.UpSampling2D(2, interpolation="bilinear"), (3, 4, 2), (2, 3, 4, 2)),
        (layers.UpSampling2D((3, 2), interpolation="bilinear"), (2, 5, 3), (1, 2, 5, 3)),
        (
            layers.UpSampling2D((2, 3), data_format="channels_first", interpolation="bilinear"),
            (2, 3, 4),
            (2, 2, 3, 4),
        ),
        (layers.UpSampling2D(2, interpolation="bilinear"), (None, None, 3), (2, 4, 3, 3)),
        (layers.UpSampling2D(4, interpolation="bilinear"), (1, 1, 2), (2, 1, 1, 2)),  # one pixel
    ],
)
def test_bilinear_up_sampling(layer, input_shape, data_shape, tmp_path):
    assert_exports(_model(input_shape, layer), _x(*data_shape), tmp_path)


@pytest.mark.parametrize("opset", [13, 19])
def test_bilinear_up_sampling_at_other_opsets(opset, tmp_path):
    model = _model((3, 3, 2), layers.UpSampling2D(2, interpolation="bilinear"))
    assert_exports(model, _x(2, 3, 3, 2), tmp_path, opset=opset)


def test_bilinear_up_sampling_matches_half_pixel_sampling(tmp_path):
    # hand-computed: TF2 half-pixel centres, [0, 4] upsampled by 2 -> [0, 1, 3, 4] (edges clamped)
    model = keras.Sequential([keras.Input((1, 2, 1)), layers.UpSampling2D((1, 2), interpolation="bilinear")])
    x = np.array([0.0, 4.0], np.float32).reshape(1, 1, 2, 1)
    assert_exports(model, x, tmp_path)
    path = tmp_path / "model.onnx"
    from _onnx_helpers import run_onnx

    np.testing.assert_allclose(run_onnx(path, [x])[0].ravel(), [0.0, 1.0, 3.0, 4.0], atol=1e-6)


# -- TimeDistributed -----------------------------------------------------------------------------------
def test_time_distributed_dense(tmp_path):
    model = _model((5, 3), layers.TimeDistributed(layers.Dense(4, activation="tanh")))
    assert_exports(model, _x(2, 5, 3), tmp_path)


def test_time_distributed_on_unknown_time(tmp_path):
    model = _model(
        (None, 3), layers.TimeDistributed(layers.Dense(4)), layers.TimeDistributed(layers.Dense(2))
    )
    assert_exports(model, _x(2, 7, 3), tmp_path)
    # the same file serves another length and batch
    from _onnx_helpers import run_onnx

    x = _x(3, 4, 3)
    np.testing.assert_allclose(
        run_onnx(tmp_path / "model.onnx", [x])[0], model.predict(x, verbose=0), rtol=1e-5, atol=1e-5
    )


def test_time_distributed_conv_and_pooling(tmp_path):
    model = _model(
        (3, 6, 6, 2),
        layers.TimeDistributed(layers.Conv2D(4, 3, padding="same", activation="relu")),
        layers.TimeDistributed(layers.MaxPooling2D()),
        layers.TimeDistributed(layers.Flatten()),
        layers.TimeDistributed(layers.Dense(3)),
    )
    assert_exports(model, _x(2, 3, 6, 6, 2), tmp_path)


def test_time_distributed_on_unknown_spatial_sizes(tmp_path):
    model = _model(
        (4, None, None, 2),
        layers.TimeDistributed(layers.Conv2D(3, 3)),
        layers.TimeDistributed(layers.GlobalAveragePooling2D()),
    )
    assert_exports(model, _x(2, 4, 5, 7, 2), tmp_path)


def test_time_distributed_of_a_nested_model(tmp_path):
    inner = keras.Sequential([keras.Input((4,)), layers.Dense(5, activation="relu"), layers.Dense(2)])
    model = _model((3, 4), layers.TimeDistributed(inner))
    assert_exports(model, _x(2, 3, 4), tmp_path)


def test_time_distributed_of_an_unsupported_layer_names_it(tmp_path):
    class Twice(layers.Layer):
        def call(self, x):
            return x * 2.0

    model = keras.Sequential([keras.Input((3, 2)), layers.TimeDistributed(Twice(name="twice"))])
    with pytest.raises(ValueError, match="layer 'twice' of class Twice"):
        tensorflux.onnx.export(model, tmp_path / "m.onnx")


# -- Masking --------------------------------------------------------------------------------------------
def _padded(batch, steps, features, value=0.0):
    x = _x(batch, steps, features)
    x[0, -2:] = value  # padding at the end of the first sample
    x[1, 1] = value  # and a hole in the second
    return x


def test_masking_then_layers_that_ignore_the_mask(tmp_path):
    model = _model(
        (5, 3),
        layers.Masking(),
        layers.Dense(4, activation="relu"),
        layers.TimeDistributed(layers.Dense(2)),
    )
    assert_exports(model, _padded(3, 5, 3), tmp_path)


def test_masking_with_a_mask_value_zeroes_the_padded_steps(tmp_path):
    model = keras.Sequential([keras.Input((4, 2)), layers.Masking(mask_value=-1.0)])
    x = _padded(2, 4, 2, value=-1.0)
    x[1, 2, 0] = -1.0  # one feature equal to mask_value does not hide the step
    assert_exports(model, x, tmp_path)
    got = model.predict(x, verbose=0)
    assert np.all(got[0, -2:] == 0.0) and np.all(got[1, 1] == 0.0) and got[1, 2, 1] == x[1, 2, 1]


@pytest.mark.parametrize("rnn", [layers.LSTM(3), layers.GRU(3, return_sequences=True)])
def test_masking_into_an_rnn_is_refused_naming_the_layer(rnn, tmp_path):
    model = keras.Sequential([keras.Input((5, 3)), layers.Masking(), rnn])
    name, cls = rnn.name, type(rnn).__name__
    with pytest.raises(ValueError, match=f"layer '{name}' \\({cls}\\) receives a Keras mask"):
        tensorflux.onnx.export(model, tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()


def test_masking_into_attention_is_refused_naming_the_layer(tmp_path):
    inp = keras.Input((5, 3))
    seq = layers.Masking()(inp)
    model = keras.Model(inp, layers.Attention(name="att")([seq, seq]))
    with pytest.raises(ValueError, match="layer 'att' \\(Attention\\) receives a Keras mask"):
        tensorflux.onnx.export(model, tmp_path / "m.onnx")


# -- Attention ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"use_scale": True},
        {"score_mode": "concat"},
        {"score_mode": "concat", "use_scale": True},
        {"dropout": 0.5},  # the identity at inference
    ],
)
@pytest.mark.parametrize("with_key", [False, True])
def test_attention(kwargs, with_key, tmp_path):
    q, v, k = keras.Input((4, 3)), keras.Input((6, 3)), keras.Input((6, 3))
    att = layers.Attention(**kwargs)
    out = att([q, v, k] if with_key else [q, v])
    model = keras.Model([q, v, k] if with_key else [q, v], out)
    for w in att.weights:  # non-trivial learned scales
        w.assign(np.full(w.shape, 0.7, np.float32))
    inputs = [_x(2, 4, 3), _x(2, 6, 3)] + ([_x(2, 6, 3)] if with_key else [])
    assert_exports(model, inputs, tmp_path)


@pytest.mark.parametrize("score_mode", ["dot", "concat"])
def test_causal_self_attention_with_scores(score_mode, tmp_path):
    x = keras.Input((None, 4))
    h = layers.Dense(4)(x)
    out, scores = layers.Attention(use_scale=True, score_mode=score_mode)(
        [h, h], return_attention_scores=True, use_causal_mask=True
    )
    model = randomize(keras.Model(x, [out, scores]))
    assert_exports(model, _x(2, 5, 4), tmp_path)
