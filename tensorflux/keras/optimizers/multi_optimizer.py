"""``OptimizerMap`` and ``MultiOptimizer``: train different variables with different optimizers.

An ``OptimizerMap`` maps variable paths (exact strings or regular expressions matched with
``re.fullmatch``) to optimizers, with a default for every other variable.  ``MultiOptimizer``
wraps such a map (or any callable ``variable -> optimizer``): ``build`` sorts the variables into
one group per inner optimizer, and ``apply`` hands each group's gradients to its optimizer, so
each inner optimizer keeps its own learning rate, slots and step counter, exactly as if it trained
its variables alone.  The wrapper counts its own steps in ``iterations``.

Saved state (Keras 3 layout): the wrapper's ``variables`` are its own (``iterations``, the unused
``learning_rate``) followed by each inner optimizer's variables, in the order of ``optimizers``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, MutableMapping
from typing import Any

from tensorflux.framework.variables import Variable
from tensorflux.keras.optimizers.base_optimizer import Optimizer


def _serialize_optimizer(opt: Any) -> dict[str, Any]:
    from tensorflux.keras import optimizers

    return optimizers.serialize(opt)


def _deserialize_optimizer(config: Any, custom_objects: Any = None) -> Optimizer:
    from tensorflux.keras import optimizers

    if isinstance(config, Optimizer):
        return config
    return optimizers.deserialize(config, custom_objects=custom_objects)


def _check_inner(optimizer: Any, what: str) -> None:
    """Only plain optimizers can sit inside a ``MultiOptimizer`` (Keras' rule)."""
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"{what} must be a Keras Optimizer instance. Received: {optimizer!r}")
    if isinstance(optimizer, MultiOptimizer):
        raise ValueError(f"{what} cannot be a MultiOptimizer: MultiOptimizers do not nest.")
    if type(optimizer).__name__ == "LossScaleOptimizer":
        raise ValueError(
            f"{what} cannot be a LossScaleOptimizer: wrap the MultiOptimizer in it instead, or pass "
            "loss_scale_factor= to the MultiOptimizer."
        )


