"""Sequential: a plain stack of layers, each feeding the next."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine.keras_tensor import KerasTensor
from tensorflux.keras.engine.masking import set_keras_mask
from tensorflux.keras.engine.naming import auto_name
from tensorflux.keras.layers.input_layer import InputLayer
from tensorflux.keras.layers.layer import Layer, _as_shape
from tensorflux.keras.models.model import Model


class Sequential(Model):
    """A stack of layers.

    The input shape comes from a leading ``keras.Input(shape)``, from ``input_shape=`` on the
    first layer, or, when neither is given, from the first batch of data (deferred build).

    >>> from tensorflux.keras import layers
    >>> model = Sequential([layers.Dense(1, input_shape=(1,))])
    >>> model.count_params()
    2
    """

    def __init__(
        self, layers: Any = None, trainable: bool = True, name: str | None = None, **kwargs: Any
    ) -> None:
        from tensorflux.keras.trainers.trainer import Trainer

        Trainer.__init__(self)
        Layer.__init__(self, name=name or auto_name("sequential"), trainable=trainable, **kwargs)
        self._stack: list[Layer] = []
        self._graph: tuple[KerasTensor, Any] | None = None
        if layers:
            for layer in layers:
                self.add(layer, rebuild=False)
            self._maybe_rebuild()

    # -- editing ------------------------------------------------------------------------------
    def add(self, layer: Any, rebuild: bool = True) -> None:
        """Append a layer (or a ``keras.Input`` tensor, as the first element)."""
        if isinstance(layer, KerasTensor) and layer._keras_history is not None:
            origin = layer._keras_history.operation
            if isinstance(origin, InputLayer):
                layer = origin
        if isinstance(layer, InputLayer):
            if self._stack and isinstance(self._stack[0], InputLayer):
                raise ValueError(
                    f"Sequential model '{self.name}' has already been configured to use input shape "
                    f"{self._stack[0].batch_shape}. You cannot add a different Input layer to it."
                )
            if self._stack:
                raise ValueError(
                    f"Sequential model '{self.name}': an Input must be the first element of the stack."
                )
        if not isinstance(layer, Layer):
            raise ValueError(
                "Only instances of `keras.Layer` can be added to a Sequential model. "
                f"Received: {layer} (of type {type(layer)})"
            )
        if any(x.name == layer.name for x in self._stack):
            raise ValueError(
                "All layers added to a Sequential model should have unique names. Name "
                f"'{layer.name}' is already the name of a layer in this model. Update the `name` argument "
                "to pass "
                "a unique name."
            )
        self._stack.append(layer)
        if rebuild:
            self._maybe_rebuild()
        else:
            self.built = False
            self._graph = None

    def pop(self, rebuild: bool = True) -> Layer:
        """Remove and return the last layer."""
        if not self.layers:
            raise TypeError("There are no layers in the model.")
        layer = self._stack.pop()
        self.built = False
        self._graph = None
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self) -> None:
        self.built = False
        self._graph = None
        if not self._stack:
            return
        first = self._stack[0]
        if isinstance(first, InputLayer) and len(self._stack) > 1:
            self.build(first.batch_shape)
        elif not isinstance(first, InputLayer) and first._input_shape_arg is not None:
            self.build(first._input_shape_arg)

    # -- building and calling ---------------------------------------------------------------------
    def build(self, input_shape: Any = None) -> None:
        """Create the symbolic graph (and every weight) for inputs of ``input_shape``."""
        input_shape = _as_shape(input_shape)
        if not self._stack or (len(self._stack) == 1 and isinstance(self._stack[0], InputLayer)):
            raise ValueError(
                f"Sequential model {self.name} cannot be built because it has no layers. Call "
                "`model.add(layer)`."
            )
        if isinstance(self._stack[0], InputLayer):
            inputs = self._stack[0].output
        else:
            if input_shape is None:
                raise ValueError(f"Sequential model {self.name}: build() needs an input shape.")
            shape = (None,) + tuple(input_shape)[1:]
            first = self._stack[0]
            dtype = first.compute_dtype if not first._input_shape_arg else first.compute_dtype
            self._stack.insert(0, InputLayer(batch_shape=shape, dtype=dtype))
            inputs = self._stack[0].output
        x: Any = inputs
        for layer in self._stack[1:]:
            x = layer(x)
        self._graph = (inputs, x)
        self.__dict__["_build_shapes_dict"] = {"input_shape": tuple(inputs.shape)}
        self.__dict__["_build_input_shape"] = tuple(inputs.shape)
        self.built = True

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        x = inputs
        graph = self._graph
        if graph is not None and isinstance(x, Tensor):
            ref = graph[0]
            xv = x._value
            # the dtype and shape last seen to match the Input need no check (one compare per call)
            ok = self.__dict__.get("_input_ok")
            if ok is None or ok[0] is not ref or ok[1] != xv.dtype or ok[2] != xv.shape:
                x = self._match_input(x, ref)
        if mask is not None and isinstance(x, Tensor):
            set_keras_mask(x, mask)
        for layer in self._stack:
            if not isinstance(layer, InputLayer):
                x = layer(x)
        return x

    def _match_input(self, x: Tensor, ref: KerasTensor) -> Tensor:
        """``x`` cast to the Input's dtype and given its rank (or a ValueError naming both shapes)."""
        given = x
        if x.dtype != ref.dtype:
            from tensorflux.ops.array_ops import cast

            x = cast(x, ref.dtype)
        if len(x.shape) != len(ref.shape) or any(
            r is not None and r != d for r, d in zip(ref.shape, x.shape)
        ):
            from tensorflux.keras.models.functional import _adjust_rank

            x = _adjust_rank(self.name, 0, x, ref.shape, ref.name)
        if x is given:
            self.__dict__["_input_ok"] = (ref, given._value.dtype, given._value.shape)
        return x

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        return None

    # -- graph accessors --------------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:  # type: ignore[override]
        """The layers of the stack (without the InputLayer)."""
        return [x for x in self._stack if not isinstance(x, InputLayer)]

    @layers.setter
    def layers(self, _: Any) -> None:
        raise AttributeError(
            "`Model.layers` attribute is reserved and should not be used. Please use another name."
        )

    def _require_graph(self, what: str) -> tuple[KerasTensor, Any]:
        if self._graph is None:
            raise AttributeError(
                f"Sequential model '{self.name}' has no defined {what}: it is not built yet. Start it with "
                "keras.Input(shape), pass input_shape= to the first layer, or call it on data first."
            )
        return self._graph

    @property
    def inputs(self) -> list[KerasTensor]:
        return [self._require_graph("inputs")[0]]

    @property
    def outputs(self) -> list[KerasTensor]:
        return [self._require_graph("outputs")[1]]

    @property
    def input(self) -> KerasTensor:
        return self._require_graph("input")[0]

    @property
    def output(self) -> Any:
        return self._require_graph("output")[1]

    @property
    def input_shape(self) -> Any:
        return tuple(self.input.shape)

    @property
    def output_shape(self) -> Any:
        return tuple(self.output.shape)

    @property
    def input_names(self) -> list[str]:
        return [self._stack[0].name] if self._graph is not None else []

    @property
    def output_names(self) -> list[str]:
        return [self._stack[-1].name] if self._stack else []

    # -- configuration ------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        from tensorflux.keras.engine import dtype_policy as _policy
        from tensorflux.keras.utils.serialization import serialize_keras_object

        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": _policy.serialize(self.dtype_policy),
            "layers": [serialize_keras_object(x) for x in self._stack],
            "build_input_shape": self._build_shapes_dict["input_shape"] if self._build_shapes_dict else None,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> Sequential:
        from tensorflux.keras.utils.serialization import deserialize_keras_object

        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for lcfg in config.get("layers", []):
            model.add(deserialize_keras_object(lcfg, custom_objects=custom_objects), rebuild=False)
        model._maybe_rebuild()
        shape = config.get("build_input_shape")
        if not model.built and shape is not None:
            model.build(tuple(shape))
        return model
