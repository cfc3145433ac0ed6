"""Node: one call of a layer on KerasTensors, the edge list of a functional graph."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import nest
from tensorflux.keras.engine.keras_tensor import KerasHistory, KerasTensor


class Node:
    """Records ``outputs = operation(*call_args, **call_kwargs)`` on KerasTensors.

    Registers itself in ``operation._inbound_nodes`` and in the ``_outbound_nodes`` of the
    layers that produced its inputs, and stamps ``_keras_history`` on each output.
    """

    def __init__(
        self, operation: Any, call_args: Any = (), call_kwargs: Any = None, outputs: Any = None
    ) -> None:
        self.operation = operation
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        self.input_tensors = [
            x for x in nest.flatten((self.call_args, self.call_kwargs)) if isinstance(x, KerasTensor)
        ]
        self.outputs = outputs
        self.output_tensors = [x for x in nest.flatten(outputs) if isinstance(x, KerasTensor)]
        # The common case (one tensor as the only argument) runs without rebuilding structures.
        self.single_input = (
            len(self.call_args) == 1 and not self.call_kwargs and isinstance(self.call_args[0], KerasTensor)
        )
        operation._inbound_nodes.append(self)
        index = len(operation._inbound_nodes) - 1
        for kt in self.input_tensors:
            if kt._keras_history is not None:
                kt._keras_history.operation._outbound_nodes.append(self)
        for i, kt in enumerate(self.output_tensors):
            kt._keras_history = KerasHistory(operation, index, i)

    @property
    def is_input(self) -> bool:
        return not self.input_tensors

    @property
    def parent_nodes(self) -> list[Node]:
        out = []
        for kt in self.input_tensors:
            h = kt._keras_history
            if h is not None:
                out.append(h.operation._inbound_nodes[h.node_index])
        return out

    def arguments_with(self, values: dict[int, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """The call arguments with each KerasTensor replaced by ``values[id(tensor)]``."""
        flat = nest.flatten((self.call_args, self.call_kwargs))
        flat = [values[id(x)] if isinstance(x, KerasTensor) else x for x in flat]
        args, kwargs = nest.pack_sequence_as((self.call_args, self.call_kwargs), flat)
        return tuple(args), dict(kwargs)

    def __repr__(self) -> str:
        return f"<Node operation={self.operation.name}, id={id(self)}>"
