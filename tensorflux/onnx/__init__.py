"""``tensorflux.onnx``: export Keras models to ONNX, for onnxruntime and other runtimes.

>>> import tensorflux.onnx
>>> callable(tensorflux.onnx.export)
True

``onnx`` is an optional dependency, imported only when ``export`` runs (``pip install onnx``).
"""

from tensorflux.onnx.exporter import export
from tensorflux.onnx.registry import supported_classes

__all__ = ["export", "supported_classes"]
