"""Adadelta: a learning rate that adapts from running averages of gradients and of updates."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.optimizers.base_optimizer import Optimizer, lr_value


class Adadelta(Optimizer):
    """``E[g^2] = rho E[g^2] + (1 - rho) g^2``; ``d = -sqrt(E[dx^2] + eps) / sqrt(E[g^2] + eps) * g``;
    ``E[dx^2] = rho E[dx^2] + (1 - rho) d^2``; ``w += lr * d``.

    >>> import tensorflux as tf
    >>> w = tf.Variable(1.0)
    >>> _ = Adadelta(learning_rate=1.0).apply_gradients([(tf.constant(2.0), w)])
    >>> round(float(w), 6)
    0.998586
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        rho: float = 0.95,
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
        self.rho = rho
        self.epsilon = epsilon

    def build(self, variables: Any) -> None:
        if self.built:
            return
        super().build(variables)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            variables, ["accumulated_grad", "accumulated_delta_var"]
        )

    def update_step(self, gradient: Tensor, variable: Any, learning_rate: Any) -> None:
        lr = lr_value(learning_rate)
        i = self._get_variable_index(variable)
        acc_g, acc_d = self._accumulated_grads[i], self._accumulated_delta_vars[i]
        rho, eps = self.rho, self.epsilon
        self.assign(acc_g, acc_g * rho + gradient * gradient * (1.0 - rho))
        delta = -(P.unary(P.sqrt, acc_d + eps) * gradient) / P.unary(P.sqrt, acc_g + eps)
        self.assign(acc_d, acc_d * rho + delta * delta * (1.0 - rho))
        self.assign_add(variable, lr * delta)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
