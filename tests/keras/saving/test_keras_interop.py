"""Files written by real Keras 3 and tf.keras 2 load in tensorflux, and ours have Keras' layout.

The fixtures come from scripts/make_saving_fixtures.py (run once in a side environment with
keras 3.15 + tensorflow-cpu and tf-keras 2.21); ``predictions.npz`` holds the predictions each
library made on fixed inputs.
"""

from __future__ import annotations

import io
import json
import zipfile

import h5py
import numpy as np
import pytest
from saving_models import build, fixture, train_data

from tensorflux import keras

MODELS = ("mlp", "cnn", "rnn")
PRED = np.load(fixture("predictions.npz"))


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("file,ref", [("k3_{}.keras", "k3"), ("k3_{}.h5", "k3"), ("tk2_{}.h5", "tk2")])
def test_load_model_saved_by_keras(name, file, ref):
    model = keras.models.load_model(fixture(file.format(name)))
    got = model.predict(PRED[f"x_{name}"], verbose=0)
    np.testing.assert_allclose(got, PRED[f"{ref}_{name}"], rtol=0, atol=1e-5)
    assert model.compiled and type(model.optimizer).__name__ == "Adam"
    assert int(model.optimizer.iterations.numpy()) == int(PRED[f"k3_{name}_iterations"])
    assert abs(float(model.optimizer.learning_rate.numpy()) - 0.01) < 1e-7


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("file,ref", [("k3_{}.weights.h5", "k3"), ("tk2_{}_weights.h5", "tk2")])
def test_load_weights_saved_by_keras(name, file, ref):
    model = build(name, compile=False)
    model.load_weights(fixture(file.format(name)))
    np.testing.assert_allclose(
        model.predict(PRED[f"x_{name}"], verbose=0), PRED[f"{ref}_{name}"], rtol=0, atol=1e-5
    )


def test_optimizer_state_from_keras_continues_like_keras():
    # Keras loaded k3_mlp.keras and trained one batch: the Adam slots must be restored in Keras' order.
    model = keras.models.load_model(fixture("k3_mlp.keras"))
    model.train_on_batch(PRED["x_step"], PRED["y_step"])
    np.testing.assert_allclose(
        model.predict(PRED["x_mlp"], verbose=0), PRED["k3_mlp_after_step"], rtol=0, atol=1e-5
    )


@pytest.mark.parametrize("name", ["sgd", "rmsprop", "adamw", "adagrad"])
def test_optimizers_losses_and_metrics_from_keras_continue_like_keras(name):
    # SGD (Nesterov), RMSprop (centered, momentum), AdamW (schedule), Adagrad, with loss and metric objects.
    model = keras.models.load_model(fixture(f"k3_opt_{name}.keras"))
    model.train_on_batch(PRED["x_opt"][:8], PRED["y_opt"][:8])
    got = model.predict(PRED["x_opt"], verbose=0)
    np.testing.assert_allclose(got, PRED[f"k3_opt_{name}_after_step"], rtol=0, atol=1e-5)


def test_load_model_compile_false_has_no_optimizer():
    model = keras.models.load_model(fixture("k3_cnn.keras"), compile=False)
    assert model.optimizer is None and not model.compiled
    np.testing.assert_allclose(model.predict(PRED["x_cnn"], verbose=0), PRED["k3_cnn"], rtol=0, atol=1e-5)


@pytest.mark.parametrize("name", MODELS)
def test_our_keras_files_read_the_same_in_keras(name):
    # keras_on_tfx.npz: what real Keras predicted after loading tfx_<name>.keras (written by tensorflux).
    ref = np.load(fixture("keras_on_tfx.npz"))
    model = keras.models.load_model(fixture(f"tfx_{name}.keras"))
    np.testing.assert_allclose(
        model.predict(ref[f"x_{name}"], verbose=0), ref[f"keras_{name}"], rtol=0, atol=1e-5
    )


def _h5_tree(data: bytes | str) -> dict[str, tuple]:
    tree = {}
    with h5py.File(io.BytesIO(data) if isinstance(data, bytes) else data, "r") as f:
        f.visititems(
            lambda n, o: tree.__setitem__(n, tuple(o.shape) if isinstance(o, h5py.Dataset) else None)
        )
    return tree


@pytest.mark.parametrize("name", MODELS)
def test_our_archive_has_keras_layout(name, tmp_path):
    model = build(name)
    x, y = train_data(name)
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    path = tmp_path / "m.keras"
    model.save(path)
    with zipfile.ZipFile(path) as ours, zipfile.ZipFile(fixture(f"k3_{name}.keras")) as theirs:
        assert [i.filename for i in ours.infolist()] == ["metadata.json", "config.json", "model.weights.h5"]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in ours.infolist())
        meta = json.loads(ours.read("metadata.json"))
        assert list(meta) == ["keras_version", "date_saved"]
        config, kconfig = json.loads(ours.read("config.json")), json.loads(theirs.read("config.json"))
        for key in ("module", "class_name", "registered_name"):
            assert config[key] == kconfig[key]
        assert [(x["module"], x["class_name"]) for x in config["config"]["layers"]] == [
            (x["module"], x["class_name"]) for x in kconfig["config"]["layers"]
        ]
        assert config["compile_config"]["optimizer"]["class_name"] == "Adam"
        # Same groups and dataset shapes as the weights Keras wrote for the same architecture.
        assert _h5_tree(ours.read("model.weights.h5")) == _h5_tree(theirs.read("model.weights.h5"))
    model.save_weights(tmp_path / "m.weights.h5")
    assert _h5_tree(str(tmp_path / "m.weights.h5")) == _h5_tree(fixture(f"k3_{name}.weights.h5"))


def test_vars_groups_carry_the_object_name(tmp_path):
    model = build("rnn")
    model.save_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5") as f:
        assert f["vars"].attrs["name"] == model.name
        assert f["layers/lstm/cell/vars"].attrs["name"] == model.layers[1].cell.name
        assert len(f["layers/input_layer/vars"]) == 0


@pytest.mark.parametrize("name", MODELS)
def test_our_legacy_h5_has_tf_keras_layout(name, tmp_path):
    model = build(name)
    model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5") as ours, h5py.File(fixture(f"tk2_{name}.h5")) as theirs:
        assert set(theirs.attrs) <= set(ours.attrs)
        assert (
            json.loads(ours.attrs["model_config"])["class_name"]
            == json.loads(theirs.attrs["model_config"])["class_name"]
        )
        ours_w, theirs_w = ours["model_weights"], theirs["model_weights"]
        # Keras 3 lists every layer; tf.keras 2 leaves the InputLayer of a Sequential model out.
        names = [n for n in ours_w.attrs["layer_names"]]
        assert len(names) == len([layer for layer in model.layers])
        shapes = [[ours_w[n][w].shape for w in ours_w[n].attrs["weight_names"]] for n in names]
        kshapes = [
            [theirs_w[n][w].shape for w in theirs_w[n].attrs["weight_names"]]
            for n in theirs_w.attrs["layer_names"]
        ]
        assert [s for s in shapes if s] == [s for s in kshapes if s]
