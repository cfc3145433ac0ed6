"""Save and load every model kind and every layer: predictions and weights equal bit for bit."""

from __future__ import annotations

import inspect
import json

import numpy as np
import pytest
from saving_models import build, randomize, train_data, weights_of

from tensorflux import keras
from tensorflux.keras import layers
from tensorflux.keras.layers.layer import Layer

FORMATS = ("m.keras", "m.h5")


@keras.saving.register_keras_serializable(package="SavingTests")
class Residual(keras.Model):
    """A subclassed model with a list of sublayers and its own variable."""

    def __init__(self, units: int = 4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.blocks = [layers.Dense(units, activation="relu"), layers.BatchNormalization()]
        self.head = layers.Dense(2)

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(self.units,), initializer="ones", name="scale")
        super().build(input_shape)

    def call(self, x, training=None):
        h = self.blocks[1](self.blocks[0](x), training=training)
        return self.head(h * self.scale)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class Unregistered(layers.Layer):
    def __init__(self, factor: float = 2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, x):
        return x * self.w * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def _models():
    x = np.random.RandomState(3).rand(4, 8).astype("float32")
    sub = Residual()
    sub.build((None, 8))
    return {
        "sequential": (build("mlp"), x),
        "functional": (build("cnn"), np.random.RandomState(3).rand(2, 8, 8, 3).astype("float32")),
        "functional_rnn": (build("rnn"), np.random.RandomState(3).rand(2, 6, 5).astype("float32")),
        "subclassed": (sub, x),
    }


@pytest.mark.parametrize("kind", ["sequential", "functional", "functional_rnn", "subclassed"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_model_kinds_round_trip(kind, fmt, tmp_path):
    model, x = _models()[kind]
    randomize(model)
    before = model.predict(x, verbose=0)
    model.save(tmp_path / fmt)
    loaded = keras.models.load_model(tmp_path / fmt)
    assert type(loaded).__name__ == type(model).__name__
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), before)
    for a, b in zip(weights_of(model), weights_of(loaded)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kind", ["sequential", "functional", "subclassed"])
@pytest.mark.parametrize("fmt", ["w.weights.h5", "w.h5", "m.keras"])
def test_weights_round_trip(kind, fmt, tmp_path):
    model, x = _models()[kind]
    randomize(model)
    before = model.predict(x, verbose=0)
    if fmt.endswith(".keras"):
        model.save(tmp_path / fmt)
    else:
        model.save_weights(tmp_path / fmt)
    fresh, _ = _models()[kind]
    assert not np.array_equal(fresh.predict(x, verbose=0), before)
    fresh.load_weights(tmp_path / fmt)
    np.testing.assert_array_equal(fresh.predict(x, verbose=0), before)


def test_get_config_from_config_round_trip():
    for kind, (model, x) in _models().items():
        clone = type(model).from_config(model.get_config())
        if not clone.built:  # a subclassed model's from_config makes an unbuilt model, as in Keras
            clone.build((None, 8))
        clone.set_weights(model.get_weights())
        np.testing.assert_array_equal(clone.predict(x, verbose=0), model.predict(x, verbose=0), err_msg=kind)


def test_to_json_and_model_from_json():
    model, x = _models()["functional"]
    text = model.to_json()
    config = json.loads(text)
    assert (config["module"], config["class_name"]) == ("keras.src.models.functional", "Functional")
    clone = keras.models.model_from_json(text)
    assert [type(a) for a in clone.layers] == [type(b) for b in model.layers]
    clone.set_weights(model.get_weights())
    np.testing.assert_array_equal(clone.predict(x, verbose=0), model.predict(x, verbose=0))
    assert json.loads(model.to_json(indent=2)) == config


def test_model_from_json_reads_tf_keras2_json():
    text = json.dumps(
        {
            "class_name": "Sequential",
            "keras_version": "2.15.0",
            "backend": "tensorflow",
            "config": {
                "name": "sequential",
                "layers": [
                    {
                        "class_name": "InputLayer",
                        "config": {
                            "batch_input_shape": [None, 3],
                            "dtype": "float32",
                            "sparse": False,
                            "ragged": False,
                            "name": "dense_input",
                        },
                    },
                    {
                        "class_name": "Dense",
                        "config": {
                            "name": "dense",
                            "trainable": True,
                            "dtype": "float32",
                            "units": 2,
                            "activation": "relu",
                            "use_bias": True,
                            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
                            "bias_initializer": {"class_name": "Zeros", "config": {}},
                            "kernel_regularizer": None,
                            "bias_regularizer": None,
                            "activity_regularizer": None,
                            "kernel_constraint": None,
                            "bias_constraint": None,
                        },
                    },
                ],
            },
        }
    )
    model = keras.models.model_from_json(text)
    assert model.output_shape == (None, 2) and model.layers[0].activation.__name__ == "relu"


def test_custom_objects_for_unregistered_layer(tmp_path):
    inp = keras.Input((3,))
    model = keras.Model(inp, Unregistered(3.0)(inp))
    randomize(model)
    x = np.ones((2, 3), "float32")
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="not Keras objects and are not registered"):
        keras.models.load_model(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras", custom_objects={"Unregistered": Unregistered})
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    with keras.saving.custom_object_scope({"Unregistered": Unregistered}):
        loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_compiled_state_is_restored(tmp_path):
    model = build("mlp")
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss="mse", metrics=["mae"])
    x, y = train_data("mlp")
    model.fit(x, y, epochs=1, verbose=0)
    model.optimizer.learning_rate = 0.025
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert type(loaded.optimizer).__name__ == "SGD" and loaded.optimizer.momentum == pytest.approx(0.9)
    assert float(loaded.optimizer.learning_rate.numpy()) == pytest.approx(0.025)
    assert loaded.loss == "mse"
    for a, b in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0), rel=1e-6)


