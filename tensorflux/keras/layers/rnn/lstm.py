"""LSTMCell and LSTM: long short-term memory, Keras gate order i, f, c, o."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras import activations, initializers
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.keras.layers.rnn import _cell_common as C
from tensorflux.keras.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from tensorflux.keras.layers.rnn.rnn import RNN
from tensorflux.ops import array_ops, rnn_ops


class LSTMCell(Layer, DropoutRNNCell):
    """One LSTM step: ``c = f * c + i * activation(zc)``, ``h = o * activation(c)`` (gates i, f, o).

    Weights: ``kernel (features, 4 units)``, ``recurrent_kernel (units, 4 units)``, ``bias (4 units,)``,
    the gates i, f, c, o along the last axis.  ``unit_forget_bias`` starts the forget gate's bias at 1.

    Args:
        units: the size of the states and output.
        activation: default ``"tanh"``; recurrent_activation: default ``"sigmoid"``.
        use_bias, unit_forget_bias, initializers, regularizers, constraints: as in Keras.
        dropout, recurrent_dropout, seed: as in ``SimpleRNNCell`` (with recurrent dropout, one mask
            per gate, as Keras' implementation 1).

    >>> import tensorflux as tf
    >>> h, (h2, c) = LSTMCell(4)(tf.ones((2, 3)), [tf.zeros((2, 4)), tf.zeros((2, 4))])
    >>> c.shape
    TensorShape([2, 4])
    """

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
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
        implementation = kwargs.pop("implementation", 2)
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
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.implementation = 1 if self.recurrent_dropout else implementation
        if self.implementation == 1:
            self.dropout_mask_count = 4
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape: Any) -> None:
        C.add_kernels(self, tuple(input_shape)[-1], 4)
        self.bias = None
        if self.use_bias:
            init = self.bias_initializer
            if self.unit_forget_bias:
                units, base = self.units, self.bias_initializer

                def init(shape: Any, dtype: Any = None) -> Tensor:
                    ones = initializers.get("ones")
                    return array_ops.concat(
                        [
                            base((units,), dtype=dtype),
                            ones((units,), dtype=dtype),
                            base((2 * units,), dtype=dtype),
                        ],
                        0,
                    )

            self.bias = self.add_weight(
                shape=(4 * self.units,),
                name="bias",
                initializer=init,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def call(self, inputs: Tensor, states: Any, training: Any = False) -> tuple[Tensor, list[Tensor]]:
        h_tm1, c_tm1 = states[0], states[1]
        u = self.units
        dp = self.get_dropout_mask(inputs) if training and 0.0 < self.dropout < 1.0 else None
        rec = (
            self.get_recurrent_dropout_mask(h_tm1)
            if training and 0.0 < self.recurrent_dropout < 1.0
            else None
        )
        if self.implementation == 1:
            # one mask per gate on the inputs and on the state (Keras' implementation 1)
            z = []
            for g in range(4):
                x_g = inputs * dp[g] if dp is not None else inputs
                h_g = h_tm1 * rec[g] if rec is not None else h_tm1
                z_g = C.matmul(x_g, C.columns(self.kernel, g * u, (g + 1) * u))
                if self.bias is not None:
                    z_g = z_g + self.bias[g * u : (g + 1) * u]
                z.append(z_g + C.matmul(h_g, C.columns(self.recurrent_kernel, g * u, (g + 1) * u)))
        else:
            x = inputs * dp if dp is not None else inputs
            zz = C.matmul(x, self.kernel) + C.matmul(h_tm1, self.recurrent_kernel)
            if self.bias is not None:
                zz = zz + self.bias
            z = [C.columns(zz, g * u, (g + 1) * u) for g in range(4)]
        i = self.recurrent_activation(z[0])
        f = self.recurrent_activation(z[1])
        c = f * c_tm1 + i * self.activation(z[2])
        o = self.recurrent_activation(z[3])
        h = o * self.activation(c)
        return h, [h, c]

    def get_initial_state(self, batch_size: Any = None) -> list[Tensor]:
        return [C.zeros_state(batch_size, self.units, self.compute_dtype) for _ in range(2)]

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            **C.cell_config(self),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
            "seed": self.seed,
        }


@C.cell_properties("recurrent_activation", "unit_forget_bias")
class LSTM(RNN):
    """Long short-term memory layer over ``(batch, time, features)`` (Hochreiter & Schmidhuber, 1997).

    With the default activations (tanh, sigmoid) the whole sequence runs in one fused kernel
    (one GEMM for all input projections, one per step for the recurrence, the backward through
    time batched the same way), including masks, ``go_backwards``, initial states and input
    dropout; other activations and ``recurrent_dropout`` in training use the cell step by step.

    Args:
        units: the size of the states and output.
        activation, recurrent_activation, use_bias, unit_forget_bias, initializers, regularizers,
            constraints, dropout, recurrent_dropout, seed: as in ``LSTMCell``.
        return_sequences, return_state, go_backwards, stateful, unroll: as in ``RNN``.
        use_cudnn: accepted for compatibility.

    >>> import tensorflux as tf
    >>> out, h, c = LSTM(8, return_state=True)(tf.ones((2, 5, 3)))
    >>> out.shape, c.shape
    (TensorShape([2, 8]), TensorShape([2, 8]))
    """

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        use_cudnn: Any = "auto",
        **kwargs: Any,
    ) -> None:
        cell = LSTMCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            unit_forget_bias=unit_forget_bias,
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
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="lstm_cell",
            seed=seed,
            implementation=kwargs.pop("implementation", 2),
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
        self.use_cudnn = C.check_use_cudnn(use_cudnn)

    def inner_loop(
        self, sequences: Tensor, initial_state: Any, mask: Any, training: bool = False
    ) -> tuple[Any, Any]:
        cell = self.cell
        fused = (
            C.fused_name(cell.activation, ("tanh",))
            and C.fused_name(cell.recurrent_activation, ("sigmoid",))
            and type(cell).call is LSTMCell.call
            and not (training and cell.recurrent_dropout > 0)
        )
        if not fused:
            return super().inner_loop(sequences, initial_state, mask, training)
        y, h, c = rnn_ops.lstm(
            C.dropped_sequence(cell, sequences, training),
            initial_state[0],
            initial_state[1],
            cell.kernel,
            cell.recurrent_kernel,
            cell.bias,
            mask=mask,
            go_backwards=self.go_backwards,
            return_sequences=self.return_sequences,
            zero_output_for_mask=self.zero_output_for_mask,
        )
        return y, [h, c]

    def call(
        self, sequences: Tensor, initial_state: Any = None, mask: Any = None, training: Any = False
    ) -> Any:
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)

    def get_config(self) -> dict[str, Any]:
        cell = self.cell
        return C.layer_config(
            self,
            super().get_config(),
            recurrent_activation=activations.serialize(cell.recurrent_activation),
            unit_forget_bias=cell.unit_forget_bias,
            seed=cell.seed,
        )

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> LSTM:
        return cls(**config)
