"""Lambda: wrap an arbitrary function of tensors as a layer."""

from __future__ import annotations

import base64
import inspect
import marshal
import types
from typing import Any

from tensorflux.framework import nest
from tensorflux.keras.engine.keras_tensor import KerasTensor
from tensorflux.keras.layers.layer import Layer


def _dump_function(fn: Any) -> dict[str, Any]:
    code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
    return {"class_name": "__lambda__", "config": {"code": code, "defaults": fn.__defaults__}}


def _load_function(config: dict[str, Any]) -> Any:
    code = marshal.loads(base64.b64decode(config["code"]))  # noqa: S302  (only with safe_mode=False)
    from tensorflux.keras import ops

    defaults = tuple(config["defaults"]) if config.get("defaults") else None
    return types.FunctionType(
        code,
        {"keras": __import__("tensorflux.keras"), "ops": ops, "__builtins__": __builtins__},
        code.co_name,
        defaults,
    )


class Lambda(Layer):
    """Applies ``function(inputs, **arguments)``; prefer a custom layer for anything with weights.

    Args:
        function: a function of the input tensor(s).
        output_shape: the output shape without the batch dimension (a tuple), or a function of the
            input shape; inferred by running the function when not given.
        mask: a mask to attach to the outputs, or a function ``(inputs, mask) -> mask``.
        arguments: extra keyword arguments for ``function``.

    >>> Lambda(lambda x: x * 2)([[1.0]]).numpy().tolist()
    [[2.0]]
    """

    def __init__(
        self, function: Any, output_shape: Any = None, mask: Any = None, arguments: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(f"Lambda: `function` must be callable. Received: function={function!r}")
        self.function = function
        self.arguments = dict(arguments or {})
        self._output_shape = output_shape
        self.mask = mask
        self.supports_masking = mask is not None
        try:
            params = inspect.signature(function).parameters
        except (TypeError, ValueError):
            params = {}  # type: ignore[assignment]
        self._fn_mask = "mask" in params
        self._fn_training = "training" in params

    def call(self, inputs: Any, mask: Any = None, training: Any = None) -> Any:
        kwargs = dict(self.arguments)
        if self._fn_mask:
            kwargs["mask"] = mask
        if self._fn_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        if callable(self.mask):
            return self.mask(inputs, previous_mask)
        return self.mask

    def compute_output_shape(self, input_shape: Any) -> Any:
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch = nest.flatten(input_shape)[0] if input_shape else None
        shape = self._output_shape
        if isinstance(shape, (list, tuple)) and all(d is None or isinstance(d, int) for d in shape):
            return (batch,) + tuple(shape)
        return [(batch,) + tuple(s) for s in shape]

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        from tensorflux.keras.engine import symbolic

        spec = symbolic.trial_spec(self, args, kwargs)
        if self._output_shape is None:
            return spec
        shapes = self.compute_output_shape(
            nest.map_structure(lambda k: tuple(k.shape), args[0])
            if not isinstance(args[0], KerasTensor)
            else tuple(args[0].shape)
        )
        if isinstance(spec, KerasTensor):
            return KerasTensor(tuple(shapes), spec.dtype)
        return [KerasTensor(tuple(s), k.dtype) for s, k in zip(shapes, nest.flatten(spec))]

    def get_config(self) -> dict[str, Any]:
        from tensorflux.keras.utils.serialization import serialize_keras_object

        fn = self.function
        fn_cfg = (
            _dump_function(fn) if getattr(fn, "__name__", "") == "<lambda>" else serialize_keras_object(fn)
        )
        out_shape = self._output_shape
        if callable(out_shape):
            out_shape = (
                _dump_function(out_shape)
                if out_shape.__name__ == "<lambda>"
                else serialize_keras_object(out_shape)
            )
        return {
            **super().get_config(),
            "function": fn_cfg,
            "output_shape": out_shape,
            "arguments": self.arguments,
        }

    @classmethod
    def from_config(
        cls, config: dict[str, Any], custom_objects: Any = None, safe_mode: bool = True
    ) -> Lambda:
        from tensorflux.keras.utils.serialization import deserialize_keras_object

        config = dict(config)
        for key in ("function", "output_shape"):
            value = config.get(key)
            if isinstance(value, dict) and value.get("class_name") == "__lambda__":
                if safe_mode:
                    raise ValueError(
                        "Requested the deserialization of a Lambda layer whose function is a Python "
                        "lambda. Loading "
                        "it runs arbitrary code: pass safe_mode=False if you trust the source, or register a "
                        "named function with @keras.saving.register_keras_serializable()."
                    )
                config[key] = _load_function(value["config"])
            elif isinstance(value, dict):
                config[key] = deserialize_keras_object(value, custom_objects=custom_objects)
            elif key == "output_shape" and isinstance(value, list):
                config[key] = tuple(value)
        return cls(**config)
