"""Bad files fail clearly (naming the file and the problem), never half-load, and saving is atomic."""

from __future__ import annotations

import json
import os
import re
import zipfile

import h5py
import numpy as np
import pytest
from saving_models import build, randomize, weights_of

from tensorflux import keras
from tensorflux.keras import layers
from tensorflux.keras.saving import keras_archive, weights_h5


@pytest.fixture
def saved(tmp_path):
    model = build("cnn")
    randomize(model)
    path = tmp_path / "m.keras"
    model.save(path)
    return model, path


def _rewrite_archive(src, dst, replace=None, drop=()):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = (replace or {}).get(info.filename, zin.read(info.filename))
            zout.writestr(info.filename, data)


def test_truncated_archive(saved, tmp_path):
    _, path = saved
    data = path.read_bytes()
    for cut in (len(data) // 2, len(data) - 30, 100):
        bad = tmp_path / f"cut{cut}.keras"
        bad.write_bytes(data[:cut])
        with pytest.raises(ValueError, match=rf"Cannot load '.*cut{cut}\.keras'.*(truncated|corrupted)"):
            keras.models.load_model(bad)


def test_truncated_h5(tmp_path):
    model = build("mlp")
    model.save(tmp_path / "m.h5")
    model.save_weights(tmp_path / "w.weights.h5")
    for name in ("m.h5", "w.weights.h5"):
        data = (tmp_path / name).read_bytes()
        bad = tmp_path / f"cut_{name}"
        bad.write_bytes(data[: len(data) // 2])
        with pytest.raises(ValueError, match=rf"Cannot load '.*cut_{name}'.*truncated"):
            keras.models.load_model(bad) if name == "m.h5" else model.load_weights(bad)


@pytest.mark.parametrize("content", [b"", os.urandom(4096), b"not a model\n" * 10])
def test_random_bytes_and_empty_files(tmp_path, content):
    model = build("mlp")
    for name in ("x.keras", "x.h5", "x.weights.h5"):
        bad = tmp_path / name
        bad.write_bytes(content)
        problem = "empty" if not content else "neither a .keras archive"
        with pytest.raises(ValueError, match=rf"Cannot load '.*{name}'.*{problem}"):
            keras.models.load_model(bad)
        with pytest.raises(ValueError, match=rf"Cannot load '.*{name}'.*{problem}"):
            model.load_weights(bad)


def test_missing_file(tmp_path):
    with pytest.raises(ValueError, match="File not found"):
        keras.models.load_model(tmp_path / "nope.keras")


def test_zip_without_config(saved, tmp_path):
    _, path = saved
    bad = tmp_path / "noconfig.keras"
    _rewrite_archive(path, bad, drop=("config.json",))
    with pytest.raises(ValueError, match=r"noconfig\.keras'.*no config\.json"):
        keras.models.load_model(bad)
    other = tmp_path / "other.keras"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(ValueError, match=r"other\.keras'.*no config\.json.*readme\.txt"):
        keras.models.load_model(other)


def test_zip_without_weights_or_with_bad_json(saved, tmp_path):
    _, path = saved
    bad = tmp_path / "noweights.keras"
    _rewrite_archive(path, bad, drop=("model.weights.h5",))
    with pytest.raises(ValueError, match=r"noweights\.keras'.*no model\.weights\.h5"):
        keras.models.load_model(bad)
    bad = tmp_path / "badjson.keras"
    _rewrite_archive(path, bad, replace={"config.json": b"{not json"})
    with pytest.raises(ValueError, match=r"badjson\.keras'.*config\.json is not valid JSON"):
        keras.models.load_model(bad)
    bad = tmp_path / "badh5.keras"
    _rewrite_archive(path, bad, replace={"model.weights.h5": b"garbage" * 100})
    with pytest.raises(ValueError, match=r"badh5\.keras'.*model\.weights\.h5 is not a readable HDF5"):
        keras.models.load_model(bad)


def test_unknown_class(saved, tmp_path):
    _, path = saved
    with zipfile.ZipFile(path) as zf:
        config = json.loads(zf.read("config.json"))
    config["config"]["layers"][1]["class_name"] = "FancyConv"
    bad = tmp_path / "unknown.keras"
    _rewrite_archive(path, bad, replace={"config.json": json.dumps(config).encode()})
    with pytest.raises(ValueError, match=r"unknown\.keras'.*Could not locate class 'FancyConv'"):
        keras.models.load_model(bad)


def test_foreign_module_is_never_imported(saved, tmp_path):
    _, path = saved
    with zipfile.ZipFile(path) as zf:
        config = json.loads(zf.read("config.json"))
    config["config"]["layers"][1]["module"] = "os"
    config["config"]["layers"][1]["class_name"] = "system"
    config["config"]["layers"][2]["config"]["beta_initializer"] = {
        "module": "shutil",
        "class_name": "function",
        "config": "rmtree",
        "registered_name": "function",
    }
    bad = tmp_path / "foreign.keras"
    _rewrite_archive(path, bad, replace={"config.json": json.dumps(config).encode()})
    with pytest.raises(
        ValueError, match=r"foreign\.keras'.*\['os\.system', 'shutil\.rmtree'\].*never imported"
    ):
        keras.models.load_model(bad, safe_mode=False)


def test_wrong_shape_weights_leave_the_model_untouched(tmp_path):
    model = build("cnn")
    randomize(model)
    model.save_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5", "a") as f:
        del f["layers/dense/vars/0"]
        f["layers/dense/vars/0"] = np.zeros((7, 3), "float32")
    target = build("cnn")
    before = weights_of(target)
    with pytest.raises(
        ValueError,
        match=r"w\.weights\.h5'.*Layer 'dense_\d+' \(saved at 'layers/dense'\).*"
        r"shape \(36, 3\).*shape \(7, 3\)",
    ):
        target.load_weights(tmp_path / "w.weights.h5")
    for a, b in zip(before, weights_of(target)):  # the earlier layers (conv, batch norm) were not assigned
        np.testing.assert_array_equal(a, b)
    with pytest.warns(UserWarning, match="Skipping loading weights of Layer 'dense"):
        target.load_weights(tmp_path / "w.weights.h5", skip_mismatch=True)
    np.testing.assert_array_equal(target.layers[1].kernel.numpy(), model.layers[1].kernel.numpy())
    np.testing.assert_array_equal(target.layers[-1].kernel.numpy(), before[-2])


def test_wrong_variable_count_and_wrong_model(tmp_path):
    build("mlp").save_weights(tmp_path / "mlp.weights.h5")
    with pytest.raises(
        ValueError, match=r"mlp\.weights\.h5'.*Layer 'conv2d.*expected 2 variables, but received 0"
    ):
        build("cnn").load_weights(tmp_path / "mlp.weights.h5")
    build("mlp").save(tmp_path / "mlp.h5")
    small = keras.Sequential([keras.Input((8,)), layers.Dense(4)])
    with pytest.raises(ValueError, match=r"mlp\.h5'.*layer count mismatch.*by_name=True"):
        small.load_weights(tmp_path / "mlp.h5")
    with pytest.raises(
        ValueError, match=r"mlp\.h5'.*shape mismatch in layer 'conv2d.*\(3, 3, 3, 4\).*\(8, 16\)"
    ):
        build("cnn").load_weights(tmp_path / "mlp.h5")


def test_wrong_shape_in_keras_archive(saved, tmp_path):
    model, path = saved
    with zipfile.ZipFile(path) as zf:
        weights = zf.read("model.weights.h5")
    other = build("cnn")
    other.layers[1].kernel.assign(np.zeros((3, 3, 3, 4), "float32"))
    src = tmp_path / "src.weights.h5"
    with h5py.File(src, "w") as f:
        weights_h5.write(model, f)
        del f["layers/batch_normalization/vars/2"]
        f["layers/batch_normalization/vars/2"] = np.zeros((5,), "float32")
    bad = tmp_path / "shape.keras"
    _rewrite_archive(path, bad, replace={"model.weights.h5": src.read_bytes()})
    assert weights != src.read_bytes()
    with pytest.raises(ValueError, match=r"shape\.keras'.*moving_mean.*shape \(4,\).*shape \(5,\)"):
        keras.models.load_model(bad)


def test_lambda_needs_safe_mode_false(tmp_path):
    inp = keras.Input((3,))
    model = keras.Model(inp, layers.Lambda(lambda t: t * 3.0 + 1.0, name="triple")(inp))
    x = np.arange(6, dtype="float32").reshape(2, 3)
    model.save(tmp_path / "lambda.keras")
    with pytest.raises(ValueError, match=r"lambda\.keras'.*\['triple'\].*safe_mode=True.*safe_mode=False"):
        keras.models.load_model(tmp_path / "lambda.keras")
    loaded = keras.models.load_model(tmp_path / "lambda.keras", safe_mode=False)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), x * 3.0 + 1.0)


def test_no_pickle_or_marshal_in_the_loader():
    import inspect

    from tensorflux.keras.saving import config_mapping, legacy_h5, saving_api

    for module in (saving_api, keras_archive, weights_h5, legacy_h5, config_mapping):
        source = inspect.getsource(module)
        assert not re.search(r"import (pickle|marshal)|\b(pickle|marshal)\.|\beval\(|\bexec\(", source), (
            module
        )


class _Boom(RuntimeError):
    pass


@pytest.mark.parametrize("fmt", ["m.keras", "m.h5", "w.weights.h5"])
def test_crash_midway_keeps_the_previous_file(tmp_path, monkeypatch, fmt):
    model = build("mlp")
    path = tmp_path / fmt
    save = model.save_weights if fmt.endswith("weights.h5") else model.save
    save(path)
    original = path.read_bytes()
    randomize(model)

    real_create = h5py.Group.create_dataset
    calls = {"n": 0}

    def create_then_fail(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:  # some weights are written, then the writer dies
            raise _Boom("disk on fire")
        return real_create(self, *args, **kwargs)

    monkeypatch.setattr(h5py.Group, "create_dataset", create_then_fail)
    with pytest.raises(_Boom):
        save(path)
    monkeypatch.undo()
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == [fmt]  # no temporary file left behind
    save(path)
    assert path.read_bytes() != original


def test_saved_file_permissions_follow_umask(tmp_path):
    model = build("mlp")
    model.save(tmp_path / "m.keras")
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "m.keras").stat().st_mode & 0o777 == 0o666 & ~umask


def test_overwrite_false_refuses_without_a_terminal(tmp_path):
    model = build("mlp")
    model.save(tmp_path / "m.keras")
    with pytest.raises(FileExistsError, match="overwrite=False"):
        model.save(tmp_path / "m.keras", overwrite=False)


def test_bad_extensions():
    model = build("mlp")
    with pytest.raises(ValueError, match="Invalid filepath extension"):
        model.save("model.pkl")
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        model.save_weights("model.keras")
