"""Legacy HDF5 details: split attributes, loading by name, skipping mismatches, the public entry points."""

from __future__ import annotations

import h5py
import numpy as np
import pytest
from saving_models import build, randomize, weights_of

from tensorflux import keras
from tensorflux.keras import layers
from tensorflux.keras.saving import legacy_h5


def test_attributes_over_the_header_limit_are_split(tmp_path):
    names = [f"{'x' * 250}{i}".encode() for i in range(300)]
    with h5py.File(tmp_path / "a.h5", "w") as f:
        legacy_h5.save_attributes(f, "layer_names", names)
        assert "layer_names" not in f.attrs and "layer_names0" in f.attrs and "layer_names1" in f.attrs
        assert all(f.attrs[k].nbytes <= legacy_h5.HDF5_OBJECT_HEADER_LIMIT for k in f.attrs)
        assert legacy_h5.load_attributes(f, "layer_names") == [n.decode() for n in names]
        legacy_h5.save_attributes(f, "short", [b"a", b"b"])
        assert legacy_h5.load_attributes(f, "short") == ["a", "b"]


def test_model_with_long_layer_list_round_trips(tmp_path):
    model = keras.Sequential(
        [keras.Input((2,))]
        + [layers.Dense(2, activation="tanh", name=f"{'d' * 240}_{i}") for i in range(280)]
    )
    randomize(model)
    x = np.ones((1, 2), "float32")
    model.save(tmp_path / "long.h5")
    with h5py.File(tmp_path / "long.h5") as f:
        assert "layer_names0" in f["model_weights"].attrs
    np.testing.assert_array_equal(
        keras.models.load_model(tmp_path / "long.h5").predict(x, verbose=0), model.predict(x, verbose=0)
    )


def _named(units_b: int = 2, extra: bool = False) -> keras.Model:
    stack = [keras.Input((4,)), layers.Dense(3, name="a"), layers.Dense(units_b, name="b")]
    if extra:
        stack.append(layers.Dense(5, name="new"))
    return keras.Sequential(stack)


def test_by_name_matches_layers_by_name(tmp_path):
    src = _named()
    randomize(src)
    src.save_weights(tmp_path / "w.h5")
    with h5py.File(tmp_path / "w.h5") as f:  # tf.keras 2's weights-only layout at the root
        assert list(f.attrs["layer_names"]) == [b"a", b"b"] and "model_weights" not in f
    target = _named(extra=True)
    new_before = target.get_layer("new").get_weights()
    with pytest.raises(ValueError, match="layer count mismatch"):
        target.load_weights(tmp_path / "w.h5")
    target.load_weights(tmp_path / "w.h5", by_name=True)
    for name in ("a", "b"):
        for a, b in zip(target.get_layer(name).get_weights(), src.get_layer(name).get_weights()):
            np.testing.assert_array_equal(a, b)
    for a, b in zip(target.get_layer("new").get_weights(), new_before):
        np.testing.assert_array_equal(a, b)


def test_by_name_skip_mismatch(tmp_path):
    src = _named()
    randomize(src)
    src.save_weights(tmp_path / "w.h5")
    target = _named(units_b=5)  # "a" fits, "b" does not
    before = weights_of(target)
    with pytest.raises(ValueError, match=r"w\.h5'.*shape mismatch in layer 'b'"):
        target.load_weights(tmp_path / "w.h5", by_name=True)
    for a, b in zip(before, weights_of(target)):  # nothing assigned, not even layer "a"
        np.testing.assert_array_equal(a, b)
    with pytest.warns(UserWarning, match="Skipping loading weights for layer 'b'"):
        target.load_weights(tmp_path / "w.h5", by_name=True, skip_mismatch=True)
    np.testing.assert_array_equal(target.get_layer("a").kernel.numpy(), src.get_layer("a").kernel.numpy())
    np.testing.assert_array_equal(target.get_layer("b").kernel.numpy(), before[2])


def test_topological_skip_mismatch(tmp_path):
    src = _named(3)
    randomize(src)
    src.save(tmp_path / "m.h5")
    target = keras.Sequential([keras.Input((4,)), layers.Dense(3, name="p"), layers.Dense(7, name="q")])
    with pytest.warns(UserWarning, match="Skipping loading weights for layer #1"):
        target.load_weights(tmp_path / "m.h5", skip_mismatch=True)
    for a, b in zip(target.layers[0].get_weights(), src.layers[0].get_weights()):
        np.testing.assert_array_equal(a, b)


def test_by_name_is_refused_for_keras3_weights(tmp_path):
    model = build("mlp")
    model.save_weights(tmp_path / "w.weights.h5")
    with pytest.raises(ValueError, match="by_name=True is only supported for legacy .h5"):
        model.load_weights(tmp_path / "w.weights.h5", by_name=True)


def test_full_model_h5_layout(tmp_path):
    model = build("mlp")
    model.fit(np.ones((8, 8), "float32"), np.eye(4, dtype="float32")[[0, 1] * 4], verbose=0)
    model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5") as f:
        assert {"keras_version", "backend", "model_config", "training_config"} <= set(f.attrs)
        names = legacy_h5.load_attributes(f["model_weights"], "layer_names")
        assert names == [layer.name for layer in model.layers]
        assert "top_level_model_weights" in f["model_weights"]
        opt_names = legacy_h5.load_attributes(f["optimizer_weights"], "weight_names")
        assert len(opt_names) == len(model.optimizer.variables) == 2 + 2 * len(model.trainable_variables)


def test_public_entry_points(tmp_path):
    model = build("mlp")
    keras.saving.save_model(model, tmp_path / "a.keras")
    keras.models.save_model(model, tmp_path / "b.keras")
    assert isinstance(keras.saving.load_model(tmp_path / "a.keras"), keras.Sequential)
    keras.saving.save_weights(model, tmp_path / "w.weights.h5")
    keras.saving.load_weights(model, tmp_path / "w.weights.h5")
    with pytest.raises(NotImplementedError, match="model.save"):
        model.export(tmp_path / "exported")