def test_zipped_false_writes_a_folder(tmp_path):
    model, x = _models()["sequential"]
    model.save(tmp_path / "folder", zipped=False)
    assert sorted(p.name for p in (tmp_path / "folder").iterdir()) == [
        "config.json",
        "metadata.json",
        "model.weights.h5",
    ]
    np.testing.assert_array_equal(
        keras.models.load_model(tmp_path / "folder").predict(x, verbose=0), model.predict(x, verbose=0)
    )


def test_clone_model_copies_architecture_not_weights():
    for kind in ("sequential", "functional"):
        model, x = _models()[kind]
        clone = keras.models.clone_model(model)
        assert [type(a) for a in clone.layers] == [type(b) for b in model.layers]
        assert all(a is not b for a, b in zip(clone.weights, model.weights))
        clone.set_weights(model.get_weights())
        np.testing.assert_array_equal(clone.predict(x, verbose=0), model.predict(x, verbose=0))


# -- every layer -------------------------------------------------------------------------------------
@keras.saving.register_keras_serializable(package="SavingTests")
def _double(x):
    return x * 2.0


def _rnn(cell_cls):
    return {"cell": cell_cls(3)}


# class name -> (constructor kwargs or a function returning them, input shapes without the batch axis).
# Several shapes mean several inputs; "int:" marks integer inputs.
LAYER_CASES = {
    "Activation": ({"activation": "tanh"}, [(4,)]),
    "AdaptiveAveragePooling1D": ({"output_size": 3}, [(7, 2)]),
    "AdaptiveAveragePooling2D": ({"output_size": (2, 3)}, [(5, 7, 2)]),
    "AdaptiveAveragePooling3D": ({"output_size": 2}, [(3, 4, 5, 2)]),
    "AdaptiveMaxPooling1D": ({"output_size": 3}, [(7, 2)]),
    "AdaptiveMaxPooling2D": ({"output_size": (2, 3)}, [(5, 7, 2)]),
    "AdaptiveMaxPooling3D": ({"output_size": 2}, [(3, 4, 5, 2)]),
    "ActivityRegularization": ({"l1": 0.01}, [(4,)]),
    "Add": ({}, [(4,), (4,)]),
    "AdditiveAttention": ({}, [(3, 4), (5, 4)]),
    "AlphaDropout": ({"rate": 0.2}, [(4,)]),
    "Attention": ({}, [(3, 4), (5, 4)]),
    "Average": ({}, [(4,), (4,)]),
    "AveragePooling1D": ({}, [(6, 3)]),
    "AveragePooling2D": ({}, [(6, 6, 3)]),
    "AveragePooling3D": ({}, [(4, 4, 4, 2)]),
    "BatchNormalization": ({}, [(4,)]),
    "CenterCrop": ({"height": 4, "width": 4}, [(6, 6, 3)]),
    "ConvLSTM1D": ({"filters": 2, "kernel_size": 2, "return_sequences": True}, [(3, 5, 2)]),
    "ConvLSTM2D": ({"filters": 2, "kernel_size": 2, "padding": "same"}, [(3, 4, 4, 2)]),
    "ConvLSTM3D": ({"filters": 2, "kernel_size": 2}, [(2, 3, 3, 3, 1)]),
    "EinsumDense": ({"equation": "abc,cde->abde", "output_shape": (5, 2, 3), "bias_axes": "de"}, [(5, 4)]),
    "Pipeline": (lambda: {"layers": [layers.Rescaling(0.5), layers.Dense(2)]}, [(4,)]),
    "GroupedQueryAttention": (
        {"head_dim": 2, "num_query_heads": 4, "num_key_value_heads": 2},
        [(3, 4), (5, 4)],
    ),
    "SpectralNormalization": (lambda: {"layer": layers.Dense(3)}, [(4,)]),
    "CategoryEncoding": ({"num_tokens": 10, "output_mode": "count"}, ["int:5"]),
    "Discretization": ({"bin_boundaries": [-0.5, 0.0, 0.5], "output_mode": "count"}, [(4,)]),
    "IntegerLookup": ({"vocabulary": [1, 3, 5, 7], "output_mode": "multi_hot"}, ["int:5"]),
    "RandomBrightness": ({"factor": 0.2}, [(6, 6, 3)]),
    "RandomContrast": ({"factor": 0.2}, [(6, 6, 3)]),
    "RandomHue": ({"factor": 0.2}, [(6, 6, 3)]),
    "RandomSaturation": ({"factor": 0.2}, [(6, 6, 3)]),
    "RandomColorDegeneration": ({"factor": 0.2}, [(6, 6, 3)]),
    "RandomSharpness": ({"factor": 0.2}, [(6, 6, 3)]),
    "RandomPosterization": ({"factor": 4}, [(6, 6, 3)]),
    "RandomCrop": ({"height": 4, "width": 4}, [(6, 6, 3)]),
    "RandomRotation": ({"factor": 0.2}, [(6, 6, 3)]),
    "RandomTranslation": ({"height_factor": 0.2, "width_factor": 0.2}, [(6, 6, 3)]),
    "RandomZoom": ({"height_factor": 0.2}, [(6, 6, 3)]),
    "Resizing": ({"height": 4, "width": 5}, [(6, 6, 3)]),
    "Bidirectional": (lambda: {"layer": layers.LSTM(3)}, [(5, 4)]),
    "Concatenate": ({}, [(3,), (4,)]),
    "Conv1D": ({"filters": 2, "kernel_size": 3}, [(7, 3)]),
    "Conv1DTranspose": ({"filters": 2, "kernel_size": 3}, [(7, 3)]),
    "Conv2D": ({"filters": 2, "kernel_size": 3}, [(7, 7, 3)]),
    "Conv2DTranspose": ({"filters": 2, "kernel_size": 3}, [(5, 5, 3)]),
    "Conv3D": ({"filters": 2, "kernel_size": 2}, [(4, 4, 4, 2)]),
    "Conv3DTranspose": ({"filters": 2, "kernel_size": 2}, [(3, 3, 3, 2)]),
    "Cropping1D": ({"cropping": 1}, [(6, 3)]),
    "Cropping2D": ({"cropping": 1}, [(6, 6, 3)]),
    "Cropping3D": ({"cropping": 1}, [(4, 4, 4, 2)]),
    "Dense": ({"units": 3}, [(4,)]),
    "DepthwiseConv1D": ({"kernel_size": 3}, [(7, 3)]),
    "DepthwiseConv2D": ({"kernel_size": 3}, [(7, 7, 3)]),
    "Dot": ({"axes": 1}, [(4,), (4,)]),
    "Dropout": ({"rate": 0.5}, [(4,)]),
    "ELU": ({}, [(4,)]),
    "Embedding": ({"input_dim": 10, "output_dim": 3}, ["int:5"]),
    "ReversibleEmbedding": ({"input_dim": 10, "output_dim": 3, "tie_weights": False}, ["int:5"]),
    "Flatten": ({}, [(3, 4)]),
    "GaussianDropout": ({"rate": 0.3}, [(4,)]),
    "GaussianNoise": ({"stddev": 0.1}, [(4,)]),
    "GlobalAveragePooling1D": ({}, [(6, 3)]),
    "GlobalAveragePooling2D": ({}, [(6, 6, 3)]),
    "GlobalAveragePooling3D": ({}, [(4, 4, 4, 2)]),
    "GlobalMaxPooling1D": ({}, [(6, 3)]),
    "GlobalMaxPooling2D": ({}, [(6, 6, 3)]),
    "GlobalMaxPooling3D": ({}, [(4, 4, 4, 2)]),
    "GroupNormalization": ({"groups": 2}, [(3, 4)]),
    "GRU": ({"units": 3}, [(5, 4)]),
    "MaxNumBoundingBoxes": ({"max_number": 3, "bounding_box_format": "xyxy"}, [(6, 6, 3)]),
    "AugMix": ({"seed": 1}, [(6, 6, 3)]),
    "ContrastLimitedAdaptiveHistogramEqualization": ({"tile_grid_size": (2, 2)}, [(6, 6, 3)]),
    "RandAugment": ({"seed": 1}, [(6, 6, 3)]),
    "RandomElasticTransform": ({"seed": 1}, [(6, 6, 3)]),
    "MelSpectrogram": (
        {"fft_length": 32, "sequence_stride": 8, "num_mel_bins": 6, "sampling_rate": 8000},
        [(64,)],
    ),
    "STFTSpectrogram": ({"frame_length": 8, "frame_step": 4, "fft_length": 16}, [(32, 2)]),
    "HashedCrossing": ({"num_bins": 7}, ["int:1", "int:1"]),
    "Hashing": ({"num_bins": 5, "output_mode": "count"}, ["int:5"]),
    "GRUCell": (lambda: _rnn(layers.GRUCell), [(5, 4)]),
    "Identity": ({}, [(4,)]),
    "Lambda": ({"function": _double}, [(4,)]),
    "LayerNormalization": ({}, [(4,)]),
    "LeakyReLU": ({"negative_slope": 0.2}, [(4,)]),
    "LSTM": ({"units": 3}, [(5, 4)]),
    "LSTMCell": (lambda: _rnn(layers.LSTMCell), [(5, 4)]),
    "Masking": ({"mask_value": 0.0}, [(5, 3)]),
    "Maximum": ({}, [(4,), (4,)]),
    "MaxPooling1D": ({}, [(6, 3)]),
    "MaxPooling2D": ({}, [(6, 6, 3)]),
    "MaxPooling3D": ({}, [(4, 4, 4, 2)]),
    "Minimum": ({}, [(4,), (4,)]),
    "MultiHeadAttention": ({"num_heads": 2, "key_dim": 3}, [(3, 4), (5, 4)]),
    "Multiply": ({}, [(4,), (4,)]),
    "Normalization": ({"mean": [0.5, 1.0, 1.5, 2.0], "variance": [1.0, 2.0, 3.0, 4.0]}, [(4,)]),
    "Permute": ({"dims": (2, 1)}, [(3, 4)]),
    "PReLU": ({}, [(4,)]),
    "ReLU": ({"max_value": 1.0}, [(4,)]),
    "RepeatVector": ({"n": 3}, [(4,)]),
    "Rescaling": ({"scale": 0.5, "offset": 1.0}, [(4,)]),
    "Reshape": ({"target_shape": (2, 2)}, [(4,)]),
    "RNN": (lambda: _rnn(layers.SimpleRNNCell), [(5, 4)]),
    "SeparableConv1D": ({"filters": 2, "kernel_size": 3}, [(7, 3)]),
    "SeparableConv2D": ({"filters": 2, "kernel_size": 3}, [(7, 7, 3)]),
    "SimpleRNN": ({"units": 3}, [(5, 4)]),
    "SimpleRNNCell": (lambda: _rnn(layers.SimpleRNNCell), [(5, 4)]),
    "Softmax": ({}, [(4,)]),
    "SpatialDropout1D": ({"rate": 0.5}, [(5, 3)]),
    "SpatialDropout2D": ({"rate": 0.5}, [(4, 4, 3)]),
    "SpatialDropout3D": ({"rate": 0.5}, [(3, 3, 3, 2)]),
    "StackedRNNCells": (
        lambda: {"cell": layers.StackedRNNCells([layers.LSTMCell(3), layers.GRUCell(2)])},
        [(5, 4)],
    ),
    "Subtract": ({}, [(4,), (4,)]),
    "TimeDistributed": (lambda: {"layer": layers.Dense(2)}, [(5, 4)]),
    "UnitNormalization": ({}, [(4,)]),
    "UpSampling1D": ({"size": 2}, [(4, 3)]),
    "UpSampling2D": ({"size": 2}, [(4, 4, 3)]),
    "UpSampling3D": ({"size": 2}, [(2, 2, 2, 3)]),
    "ZeroPadding1D": ({"padding": 1}, [(4, 3)]),
    "ZeroPadding2D": ({"padding": 1}, [(4, 4, 3)]),
    "ZeroPadding3D": ({"padding": 1}, [(2, 2, 2, 3)]),
}
# Layers a model is made of but that are not tested on their own.
# StringLookup and TextVectorization take Python strings (no model input); Wrapper is an abstract
# base, like Layer
_NOT_ALONE = {
    "Layer",
    "InputLayer",
    "StringLookup",
    "TextVectorization",
    "Wrapper",
    # need torch/JAX/TensorFlow; constructing raises
    "TorchModuleWrapper",
    "JaxLayer",
    "FlaxLayer",
    "TFSMLayer",
}
# Cells are saved inside an RNN layer.
_WRAPPED_IN_RNN = {"GRUCell", "LSTMCell", "SimpleRNNCell", "StackedRNNCells"}


