"""The table of converters: a tensorflux layer class -> a function that writes its ONNX nodes.

A converter mirrors its layer's ``call``: ``convert(g, layer, *args, **kwargs)`` receives the
GraphBuilder, the layer, and the call's arguments with every tensor replaced by a ``Sym`` (its
ONNX name and Keras static shape); it returns the name of its output tensor, or a list of
names in the order of the layer's flattened outputs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

_CONVERTERS: dict[type, Callable[..., Any]] = {}
_MASK_AWARE: dict[type, bool | Callable[[Any], bool]] = {}
_FAMILIES = (
    "activations",
    "dense",
    "conv",
    "pooling",
    "normalization",
    "regularization",
    "reshaping",
    "merging",
    "embedding",
    "rnn",
    "attention",
    "masking",
    "wrappers",
    "preprocessing",
    "operators",
    "models",
)
_loaded: list[bool] = []


def register(
    *classes: type, masks_ok: bool | Callable[[Any], bool] = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: ``fn`` converts instances of ``classes``.

    ``masks_ok`` says that the layer's result does not depend on a Keras mask carried by its
    inputs (Dense, activations, ...), so such inputs may be exported; otherwise a masked input
    is refused with an error naming the layer.  A callable ``masks_ok(layer)`` decides per
    instance (a wrapper is as mask-indifferent as the layer it wraps).
    """

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        for cls in classes:
            _CONVERTERS[cls] = fn
            if masks_ok:
                _MASK_AWARE[cls] = masks_ok
        return fn

    return deco


def _load() -> None:
    if not _loaded:
        for family in _FAMILIES:
            importlib.import_module(f"tensorflux.onnx.{family}")
        _loaded.append(True)


def _match(layer: Any) -> type | None:
    # A subclass is accepted only when it keeps the registered class's call(): a subclass that
    # computes something else must not be exported as its parent.
    for cls in type(layer).__mro__:
        if cls in _CONVERTERS and (cls is type(layer) or getattr(type(layer), "call", None) is cls.call):
            return cls
    return None


def supported_classes() -> list[str]:
    """Names of the layer classes that ``tensorflux.onnx.export`` converts.

    >>> "Dense" in supported_classes()
    True
    """
    _load()
    return sorted({cls.__name__ for cls in _CONVERTERS})


def lookup(layer: Any) -> Callable[..., Any]:
    """The converter for ``layer``; a ValueError naming the layer and the supported classes if none."""
    _load()
    cls = _match(layer)
    if cls is None:
        raise ValueError(
            f"ONNX export does not support layer '{layer.name}' of class {type(layer).__name__}. "
            f"Supported classes: {', '.join(supported_classes())}."
        )
    return _CONVERTERS[cls]


def accepts_masks(layer: Any) -> bool:
    _load()
    cls = _match(layer)
    ok = _MASK_AWARE.get(cls) if cls is not None else None
    return bool(ok(layer) if callable(ok) else ok)
