"""keras.legacy / keras.legacy.saving: Keras 2 style serialization, as Keras 3.15 exposes it."""

import pytest

from tensorflux.keras import legacy
from tensorflux.keras.legacy.saving import deserialize_keras_object, serialize_keras_object
from tensorflux.keras.losses import MeanSquaredError


def test_names_match_keras():
    assert legacy.__all__ == ["saving"]
    assert legacy.saving.__all__ == ["deserialize_keras_object", "serialize_keras_object"]


def test_round_trip_in_legacy_format():
    cfg = serialize_keras_object(MeanSquaredError(name="mse"))
    # Keras 2's format: no "module"/"registered_name" keys.
    expected = {"name": "mse", "reduction": "sum_over_batch_size"}
    assert cfg == {"class_name": "MeanSquaredError", "config": expected}
    obj = deserialize_keras_object(cfg, module_objects={"MeanSquaredError": MeanSquaredError})
    assert isinstance(obj, MeanSquaredError) and obj.name == "mse"


def test_unknown_name_raises():
    with pytest.raises(ValueError, match="Unknown object: 'Nope'"):
        deserialize_keras_object({"class_name": "Nope", "config": {}}, module_objects={})
    assert serialize_keras_object(None) is None and deserialize_keras_object(None) is None