def _exported_layers() -> list[str]:
    seen: dict[type, str] = {}
    for name in sorted(dir(layers)):
        obj = getattr(layers, name)
        if inspect.isclass(obj) and issubclass(obj, Layer) and obj.__name__ not in _NOT_ALONE:
            seen.setdefault(obj, obj.__name__)
    return sorted(seen.values())


def _layer_model(name: str):
    if name in LAYER_CASES:
        return _build_case(name, *LAYER_CASES[name])
    # A layer added after this table was written: try it with default arguments on common shapes.
    for shapes in ([(4,)], [(5, 4)], [(6, 6, 3)]):
        try:
            return _build_case(name, {}, shapes)
        except Exception:  # noqa: BLE001, S112  (the next shape may suit the layer)
            continue
    pytest.fail(
        f"layers.{name} has no round-trip case: add its constructor arguments to LAYER_CASES in {__name__}"
    )


def _build_case(name: str, kwargs, shapes):
    kwargs = kwargs() if callable(kwargs) else dict(kwargs)
    rng = np.random.RandomState(5)
    inputs, data = [], []
    for s in shapes:
        if isinstance(s, str):
            n = int(s.split(":")[1])
            inputs.append(keras.Input((n,), dtype="int32"))
            data.append(rng.randint(0, 10, (2, n)).astype("int32"))
        else:
            inputs.append(keras.Input(s))
            data.append(rng.uniform(-1.0, 1.0, (2, *s)).astype("float32"))
    cls = getattr(layers, "RNN" if name in _WRAPPED_IN_RNN else name)
    layer = cls(**kwargs)
    if name == "MultiHeadAttention":
        out = layer(inputs[0], inputs[1])
    else:
        out = layer(inputs if len(inputs) > 1 else inputs[0])
    model = keras.Model(inputs, out)
    return model, data if len(data) > 1 else data[0]


