"""``keras.utils.get_source_inputs``: the graph inputs a symbolic tensor is computed from."""

from __future__ import annotations

from typing import Any


def get_source_inputs(tensor: Any) -> Any:
    """The list of input tensors needed to compute ``tensor``, each listed once, in graph order.

    A tensor made by no layer (a plain tensor or array, a bare ``KerasTensor``) is returned
    unchanged, not in a list, as in Keras; a symbolic tensor whose layer has no recorded call
    gives ``[tensor]``.

    Args:
        tensor: The (symbolic) tensor to start from.

    Returns:
        List of input tensors.

    >>> from tensorflux import keras
    >>> a, b = keras.Input((2,)), keras.Input((2,))
    >>> y = keras.layers.Dense(1)(keras.layers.Add()([a, b]))
    >>> [t is s for t, s in zip(get_source_inputs(y), [a, b])]
    [True, True]
    """
    history = getattr(tensor, "_keras_history", None)
    if history is None:
        return tensor
    operation = history.operation
    if operation is None or not operation._inbound_nodes:
        return [tensor]
    node = operation._inbound_nodes[history.node_index]
    if node.is_input:
        # an input layer's node: its outputs are the sources
        return list(node.output_tensors)
    sources: list[Any] = []
    for x in node.input_tensors:
        for s in get_source_inputs(x):
            # identity, not equality: tensors overload ==
            if all(s is not t for t in sources):
                sources.append(s)
    return sources
