"""RNN: run a recurrent cell over the time axis (a Python loop; SimpleRNN/LSTM/GRU use fused kernels)."""

from __future__ import annotations

import inspect
from typing import Any

from tensorflux.framework import nest
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.framework.variables import Variable
from tensorflux.keras.layers.layer import Layer
from tensorflux.keras.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from tensorflux.keras.layers.rnn.stacked_rnn_cells import StackedRNNCells
from tensorflux.ops import array_ops


def _flat_sizes(state_size: Any) -> list[int]:
    return [int(s) for s in nest.flatten(state_size)]


def _accepts(fn: Any, name: str) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


class RNN(Layer):
    """Apply ``cell`` to each step of ``(batch, time, features)`` sequences, carrying its states.

    A cell has ``state_size`` (an int or a list, one entry per state), optionally ``output_size``
    and ``get_initial_state(batch_size)``, and ``call(inputs, states, training=...)`` returning
    ``(output, new_states)``.  A list of cells is stacked with ``StackedRNNCells``.

    Masked steps (``mask`` ``(batch, time)``, e.g. from ``Embedding(mask_zero=True)``) keep the
    states unchanged and repeat the previous output (zeros with ``zero_output_for_mask``).  With
    ``go_backwards`` the sequence is processed in reverse and the returned sequence is in processing
    order, as in Keras.

    Args:
        cell: an RNN cell or a list of cells.
        return_sequences: return the output of every step ``(batch, time, units)``, else the last.
        return_state: also return the final states.
        go_backwards: process the sequence in reverse.
        stateful: carry the final states of a batch into the next call (fixed batch size).
        unroll: accepted for compatibility (the loop is the same either way).
        zero_output_for_mask: masked steps output zeros.

    >>> import tensorflux as tf
    >>> from tensorflux.keras.layers.rnn.simple_rnn import SimpleRNNCell
    >>> RNN(SimpleRNNCell(4), return_sequences=True)(tf.ones((2, 3, 5))).shape
    TensorShape([2, 3, 4])
    """

    def __init__(
        self,
        cell: Any,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        zero_output_for_mask: bool = False,
        **kwargs: Any,
    ) -> None:
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell, dtype=kwargs.get("dtype"))
        if not callable(getattr(cell, "call", None)):
            raise ValueError(f"Argument `cell` should have a `call` method. Received: cell={cell!r}")
        state_size = getattr(cell, "state_size", None)
        if state_size is None:
            raise ValueError(
                "The RNN cell should have a `state_size` attribute (single integer or list of integers, one "
                f"integer per RNN state). Received: cell={cell!r}"
            )
        if not isinstance(state_size, (list, tuple, int)):
            raise ValueError(
                "state_size must be an integer, or a list/tuple of integers (one for each state tensor)."
            )
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self.input_spec = None
        self.single_state = isinstance(state_size, int)
        self.state_size = [state_size] if self.single_state else list(state_size)
        self._state_vars: list[Variable] | None = None
        self._expected_batch_size: int | None = None

    # -- shapes and building ----------------------------------------------------------------------
    def _output_size(self) -> int:
        size = getattr(self.cell, "output_size", None)
        if size is None:
            size = nest.flatten(self.state_size[0])[0]
        if not isinstance(size, int):
            raise ValueError(
                f"RNN layer '{self.name}': the cell's output_size must be an integer. Received: {size!r}"
            )
        return size

    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        batch, length = sequences_shape[0], sequences_shape[1]
        units = self._output_size()
        output = (batch, length, units) if self.return_sequences else (batch, units)
        if not self.return_state:
            return output
        states = []
        for size in self.state_size:
            states.append([(batch, s) for s in size] if isinstance(size, (list, tuple)) else (batch, size))
        return (output, *states)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        mask = nest.flatten(mask)[0] if mask is not None else None
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(self.state_size)
        return output_mask

    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        sequences_shape = tuple(sequences_shape)
        if len(sequences_shape) < 3:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' expects inputs of shape (batch, timesteps, "
                "features). "
                f"Received: input_shape={sequences_shape}. Add a time axis, e.g. `x[:, :, None]` for "
                "one feature "
                "per step."
            )
        step_shape = (sequences_shape[0],) + sequences_shape[2:]
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(step_shape)
            self.cell.built = True
        if self.stateful:
            if sequences_shape[0] is None:
                raise ValueError(
                    f"{type(self).__name__} layer '{self.name}': with `stateful=True` the batch size "
                    "must be static. "
                    f"Found dynamic batch size: sequence.shape={sequences_shape}. Pass `batch_size=` to "
                    "the Input "
                    "or `batch_input_shape=` to the first layer."
                )
            self._create_state_variables(sequences_shape[0])

    def _create_state_variables(self, batch_size: int) -> None:
        # kept out of ``weights`` (as Keras): they are per-batch state, not parameters
        flat = nest.flatten(self.get_initial_state(batch_size))
        self._state_vars = [Variable(s, trainable=False, name="rnn_state") for s in flat]
        self._expected_batch_size = batch_size

    @property
    def states(self) -> Any:
        """The carried states of a stateful RNN (variables), or None."""
        return None if self._state_vars is None else list(self._state_vars)

    def get_initial_state(self, batch_size: int) -> list[Any]:
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is not None:
            state = fn(batch_size=batch_size)
            return list(state) if nest.is_nested(state) else [state]
        dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
        return [array_ops.zeros((batch_size, d), dtype) for d in _flat_sizes(self.state_size)]

    def reset_states(self, states: Any = None) -> None:
        self.reset_state(states)

    def reset_state(self, states: Any = None) -> None:
        """Zero the carried states of a stateful RNN (or set them to ``states``)."""
        if self._state_vars is None:
            return
        if states is None:
            for v in self._state_vars:
                v.assign(array_ops.zeros_like(v))
            return
        values = nest.flatten(states)
        if len(values) != len(self._state_vars):
            raise ValueError(
                f"RNN layer '{self.name}' expects {len(self._state_vars)} state(s), but received "
                f"{len(values)}."
            )
        for v, s in zip(self._state_vars, values):
            v.assign(s)

    # -- calling ----------------------------------------------------------------------------------
    def _initial_states(self, sequences: Tensor, initial_state: Any) -> Any:
        """The starting states in the cell's structure (as ``get_initial_state`` returns them)."""
        batch = sequences.shape[0]
        template = self.get_initial_state(batch)
        if initial_state is None:
            if self.stateful and self._state_vars is not None:
                return nest.pack_sequence_as(template, list(self._state_vars))
            return template
        given = initial_state if isinstance(initial_state, (list, tuple)) else [initial_state]
        flat = [
            s if isinstance(s, Tensor) else convert_to_tensor(s, dtype=self.compute_dtype)
            for s in nest.flatten(given)
        ]
        sizes = _flat_sizes(self.state_size)
        if len(flat) != len(sizes):
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' has {len(sizes)} state(s) "
                f"(state_size={self.state_size}) "
                f"but it received {len(flat)} initial state tensor(s). Pass `initial_state` as a list of "
                f"{len(sizes)} tensors of shape (batch, size)."
            )
        for s, size in zip(flat, sizes):
            if tuple(s.shape)[-1:] != (size,) or s.shape[0] != batch:
                raise ValueError(
                    f"{type(self).__name__} layer '{self.name}': an initial state must have shape "
                    f"({batch}, {size}); "
                    f"received {tuple(s.shape)}."
                )
        return nest.pack_sequence_as(template, flat)

    def call(
        self, sequences: Tensor, initial_state: Any = None, mask: Any = None, training: Any = False
    ) -> Any:
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if (
            self.stateful
            and self._expected_batch_size is not None
            and sequences.shape[0] != self._expected_batch_size
        ):
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' is stateful, so the batch size of the input "
                "sequences "
                f"must be the same as the batch size of the initial state. Expected batch size: "
                f"{self._expected_batch_size}; received batch size: {sequences.shape[0]}."
            )
        states = self._initial_states(sequences, initial_state)
        try:
            output, states = self.inner_loop(sequences, states, mask, training=bool(training))
        finally:
            self._reset_dropout_masks(self.cell)
        if self.stateful and self._state_vars is not None:
            for v, s in zip(self._state_vars, nest.flatten(states)):
                v.assign(P.unary(P.stop_gradient, s))
        if self.return_state:
            # one entry per state_size entry: a tensor for an int size (a stacked cell's [h] unwrapped)
            shaped = [
                st[0] if isinstance(size, int) and isinstance(st, (list, tuple)) and len(st) == 1 else st
                for size, st in zip(self.state_size, states)
            ]
            return (output, *shaped)
        return output

    def _reset_dropout_masks(self, cell: Any) -> None:
        if isinstance(cell, DropoutRNNCell):
            cell.reset_dropout_mask()
            cell.reset_recurrent_dropout_mask()
        if isinstance(cell, StackedRNNCells):
            for c in cell.cells:
                self._reset_dropout_masks(c)

    def inner_loop(
        self, sequences: Tensor, initial_state: Any, mask: Any, training: bool = False
    ) -> tuple[Any, Any]:
        """The generic loop: the cell once per step.  Returns ``(output, final_states)``."""
        cell = self.cell
        call = cell if isinstance(cell, Layer) else cell.call
        kwargs = {"training": training} if _accepts(getattr(cell, "call", call), "training") else {}
        steps = array_ops.unstack(sequences, axis=1)
        masks = array_ops.unstack(mask, axis=1) if mask is not None else None
        order = range(len(steps) - 1, -1, -1) if self.go_backwards else range(len(steps))
        states = initial_state
        outputs: list[Tensor] = []
        prev: Tensor | None = None
        for t in order:
            out, new_states = call(steps[t], states, **kwargs)
            if not nest.is_nested(new_states):
                new_states = [new_states]
            if masks is not None:
                keep = array_ops.expand_dims(masks[t], -1)
                flat_new = [
                    array_ops.where(P.unary(P.broadcast_to, keep, shape=tuple(n.shape)), n, o)
                    for n, o in zip(nest.flatten(new_states), nest.flatten(states))
                ]
                new_states = nest.pack_sequence_as(states, flat_new)
                fallback = array_ops.zeros_like(out) if prev is None or self.zero_output_for_mask else prev
                out = array_ops.where(P.unary(P.broadcast_to, keep, shape=tuple(out.shape)), out, fallback)
            states = new_states
            prev = out
            if self.return_sequences:
                outputs.append(out)
        output = array_ops.stack(outputs, axis=1) if self.return_sequences else prev
        return output, list(states) if isinstance(states, (list, tuple)) else [states]

    # -- configuration ----------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        from tensorflux.keras.utils.serialization import serialize_keras_object

        return {
            **super().get_config(),
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
            "cell": serialize_keras_object(self.cell),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> RNN:
        from tensorflux.keras.utils.serialization import deserialize_keras_object

        config = dict(config)
        cell = deserialize_keras_object(config.pop("cell"), custom_objects=custom_objects)
        return cls(cell, **config)
