"""``keras.distillation``: train a small student model from a frozen teacher (knowledge distillation)."""

from tensorflux.keras.distillation.distillation_loss import (
    DistillationLoss,
    FeatureDistillation,
    LogitsDistillation,
)
from tensorflux.keras.distillation.distiller import Distiller

__all__ = ["DistillationLoss", "Distiller", "FeatureDistillation", "LogitsDistillation"]
