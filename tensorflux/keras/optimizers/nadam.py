"""Nadam: Adam with Nesterov momentum (Dozat, 2016), with Keras' momentum schedule."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.config import floatx
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.optimizers.base_optimizer import Optimizer, in_dtype, lr_value, scalar_value, step_count


class Nadam(Optimizer):
    """Adam with Nesterov momentum; ``u_t = b1 (1 - 0.5 * 0.96^t)`` schedules the momentum.

    >>> import tensorflux as tf
    >>> w = tf.Variable(1.0)
    >>> _ = Nadam(learning_rate=0.1).apply_gradients([(tf.constant(2.0), w)])
    >>> round(float(w), 4)
    0.8937
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
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

    def build(self, variables: Any) -> None:
        if self.built:
            return
        variables = list(variables)
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(variables, ["momentum", "velocity"])
        from tensorflux.backend import ops as B

        dtype = variables[0]._value.dtype if variables else B.native_dtype(floatx())
        self._u_product = self._new_variable(B.asarray(1.0, dtype), "u_product")

    def _backend_update_step(self, grads: list[Any], variables: list[Any], learning_rate: Any) -> None:
        # the product lives in the first variable's dtype (Keras); each update casts it to its own
        dtype = self._u_product._value.dtype
        r = in_dtype(dtype)
        t = step_count(self, dtype)
        u = scalar_value(self._u_product)
        factor = r(1.0 - r(0.5 * r(r(0.96) ** t)))
        self._u_product.assign(r(r(u * r(self.beta_1)) * factor))
        super()._backend_update_step(grads, variables, learning_rate)

    def update_step(self, gradient: Tensor, variable: Any, learning_rate: Any) -> None:
        lr = lr_value(learning_rate)
        dtype = variable._value.dtype
        r = in_dtype(dtype)
        t = step_count(self, dtype)
        decay, beta_1, beta_2 = r(0.96), r(self.beta_1), r(self.beta_2)
        u_t = r(beta_1 * r(1.0 - r(0.5 * r(decay**t))))
        u_t_1 = r(beta_1 * r(1.0 - r(0.5 * r(decay ** (t + 1)))))
        u_product_t = r(scalar_value(self._u_product))
        u_product_t_1 = r(u_product_t * u_t_1)
        beta_2_power = r(beta_2**t)
        i = self._get_variable_index(variable)
        m, v = self._momentums[i], self._velocities[i]
        self.assign_add(m, (gradient - m) * r(1.0 - beta_1))
        self.assign_add(v, (gradient * gradient - v) * r(1.0 - beta_2))
        m_hat = (m * u_t_1) / r(1.0 - u_product_t_1) + (gradient * r(1.0 - u_t)) / r(1.0 - u_product_t)
        v_hat = v / r(1.0 - beta_2_power)
        self.assign_sub(variable, (m_hat * lr) / (P.unary(P.sqrt, v_hat) + self.epsilon))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
