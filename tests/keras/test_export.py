"""keras.export.ExportArchive: exists, and explains that tensorflux cannot write SavedModels."""

import pytest

from tensorflux.keras.export import saved_model
from tensorflux.keras.export.saved_model import ExportArchive


@pytest.mark.parametrize("fmt", ["saved_model", "neptune_model"])
def test_export_archive_raises_with_alternatives(fmt):
    with pytest.raises(NotImplementedError) as info:
        ExportArchive(format=fmt)
    msg = str(info.value)
    assert "SavedModel" in msg and "model.save('model.keras')" in msg and "format='onnx'" in msg


def test_export_archive_default_format_and_bad_format():
    with pytest.raises(NotImplementedError, match="cannot write them"):
        ExportArchive()
    with pytest.raises(ValueError, match="Unsupported format: tflite"):
        ExportArchive(format="tflite")


def test_methods_exist_with_keras_names():
    for name in ("track", "add_endpoint", "track_and_add_endpoint", "add_variable_collection", "write_out"):
        assert callable(getattr(ExportArchive, name))


def test_onnx_alternative_named_in_message_exists():
    import tensorflux.onnx

    assert callable(tensorflux.onnx.export)
    assert "tensorflux.onnx.export" in str(saved_model._no_saved_model())


def test_namespace():
    from tensorflux.keras import export

    assert export.ExportArchive is ExportArchive and export.__all__ == ["ExportArchive"]
