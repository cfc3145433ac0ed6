"""SimpleRNNCell and SimpleRNN: ``h_t = activation(x_t W + h_{t-1} U + b)``."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.keras.layers.rnn import _cell_common as C
from tensorflux.keras.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from tensorflux.keras.layers.rnn.rnn import RNN
from tensorflux.ops import rnn_ops


class SimpleRNNCell(Layer, DropoutRNNCell):
    """One step of a fully-connected RNN: ``output = new_state = activation(x W + h U + b)``.

    Weights: ``kernel (features, units)``, ``recurrent_kernel (units, units)`` (orthogonal by
    default), ``bias (units,)``.

    Args:
        units: the size of the state and output.
        activation: default ``"tanh"``.
        use_bias, kernel_*/recurrent_*/bias_* initializer, regularizer, constraint: as in Keras.
        dropout: fraction of the inputs dropped (one mask per sequence).
        recurrent_dropout: fraction of the state dropped before the recurrent product.
        seed: seed of the dropout masks.

    >>> import tensorflux as tf
    >>> out, state = SimpleRNNCell(4)(tf.ones((2, 3)), [tf.zeros((2, 4))])
    >>> out.shape
    TensorShape([2, 4])
    """

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        C.set_cell_args(
            self,
            units,
            activation,
            use_bias,
            kernel_initializer,
            recurrent_initializer,
            bias_initializer,
            kernel_regularizer,
            recurrent_regularizer,
            bias_regularizer,
            kernel_constraint,
            recurrent_constraint,
            bias_constraint,
            dropout,
            recurrent_dropout,
            seed,
        )
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape: Any) -> None:
        C.add_kernels(self, tuple(input_shape)[-1], 1)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.units,),
                name="bias",
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def call(self, sequence: Tensor, states: Any, training: Any = False) -> tuple[Tensor, Any]:
        prev = states[0] if isinstance(states, (list, tuple)) else states
        dp = self.get_dropout_mask(sequence)
        rec_dp = self.get_recurrent_dropout_mask(prev)
        if training and dp is not None:
            sequence = sequence * dp
        h = C.matmul(sequence, self.kernel)
        if self.bias is not None:
            h = h + self.bias
        if training and rec_dp is not None:
            prev = prev * rec_dp
        output = self.activation(h + C.matmul(prev, self.recurrent_kernel))
        return output, [output] if isinstance(states, (list, tuple)) else output

    def get_initial_state(self, batch_size: Any = None) -> list[Tensor]:
        return [C.zeros_state(batch_size, self.units, self.compute_dtype)]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), **C.cell_config(self), "seed": self.seed}


@C.cell_properties()
class SimpleRNN(RNN):
    """Fully-connected RNN: ``h_t = activation(x_t W + h_{t-1} U + b)`` over ``(batch, time, features)``.

    The whole sequence runs in one fused kernel (one GEMM for every step's input projection, one
    per step for the recurrence; the backward batched the same way) for the tanh, relu, sigmoid
    and linear activations; other activations and ``recurrent_dropout`` in training use the cell
    step by step.

    Args:
        units: the size of the state and output.
        activation: default ``"tanh"``.
        return_sequences, return_state, go_backwards, stateful, unroll: as in ``RNN``.
        dropout, recurrent_dropout, seed, initializers, regularizers, constraints: as in ``SimpleRNNCell``.

    >>> import tensorflux as tf
    >>> SimpleRNN(4)(tf.ones((2, 3, 5))).shape
    TensorShape([2, 4])
    """

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        cell = SimpleRNNCell(
            units,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="simple_rnn_cell",
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
        self.input_spec = InputSpec(ndim=3)

    def inner_loop(
        self, sequences: Tensor, initial_state: Any, mask: Any, training: bool = False
    ) -> tuple[Any, Any]:
        cell = self.cell
        act = C.fused_name(cell.activation, ("tanh", "relu", "sigmoid", "linear"))
        if (
            act is None
            or type(cell).call is not SimpleRNNCell.call
            or (training and cell.recurrent_dropout > 0)
        ):
            return super().inner_loop(sequences, initial_state, mask, training)
        y, h = rnn_ops.simple_rnn(
            C.dropped_sequence(cell, sequences, training),
            initial_state[0],
            cell.kernel,
            cell.recurrent_kernel,
            cell.bias,
            activation=act,
            mask=mask,
            go_backwards=self.go_backwards,
            return_sequences=self.return_sequences,
            zero_output_for_mask=self.zero_output_for_mask,
        )
        return y, [h]

    def call(
        self, sequences: Tensor, initial_state: Any = None, mask: Any = None, training: Any = False
    ) -> Any:
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)

    def get_config(self) -> dict[str, Any]:
        return C.layer_config(self, super().get_config(), seed=self.cell.seed)

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> SimpleRNN:
        return cls(**config)
