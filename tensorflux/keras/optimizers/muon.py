"""Muon: momentum orthogonalized by Newton-Schulz (Jordan et al., 2024; Liu et al., 2025), else Adam."""

from __future__ import annotations

import math
import re
from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.optimizer_primitives import adam_update
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.optimizers.adam import _fusable, _powers
from tensorflux.keras.optimizers.base_optimizer import Optimizer, in_dtype, lr_in, lr_value, sqrt


def _transpose_last(x: Tensor) -> Tensor:
    nd = x._value.ndim
    return P.unary(P.transpose, x, perm=tuple(range(nd - 2)) + (nd - 1, nd - 2))


class Muon(Optimizer):
    """Muon with Keras 3's defaults and update rule.

    A 2-D variable takes the Muon step: ``m = momentum * m + g``; the direction ``g + momentum * m``
    (``m`` without ``nesterov``) is orthogonalized by ``ns_steps`` quintic Newton-Schulz iterations
    ``X <- a X + (b A + c A A) X`` with ``A = X X^T`` (on the wide orientation, after scaling ``X``
    to Frobenius norm 1); ``w -= lr * update * sqrt(max(rows, cols)) * rms_rate`` (no last factor
    when ``rms_rate`` is None).  Every other variable takes an Adam step with learning rate
    ``lr * adam_lr_ratio``: those not 2-D, those whose path contains "embedding" (when
    ``exclude_embeddings``) and those whose path matches a regular expression of ``exclude_layers``.
    Weight decay is ``weight_decay`` on Muon variables and ``adam_weight_decay`` on Adam ones.

    >>> import tensorflux as tf
    >>> w = tf.Variable([[1.0, 0.0], [0.0, 1.0]], name="kernel")
    >>> opt = Muon(learning_rate=0.1, weight_decay=None, rms_rate=None, nesterov=False)
    >>> _ = opt.apply_gradients([(tf.constant([[1.0, 0.0], [0.0, 1.0]]), w)])
    >>> [round(float(x), 2) for x in w.numpy().ravel()]
    [0.89, 0.0, 0.0, 0.89]
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        adam_beta_1: float = 0.9,
        adam_beta_2: float = 0.999,
        adam_weight_decay: float | None = 0.004,
        epsilon: float = 1e-7,
        weight_decay: float | None = 0.004,
        clipnorm: Any = None,
        clipvalue: Any = None,
        global_clipnorm: Any = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: Any = None,
        loss_scale_factor: Any = None,
        gradient_accumulation_steps: Any = None,
        name: str | None = None,
        exclude_layers: Any = None,
        exclude_embeddings: bool = True,
        muon_a: float = 3.4445,
        muon_b: float = -4.7750,
        muon_c: float = 2.0315,
        adam_lr_ratio: float = 1,
        momentum: float = 0.95,
        ns_steps: int = 5,
        nesterov: bool = True,
        rms_rate: float | None = 0.2,
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
        if not isinstance(ns_steps, int) or isinstance(ns_steps, bool) or ns_steps < 0:
            raise ValueError(f"Muon: `ns_steps` must be an integer >= 0. Received: ns_steps={ns_steps!r}")
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.epsilon = epsilon
        self.muon_a = muon_a
        self.muon_b = muon_b
        self.muon_c = muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.exclude_embeddings = exclude_embeddings
        self.exclude_layers = list(exclude_layers or [])
        self.adam_weight_decay = adam_weight_decay
        self.rms_rate = rms_rate

    def _should_use_adamw(self, variable: Any) -> bool:
        """Whether ``variable`` takes the Adam step (see the class docstring for the rule)."""
        if len(variable.shape) != 2:
            return True
        path = str(getattr(variable, "path", None) or variable.name)
        if self.exclude_embeddings and "embedding" in path.lower():
            return True
        return any(re.search(keyword, path) for keyword in self.exclude_layers)

    def build(self, var_list: Any) -> None:
        if self.built:
            return
        var_list = list(var_list)
        super().build(var_list)
        # momentums serve both steps; velocities only the Adam variables (None elsewhere)
        self.momentums: list[Any] = [None] * len(var_list)
        self.adam_velocities: list[Any] = [None] * len(var_list)
        for var in var_list:
            if getattr(var, "overwrite_with_gradient", False):
                continue
            i = self._get_variable_index(var)
            self.momentums[i] = self.add_variable_from_reference(var, name="momentum")
            if self._should_use_adamw(var):
                self.adam_velocities[i] = self.add_variable_from_reference(var, name="velocity")

    def update_step(self, gradient: Tensor, variable: Any, learning_rate: Any) -> None:
        i = self._get_variable_index(variable)
        m, v = self.momentums[i], self.adam_velocities[i]
        if v is not None:
            lr = learning_rate if self.adam_lr_ratio == 1 else learning_rate * self.adam_lr_ratio
            self._adamw_update_step(gradient, variable, lr, m, v)
        else:
            self._muon_update_step(gradient, variable, learning_rate, m)

    def _muon_update_step(self, gradient: Tensor, variable: Any, lr: Any, m: Any) -> None:
        self.assign_add(m, gradient + m * (self.momentum - 1))
        g = gradient + m * self.momentum if self.nesterov else m
        update = self.zeropower_via_newtonschulz5(g, self.ns_steps)
        self.assign_sub(variable, self.lr_adjust(update * lr_value(lr)))

    def _adamw_update_step(self, gradient: Tensor, variable: Any, learning_rate: Any, m: Any, v: Any) -> None:
        dtype = variable._value.dtype
        r = in_dtype(dtype)
        b1, b2 = self.adam_beta_1, self.adam_beta_2
        b1_power, b2_power = _powers(self, dtype, b1, b2)
        alpha = r(r(lr_value(learning_rate) * r(sqrt(r(1.0 - b2_power)))) / r(1.0 - b1_power))
        if _fusable(gradient, variable, b1, b2, self.epsilon):
            # the same arithmetic as below in one kernel (Adam's)
            if not isinstance(alpha, Tensor):
                alpha = P.constant_like(alpha, variable)
            params = {"beta_1": b1, "beta_2": b2, "epsilon": self.epsilon}
            new_w, new_m, new_v = P.bind(adam_update, (variable, m, v, gradient, alpha), params)
            m._assign_fresh(new_m)
            v._assign_fresh(new_v)
            variable._assign_fresh(new_w)
            return
        self.assign_add(m, (gradient - m) * (1.0 - b1))
        self.assign_add(v, (gradient * gradient - v) * (1.0 - b2))
        self.assign_sub(variable, (m * alpha) / (P.unary(P.sqrt, v) + self.epsilon))

    def transpose_last_axis(self, X: Tensor) -> Tensor:  # noqa: N803  (Keras' name)
        """``X`` with its last two axes swapped."""
        return _transpose_last(X)

    def lr_adjust(self, x: Tensor) -> Tensor:
        """``x * sqrt(max(rows, cols)) * rms_rate`` (Moonlight's scaling); ``x`` when ``rms_rate`` is None."""
        if self.rms_rate is None:
            return x
        r = in_dtype(x._value.dtype)
        return x * r(math.sqrt(max(int(x.shape[0]), int(x.shape[1])))) * self.rms_rate

    def zeropower_via_newtonschulz5(self, x: Tensor, steps: int) -> Tensor:
        """An approximate ``U V^T`` of ``x = U S V^T`` by ``steps`` quintic Newton-Schulz iterations."""
        shape = tuple(x.shape)
        if len(shape) < 2:
            raise ValueError(
                f"Expected gradient or momentum to have at least 2 dimensions. Received: shape={shape}"
            )
        a, b, c = self.muon_a, self.muon_b, self.muon_c
        tall = shape[-2] > shape[-1]
        if tall:
            x = _transpose_last(x)
        # a Frobenius norm of 1 bounds the spectral norm by 1, where the iteration converges
        sq = P.unary(P.reduce_sum, x * x, axis=(-2, -1), keepdims=True)
        x = x / (P.unary(P.sqrt, sq) + 1e-7)
        for _ in range(steps):
            gram = P.binary(P.matmul, x, _transpose_last(x))
            poly = gram * b + P.binary(P.matmul, gram * c, gram)
            x = x * a + P.binary(P.matmul, poly, x)
        return _transpose_last(x) if tall else x

    def _apply_weight_decay(self, variables: list[Any]) -> None:
        learning_rate = self.learning_rate
        for variable in variables:
            if not self._use_weight_decay(variable):
                continue
            wd = self.adam_weight_decay if self._should_use_adamw(variable) else self.weight_decay
            if wd is None:
                continue
            lr = lr_value(lr_in(learning_rate, variable._value.dtype))
            variable.assign(variable - variable * float(wd) * lr)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "adam_beta_1": self.adam_beta_1,
            "adam_beta_2": self.adam_beta_2,
            "epsilon": self.epsilon,
            "exclude_layers": self.exclude_layers,
            "muon_a": self.muon_a,
            "muon_b": self.muon_b,
            "muon_c": self.muon_c,
            "adam_lr_ratio": self.adam_lr_ratio,
            "momentum": self.momentum,
            "ns_steps": self.ns_steps,
            "nesterov": self.nesterov,
            "exclude_embeddings": self.exclude_embeddings,
            "adam_weight_decay": self.adam_weight_decay,
            "rms_rate": self.rms_rate,
        }
