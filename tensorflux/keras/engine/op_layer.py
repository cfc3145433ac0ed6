"""OpLayer: a plain function applied to KerasTensors becomes a node of the functional graph.

``keras.ops.*``, the activation functions and the KerasTensor operators (``x + y``, ``x[:, 0]``)
use it so that they can be written in a functional model definition, as in Keras.  The class is
made on first use: the layers package imports the activations, which use ``symbolic_op``.
"""

from __future__ import annotations

import functools
from typing import Any

from tensorflux.keras.engine.keras_tensor import any_symbolic

_cls: list[Any] = []


def _op_layer_class() -> Any:
    if _cls:
        return _cls[0]
    from tensorflux.keras.layers.layer import Layer

    class OpLayer(Layer):
        """Wraps ``fn``; shown in summaries, not listed in ``model.layers`` (as Keras' operations)."""

        _is_op = True

        def __init__(self, fn: Any, name: str | None = None) -> None:
            super().__init__(name=name, autocast=False)
            self.fn = fn
            base = name.rsplit("_", 1)[0] if name and name.rsplit("_", 1)[-1].isdigit() else (name or "op")
            self._display_class = "".join(w.capitalize() for w in base.split("_"))

        def call(self, *args: Any, **kwargs: Any) -> Any:
            return self.fn(*args, **kwargs)

        def get_config(self) -> dict[str, Any]:
            raise NotImplementedError(
                f"The operation '{self.name}' (a function applied to a symbolic tensor) cannot be "
                "serialized; wrap "
                "the computation in a keras.layers.Lambda or a custom layer to save the model's config."
            )

    OpLayer.__module__ = __name__
    _cls.append(OpLayer)
    return OpLayer


def OpLayer(fn: Any, name: str | None = None) -> Any:  # noqa: N802  (reads as the class)
    """A layer that applies ``fn`` (made on first use)."""
    return _op_layer_class()(fn, name=name)


def symbolic_op(fn: Any) -> Any:
    """Decorator: called on KerasTensors, ``fn`` records an OpLayer node instead of computing."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if any_symbolic(args, kwargs):
            return OpLayer(fn, name=fn.__name__)(*args, **kwargs)
        return fn(*args, **kwargs)

    return wrapper
