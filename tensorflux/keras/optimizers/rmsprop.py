"""RMSprop: divide the gradient by a running root mean square of recent gradients."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.optimizers.base_optimizer import Optimizer, lr_value


class RMSprop(Optimizer):
    """``v = rho v + (1 - rho) g^2``; ``w -= lr g / sqrt(v + eps)`` (``v - mean(g)^2`` when ``centered``).

    With ``momentum > 0`` the increments accumulate: ``m = momentum m + step; w -= m``.

    >>> import tensorflux as tf
    >>> w = tf.Variable(1.0)
    >>> _ = RMSprop(learning_rate=0.1).apply_gradients([(tf.constant(2.0), w)])
    >>> round(float(w), 4)
    0.6838
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
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
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, variables: Any) -> None:
        if self.built:
            return
        super().build(variables)
        self._velocities = self.add_optimizer_variables(variables, "velocity")
        self._momentums = self.add_optimizer_variables(variables, "momentum") if self.momentum > 0 else []
        self._average_gradients = (
            self.add_optimizer_variables(variables, "average_gradient") if self.centered else []
        )

    def update_step(self, gradient: Tensor, variable: Any, learning_rate: Any) -> None:
        lr = lr_value(learning_rate)
        i = self._get_variable_index(variable)
        velocity = self._velocities[i]
        rho = self.rho
        self.assign(velocity, velocity * rho + gradient * gradient * (1.0 - rho))
        if self.centered:
            avg = self._average_gradients[i]
            self.assign(avg, avg * rho + gradient * (1.0 - rho))
            denominator = velocity - avg * avg + self.epsilon
        else:
            denominator = velocity + self.epsilon
        increment = (lr * gradient) / P.unary(P.sqrt, denominator)
        if self.momentum > 0:
            m = self._momentums[i]
            self.assign(m, m * self.momentum + increment)
            self.assign_sub(variable, m)
        else:
            self.assign_sub(variable, increment)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }
