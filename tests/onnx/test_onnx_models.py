"""Whole models exported to ONNX: the seed CNN, an MLP and an LSTM model run in onnxruntime with
the outputs of ``model.predict`` (1e-5); functional graphs, signatures, files and errors."""

import os
import subprocess
import sys

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from _onnx_helpers import assert_exports, randomize, run_onnx  # noqa: E402

import tensorflux as tf  # noqa: E402
import tensorflux.onnx  # noqa: E402
from tensorflux import keras  # noqa: E402
from tensorflux.data.spec import TensorSpec  # noqa: E402
from tensorflux.keras import layers  # noqa: E402

RNG = np.random.default_rng(3)


def _x(*shape):
    return RNG.standard_normal(shape).astype("float32")


def _seed_cnn():
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def _fit_briefly(model, x, classes):
    y = RNG.integers(0, classes, len(x))
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)


# -- the three models the issue asks for ----------------------------------------------------------------
def test_seed_cnn(tmp_path):
    model = _seed_cnn()
    _fit_briefly(model, RNG.random((32, 28, 28, 1), dtype=np.float32), 10)
    x = RNG.random((8, 28, 28, 1), dtype=np.float32)
    proto = assert_exports(model, x, tmp_path)
    ops = [n.op_type for n in proto.graph.node]
    assert ops.count("Conv") == 3 and ops.count("MaxPool") == 2 and ops[-2:] == ["Softmax", "Identity"]
    # one sample, as a server would send it
    np.testing.assert_allclose(
        run_onnx(tmp_path / "model.onnx", [x[:1]])[0], model.predict(x[:1], verbose=0), rtol=1e-5, atol=1e-5
    )


