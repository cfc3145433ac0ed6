"""StackedRNNCells: several cells run one after another at each step, as one cell."""

from __future__ import annotations

import inspect
from typing import Any

from tensorflux.framework import nest
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import array_ops


class StackedRNNCells(Layer):
    """A cell made of ``cells``: each step feeds the output of one cell to the next.

    ``state_size`` is the list of the cells' state sizes; the output is the last cell's.

    >>> import tensorflux as tf
    >>> from tensorflux.keras.layers.rnn.simple_rnn import SimpleRNNCell
    >>> from tensorflux.keras.layers.rnn.rnn import RNN
    >>> RNN(StackedRNNCells([SimpleRNNCell(4), SimpleRNNCell(3)]))(tf.ones((2, 5, 6))).shape
    TensorShape([2, 3])
    """

    def __init__(self, cells: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for cell in cells:
            if not callable(getattr(cell, "call", None)):
                raise ValueError(
                    f"All cells must have a `call` method. Received cell without a `call` method: {cell!r}"
                )
            if getattr(cell, "state_size", None) is None:
                raise ValueError(
                    f"All cells must have a `state_size` attribute. Received cell without one: {cell!r}"
                )
        self.cells = list(cells)

    @property
    def state_size(self) -> list[Any]:
        return [c.state_size for c in self.cells]

    @property
    def output_size(self) -> int:
        last = self.cells[-1]
        if getattr(last, "output_size", None) is not None:
            return last.output_size
        return last.state_size[0] if isinstance(last.state_size, (list, tuple)) else last.state_size

    def get_initial_state(self, batch_size: int | None = None) -> list[Any]:
        states = []
        for cell in self.cells:
            fn = getattr(cell, "get_initial_state", None)
            if fn is not None:
                states.append(fn(batch_size=batch_size))
            elif isinstance(cell.state_size, int):
                states.append(array_ops.zeros((batch_size, cell.state_size), self.compute_dtype))
            else:
                states.append([array_ops.zeros((batch_size, d), self.compute_dtype) for d in cell.state_size])
        return states

    def call(self, inputs: Any, states: Any, training: Any = False, **kwargs: Any) -> Any:
        new_states = []
        for cell, state in zip(self.cells, states):
            was_list = nest.is_nested(state)
            state = list(state) if was_list else [state]
            call = cell if isinstance(cell, Layer) else cell.call
            inputs, state = (
                call(inputs, state, training=training, **kwargs)
                if _has_training(cell)
                else call(inputs, state, **kwargs)
            )
            if not nest.is_nested(state):
                state = [state]
            if len(state) == 1 and not was_list:
                state = state[0]
            new_states.append(state)
        return inputs, new_states

    def build(self, input_shape: Any) -> None:
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(input_shape)
                cell.built = True
            size = getattr(cell, "output_size", None)
            if size is None:
                size = cell.state_size[0] if isinstance(cell.state_size, (list, tuple)) else cell.state_size
            input_shape = (tuple(input_shape)[0], size)

    def get_config(self) -> dict[str, Any]:
        from tensorflux.keras.utils.serialization import serialize_keras_object

        return {**super().get_config(), "cells": [serialize_keras_object(c) for c in self.cells]}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> StackedRNNCells:
        from tensorflux.keras.utils.serialization import deserialize_keras_object

        config = dict(config)
        cells = [deserialize_keras_object(c, custom_objects=custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)


def _has_training(cell: Any) -> bool:
    try:
        return "training" in inspect.signature(cell.call).parameters
    except (TypeError, ValueError):
        return False