@pytest.mark.parametrize("name", _exported_layers())
def test_every_layer_round_trips(name, tmp_path):
    model, x = _layer_model(name)
    randomize(model, seed=len(name))
    before = model.predict(x, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert [type(a).__name__ for a in loaded.layers] == [type(b).__name__ for b in model.layers]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), before)
    for a, b in zip(weights_of(model), weights_of(loaded)):
        np.testing.assert_array_equal(a, b)


@keras.saving.register_keras_serializable(package="SavingTests")
class LookupScale(layers.Layer):
    """Keeps a plain array (not a variable) as state, through its own save/load_own_variables hooks."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.table = np.zeros((3,), "float32")

    def call(self, x):
        return x * self.table

    def save_own_variables(self, store):
        store["table"] = self.table

    def load_own_variables(self, store):
        if "table" not in store:
            raise ValueError(f"layer {self.name}: no 'table' in the file")
        self.table = np.array(store["table"])


def test_layers_with_their_own_save_hooks(tmp_path):
    inp = keras.Input((3,))
    model = keras.Model(inp, LookupScale()(inp))
    model.layers[1].table = np.array([1.0, -2.0, 3.5], "float32")
    x = np.ones((2, 3), "float32")
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), [[1.0, -2.0, 3.5]] * 2)
    keras.Sequential([keras.Input((3,)), layers.Dense(3)]).save_weights(tmp_path / "other.weights.h5")
    with pytest.raises(ValueError, match=r"other\.weights\.h5'.*load_own_variables failed.*no 'table'"):
        loaded.load_weights(tmp_path / "other.weights.h5", skip_mismatch=True)


def test_include_optimizer_false(tmp_path):
    model = build("mlp")
    x, y = train_data("mlp")
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras", include_optimizer=False)
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert int(loaded.optimizer.iterations.numpy()) == 0
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
