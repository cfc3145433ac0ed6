"""``keras.optimizers``: SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam, Lion, Ftrl, Lamb,
Adafactor, and ``get``.

>>> from tensorflux.keras import optimizers
>>> type(optimizers.get("adam")).__name__
'Adam'
"""

from __future__ import annotations

import inspect
from typing import Any

from tensorflux.keras.optimizers import legacy, schedules  # noqa: F401
from tensorflux.keras.optimizers.adadelta import Adadelta
from tensorflux.keras.optimizers.adafactor import Adafactor
from tensorflux.keras.optimizers.adagrad import Adagrad
from tensorflux.keras.optimizers.adam import Adam
from tensorflux.keras.optimizers.adamax import Adamax
from tensorflux.keras.optimizers.adamw import AdamW
from tensorflux.keras.optimizers.base_optimizer import Optimizer
from tensorflux.keras.optimizers.ftrl import Ftrl
from tensorflux.keras.optimizers.lamb import Lamb
from tensorflux.keras.optimizers.lion import Lion
from tensorflux.keras.optimizers.multi_optimizer import MultiOptimizer, OptimizerMap
from tensorflux.keras.optimizers.muon import Muon
from tensorflux.keras.optimizers.nadam import Nadam
from tensorflux.keras.optimizers.rmsprop import RMSprop
from tensorflux.keras.optimizers.schedule_free_adamw import ScheduleFreeAdamW
from tensorflux.keras.optimizers.sgd import SGD

_ALL = (
    Adadelta,
    Adafactor,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    Ftrl,
    Lamb,
    Lion,
    Muon,
    MultiOptimizer,
    Nadam,
    RMSprop,
    ScheduleFreeAdamW,
    SGD,
)
ALL_OBJECTS_DICT: dict[str, Any] = {c.__name__: c for c in _ALL}
ALL_OBJECTS_DICT.update({c.__name__.lower(): c for c in _ALL})


def serialize(optimizer: Optimizer) -> dict[str, Any]:
    """``{"module", "class_name", "config", "registered_name"}`` for an optimizer."""
    return {
        "module": "keras.optimizers",
        "class_name": type(optimizer).__name__,
        "config": optimizer.get_config(),
        "registered_name": None,
    }


def __getattr__(name: str) -> Any:
    # keras.optimizers.LossScaleOptimizer lives in mixed_precision, which imports this package
    if name == "LossScaleOptimizer":
        from tensorflux.keras.mixed_precision.loss_scale_optimizer import LossScaleOptimizer

        return LossScaleOptimizer
    raise AttributeError(f"module 'tensorflux.keras.optimizers' has no attribute {name!r}")


def deserialize(config: dict[str, Any], custom_objects: Any = None) -> Optimizer:
    name = config["class_name"]
    if name == "LossScaleOptimizer" and not (custom_objects and name in custom_objects):
        return __getattr__(name).from_config(config.get("config", {}))  # type: ignore[no-any-return]
    objects = {**ALL_OBJECTS_DICT, **(custom_objects or {})}
    cls = objects.get(name) or objects.get(str(name).lower())
    if cls is None:
        raise ValueError(
            f"Could not interpret optimizer identifier: {name!r}. "
            f"Known: {', '.join(sorted(ALL_OBJECTS_DICT))}."
        )
    return cls.from_config(config.get("config", {}))  # type: ignore[no-any-return]


def get(identifier: Any) -> Optimizer:
    """An optimizer from a name (``"adam"``, ``"SGD"``), a config dict, a class or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = ALL_OBJECTS_DICT.get(identifier) or ALL_OBJECTS_DICT.get(identifier.lower())
        if cls is None:
            raise ValueError(
                f"Could not interpret optimizer identifier: {identifier!r}. Known optimizer names: "
                f"{', '.join(sorted(k for k in ALL_OBJECTS_DICT if k.islower()))}."
            )
        return cls()  # type: ignore[no-any-return]
    if inspect.isclass(identifier) and issubclass(identifier, Optimizer):
        return identifier()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}")


__all__ = [
    "Optimizer",
    "SGD",
    "Adam",
    "AdamW",
    "RMSprop",
    "Adagrad",
    "Adadelta",
    "Adamax",
    "Nadam",
    "Lion",
    "Ftrl",
    "Lamb",
    "Adafactor",
    "legacy",
    "schedules",
    "get",
    "serialize",
    "deserialize",
    "Muon",
    "ScheduleFreeAdamW",
    "MultiOptimizer",
    "OptimizerMap",
]
