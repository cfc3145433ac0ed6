"""Adagrad: per-parameter learning rates scaled by the accumulated squared gradients."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.optimizers.base_optimizer import Optimizer, lr_value


class Adagrad(Optimizer):
    """``acc += g^2``; ``w -= lr g / sqrt(acc + eps)``; ``acc`` starts at ``initial_accumulator_value``.

    >>> import tensorflux as tf
    >>> w = tf.Variable(1.0)
    >>> _ = Adagrad(learning_rate=0.1).apply_gradients([(tf.constant(2.0), w)])
    >>> round(float(w), 4)
    0.9012
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        weight_decay: Any = None,
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
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            name=name,
            **kwargs,
        )
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, variables: Any) -> None:
        if self.built:
            return
        super().build(variables)
        self._accumulators = self.add_optimizer_variables(
            variables, "accumulator", initializer=float(self.initial_accumulator_value)
        )

    def update_step(self, gradient: Tensor, variable: Any, learning_rate: Any) -> None:
        lr = lr_value(learning_rate)
        acc = self._accumulators[self._get_variable_index(variable)]
        self.assign_add(acc, gradient * gradient)
        self.assign_sub(variable, (lr * gradient) / P.unary(P.sqrt, acc + self.epsilon))

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }
