"""Adam: adaptive moment estimation (Kingma and Ba, 2014), with optional AMSGrad."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.optimizer_primitives import adam_update
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.optimizers.base_optimizer import Optimizer, in_dtype, lr_value, sqrt, step_count


def _powers(opt: Any, dtype: Any, *betas: float) -> list[Any]:
    """``beta ** (iterations + 1)`` for each beta, in the variable's ``dtype`` (as Keras computes them)."""
    step = step_count(opt, dtype)
    r = in_dtype(dtype)
    return [r(r(b) ** step) for b in betas]


def _fusable(gradient: Any, variable: Any, *hyper: Any) -> bool:
    """Whether the fused kernel applies: a dense float gradient like the variable, float betas."""
    return (
        isinstance(gradient, Tensor)
        and gradient.dtype == variable.dtype
        and variable.dtype.is_floating
        and tuple(gradient.shape) == tuple(variable.shape)
        and all(isinstance(h, float) for h in hyper)
    )


class Adam(Optimizer):
    """Adam with Keras' defaults (``epsilon=1e-7``) and update rule.

    ``alpha = lr * sqrt(1 - b2^t) / (1 - b1^t)``; ``m += (g - m)(1 - b1)``; ``v += (g^2 - v)(1 - b2)``;
    ``w -= alpha * m / (sqrt(v) + eps)``.  With ``amsgrad`` the running maximum of ``v`` is used.

    >>> import tensorflux as tf
    >>> w = tf.Variable(1.0)
    >>> _ = Adam(learning_rate=0.1).apply_gradients([(tf.constant(2.0), w)])
    >>> round(float(w), 4)
    0.9
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
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
        self.amsgrad = amsgrad

    def build(self, variables: Any) -> None:
        if self.built:
            return
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(variables, ["momentum", "velocity"])
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(variables, "velocity_hat")

    def update_step(self, gradient: Tensor, variable: Any, learning_rate: Any) -> None:
        dtype = variable._value.dtype
        r = in_dtype(dtype)
        b1_power, b2_power = _powers(self, dtype, self.beta_1, self.beta_2)
        i = self._get_variable_index(variable)
        m, v = self._momentums[i], self._velocities[i]
        alpha = r(r(lr_value(learning_rate) * r(sqrt(r(1.0 - b2_power)))) / r(1.0 - b1_power))
        if not self.amsgrad and _fusable(gradient, variable, self.beta_1, self.beta_2, self.epsilon):
            params = {"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
            if not isinstance(alpha, Tensor):  # bind would make a Python float a float32 tensor
                alpha = P.constant_like(alpha, variable)
            new_w, new_m, new_v = P.bind(adam_update, (variable, m, v, gradient, alpha), params)
            m._assign_fresh(new_m)
            v._assign_fresh(new_v)
            variable._assign_fresh(new_w)
            return
        self.assign_add(m, (gradient - m) * (1.0 - self.beta_1))
        self.assign_add(v, (gradient * gradient - v) * (1.0 - self.beta_2))
        if self.amsgrad:
            v_hat = self._velocity_hats[i]
            self.assign(v_hat, P.binary(P.maximum, v_hat, v))
            v = v_hat
        self.assign_sub(variable, (m * alpha) / (P.unary(P.sqrt, v) + self.epsilon))

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }
