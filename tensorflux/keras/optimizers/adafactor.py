"""Adafactor: Adam-like steps with a factored second moment (Shazeer and Stern, 2018)."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.optimizers.base_optimizer import Optimizer, in_dtype, lr_value, sqrt, step_count


def _rms(x: Tensor) -> Tensor:
    return P.unary(P.sqrt, P.unary(P.reduce_mean, x * x, axis=None, keepdims=False))


def _mean(x: Tensor, axis: int, keepdims: bool = False) -> Tensor:
    return P.unary(P.reduce_mean, x, axis=axis, keepdims=keepdims)


def _minimum(a: Any, b: Any) -> Any:
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        return P.binary(P.minimum, a, b)
    return min(a, b)


class Adafactor(Optimizer):
    """Adafactor with Keras 3's defaults and update rule.

    With ``t = iterations + 1``: ``rho = min(lr, 1 / sqrt(t))``, ``alpha = max(epsilon_2, rms(w)) * rho``,
    ``b2 = 1 - t^beta_2_decay``.  For a variable of rank >= 2 the second moment is factored over its
    last two axes: row and column means of ``g^2 + epsilon_1`` are averaged into ``r`` and ``c`` with
    ``b2`` and ``v = r / mean(r) (outer) c``; a lower-rank variable keeps the full average ``v``.
    ``u = g / sqrt(v)``; ``w -= alpha * u / max(1, rms(u) / clip_threshold)``.

    >>> import tensorflux as tf
    >>> w = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    >>> _ = Adafactor(learning_rate=0.1).apply_gradients([(tf.ones((2, 2)), w)])
    >>> [round(x, 4) for x in w.numpy().ravel().tolist()]
    [0.7261, 1.7261, 2.7261, 3.7261]
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_2_decay: float = -0.8,
        epsilon_1: float = 1e-30,
        epsilon_2: float = 1e-3,
        clip_threshold: float = 1.0,
        relative_step: bool = True,
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
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def build(self, variables: Any) -> None:
        if self.built:
            return
        super().build(variables)
        self._r: list[Any] = []
        self._c: list[Any] = []
        self._v: list[Any] = []
        # per variable r, c, then v, as Keras orders them; a variable of rank < 2 gets scalar
        # placeholders for r and c so that the saved variable lists line up with Keras'
        for var in variables:
            shape = tuple(var.shape)
            name = str(var.name).replace(":", "_")
            if len(shape) < 2:
                r_shape: tuple[int, ...] = ()
                c_shape: tuple[int, ...] = ()
            else:
                r_shape, c_shape = shape[:-1], shape[:-2] + shape[-1:]
            self._r.append(self.add_variable(r_shape, dtype=var.dtype, name=name))
            self._c.append(self.add_variable(c_shape, dtype=var.dtype, name=name))
            self._v.append(self.add_variable_from_reference(var, name="velocity"))

    def update_step(self, gradient: Tensor, variable: Any, learning_rate: Any) -> None:
        dtype = variable._value.dtype
        rd = in_dtype(dtype)
        step = step_count(self, dtype)
        lr = lr_value(learning_rate)
        # relative_step caps lr at 1/sqrt(t); rho applies the same cap, so the flag cannot change a step
        rho = _minimum(lr, rd(1.0 / rd(sqrt(step))))
        rms_w = _rms(variable)
        alpha = P.binary(P.maximum, rms_w, rd(self.epsilon_2)) * rho
        grad_sq = gradient * gradient + self.epsilon_1
        b2 = rd(1.0 - rd(step**self.beta_2_decay))
        i = self._get_variable_index(variable)
        r, c, v = self._r[i], self._c[i], self._v[i]
        if len(variable.shape) >= 2:
            self.assign(r, r * b2 + _mean(grad_sq, -1) * rd(1.0 - b2))
            self.assign(c, c * b2 + _mean(grad_sq, -2) * rd(1.0 - b2))
            row = r / _mean(r, -1, keepdims=True)
            row = P.unary(P.reshape, row, shape=tuple(row.shape) + (1,))
            col = P.unary(P.reshape, c, shape=tuple(c.shape[:-1]) + (1, c.shape[-1]))
            self.assign(v, row * col)
        else:
            self.assign(v, v * b2 + grad_sq * rd(1.0 - b2))
        u = gradient / P.unary(P.sqrt, v)
        u = u / P.binary(P.maximum, _rms(u) / float(self.clip_threshold), 1.0)
        self.assign_sub(variable, alpha * u)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_2_decay": self.beta_2_decay,
            "epsilon_1": self.epsilon_1,
            "epsilon_2": self.epsilon_2,
            "clip_threshold": self.clip_threshold,
            "relative_step": self.relative_step,
        }
