"""``tensorflux.keras``: the Keras 3 API (``import tensorflux.keras as keras``).

Submodules load on first use so that ``import tensorflux`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "3.6.0"  # the Keras API version this package follows (written into saved files)


def version() -> str:
    """The Keras API version tensorflux follows, e.g. ``"3.6.0"`` (``keras.version()``)."""
    return __version__


_SUBMODULES = (
    "activations",
    "backend",
    "callbacks",
    "config",
    "constraints",
    "datasets",
    "distillation",
    "distribution",
    "dtype_policies",
    "export",
    "initializers",
    "layers",
    "legacy",
    "losses",
    "metrics",
    "mixed_precision",
    "models",
    "ops",
    "optimizers",
    "preprocessing",
    "quantizers",
    "random",
    "regularizers",
    "saving",
    "tree",
    "utils",
    "visualization",
    "wrappers",
)
_NAMES = {
    "Input": "tensorflux.keras.layers",
    "InputSpec": "tensorflux.keras.layers",
    "Layer": "tensorflux.keras.layers",
    "Model": "tensorflux.keras.models",
    "Sequential": "tensorflux.keras.models",
    "Variable": "tensorflux.framework.variables",
    "Loss": "tensorflux.keras.losses",
    "Metric": "tensorflux.keras.metrics",
    "Optimizer": "tensorflux.keras.optimizers",
    "Initializer": "tensorflux.keras.initializers",
    "Regularizer": "tensorflux.keras.regularizers",
    "Constraint": "tensorflux.keras.constraints",
    "KerasTensor": "tensorflux.keras.engine.keras_tensor",
    "DTypePolicy": "tensorflux.keras.dtype_policies",
    "FloatDTypePolicy": "tensorflux.keras.dtype_policies",
    "device": "tensorflux.framework.devices",
    "name_scope": "tensorflux.keras.scopes",
    "StatelessScope": "tensorflux.keras.scopes",
    "SymbolicScope": "tensorflux.keras.scopes",
    "RematScope": "tensorflux.keras.scopes",
    "remat": "tensorflux.keras.scopes",
    "Function": "tensorflux.keras.operation",
    "Operation": "tensorflux.keras.operation",
    "Quantizer": "tensorflux.keras.quantizers",
}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        mod = importlib.import_module(f"tensorflux.keras.{name}")
        globals()[name] = mod
        return mod
    if name in _NAMES:
        value = getattr(importlib.import_module(_NAMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'tensorflux.keras' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_SUBMODULES) + list(_NAMES))