class OptimizerMap(MutableMapping):  # type: ignore[type-arg]
    """A mapping from variable paths (or regular expressions) to optimizers, with a default.

    A key matches a variable whose ``path`` equals it; otherwise every key is tried as a regular
    expression with ``re.fullmatch`` (so ``"encoder/.*"`` matches everything under ``encoder``,
    ``"encoder"`` only that exact path).  A path matched by two patterns is an error; a path
    matched by none gets ``default_optimizer``.

    Args:
        default_optimizer: The optimizer for every variable no key matches.
        optimizer_map: Optional dict ``{path or pattern: optimizer}``.

    >>> from tensorflux.keras.optimizers import SGD, Adam
    >>> m = OptimizerMap(SGD(), {".*dense/.*": Adam()})
    >>> type(m["model/dense/kernel"]).__name__, type(m["model/conv/kernel"]).__name__
    ('Adam', 'SGD')
    """

    def __init__(self, default_optimizer: Optimizer, optimizer_map: dict[str, Optimizer] | None = None):
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError(
                f"default_optimizer must be a Keras Optimizer instance. Received: {default_optimizer!r}"
            )
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError(f"optimizer_map must be a dictionary. Received: {optimizer_map!r}")
        for key, opt in (optimizer_map or {}).items():
            if not isinstance(key, str):
                raise ValueError(f"optimizer_map keys must be strings. Received: {key!r}")
            _check_inner(opt, f"optimizer_map[{key!r}]")
        self._default_optimizer = default_optimizer
        self._optimizer_map: dict[str, Optimizer] = optimizer_map or {}

    @property
    def default_optimizer(self) -> Optimizer:
        return self._default_optimizer

    def __getitem__(self, key: str) -> Optimizer:
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matches = [p for p in self._optimizer_map if re.fullmatch(p, key)]
        if len(matches) > 1:
            raise ValueError(
                f"Multiple optimizers assigned to variable {key}: it matches the patterns {matches}. "
                "Make the patterns exclusive."
            )
        if matches:
            return self._optimizer_map[matches[0]]
        return self._default_optimizer

    def __setitem__(self, key: str, optimizer: Optimizer) -> None:
        if key in self._optimizer_map:
            raise ValueError(
                f"'{key}' already exists in the OptimizerMap with value {self._optimizer_map[key]}. "
                "Please make sure to not use duplicated keys."
            )
        if not isinstance(key, str):
            raise ValueError(f"key must be a string. Received: {key!r}")
        _check_inner(optimizer, "optimizer")
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key: str) -> None:
        del self._optimizer_map[key]

    def __len__(self) -> int:
        return len(self._optimizer_map)

    def __iter__(self) -> Iterator[str]:
        return iter(self._optimizer_map)

    def __call__(self, variable: Any) -> Optimizer:
        """The optimizer for ``variable`` (looked up by its ``path``)."""
        return self[variable.path]

    def get_config(self) -> dict[str, Any]:
        return {
            "default_optimizer": _serialize_optimizer(self._default_optimizer),
            "optimizer_map": {k: _serialize_optimizer(v) for k, v in self._optimizer_map.items()},
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> OptimizerMap:
        default = _deserialize_optimizer(config["default_optimizer"], custom_objects)
        mapping = {
            k: _deserialize_optimizer(v, custom_objects)
            for k, v in (config.get("optimizer_map") or {}).items()
        }
        return cls(default, mapping)


class MultiOptimizer(Optimizer):
    """An optimizer that hands each variable to the optimizer an ``OptimizerMap`` (or callable) picks.

    Each inner optimizer updates only its own variables, with its own learning rate and state, so
    training with ``MultiOptimizer(OptimizerMap(SGD(0.1), {".*encoder/.*": Adam(1e-3)}))`` updates
    the encoder exactly as ``Adam(1e-3)`` alone would and the rest as ``SGD(0.1)`` would.  There
    is no single ``learning_rate``: set it on the inner optimizers (``.optimizers``).

    Args:
        optimizer_map: An ``OptimizerMap``, or a callable ``variable -> optimizer``.
        loss_scale_factor: If set, the loss is multiplied by it and gradients divided by it; it
            overrides the inner optimizers' ``loss_scale_factor`` (also when None, as in Keras).
        name: Name of the optimizer.

    >>> import tensorflux as tf
    >>> from tensorflux.keras.optimizers import SGD
    >>> a, b = tf.Variable([1.0], name="a"), tf.Variable([1.0], name="b")
    >>> opt = MultiOptimizer(OptimizerMap(SGD(0.5), {"a": SGD(0.1)}))
    >>> opt.apply([tf.constant([1.0]), tf.constant([1.0])], [a, b])
    >>> round(float(a[0]), 4), round(float(b[0]), 4)
    (0.9, 0.5)
    """

    def __init__(self, optimizer_map: Any, loss_scale_factor: float | None = None, name: str | None = None):
        if not callable(optimizer_map):
            raise TypeError(
                "optimizer_map must be an OptimizerMap or a callable that returns an optimizer for a "
                f"variable. Received: {optimizer_map!r}"
            )
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor, name=name)
        self._optimizer_map = optimizer_map
        self._inner_optimizers: list[Optimizer] = []
        known = list(optimizer_map.values()) if isinstance(optimizer_map, OptimizerMap) else []
        default = getattr(optimizer_map, "default_optimizer", None)
        if default is not None:
            known.append(default)
        for opt in known:
            self._add_inner(opt)

    def _add_inner(self, opt: Any) -> int:
        if not any(o is opt for o in self._inner_optimizers):
            _check_inner(opt, f"The optimizer chosen by {type(self).__name__} '{self.name}'")
            opt.loss_scale_factor = self.loss_scale_factor
            self._inner_optimizers.append(opt)
        return next(i for i, o in enumerate(self._inner_optimizers) if o is opt)

    # -- building and applying ------------------------------------------------------------------
    def build(self, var_list: Any) -> None:
        if self.built:
            return
        var_list = list(var_list)
        self._group_of: dict[int, int] = {}
        for v in var_list:
            opt = self._optimizer_map(v)
            try:
                idx = self._add_inner(opt)
            except ValueError as e:
                raise ValueError(f"{e} (variable '{getattr(v, 'path', v.name)}')") from None
            self._group_of[id(v)] = idx
        groups = self._split(var_list)
        for opt, variables in zip(self._inner_optimizers, groups):
            if variables:
                opt.build(variables)
        super().build(var_list)

    def _split(self, variables: list[Any], values: list[Any] | None = None) -> list[list[Any]]:
        """``values`` (default: the variables themselves) in one list per inner optimizer."""
        groups: list[list[Any]] = [[] for _ in self._inner_optimizers]
        for i, v in enumerate(variables):
            idx = self._group_of.get(id(v))
            if idx is None:
                raise ValueError(
                    f"Unknown variable: {v!r}. MultiOptimizer '{self.name}' can only update the variables "
                    "it was built with. When working with a new set of variables, create a new optimizer."
                )
            groups[idx].append(v if values is None else values[i])
        return groups

    def apply(self, grads: Any, trainable_variables: Any = None) -> None:
        """Hand each variable's gradient to its optimizer; every optimizer given gradients takes one step."""
        grads = list(grads)
        if not grads:
            return
        variables = self._variables_for(trainable_variables)
        if len(grads) != len(variables):
            raise ValueError(
                f"Gradients must match trainable variables one-to-one. Received {len(grads)} gradients and "
                f"{len(variables)} variables."
            )
        # dropping missing gradients here (with the base class' warning) keeps an optimizer whose
        # variables all lack gradients from raising; it simply takes no step
        grads, variables = self._filter_empty_gradients(grads, variables)
        for opt, sub_vars, sub_grads in zip(
            self._inner_optimizers, self._split(variables), self._split(variables, grads)
        ):
            if sub_vars:
                opt.apply(sub_grads, sub_vars)
        self._iterations.assign_add(1)

    def finalize_variable_values(self, var_list: Any) -> None:
        for opt, variables in zip(self._inner_optimizers, self._split(list(var_list))):
            if variables:
                opt.finalize_variable_values(variables)

    # -- attributes -----------------------------------------------------------------------------
    @property
    def optimizers(self) -> list[Optimizer]:
        """The inner optimizers: those named by the map, then any a callable returned while building."""
        return self._inner_optimizers

    @property
    def variables(self) -> list[Variable]:
        """The wrapper's own variables, then each inner optimizer's, in the order of ``optimizers``."""
        out = list(self._variables)
        for opt in self._inner_optimizers:
            out.extend(opt.variables)
        return out

    @property
    def learning_rate(self) -> Any:
        raise AttributeError(
            "Learning rate cannot be accessed on a MultiOptimizer. Access the learning rate on the "
            "individual sub-optimizers instead (`optimizer.optimizers`)."
        )

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        raise AttributeError(
            "Learning rate cannot be set on a MultiOptimizer. Set the learning rate on the individual "
            "sub-optimizers instead (`optimizer.optimizers`)."
        )

    @property
    def loss_scale_factor(self) -> float | None:
        return getattr(self, "_loss_scale_factor", None)

    @loss_scale_factor.setter
    def loss_scale_factor(self, value: float | None) -> None:
        self._loss_scale_factor = value
        for opt in getattr(self, "_inner_optimizers", ()):
            opt.loss_scale_factor = value

    # -- state ----------------------------------------------------------------------------------
    def get_weights(self) -> list[Any]:
        return [v.numpy() for v in self.variables]

    def set_weights(self, weights: Any) -> None:
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been built. Please call "
                "`optimizer.build(trainable_variables)` to create the optimizer weights before calling "
                "`set_weights()`."
            )
        weights = list(weights)
        if len(weights) != len(self.variables):
            raise ValueError(
                f"MultiOptimizer '{self.name}' has {len(self.variables)} variables (its own, then each "
                f"inner optimizer's), but received {len(weights)} weights."
            )
        own = len(self._variables)
        super().set_weights(weights[:own])
        start = own
        for opt in self._inner_optimizers:
            n = len(opt.variables)
            if n:
                opt.set_weights(weights[start : start + n])
            start += n

    def get_config(self) -> dict[str, Any]:
        from tensorflux.keras.utils.serialization import serialize_keras_object

        m = self._optimizer_map
        mapping = (
            {
                "module": "keras.optimizers",
                "class_name": "OptimizerMap",
                "config": m.get_config(),
                "registered_name": None,
            }
            if isinstance(m, OptimizerMap)
            else serialize_keras_object(m)
        )
        return {"optimizer_map": mapping, "loss_scale_factor": self.loss_scale_factor, "name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> MultiOptimizer:
        config = dict(config)
        m = config.get("optimizer_map")
        if isinstance(m, dict) and m.get("class_name") == "OptimizerMap":
            config["optimizer_map"] = OptimizerMap.from_config(m.get("config", {}), custom_objects)
        elif isinstance(m, dict):
            from tensorflux.keras.utils.serialization import deserialize_keras_object

            config["optimizer_map"] = deserialize_keras_object(m, custom_objects=custom_objects)
        return cls(**config)
