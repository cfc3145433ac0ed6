"""keras.utils.legacy: Keras 2's serialization format, checked against Keras 3.15's own output.

Goldens: tests/fixtures/bounding_boxes/legacy.json, from scripts/golden_bboxes_legacy.py.
"""

from __future__ import annotations

import functools
import json
import os
import re

import numpy as np
import pytest

from tensorflux import keras
from tensorflux.keras.utils import legacy
from tensorflux.keras.utils.serialization import CustomObjectScope

CCE = keras.losses.CategoricalCrossentropy

with open(
    os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "bounding_boxes", "legacy.json")
) as f:
    G = json.load(f)


@keras.saving.register_keras_serializable(package="Golden")
def scaled(x):
    return 2 * x


@keras.saving.register_keras_serializable(package="Golden")
class Scale(keras.layers.Layer):
    """Holds objects (not configs) in get_config, as the golden script's twin does."""

    def __init__(self, factor=2.0, init=None, fn=None, **kwargs):
        super().__init__(**kwargs)
        self.factor, self.init, self.fn = factor, init, fn

    def get_config(self):
        return {"name": self.name, "factor": self.factor, "init": self.init, "fn": self.fn}


FACTORIES = {
    "custom": lambda: Scale(3.0, keras.initializers.Constant(0.5), scaled, name="scale"),
    "dense": lambda: keras.layers.Dense(3, activation="relu", name="d"),
    "conv2d": lambda: keras.layers.Conv2D(4, 3, strides=2, padding="same", activation=scaled, name="c"),
    "dropout": lambda: keras.layers.Dropout(0.25, name="drop"),
    "mse": lambda: keras.losses.MeanSquaredError(),
    "cce": lambda: keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
    "huber": lambda: keras.losses.Huber(delta=2.0, name="hub"),
    "adam": lambda: keras.optimizers.Adam(1e-3, beta_1=0.8),
    "sgd": lambda: keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
    "rmsprop": lambda: keras.optimizers.RMSprop(0.01, rho=0.8),
    "relu": lambda: keras.activations.relu,
}


def _without_newer_keys(obj):
    # Keras 3.15 added GlorotUniform(input_axes, output_axes) and Dense(quantization_config); tensorflux's
    # get_config predates them. Everything else must match.
    if isinstance(obj, dict):
        return {
            k: _without_newer_keys(v)
            for k, v in obj.items()
            if k not in ("input_axes", "output_axes", "quantization_config")
        }
    return obj


@pytest.mark.parametrize("key", sorted(G))
def test_serialize_matches_keras(key):
    ours = json.loads(json.dumps(legacy.serialize_keras_object(FACTORIES[key]())))
    if isinstance(ours, dict) and "learning_rate" in ours["config"]:
        # optimizers without a name get "sgd", then "sgd_1", ...: in Keras too
        ours["config"]["name"] = re.sub(r"_\d+$", "", ours["config"]["name"])
    assert _without_newer_keys(ours) == _without_newer_keys(G[key])


def test_passive_objects_and_functions_in_config():
    out = legacy.serialize_keras_object(FACTORIES["custom"]())
    assert out["class_name"] == "Golden>Scale"
    assert out["config"]["init"] == {
        "class_name": "Constant",
        "config": {"value": 0.5},
        "__passive_serialization__": True,
    }
    assert out["config"]["fn"] == "Golden>scaled"
    assert "module" not in out and "registered_name" not in out  # the legacy format has neither
    assert legacy.serialize_keras_object(None) is None
    wrapped = functools.wraps(scaled)(lambda x: x)
    assert legacy.serialize_keras_object(wrapped) == "Golden>scaled"  # unwrapped first, as in Keras
    with pytest.raises(ValueError, match="doesn't implement `get_config\\(\\)`"):
        legacy.serialize_keras_object(np.float32(1.0))


