"""``keras.Operation`` and ``keras.Function``: stateless computations usable on KerasTensors.

An ``Operation`` computes eagerly on tensors and records a graph node on KerasTensors (through
the functional machinery of tensorflux/keras/engine/op_layer.py). A ``Function`` replays the graph
between some KerasTensors on new inputs (a Functional model underneath, without the Layer API).

>>> import numpy as np
>>> import tensorflux as tf
>>> a = tf.keras.KerasTensor(shape=(None, 2))
>>> fn = Function(inputs=a, outputs=tf.keras.ops.multiply(a, 2.0))
>>> fn(np.ones((1, 2), "float32")).numpy().tolist()
[[2.0, 2.0]]
"""

from __future__ import annotations

from typing import Any

from tensorflux.keras import tree
from tensorflux.keras.engine.keras_tensor import KerasTensor, any_symbolic
from tensorflux.keras.engine.naming import auto_name, to_snake_case

__all__ = ["Function", "Operation"]


class Operation:
    """A computation with a name: subclasses implement ``call`` (and ``compute_output_spec``).

    Called on tensors it runs ``call``; called on KerasTensors it adds a node to the functional
    graph (its output shapes come from running ``call`` symbolically).

    Args:
        name: the operation's name (no ``/``); default: the snake-cased class name, made unique.

    >>> class Square(Operation):
    ...     def call(self, x):
    ...         return x * x
    >>> float(Square()(3.0))
    9.0
    """

    def __init__(self, name: str | None = None) -> None:
        if name is None:
            name = auto_name(to_snake_case(type(self).__name__))
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                "Argument `name` must be a string and cannot contain character `/`. "
                f"Received: name={name!r} (of type {type(name)})"
            )
        self.name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if any_symbolic(args, kwargs):
            return self.symbolic_call(*args, **kwargs)
        return self.call(*args, **kwargs)

    def symbolic_call(self, *args: Any, **kwargs: Any) -> Any:
        """Record this operation as a node of the functional graph; returns KerasTensors."""
        from tensorflux.keras.engine.op_layer import OpLayer

        return OpLayer(self.call, name=self.name)(*args, **kwargs)

    def call(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"Operation {type(self).__name__} must implement call().")

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        """KerasTensors describing the outputs for KerasTensor inputs."""
        return self.symbolic_call(*args, **kwargs)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Operation:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<Operation name={self.name}>"


class Function(Operation):
    """The graph linking ``inputs`` to ``outputs`` (KerasTensors), re-applied to new values.

    Unlike a Functional model it has no Layer API (no weights of its own, no training).

    Args:
        inputs: a KerasTensor or a nested structure of them.
        outputs: a KerasTensor or a nested structure of them, computed from ``inputs``.
        name: the function's name.

    >>> import tensorflux as tf
    >>> x = tf.keras.KerasTensor(shape=(None, 3))
    >>> fn = Function(x, tf.keras.ops.sum(x, axis=-1), name="total")
    >>> fn.name, fn(tf.ones((2, 3))).numpy().tolist()
    ('total', [3.0, 3.0])
    """

    def __init__(self, inputs: Any, outputs: Any, name: str | None = None) -> None:
        super().__init__(name=name)
        for what, struct in (("inputs", inputs), ("outputs", outputs)):
            bad = [x for x in tree.flatten(struct) if not isinstance(x, KerasTensor)]
            if bad:
                raise ValueError(
                    f"All `{what}` values of a Function must be KerasTensors. Received: {what}={struct!r}"
                )
        self._inputs_struct = tree.map_structure(lambda x: x, inputs)
        self._outputs_struct = tree.map_structure(lambda x: x, outputs)
        self._inputs = tree.flatten(inputs)
        self._outputs = tree.flatten(outputs)
        from tensorflux.keras.models.functional import Functional

        self._graph = Functional(list(self._inputs), list(self._outputs), name=self.name)

    @property
    def inputs(self) -> list[KerasTensor]:
        return self._inputs

    @property
    def outputs(self) -> list[KerasTensor]:
        return self._outputs

    @property
    def operations(self) -> list[Any]:
        """The graph's operations (layers and op nodes) in execution order, inputs excluded."""
        from tensorflux.keras.models.functional import _post_order

        nodes = _post_order(list(self._outputs), stop={id(x) for x in self._inputs})
        return [n.operation for n in nodes if type(n.operation).__name__ != "InputLayer"]

    def call(self, inputs: Any) -> Any:
        try:
            tree.assert_same_structure(self._inputs_struct, inputs)
        except ValueError:
            raise ValueError(
                f"Function '{self.name}' was called with inputs that do not match the structure of its "
                f"`inputs`: expected {self._inputs_struct!r}, received {inputs!r}."
            ) from None
        out = self._graph(tree.flatten(inputs))
        flat = list(out) if isinstance(out, (list, tuple)) else [out]
        return tree.pack_sequence_as(self._outputs_struct, flat)

    def compute_output_spec(self, inputs: Any) -> Any:
        return self.symbolic_call(inputs)

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError(
            f"Function '{self.name}' cannot be serialized (neither can Keras'); save a Model instead."
        )
