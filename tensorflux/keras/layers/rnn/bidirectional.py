"""Bidirectional: run a recurrent layer forwards and a copy backwards, and merge their outputs."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import array_ops

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _clone(layer: Layer, name: str, **changes: Any) -> Layer:
    """A fresh (unbuilt) layer with ``layer``'s configuration, renamed and with ``changes``."""
    config = layer.get_config()
    config.update(changes, name=name)
    return type(layer).from_config(config)


def _strip(name: str, prefix: str) -> str:
    return name[len(prefix) :] if name.startswith(prefix) else name


class Bidirectional(Layer):
    """Bidirectional wrapper for RNNs: a forward copy and a backward copy of ``layer``, outputs merged.

    The backward layer's sequence output is reversed back into time order before merging.  With
    ``return_state`` the forward states come first, then the backward states.  Weights: the
    forward layer's, then the backward layer's.

    Args:
        layer: an RNN layer (``LSTM``, ``GRU``, ``SimpleRNN``, ``RNN``), used as a template: the
            forward layer is a fresh copy named ``forward_<name>``.
        merge_mode: ``"concat"`` (default), ``"sum"``, ``"mul"``, ``"ave"`` or None (a list of both outputs).
        weights: optional initial weights (forward then backward), set when the layer is built.
        backward_layer: an optional RNN layer for the backward direction (``go_backwards=True``,
            same ``return_sequences``, ``return_state`` and ``stateful``); by default a copy of
            ``layer`` named ``backward_<name>``.

    >>> import tensorflux as tf
    >>> from tensorflux.keras.layers.rnn.lstm import LSTM
    >>> Bidirectional(LSTM(4, return_sequences=True))(tf.ones((2, 5, 3))).shape
    TensorShape([2, 5, 8])
    """

    def __init__(
        self,
        layer: Any,
        merge_mode: str | None = "concat",
        weights: Any = None,
        backward_layer: Any = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `Bidirectional` layer with a `keras.layers.Layer` instance. "
                f"Received: {layer!r}"
            )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                f"`backward_layer` need to be a `keras.layers.Layer` instance. Received: {backward_layer!r}"
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Invalid merge mode. Received: merge_mode={merge_mode!r}. Merge mode should be one of "
                '{"sum", "mul", "ave", "concat", None}'
            )
        super().__init__(**kwargs)
        self.forward_layer = _clone(layer, "forward_" + _strip(layer.name, "forward_"))
        if backward_layer is None:
            self.backward_layer = _clone(
                layer, "backward_" + _strip(layer.name, "backward_"), go_backwards=not layer.go_backwards
            )
        else:
            self.backward_layer = backward_layer
        self._verify_layer_config()
        for sub in (self.forward_layer, self.backward_layer):
            # Keras: masked steps give zeros in sequence outputs, so the reversed halves line up
            if getattr(sub, "zero_output_for_mask", None) is not None:
                sub.zero_output_for_mask = sub.return_sequences
        self.merge_mode = merge_mode
        self._bidirectional_weights = list(weights) if weights else None
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self.input_spec = layer.input_spec

    def _verify_layer_config(self) -> None:
        fwd, bwd = self.forward_layer, self.backward_layer
        if fwd.go_backwards == bwd.go_backwards:
            raise ValueError(
                "Forward layer and backward layer should have different `go_backwards` value. Received: "
                f"forward_layer.go_backwards={fwd.go_backwards}, "
                f"backward_layer.go_backwards={bwd.go_backwards}"
            )
        for attr in ("stateful", "return_sequences", "return_state"):
            if getattr(fwd, attr) != getattr(bwd, attr):
                raise ValueError(
                    "Forward layer and backward layer are expected to have the same value for attribute "
                    f'"{attr}", got "{getattr(fwd, attr)}" for forward layer and "{getattr(bwd, attr)}" for '
                    "backward layer"
                )

    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub.build(sequences_shape)
        if self._bidirectional_weights is not None:
            self.set_weights(self._bidirectional_weights)
            self._bidirectional_weights = None

    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        out = self.forward_layer.compute_output_shape(sequences_shape)
        states: tuple[Any, ...] = ()
        if self.return_state:
            out, states = out[0], tuple(out[1:])
        if self.merge_mode == "concat":
            out = tuple(out[:-1]) + (out[-1] * 2,)
        elif self.merge_mode is None:
            out = [tuple(out), tuple(out)]
        if self.return_state:
            if self.merge_mode is None:
                return tuple(out) + states + states
            return (tuple(out),) + states + states
        return out if isinstance(out, list) else tuple(out)

    def call(
        self, sequences: Tensor, initial_state: Any = None, mask: Any = None, training: Any = None
    ) -> Any:
        forward_state = backward_state = None
        if initial_state is not None:
            states = list(initial_state)
            if len(states) % 2:
                raise ValueError(
                    f"Bidirectional layer '{self.name}': `initial_state` must hold the forward states "
                    "then the "
                    f"backward states (an even count); received {len(states)} tensors."
                )
            half = len(states) // 2
            forward_state, backward_state = states[:half], states[half:]
        y = self.forward_layer(sequences, initial_state=forward_state, mask=mask, training=training)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, mask=mask, training=training)
        states = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = array_ops.reverse(y_rev, [1])
        if self.merge_mode == "concat":
            output: Any = array_ops.concat([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            output = y + y_rev
        elif self.merge_mode == "ave":
            output = (y + y_rev) * 0.5
        elif self.merge_mode == "mul":
            output = y * y_rev
        else:
            output = [y, y_rev]
        if self.return_state:
            return (*output, *states) if self.merge_mode is None else (output, *states)
        return output

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if self.return_sequences:
            output_mask: Any = [mask, mask] if not self.merge_mode else mask
        else:
            output_mask = [None, None] if not self.merge_mode else None
        if self.return_state:
            n = len(nest_flat_states(self.forward_layer))
            head = output_mask if isinstance(output_mask, list) else [output_mask]
            return head + [None] * (2 * n)
        return output_mask

    @property
    def states(self) -> Any:
        f, b = self.forward_layer.states, self.backward_layer.states
        return tuple(f + b) if f and b else None

    def reset_states(self, states: Any = None) -> None:
        self.reset_state(states)

    def reset_state(self, states: Any = None) -> None:
        if not self.stateful:
            raise AttributeError(f"Bidirectional layer '{self.name}' must be stateful to reset its states.")
        if states is None:
            self.forward_layer.reset_state()
            self.backward_layer.reset_state()
            return
        states = list(states)
        half = len(states) // 2
        self.forward_layer.reset_state(states[:half])
        self.backward_layer.reset_state(states[half:])

    def get_config(self) -> dict[str, Any]:
        from tensorflux.keras.utils.serialization import serialize_keras_object

        return {
            **super().get_config(),
            "merge_mode": self.merge_mode,
            "layer": serialize_keras_object(self.forward_layer),
            "backward_layer": serialize_keras_object(self.backward_layer),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> Bidirectional:
        from tensorflux.keras.utils.serialization import deserialize_keras_object

        config = dict(config)
        config["layer"] = deserialize_keras_object(config["layer"], custom_objects=custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            config["backward_layer"] = deserialize_keras_object(backward, custom_objects=custom_objects)
        return cls(**config)


def nest_flat_states(layer: Any) -> list[Any]:
    from tensorflux.framework import nest

    return nest.flatten(getattr(layer, "state_size", [None]))
