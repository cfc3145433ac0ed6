"""ScheduleFreeAdamW: AdamW without a learning-rate schedule (Defazio et al., 2024)."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.optimizers.base_optimizer import Optimizer, in_dtype, lr_value, step_count


def _minimum(x: Any, y: float) -> Any:
    return P.binary(P.minimum, x, y) if isinstance(x, Tensor) else min(x, y)


class ScheduleFreeAdamW(Optimizer):
    """Schedule-Free AdamW with Keras 3's defaults and update rule.

    Each variable keeps ``z`` (the ``momentum`` slot, starting at the variable's value) and Adam's
    ``velocity``.  With step ``t`` and ``lr`` ramped linearly over ``warmup_steps``:
    ``v += (g^2 - v)(1 - b2)``; ``z -= lr * g / (sqrt(v / (1 - b2^t)) + eps)``;
    ``x = (w - (1 - b1) z) / b1``; ``x = (1 - 1/t) x + z / t``; ``w = (1 - b1) z + b1 x``.
    ``x`` is recovered with the ``z`` just updated, as Keras' TensorFlow backend computes it (its
    ``momentum.value`` reads the variable after the update).

    >>> import tensorflux as tf
    >>> w = tf.Variable([1.0])
    >>> _ = ScheduleFreeAdamW(learning_rate=0.1).apply_gradients([(tf.constant([2.0]), w)])
    >>> [round(float(x), 4) for x in w.numpy()]
    [0.9]
    """

    def __init__(
        self,
        learning_rate: Any = 0.0025,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        warmup_steps: int = 0,
        weight_decay: float | None = None,
        clipnorm: Any = None,
        clipvalue: Any = None,
        global_clipnorm: Any = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: Any = None,
        loss_scale_factor: Any = None,
        gradient_accumulation_steps: Any = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            learning_rate=learning_rate,
            name=name,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            **kwargs,
        )
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = warmup_steps

    def build(self, var_list: Any) -> None:
        if self.built:
            return
        var_list = list(var_list)
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])
        for momentum, var in zip(self._momentums, var_list):
            # the slot's initial value, not an assignment: a build inside a traced step records nothing
            momentum._value = B.array_copy(var._value)

    def update_step(self, gradient: Tensor, variable: Any, learning_rate: Any) -> None:
        r = in_dtype(variable._value.dtype)
        # Keras casts each hyper-parameter to the variable's dtype first: 1 - b2 is taken in float32
        step = r(step_count(self, variable.dtype))
        b1, b2, eps = r(self.beta_1), r(self.beta_2), r(self.epsilon)
        lr = lr_value(learning_rate)
        if self.warmup_steps > 0:
            lr = lr * r(_minimum(r(step / r(self.warmup_steps)), 1.0))
        i = self._get_variable_index(variable)
        z, v = self._momentums[i], self._velocities[i]
        bias_correction_2 = r(1.0 - r(b2**step))
        self.assign_add(v, (gradient * gradient - v) * r(1.0 - b2))
        denom = P.unary(P.sqrt, v / bias_correction_2) + eps
        self.assign_sub(z, (gradient * lr) / denom)
        weight = r(1.0 / step)
        one_minus_b1 = r(1.0 - b1)
        x = (variable - z * one_minus_b1) / b1
        x = x * r(1.0 - weight) + z * weight
        self.assign(variable, z * one_minus_b1 + x * b1)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "warmup_steps": self.warmup_steps,
        }
