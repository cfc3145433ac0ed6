"""``ExportArchive``: Keras' TensorFlow SavedModel writer, which tensorflux cannot provide."""

from __future__ import annotations

from typing import Any

_FORMATS = ("saved_model", "neptune_model")


def _no_saved_model() -> NotImplementedError:
    return NotImplementedError(
        "ExportArchive writes TensorFlow SavedModels, which need TensorFlow's runtime; tensorflux "
        "cannot write them. Save the model with model.save('model.keras') (Keras 3 and tensorflux "
        "both load it), or export it for serving as ONNX with model.export('model.onnx', "
        "format='onnx') (tensorflux.onnx.export; needs `pip install onnx`)."
    )


class ExportArchive:
    """Writes SavedModel artifacts in Keras; in tensorflux construction raises NotImplementedError.

    Args:
        format: ``"saved_model"`` (default) or ``"neptune_model"``; anything else is a ValueError.

    >>> try:
    ...     ExportArchive()
    ... except NotImplementedError as e:
    ...     print(str(e).split(";")[0])
    ExportArchive writes TensorFlow SavedModels, which need TensorFlow's runtime
    """

    def __new__(cls, format: str = "saved_model", **kwargs: Any) -> ExportArchive:  # noqa: A002
        if format not in _FORMATS:
            raise ValueError(f"Unsupported format: {format}")
        raise _no_saved_model()

    # Keras' methods, so that the API can be read here; an instance can never be made.
    def track(self, resource: Any) -> None:
        raise _no_saved_model()

    def add_endpoint(self, name: str, fn: Any, input_signature: Any = None, **kwargs: Any) -> None:
        raise _no_saved_model()

    def track_and_add_endpoint(self, name: str, resource: Any, input_signature: Any, **kwargs: Any) -> None:
        raise _no_saved_model()

    def add_variable_collection(self, name: str, variables: Any) -> None:
        raise _no_saved_model()

    def write_out(self, filepath: str, options: Any = None, verbose: bool = True) -> None:
        raise _no_saved_model()
