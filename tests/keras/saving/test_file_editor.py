"""KerasFileEditor on files saved by Keras 3.15 (fixtures) and by tensorflux.

Golden files: scripts/golden_multi_optimizer_editor.py (Keras 3.15, TensorFlow backend).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil

import h5py
import numpy as np
import pytest

from tensorflux import keras
from tensorflux.keras.optimizers.adam import Adam
from tensorflux.keras.saving._files import FileFormatError
from tensorflux.keras.saving.file_editor import KerasFileEditor

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures")
FE = os.path.join(FIXTURES, "file_editor")


def _golden():
    with open(os.path.join(FE, "editor.json")) as f:
        return json.load(f)


def _model(extra: bool) -> keras.Model:
    """The golden script's models: Dense(3) layers named mydense, [myotherdense,] output_layer."""
    inputs = keras.Input((2,))
    h = keras.layers.Dense(3, name="mydense")(inputs)
    if extra:
        h = keras.layers.Dense(3, name="myotherdense")(h)
    return keras.Model(inputs, keras.layers.Dense(3, name="output_layer")(h))


def _tree(d):
    return {k: _tree(v) if isinstance(v, dict) else list(v.shape) for k, v in d.items()}


def _digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _edit_like_keras(editor, g):
    """The golden script's edits; returns compare() after each, as the script recorded them."""
    n = np.load(os.path.join(FE, "editor.npz"))
    editor.rename_object("dense_1", "dense_2")
    editor.add_object("layers/dense_1", weights={"0": n["new_kernel"]})
    after_add_object = editor.compare(_model(True))
    editor.add_weights("dense_1", {"1": n["new_bias"]})
    return after_add_object, editor.compare(_model(True))


@pytest.mark.parametrize("name", ["source.keras", "source.weights.h5"])
def test_reads_keras_files(name):
    editor = KerasFileEditor(os.path.join(FE, name))
    assert _tree(editor.weights_dict) == _golden()["tree"]
    with h5py.File(os.path.join(FE, "source.weights.h5"), "r") as h5:
        np.testing.assert_array_equal(
            editor.weights_dict["layers"]["dense_1"]["0"], h5["layers/dense_1/vars/0"][()]
        )
    assert editor.object_metadata["/layers/dense"] == {"name": "mydense"}
    if name.endswith(".keras"):
        assert editor.metadata["keras_version"] == "3.15.1"
        assert editor.config["class_name"] == "Functional"
    else:
        assert editor.metadata is None and editor.config is None
    assert editor.model is None


def test_summary_lists_objects_names_and_shapes(capsys):
    editor = KerasFileEditor(os.path.join(FE, "source.keras"))
    out = capsys.readouterr().out
    assert "Saved with Keras 3.15.1" in out
    editor.summary()
    out = capsys.readouterr().out
    assert "dense_1 ('output_layer')" in out
    assert "0: shape=(2, 3), dtype=float32" in out


def test_compare_and_edits_match_keras(tmp_path):
    g = _golden()
    editor = KerasFileEditor(os.path.join(FE, "source.keras"))
    # Keras 3.15 adds earlier siblings' counts again for every later layer (for the source file it
    # reports 6 matches for 4 weights); statuses agree, and error counts wherever Keras counts right
    r = editor.compare(_model(False))
    assert r == {"status": "success", "error_count": 0, "match_count": 4}
    assert r["status"] == g["compare"]["source"]["status"] and g["compare"]["source"]["error_count"] == 0
    r = editor.compare(_model(True))
    assert r == {"status": "error", "error_count": 1, "match_count": 4}
    assert r["error_count"] == g["compare"]["target_before"]["error_count"]
    after_add_object, after_add_weights = _edit_like_keras(editor, g)
    assert after_add_weights == {"status": "success", "error_count": 0, "match_count": 6}
    assert after_add_weights["status"] == g["compare"]["after_add_weights"]["status"]
    assert after_add_object == {"status": "error", "error_count": 1, "match_count": 5}
    assert after_add_object["status"] == g["compare"]["after_add_object"]["status"]
    assert _tree(editor.weights_dict) == g["edited_tree"]

    path = str(tmp_path / "edited.weights.h5")
    editor.save(path)
    ours, theirs = _model(True), _model(True)
    ours.load_weights(path)
    theirs.load_weights(os.path.join(FE, "edited.weights.h5"))  # Keras' editor's output
    n = np.load(os.path.join(FE, "editor.npz"))
    for i, (a, b) in enumerate(zip(ours.get_weights(), theirs.get_weights())):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, n[f"target_{i}"])  # what Keras loaded from its edited file
    with h5py.File(path, "r") as h5:
        assert h5["layers/dense_2/vars"].attrs["name"] == "output_layer"  # the name moved with the object

    editor.delete_weight("dense_1", "1")
    r = editor.compare(_model(True))
    assert r == {"status": "error", "error_count": 1, "match_count": 5}
    assert r["status"] == g["compare"]["after_delete_weight"]["status"]
    editor.delete_object("layers/dense_2")
    r = editor.compare(_model(True))
    assert r == {"status": "error", "error_count": 2, "match_count": 3}
    assert r["error_count"] == g["compare"]["after_delete_object"]["error_count"]