def test_mlp(tmp_path):
    model = keras.Sequential(
        [
            keras.Input((784,)),
            layers.Dense(128, activation="relu"),
            layers.Dropout(0.2),
            layers.Dense(64, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    _fit_briefly(model, RNG.random((64, 784), dtype=np.float32), 10)
    assert_exports(model, RNG.random((16, 784), dtype=np.float32), tmp_path)


def test_lstm_model(tmp_path):
    model = keras.Sequential([keras.Input((28, 28)), layers.LSTM(32), layers.Dense(10, activation="softmax")])
    _fit_briefly(model, _x(32, 28, 28), 10)
    proto = assert_exports(model, _x(8, 28, 28), tmp_path)
    assert "LSTM" in [n.op_type for n in proto.graph.node]


def test_text_model_embedding_bidirectional_lstm(tmp_path):
    model = keras.Sequential(
        [
            keras.Input((12,), dtype="int32"),
            layers.Embedding(50, 8),
            layers.Bidirectional(layers.LSTM(6, return_sequences=True)),
            layers.GRU(5),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    randomize(model)
    assert_exports(model, RNG.integers(0, 50, (4, 12)).astype("int32"), tmp_path)


def test_transformer_block(tmp_path):
    inp = keras.Input((6, 8))
    att = layers.MultiHeadAttention(2, 4, dropout=0.1)(inp, inp)
    h = layers.LayerNormalization()(layers.Add()([inp, att]))
    ff = layers.Dense(8)(layers.Dense(16, activation="gelu")(h))
    out = layers.GlobalAveragePooling1D()(layers.LayerNormalization()(h + ff))
    model = randomize(keras.Model(inp, layers.Dense(3, activation="softmax")(out)))
    assert_exports(model, _x(3, 6, 8), tmp_path)


# -- functional graphs ----------------------------------------------------------------------------------
def test_functional_several_inputs_outputs_shared_and_nested(tmp_path):
    image, features = keras.Input((8, 8, 1), name="image"), keras.Input((5,), name="features")
    tower = keras.Sequential(
        [layers.Conv2D(4, 3, activation="relu"), layers.GlobalMaxPooling2D()], name="tower"
    )
    shared = layers.Dense(4, activation="tanh", name="shared")
    a = shared(tower(image))
    b = shared(layers.Dense(4)(features))  # the same Dense called twice
    merged = layers.Concatenate()([a, b])
    out1 = layers.Dense(3, activation="softmax", name="label")(merged)
    out2 = layers.Dense(1, name="score")(layers.Subtract()([a, b]))
    model = randomize(keras.Model([image, features], [out1, out2]))
    proto = assert_exports(model, [_x(2, 8, 8, 1), _x(2, 5)], tmp_path)
    assert [i.name for i in proto.graph.input] == ["image", "features"]
    assert [o.name for o in proto.graph.output] == ["label", "score"]
    # the shared layer's weights are stored once
    names = [t.name for t in proto.graph.initializer]
    assert sum(n.startswith("shared/") for n in names) == 2


def test_dynamic_batch_dimension(tmp_path):
    model = randomize(keras.Sequential([keras.Input((4,)), layers.Dense(3)]))
    proto = tensorflux.onnx.export(model, tmp_path / "m.onnx")
    dims = proto.graph.input[0].type.tensor_type.shape.dim
    assert dims[0].dim_param == "N" and dims[1].dim_value == 4
    for batch in (1, 7):
        x = _x(batch, 4)
        np.testing.assert_allclose(
            run_onnx(tmp_path / "m.onnx", [x])[0], model.predict(x, verbose=0), atol=1e-6
        )


def test_model_export_method(tmp_path):
    model = randomize(keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="relu")]))
    path = str(tmp_path / "via_method.onnx")
    assert model.export(path, format="onnx") is None
    x = _x(3, 4)
    np.testing.assert_allclose(run_onnx(path, [x])[0], model.predict(x, verbose=0), rtol=1e-5, atol=1e-5)
    onnx.checker.check_model(onnx.load(path), full_check=True)
    with pytest.raises(NotImplementedError):
        model.export(str(tmp_path / "saved"), format="tf_saved_model")


# -- input signature --------------------------------------------------------------------------------------
def test_input_signature_fixes_batch_renames_and_casts(tmp_path):
    model = randomize(keras.Sequential([keras.Input((4,)), layers.Dense(2)]))
    spec = TensorSpec((1, 4), "float64", name="pixels")
    proto = tensorflux.onnx.export(model, tmp_path / "m.onnx", input_signature=[spec])
    graph_input = proto.graph.input[0]
    assert graph_input.name == "pixels"
    assert [d.dim_value for d in graph_input.type.tensor_type.shape.dim] == [1, 4]
    assert graph_input.type.tensor_type.elem_type == onnx.TensorProto.DOUBLE
    x = RNG.standard_normal((1, 4))
    np.testing.assert_allclose(run_onnx(tmp_path / "m.onnx", [x])[0], model.predict(x, verbose=0), atol=1e-6)


def test_input_signature_builds_a_deferred_sequential(tmp_path):
    model = keras.Sequential([layers.Dense(3, activation="relu"), layers.Dense(2)])
    with pytest.raises(ValueError, match="not built.*input_signature"):
        tensorflux.onnx.export(model, tmp_path / "m.onnx")
    tensorflux.onnx.export(model, tmp_path / "m.onnx", input_signature=[(None, 5)])
    randomize(model)
    assert_exports(model, _x(3, 5), tmp_path)


def test_input_signature_shape_must_match(tmp_path):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(2)])
    with pytest.raises(ValueError, match=r"\(None, 5\).*\(None, 4\)"):
        tensorflux.onnx.export(model, tmp_path / "m.onnx", input_signature=[(None, 5)])


# -- files and errors --------------------------------------------------------------------------------------
def test_failed_export_leaves_the_file_untouched(tmp_path):
    path = tmp_path / "m.onnx"
    path.write_bytes(b"previous contents")
    model = keras.Sequential([keras.Input((4,)), layers.Lambda(lambda x: x * 2.0)])
    with pytest.raises(ValueError) as err:
        tensorflux.onnx.export(model, path)
    message = str(err.value)
    assert "'lambda" in message and "class Lambda" in message and "Supported classes: " in message
    assert "Dense" in message and "LSTM" in message and "MultiHeadAttention" in message
    assert path.read_bytes() == b"previous contents"
    assert os.listdir(tmp_path) == ["m.onnx"]  # no temporary file left behind