def test_deserialize_keras_output():
    # Keras' own dicts rebuild the tensorflux objects, given the built-in names to look in
    module_objects = {
        "Dense": keras.layers.Dense,
        "Conv2D": keras.layers.Conv2D,
        "Huber": keras.losses.Huber,
        "Adam": keras.optimizers.Adam,
        "relu": keras.activations.relu,
        "Constant": keras.initializers.Constant,
    }
    dense = legacy.deserialize_keras_object(json.loads(json.dumps(G["dense"])), module_objects=module_objects)
    assert isinstance(dense, keras.layers.Dense) and dense.units == 3 and dense.name == "d"
    assert dense(np.ones((2, 5), "float32")).shape == (2, 3)
    conv = legacy.deserialize_keras_object(G["conv2d"], module_objects=module_objects)
    assert conv.strides == (2, 2) and conv.activation is scaled
    # Keras 3.15's Huber config has no `delta` (so it comes back as 1.0): only the name survives
    huber = legacy.deserialize_keras_object(G["huber"], module_objects=module_objects)
    assert huber.name == "hub" and "delta" not in G["huber"]["config"]
    cce = legacy.deserialize_keras_object(G["cce"], module_objects={"CategoricalCrossentropy": CCE})
    assert cce.get_config()["from_logits"] is True and cce.get_config()["label_smoothing"] == 0.1
    loss = float(cce([[0.0, 1.0]], [[0.0, 0.0]]))  # uniform logits: log 2 whatever the smoothing
    np.testing.assert_allclose(loss, np.log(2.0), rtol=1e-6)
    adam = legacy.deserialize_keras_object(G["adam"], module_objects=module_objects)
    assert adam.beta_1 == 0.8 and np.isclose(float(adam.learning_rate), 1e-3)
    assert legacy.deserialize_keras_object(G["relu"], module_objects=module_objects) is keras.activations.relu
    scale = legacy.deserialize_keras_object(G["custom"], module_objects=module_objects)
    assert isinstance(scale, Scale) and scale.fn is scaled and scale.name == "scale"
    assert isinstance(scale.init, keras.initializers.Constant) and scale.init.value == 0.5


def test_round_trip_ours():
    for key in ("sgd", "rmsprop", "cce", "dropout"):
        obj = FACTORIES[key]()
        cls = type(obj)
        back = legacy.deserialize_keras_object(
            legacy.serialize_keras_object(obj), custom_objects={cls.__name__: cls}
        )
        assert type(back) is cls and back.get_config() == obj.get_config()


def test_deserialize_names_and_lookup_order():
    # a class given by name is instantiated, a function returned as is
    assert isinstance(
        legacy.deserialize_keras_object("Zeros", {"Zeros": keras.initializers.Zeros}),
        keras.initializers.Zeros,
    )
    assert legacy.deserialize_keras_object(scaled) is scaled
    assert legacy.deserialize_keras_object(None) is None
    # custom_objects wins over module_objects; a scope is seen too
    fake = object()
    assert legacy.deserialize_keras_object("x", {"x": 1}, custom_objects={"x": fake}) is fake
    with CustomObjectScope({"y": fake}):
        assert legacy.deserialize_keras_object("y") is fake
    # the "name" entry stays a string even when a function of that name is known
    layer = legacy.deserialize_keras_object(
        {"class_name": "Dropout", "config": {"rate": 0.5, "name": "relu"}},
        module_objects={"Dropout": keras.layers.Dropout, "relu": keras.activations.relu},
    )
    assert layer.name == "relu"


def test_deserialize_errors():
    with pytest.raises(ValueError, match="Unknown layer: 'Dense'"):
        legacy.deserialize_keras_object(G["dense"], printable_module_name="layer")
    with pytest.raises(ValueError, match="Unknown object: 'nope'"):
        legacy.deserialize_keras_object("nope")
    with pytest.raises(ValueError, match="Improper config format"):
        legacy.deserialize_keras_object({"class_name": "Dense"})
    with pytest.raises(ValueError, match="Could not interpret serialized object: 3"):
        legacy.deserialize_keras_object(3)