def test_keras_edited_file_reopens_and_resaves_identically(tmp_path):
    editor = KerasFileEditor(os.path.join(FE, "edited.weights.h5"))
    assert _tree(editor.weights_dict) == _golden()["edited_tree"]
    assert editor.compare(_model(True))["status"] == "success"
    path = str(tmp_path / "again.weights.h5")
    editor.resave_weights(path)
    again = KerasFileEditor(path)
    for layer in ("dense", "dense_1", "dense_2"):
        for k, v in editor.weights_dict["layers"][layer].items():
            np.testing.assert_array_equal(again.weights_dict["layers"][layer][k], v)


def test_tensorflux_keras_file_with_optimizer(tmp_path):
    rng = np.random.default_rng(0)
    model = _model(False)
    model.compile(optimizer=Adam(0.01), loss="mse")
    model.fit(rng.normal(size=(8, 2)), rng.normal(size=(8, 3)), epochs=1, verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    editor = KerasFileEditor(path)
    assert editor.config["class_name"] == "Functional"
    assert sorted(editor.weights_dict) == ["layers", "optimizer"]
    assert len(editor.weights_dict["optimizer"]) == len(model.optimizer.variables)
    assert editor.compare(model) == {"status": "success", "error_count": 0, "match_count": 4 + 10}
    # swap the two layers' biases through the editor, then load the edited weights
    b0 = editor.weights_dict["layers"]["dense"]["1"].copy()
    b1 = editor.weights_dict["layers"]["dense_1"]["1"].copy()
    editor.delete_weight("layers/dense", "1")
    editor.delete_weight("layers/dense_1", "1")
    editor.add_weights("layers/dense", {"1": b1})
    editor.add_weights("layers/dense_1", {"1": b0})
    out = str(tmp_path / "swapped.weights.h5")
    editor.save(out)
    fresh = _model(False)
    fresh.load_weights(out)
    np.testing.assert_array_equal(fresh.layers[1].bias.numpy(), b1)
    np.testing.assert_array_equal(fresh.layers[2].bias.numpy(), b0)
    np.testing.assert_array_equal(fresh.layers[1].kernel.numpy(), model.layers[1].kernel.numpy())


def test_multi_optimizer_file_keeps_nested_optimizer_groups(tmp_path):
    path = os.path.join(FIXTURES, "multi_optimizer", "multi_fit.keras")
    editor = KerasFileEditor(path)
    opt = editor.weights_dict["optimizer"]
    assert len([k for k, v in opt.items() if not isinstance(v, dict)]) == 12
    assert sorted(opt["optimizers"]) == ["adam", "sgd"]
    out = str(tmp_path / "w.weights.h5")
    editor.save(out)
    with h5py.File(out, "r") as h5:
        assert len(h5["optimizer/vars"]) == 12 and len(h5["optimizer/optimizers/adam/vars"]) == 6
        assert h5["optimizer/vars"].attrs["name"] == "multi"


def test_root_own_weights_stay_at_the_root(tmp_path):
    src = str(tmp_path / "root.weights.h5")
    with h5py.File(src, "w") as h5:
        h5.create_group("vars").create_dataset("0", data=np.arange(3.0))
        h5.create_group("layers/dense/vars").create_dataset("0", data=np.ones((2, 2)))
    editor = KerasFileEditor(src)
    np.testing.assert_array_equal(editor.weights_dict["vars"]["0"], np.arange(3.0))
    out = str(tmp_path / "out.weights.h5")
    editor.save(out)
    with h5py.File(out, "r") as h5:
        assert sorted(h5) == ["layers", "vars"] and list(h5["vars"]) == ["0"]


def test_failed_edits_change_nothing(tmp_path):
    path = str(tmp_path / "w.weights.h5")
    shutil.copy(os.path.join(FE, "source.weights.h5"), path)
    before = _digest(path)
    editor = KerasFileEditor(path)
    snapshot = copy.deepcopy(editor.weights_dict)
    meta = copy.deepcopy(editor.object_metadata)
    bad = [
        (ValueError, "leaf name", lambda: editor.rename_object("dense", "layers/x")),
        (ValueError, "already exists", lambda: editor.rename_object("dense", "dense_1")),
        (ValueError, "not found", lambda: editor.rename_object("layers/nope", "x")),
        (ValueError, "more than once", lambda: editor.delete_object("0")),
        (ValueError, "does not appear", lambda: editor.delete_object("nope")),
        (ValueError, "already exists", lambda: editor.add_object("layers/dense", {"0": np.ones(2)})),
        (ValueError, "not found", lambda: editor.add_object("nope/dense", {"0": np.ones(2)})),
        (ValueError, "should be a dict", lambda: editor.add_object("layers/x", [np.ones(2)])),
        (TypeError, "numbers", lambda: editor.add_object("layers/x", {"0": np.array(["a"])})),
        (
            ValueError,
            "already has weight",
            lambda: editor.add_weights("dense", {"1": np.ones(3), "2": np.ones(1)}),
        ),
        (ValueError, "not found in object", lambda: editor.delete_weight("dense", "7")),
        (ValueError, "is a weight", lambda: editor.delete_object("layers/dense/0")),
        (ValueError, ".weights.h5", lambda: editor.save(str(tmp_path / "x.keras"))),
    ]
    for exc, match, fn in bad:
        with pytest.raises(exc, match=match):
            fn()
    assert _tree(editor.weights_dict) == _tree(snapshot)
    for k in ("dense", "dense_1"):
        for w in ("0", "1"):
            np.testing.assert_array_equal(editor.weights_dict["layers"][k][w], snapshot["layers"][k][w])
    assert editor.object_metadata == meta
    assert _digest(path) == before


def test_failed_save_leaves_the_file_on_disk(tmp_path, monkeypatch):
    path = str(tmp_path / "w.weights.h5")
    shutil.copy(os.path.join(FE, "source.weights.h5"), path)
    before = _digest(path)
    editor = KerasFileEditor(path)
    editor.delete_object("dense_1")
    calls = []

    def failing(self, name, *args, **kwargs):
        calls.append(name)
        raise OSError("disk full")

    monkeypatch.setattr(h5py.Group, "create_dataset", failing)
    with pytest.raises(OSError, match="disk full"):
        editor.save(path)
    monkeypatch.undo()
    assert calls and _digest(path) == before
    assert sorted(os.listdir(tmp_path)) == ["w.weights.h5"]  # no temporary file left behind
    editor.save(path)  # saving over the file it was opened from works
    assert sorted(KerasFileEditor(path).weights_dict["layers"]) == ["dense"]


def test_rejects_bad_files(tmp_path):
    with pytest.raises(ValueError, match="expected a `.keras` `.weights.h5` extension"):
        KerasFileEditor(str(tmp_path / "model.h5"))
    linked = str(tmp_path / "linked.weights.h5")
    with h5py.File(linked, "w") as h5:
        h5.create_group("layers/dense/vars").create_dataset("0", data=np.ones(2))
        h5["layers/dense_1"] = h5py.SoftLink("/layers/dense")
    with pytest.raises(FileFormatError, match="SoftLink"):
        KerasFileEditor(linked)
    # the same inside a .keras archive is refused before any weight is read
    import zipfile

    archive = str(tmp_path / "linked.keras")
    with zipfile.ZipFile(os.path.join(FE, "source.keras")) as src, zipfile.ZipFile(archive, "w") as dst:
        for name in src.namelist():
            if name == "model.weights.h5":
                with open(linked, "rb") as f:
                    dst.writestr(name, f.read())
            else:
                dst.writestr(name, src.read(name))
    with pytest.raises(FileFormatError, match="SoftLink"):
        KerasFileEditor(archive)
    broken = str(tmp_path / "broken.keras")
    with open(broken, "wb") as f:
        f.write(b"PK\x03\x04 not really a zip")
    with pytest.raises(FileFormatError, match="not a valid .keras archive"):
        KerasFileEditor(broken)


def test_docstring_examples():
    import doctest

    from tensorflux.keras.saving import file_editor

    result = doctest.testmod(file_editor, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
