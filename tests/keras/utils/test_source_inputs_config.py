"""keras.utils.get_source_inputs and keras.utils.Config, with Keras 3's behaviour (hand-checked)."""

import doctest
import importlib
import json

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras.engine.keras_tensor import KerasTensor
from tensorflux.keras.utils.config_utils import Config
from tensorflux.keras.utils.source_inputs import get_source_inputs

layers = tf.keras.layers


def _same(a, b):
    return len(a) == len(b) and all(x is y for x, y in zip(a, b))


def test_sources_of_a_graph_in_order_without_repeats():
    a, b, c = tf.keras.Input((2,), name="a"), tf.keras.Input((2,), name="b"), tf.keras.Input((2,), name="c")
    h = layers.Add()([b, a])
    y = layers.Dense(1)(layers.Concatenate()([h, a, layers.Dense(2)(c)]))
    assert _same(get_source_inputs(y), [b, a, c])
    assert _same(get_source_inputs(h), [b, a])


def test_an_input_is_its_own_source():
    a = tf.keras.Input((3,))
    assert _same(get_source_inputs(a), [a])


def test_shared_layer_follows_the_right_call():
    dense = layers.Dense(2)
    a, b = tf.keras.Input((2,)), tf.keras.Input((2,))
    ya, yb = dense(a), dense(b)
    assert _same(get_source_inputs(yb), [b])
    assert _same(get_source_inputs(ya), [a])


def test_sources_of_a_model_output_rebuild_the_model():
    a = tf.keras.Input((4,))
    y = layers.Dense(3)(layers.Dense(5, activation="relu")(a))
    model = tf.keras.Model(get_source_inputs(y), y)
    x = np.ones((2, 4), "float32")
    assert model(x).shape == (2, 3)


def test_non_symbolic_values_come_back_unchanged():
    arr = np.ones(2)
    assert get_source_inputs(arr) is arr
    t = tf.constant([1.0])
    assert get_source_inputs(t) is t
    bare = KerasTensor((2,))
    assert get_source_inputs(bare) is bare  # no history: the tensor itself, not a list (as Keras)


def test_config_attribute_and_item_access():
    config = Config(learning_rate=0.1, momentum=0.9)
    config.use_ema = True
    config["seed"] = 123
    assert config.seed == 123 and config["use_ema"] is True and config.learning_rate == 0.1
    assert "seed" in config and "nope" not in config and len(config) == 4
    assert list(config) == ["learning_rate", "momentum", "seed", "use_ema"]  # sorted, as Keras
    assert list(config.keys()) == ["learning_rate", "momentum", "use_ema", "seed"]
    assert config.get("nope", 5) == 5 and config.get("seed") == 123
    assert json.loads(config.to_json()) == config.as_dict()
    d = config.as_dict()
    d["x"] = 1
    assert "x" not in config  # a copy
    assert config.pop("seed") == 123 and "seed" not in config
    config.update({"a": 1}, b=2)
    del config["a"]
    assert dict(config.items()) == {"learning_rate": 0.1, "momentum": 0.9, "use_ema": True, "b": 2}
    assert repr(config).startswith("<Config {")


def test_config_unknown_attribute_suggests_a_close_name():
    config = Config(learning_rate=0.1)
    with pytest.raises(
        AttributeError, match="Unknown attribute: 'learning_rat'. Did you mean 'learning_rate'"
    ):
        _ = config.learning_rat
    with pytest.raises(AttributeError, match="Unknown attribute: 'zzz'.$"):
        _ = config.zzz
    with pytest.raises(KeyError):
        _ = config["zzz"]


@pytest.mark.parametrize(
    "mutate",
    [
        lambda c: setattr(c, "x", 1),
        lambda c: c.__setitem__("x", 1),
        lambda c: c.__delitem__("a"),
        lambda c: c.pop("a"),
        lambda c: c.update(x=1),
    ],
)
def test_frozen_config_refuses_every_change(mutate):
    config = Config(a=1)
    config.freeze()
    assert config.frozen
    with pytest.raises(ValueError, match="frozen"):
        mutate(config)
    assert config.as_dict() == {"a": 1}
    config.unfreeze()
    mutate(config)
    assert not config.frozen


def test_config_own_attributes_are_not_entries():
    config = Config()
    assert config.frozen is False and len(config) == 0
    config.freeze()
    assert config.as_dict() == {}


@pytest.mark.parametrize(
    "name", ["tensorflux.keras.utils.source_inputs", "tensorflux.keras.utils.config_utils"]
)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
