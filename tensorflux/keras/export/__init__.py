"""``keras.export``: ``ExportArchive`` (TensorFlow SavedModel), which tensorflux cannot write.

Use ``model.save("model.keras")`` or ``model.export("model.onnx", format="onnx")`` instead.

>>> from tensorflux.keras import export
>>> export.__all__
['ExportArchive']
"""

from tensorflux.keras.export.saved_model import ExportArchive

__all__ = ["ExportArchive"]
