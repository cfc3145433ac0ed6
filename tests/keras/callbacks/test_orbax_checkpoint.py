"""OrbaxCheckpoint: Keras 3.15's signature; ImportError (Keras' message) when orbax is missing."""

from __future__ import annotations

import inspect
import sys
import types

import pytest

from tensorflux.keras.callbacks.callback import Callback
from tensorflux.keras.callbacks.orbax_checkpoint import OrbaxCheckpoint

KERAS_SIGNATURE = (
    "(self, directory, monitor='val_loss', verbose=0, save_best_only=False, mode='auto', save_freq='epoch', "
    "initial_value_threshold=None, max_to_keep=1, save_on_background=True, save_weights_only=False)"
)


def test_signature_matches_keras():
    sig = inspect.signature(OrbaxCheckpoint.__init__)
    params = [p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values()]
    assert str(sig.replace(parameters=params, return_annotation=inspect.Signature.empty)) == KERAS_SIGNATURE
    assert issubclass(OrbaxCheckpoint, Callback)


def test_missing_orbax_raises_import_error(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "orbax", None)  # import orbax.* now fails, whatever is installed
    with pytest.raises(ImportError, match="OrbaxCheckpoint requires the 'orbax-checkpoint' package") as e:
        OrbaxCheckpoint(str(tmp_path), monitor="val_accuracy", mode="max")
    assert "pip install orbax-checkpoint" in str(e.value) and "ModelCheckpoint" in str(e.value)
    assert not list(tmp_path.iterdir())  # nothing written


def test_present_orbax_still_refuses_numpy_tensors(monkeypatch, tmp_path):
    orbax = types.ModuleType("orbax")
    orbax.__path__ = []
    monkeypatch.setitem(sys.modules, "orbax", orbax)
    monkeypatch.setitem(sys.modules, "orbax.checkpoint", types.ModuleType("orbax.checkpoint"))
    with pytest.raises(NotImplementedError, match="ModelCheckpoint"):
        OrbaxCheckpoint(str(tmp_path))
