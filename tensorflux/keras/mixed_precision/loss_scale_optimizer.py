"""LossScaleOptimizer: dynamic loss scaling for float16 training (Keras 3's, with tf.keras 2 names).

Small float16 gradients underflow to zero.  The loss is multiplied by a large scale before the
gradients are taken, and the gradients are divided by it before the update.  The scale adapts:
a step whose gradients hold an inf or NaN is skipped and the scale halved; after
``dynamic_growth_steps`` finite steps in a row the scale doubles.
"""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.optimizers.base_optimizer import Optimizer

# Base-optimizer arguments Keras' config carried with these values; anything else must be set on
# the inner optimizer.
_INERT = {
    "weight_decay": None,
    "clipnorm": None,
    "global_clipnorm": None,
    "clipvalue": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}


def _like(scale: Any, x: Tensor) -> Any:
    """``scale`` in ``x``'s dtype (a float16 loss or gradient meets the float32 scale)."""
    if isinstance(scale, Tensor) and scale._value.dtype != x._value.dtype:
        return P.unary(P.cast, scale, dtype=x._value.dtype)
    return scale


class LossScaleOptimizer(Optimizer):
    """An optimizer that scales the loss dynamically so that float16 gradients do not underflow.

    ``model.compile`` wraps the optimizer in one when the model's dtype policy is
    ``"mixed_float16"`` (``auto_scale_loss=True``); a custom training loop uses it as::

        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x))
            scaled = optimizer.scale_loss(loss)
        optimizer.apply_gradients(zip(tape.gradient(scaled, model.trainable_variables), ...))

    ``apply_gradients`` unscales the gradients, skips the step (and halves the scale) when one
    is not finite, and doubles the scale after ``dynamic_growth_steps`` finite steps.

    Args:
        inner_optimizer: the optimizer that applies the unscaled gradients.
        initial_scale: the starting loss scale (default ``2 ** 15``).
        dynamic_growth_steps: finite steps in a row after which the scale doubles (default 2000).
        name: the optimizer's name.

    >>> import tensorflux as tf
    >>> opt = LossScaleOptimizer(tf.keras.optimizers.SGD(0.5), initial_scale=8.0)
    >>> w = tf.Variable([1.0])
    >>> _ = opt.apply_gradients([(tf.constant([16.0]), w)])  # the scaled gradient of 2.0
    >>> w.numpy().tolist(), float(opt.dynamic_scale)
    ([0.0], 8.0)
    >>> _ = opt.apply_gradients([(tf.constant([float("inf")]), w)])  # skipped
    >>> w.numpy().tolist(), float(opt.dynamic_scale)
    ([0.0], 4.0)
    """

    def __init__(
        self,
        inner_optimizer: Optimizer,
        initial_scale: float = 2.0**15,
        dynamic_growth_steps: int = 2000,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if not kwargs.pop("dynamic", True):
            raise ValueError(
                "LossScaleOptimizer no longer supports `dynamic=False`. Instead, simply set "
                "`loss_scale_factor` directly on the `inner_optimizer`."
            )
        for arg, default in _INERT.items():
            if arg in kwargs and kwargs.pop(arg) != default:
                raise ValueError(
                    f"LossScaleOptimizer does not support `{arg}`. Instead, set `{arg}` on the "
                    "`inner_optimizer`."
                )
        kwargs.pop("learning_rate", None)  # written by configs that went through the base class
        if kwargs:
            raise ValueError(f"LossScaleOptimizer does not support arguments: `{'`, `'.join(kwargs)}`.")
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError(
                "LossScaleOptimizer: `inner_optimizer` must be an optimizer instance such as "
                f"keras.optimizers.Adam(). Received: inner_optimizer={inner_optimizer!r}"
            )
        if not dynamic_growth_steps or int(dynamic_growth_steps) < 1:
            raise ValueError(
                "LossScaleOptimizer: `dynamic_growth_steps` must be a positive integer. "
                f"Received: dynamic_growth_steps={dynamic_growth_steps!r}"
            )
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = float(initial_scale)
        self.dynamic_growth_steps = int(dynamic_growth_steps)
        # the loss is scaled here: the inner optimizer must not scale it again
        self.inner_optimizer.loss_scale_factor = None

    def _scale_variables(self) -> None:
        # Made by scale_loss too when it runs first: a traced step must read the scale variable, not
        # freeze initial_scale into its graph.
        if "dynamic_scale" not in self.__dict__:
            self.step_counter = self.add_variable((), initializer="zeros", dtype="int64", name="step_counter")
            self.dynamic_scale = self.add_variable(
                (), initializer=self.initial_scale, dtype="float32", name="dynamic_scale"
            )

    def build(self, variables: Any) -> None:
        variables = list(variables)
        self._scale_variables()
        if not self.inner_optimizer.built:
            self.inner_optimizer.build(variables)
        super().build(variables)

    @property
    def variables(self) -> list[Any]:
        """Its own (iterations, learning rate, step counter, scale), then the inner optimizer's."""
        return list(self._variables) + list(self.inner_optimizer.variables)

    @property
    def iterations(self) -> Any:
        return self.inner_optimizer.iterations

    @property
    def learning_rate(self) -> Any:
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate: Any) -> None:
        self.inner_optimizer.learning_rate = learning_rate

    @property
    def loss_scale(self) -> Any:
        """The current loss scale, a float32 variable (tf.keras 2's name)."""
        self._scale_variables()
        return self.dynamic_scale

    # -- scaling ----------------------------------------------------------------------------------
    def scale_loss(self, loss: Any) -> Any:
        """``loss * scale``: take the gradients of this, then ``apply_gradients`` unscales them."""
        if not isinstance(loss, Tensor):
            loss = P.convert_to_tensor(loss)
        return loss * _like(self.loss_scale, loss)

    get_scaled_loss = scale_loss  # tf.keras 2

    def get_unscaled_gradients(self, grads: Any) -> list[Any]:
        """``grads`` divided by the loss scale (tf.keras 2).

        Keras 3 code passes the scaled gradients to ``apply_gradients``, which unscales them; tf.keras
        2 code unscales them with this first.  Both work: gradients this returned are not unscaled again.
        """
        scale = self.loss_scale
        out = [None if g is None else g / _like(scale, g) for g in grads]
        self.__dict__["_unscaled"] = [g for g in out if g is not None]  # kept alive: their ids stay theirs
        return out

    def check_finite(self, grads: Any) -> Tensor:
        """A boolean scalar: whether every gradient is free of inf and NaN."""
        finite = None
        for g in grads:
            if g is None:
                continue
            ok = P.unary(P.reduce_all, P.unary(P.isfinite, g), axis=None, keepdims=False)
            finite = ok if finite is None else P.binary(P.logical_and, finite, ok)
        return finite if finite is not None else P.convert_to_tensor(True)

    # -- applying ---------------------------------------------------------------------------------
    def apply(self, grads: Any, trainable_variables: Any = None) -> None:
        from tensorflux.ops.control_flow_ops import cond

        grads = list(grads)
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be built on a "
                    "list of variables. Call `optimizer.build(trainable_variables)` first."
                )
            variables = list(self._trainable_variables)
        else:
            variables = list(trainable_variables)
            if not self.built:
                self.build(variables)
        unscaled = {id(g) for g in self.__dict__.pop("_unscaled", ())}
        given = [g for g in grads if g is not None]
        scaled = not (unscaled and all(id(g) in unscaled for g in given))
        # Both branches run in a traced step (fit): cond picks one each time the graph runs.
        cond(
            self.check_finite(grads),
            lambda: self._apply_finite(grads, variables, scaled),
            self._skip_step,
        )

    def _apply_finite(self, grads: list[Any], variables: list[Any], scaled: bool) -> Tensor:
        scale = self.dynamic_scale
        if scaled:
            grads = [None if g is None else g / _like(scale, g) for g in grads]
        self.inner_optimizer.apply(grads, variables)
        counter = self.step_counter
        grow = P.binary(P.equal, counter, self.dynamic_growth_steps - 1)
        zero = P.constant_like(0, counter)
        counter.assign(P.bind(P.where, (grow, zero, counter + 1), {}))
        scale.assign(P.bind(P.where, (grow, scale * 2.0, P.unary(P.identity, scale)), {}))
        return P.unary(P.identity, scale)

    def _skip_step(self) -> Tensor:
        self.step_counter.assign(P.constant_like(0, self.step_counter))
        self.dynamic_scale.assign(self.dynamic_scale * 0.5)
        return P.unary(P.identity, self.dynamic_scale)

    def finalize_variable_values(self, var_list: Any) -> None:
        self.inner_optimizer.finalize_variable_values(var_list)

    # -- state and configuration ------------------------------------------------------------------
    def get_weights(self) -> list[Any]:
        return [v.numpy() for v in self.variables]

    def set_weights(self, weights: Any) -> None:
        variables = self.variables
        if len(list(weights)) != len(variables):
            raise ValueError(
                f"LossScaleOptimizer '{self.name}' has {len(variables)} variables; received "
                f"{len(list(weights))} weights."
            )
        for v, w in zip(variables, weights):
            v.assign(w)

    def get_config(self) -> dict[str, Any]:
        from tensorflux.keras import optimizers

        return {
            "name": self.name,
            "inner_optimizer": optimizers.serialize(self.inner_optimizer),
            "initial_scale": self.initial_scale,
            "dynamic_growth_steps": self.dynamic_growth_steps,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> LossScaleOptimizer:
        from tensorflux.keras import optimizers

        config = dict(config)
        inner = config.pop("inner_optimizer")
        if isinstance(inner, dict):
            inner = optimizers.deserialize(inner, custom_objects=custom_objects)
        return cls(inner, **config)


def quiet_overflow(optimizer: Any, step: Any) -> Any:
    """``step`` (a training step of ``fit``) with float overflow warnings off when the loss is scaled.

    An overflow to inf is how a too-large loss scale shows (the step is skipped and the scale
    halved), not an error: as with TensorFlow, it passes silently.
    """
    if not isinstance(optimizer, LossScaleOptimizer):
        return step

    def quiet_step(data: Any) -> Any:
        with B.ignore_fp_errors():
            return step(data)

    return quiet_step