def test_export_replaces_an_existing_file(tmp_path):
    path = tmp_path / "m.onnx"
    path.write_bytes(b"old")
    model = randomize(keras.Sequential([keras.Input((2,)), layers.Dense(1)]))
    tensorflux.onnx.export(model, path)
    assert onnx.load(str(path)).graph.node[0].op_type == "MatMul"
    assert sorted(os.listdir(tmp_path)) == ["m.onnx"]


def test_subclassed_layer_overriding_call_is_refused(tmp_path):
    class Doubled(layers.Dense):
        def call(self, inputs):
            return super().call(inputs) * 2.0

    class Renamed(layers.Dense):  # keeps Dense.call: exported as a Dense
        pass

    x = keras.Input((3,))
    with pytest.raises(ValueError, match="layer 'doubled' of class Doubled"):
        tensorflux.onnx.export(keras.Model(x, Doubled(2, name="doubled")(x)), tmp_path / "m.onnx")
    model = randomize(keras.Model(x, Renamed(2)(x)))
    assert_exports(model, _x(2, 3), tmp_path)


def test_subclassed_model_is_refused(tmp_path):
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    net = Net()
    net(np.ones((1, 3), "float32"))
    with pytest.raises(ValueError, match="subclassed Model \\(Net\\).*functional"):
        tensorflux.onnx.export(net, tmp_path / "m.onnx")


def test_masked_inputs_are_refused(tmp_path):
    model = keras.Sequential([keras.Input((5,)), layers.Embedding(10, 4, mask_zero=True), layers.LSTM(3)])
    with pytest.raises(ValueError, match="layer 'lstm.*' \\(LSTM\\) receives a Keras mask"):
        tensorflux.onnx.export(model, tmp_path / "m.onnx")
    # a mask that no layer reads is harmless
    model = keras.Sequential([keras.Input((5,)), layers.Embedding(10, 4, mask_zero=True), layers.Dense(2)])
    randomize(model)
    assert_exports(model, RNG.integers(0, 10, (3, 5)).astype("float32"), tmp_path)


def test_stateful_rnn_and_unknown_activation_are_refused(tmp_path):
    model = keras.Sequential([keras.Input((4, 3), batch_size=2), layers.GRU(3, stateful=True)])
    with pytest.raises(ValueError, match="'gru.*' is stateful"):
        tensorflux.onnx.export(model, tmp_path / "m.onnx")
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2, activation=lambda x: x * 2.0)])
    with pytest.raises(ValueError, match="activation '<lambda>' of layer 'dense.*' \\(Dense\\)"):
        tensorflux.onnx.export(model, tmp_path / "m.onnx")
    model = keras.Sequential([keras.Input((4, 3)), layers.LSTM(2, activation="gelu")])
    with pytest.raises(ValueError, match="'gelu', which ONNX recurrent ops do not have"):
        tensorflux.onnx.export(model, tmp_path / "m.onnx")


@pytest.mark.parametrize("opset", [12, 99, "17", True])
def test_bad_opset(opset, tmp_path):
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    with pytest.raises(ValueError, match="opset must be an integer from 13"):
        tensorflux.onnx.export(model, tmp_path / "m.onnx", opset=opset)


def test_opset_is_recorded(tmp_path):
    model = randomize(keras.Sequential([keras.Input((3,)), layers.Dense(2)]))
    proto = tensorflux.onnx.export(model, tmp_path / "m.onnx", opset=21)
    assert proto.opset_import[0].version == 21
    assert proto.producer_name == "tensorflux"
    assert tensorflux.onnx.export(model, tmp_path / "d.onnx").opset_import[0].version == 17


def test_importing_tensorflux_does_not_import_onnx():
    code = (
        "import sys, tensorflux, tensorflux.keras, tensorflux.onnx; "
        "tensorflux.keras.layers.Dense(2); "
        "assert 'onnx' not in sys.modules and 'onnxruntime' not in sys.modules, 'onnx imported'"
    )
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=root)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_supported_classes_lists_the_catalogue():
    names = tensorflux.onnx.supported_classes()
    for cls in ("Conv2DTranspose", "GRU", "SimpleRNN", "Bidirectional", "BatchNormalization", "Embedding"):
        assert cls in names
    assert tf.keras.layers.Dense.__name__ in names
