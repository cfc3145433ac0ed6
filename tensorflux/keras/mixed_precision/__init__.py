"""``keras.mixed_precision``: float16 computations with float32 weights.

>>> import tensorflux as tf
>>> tf.keras.mixed_precision.set_global_policy("mixed_float16")
>>> layer = tf.keras.layers.Dense(4)
>>> layer.compute_dtype, layer.variable_dtype
('float16', 'float32')
>>> tf.keras.mixed_precision.set_global_policy("float32")

Give the model's last layer (or a final ``Activation``) ``dtype="float32"`` so that its outputs,
and the loss, are float32; ``compile`` then wraps the optimizer in a ``LossScaleOptimizer``.
"""

from __future__ import annotations

from typing import Any

from tensorflux.keras.engine.dtype_policy import DTypePolicy, Policy, dtype_policy, set_dtype_policy

global_policy = dtype_policy
set_global_policy = set_dtype_policy


def __getattr__(name: str) -> Any:
    # loaded on first use: layers import this package, and the optimizer imports the optimizers
    if name == "LossScaleOptimizer":
        from tensorflux.keras.mixed_precision.loss_scale_optimizer import LossScaleOptimizer

        globals()[name] = LossScaleOptimizer
        return LossScaleOptimizer
    raise AttributeError(f"module 'tensorflux.keras.mixed_precision' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | {"LossScaleOptimizer"})


__all__ = [
    "DTypePolicy",
    "Policy",
    "LossScaleOptimizer",
    "dtype_policy",
    "global_policy",
    "set_dtype_policy",
    "set_global_policy",
]
