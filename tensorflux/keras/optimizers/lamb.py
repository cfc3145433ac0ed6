"""Lamb: Adam's moments with a layer-wise trust ratio (You et al., 2019)."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.optimizers.base_optimizer import Optimizer, in_dtype, lr_value, step_count


def _norm(x: Tensor) -> Tensor:
    return P.unary(P.sqrt, P.unary(P.reduce_sum, x * x, axis=None, keepdims=False))


class Lamb(Optimizer):
    """Lamb with Keras 3's defaults and update rule.

    ``m += (g - m)(1 - b1)``; ``v += (g^2 - v)(1 - b2)``;
    ``u = (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)``; ``w -= r * lr * u`` with the trust ratio
    ``r = |w| / |u|`` (L2 norms over the whole variable), or 1 when either norm is 0.

    >>> import tensorflux as tf
    >>> w = tf.Variable([3.0, 4.0])
    >>> _ = Lamb(learning_rate=0.1).apply_gradients([(tf.constant([1.0, 1.0]), w)])
    >>> [round(x, 4) for x in w.numpy().tolist()]
    [2.6464, 3.6464]
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
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(variables, ["momentum", "velocity"])

    def update_step(self, gradient: Tensor, variable: Any, learning_rate: Any) -> None:
        dtype = variable._value.dtype
        r = in_dtype(dtype)
        step = step_count(self, dtype)
        b1_power, b2_power = r(r(self.beta_1) ** step), r(r(self.beta_2) ** step)
        i = self._get_variable_index(variable)
        m, v = self._momentums[i], self._velocities[i]
        self.assign_add(m, (gradient - m) * (1.0 - self.beta_1))
        self.assign_add(v, (gradient * gradient - v) * (1.0 - self.beta_2))
        update = (m / r(1.0 - b1_power)) / (P.unary(P.sqrt, v / r(1.0 - b2_power)) + self.epsilon)
        w_norm, u_norm = _norm(variable), _norm(update)
        one = P.constant_like(1.0, w_norm)
        # the where guards a zero norm; the safe denominator keeps the untaken branch finite
        safe_u = P.bind(P.where, (P.binary(P.greater, u_norm, 0.0), u_norm, one), {})
        ratio = P.bind(
            P.where,
            (
                P.binary(P.greater, w_norm, 0.0),
                P.bind(P.where, (P.binary(P.greater, u_norm, 0.0), w_norm / safe_u, one), {}),
                one,
            ),
            {},
        )
        self.assign_sub(variable, ratio * lr_value(learning_rate) * update)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
