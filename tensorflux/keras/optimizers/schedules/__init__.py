"""``keras.optimizers.schedules``: learning rates that change with the step count."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.optimizers.schedules.learning_rate_schedule import (
    CosineDecay,
    CosineDecayRestarts,
    ExponentialDecay,
    InverseTimeDecay,
    LearningRateSchedule,
    PiecewiseConstantDecay,
    PolynomialDecay,
)

_ALL = {
    c.__name__: c
    for c in (
        CosineDecay,
        CosineDecayRestarts,
        ExponentialDecay,
        InverseTimeDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
    )
}


def serialize(schedule: LearningRateSchedule) -> dict[str, Any]:
    """``{"module", "class_name", "config", "registered_name"}`` for a schedule."""
    return {
        "module": "keras.optimizers.schedules",
        "class_name": type(schedule).__name__,
        "config": schedule.get_config(),
        "registered_name": None,
    }


def deserialize(config: dict[str, Any], custom_objects: Any = None) -> LearningRateSchedule:
    objects = {**_ALL, **(custom_objects or {})}
    name = config["class_name"]
    if name not in objects:
        raise ValueError(f"Unknown learning rate schedule {name!r}; known: {', '.join(sorted(_ALL))}.")
    return objects[name].from_config(config["config"])  # type: ignore[no-any-return]


__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "serialize",
    "deserialize",
]
