"""GRUCell and GRU: gated recurrent unit, Keras gate order z, r, h (``reset_after`` as Keras 3 by default)."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras import activations
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.keras.layers.rnn import _cell_common as C
from tensorflux.keras.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from tensorflux.keras.layers.rnn.rnn import RNN
from tensorflux.ops import rnn_ops


class GRUCell(Layer, DropoutRNNCell):
    """One GRU step: ``z, r = recurrent_activation(.)``, ``h = z * h_prev + (1 - z) * activation(hh)``.

    With ``reset_after=True`` (default) the reset gate multiplies ``h_prev U_h + b_rec_h`` and the
    bias is ``(2, 3 units)`` (row 0 for the inputs, row 1 for the recurrence); with ``False`` it
    multiplies ``h_prev`` before ``U_h`` and the bias is ``(3 units,)``.

    Args:
        units: the size of the state and output.
        activation: default ``"tanh"``; recurrent_activation: default ``"sigmoid"``.
        use_bias, initializers, regularizers, constraints, dropout, recurrent_dropout, seed: as in Keras.
        reset_after: see above.

    >>> import tensorflux as tf
    >>> h, _ = GRUCell(4)(tf.ones((2, 3)), [tf.zeros((2, 4))])
    >>> h.shape
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
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        reset_after: bool = True,
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
        self.reset_after = bool(reset_after)
        self.implementation = 1 if self.recurrent_dropout else implementation
        if self.implementation == 1:
            self.dropout_mask_count = 3
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape: Any) -> None:
        C.add_kernels(self, tuple(input_shape)[-1], 3)
        self.bias = None
        if self.use_bias:
            shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
            self.bias = self.add_weight(
                shape=shape,
                name="bias",
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def call(self, inputs: Tensor, states: Any, training: Any = False) -> tuple[Tensor, Any]:
        h_tm1 = states[0] if isinstance(states, (list, tuple)) else states
        u = self.units
        in_bias = rec_bias = None
        if self.bias is not None:
            in_bias, rec_bias = (self.bias[0], self.bias[1]) if self.reset_after else (self.bias, None)
        dp = self.get_dropout_mask(inputs) if training and 0.0 < self.dropout < 1.0 else None
        rec = (
            self.get_recurrent_dropout_mask(h_tm1)
            if training and 0.0 < self.recurrent_dropout < 1.0
            else None
        )
        k, rk = self.kernel, self.recurrent_kernel
        if self.implementation == 1:
            xs = [inputs * dp[g] if dp is not None else inputs for g in range(3)]
            hs = [h_tm1 * rec[g] if rec is not None else h_tm1 for g in range(3)]
            x = [C.matmul(xs[g], C.columns(k, g * u, (g + 1) * u)) for g in range(3)]
            if in_bias is not None:
                x = [x[g] + in_bias[g * u : (g + 1) * u] for g in range(3)]
            rz = C.matmul(hs[0], C.columns(rk, 0, u))
            rr = C.matmul(hs[1], C.columns(rk, u, 2 * u))
            if rec_bias is not None:
                rz, rr = rz + rec_bias[:u], rr + rec_bias[u : 2 * u]
            z = self.recurrent_activation(x[0] + rz)
            r = self.recurrent_activation(x[1] + rr)
            if self.reset_after:
                rh = C.matmul(hs[2], C.columns(rk, 2 * u, 3 * u))
                if rec_bias is not None:
                    rh = rh + rec_bias[2 * u :]
                rh = r * rh
            else:
                rh = C.matmul(r * hs[2], C.columns(rk, 2 * u, 3 * u))
            hh = self.activation(x[2] + rh)
        else:
            mx = C.matmul(inputs * dp if dp is not None else inputs, k)
            if in_bias is not None:
                mx = mx + in_bias
            if self.reset_after:
                inner = C.matmul(h_tm1, rk)
                if rec_bias is not None:
                    inner = inner + rec_bias
            else:
                inner = C.matmul(h_tm1, C.columns(rk, 0, 2 * u))
            z = self.recurrent_activation(C.columns(mx, 0, u) + C.columns(inner, 0, u))
            r = self.recurrent_activation(C.columns(mx, u, 2 * u) + C.columns(inner, u, 2 * u))
            if self.reset_after:
                rh = r * C.columns(inner, 2 * u, 3 * u)
            else:
                rh = C.matmul(r * h_tm1, C.columns(rk, 2 * u, 3 * u))
            hh = self.activation(C.columns(mx, 2 * u, 3 * u) + rh)
        h = z * h_tm1 + (1.0 - z) * hh
        return h, [h] if isinstance(states, (list, tuple)) else h

    def get_initial_state(self, batch_size: Any = None) -> list[Tensor]:
        return [C.zeros_state(batch_size, self.units, self.compute_dtype)]

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            **C.cell_config(self),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "reset_after": self.reset_after,
            "seed": self.seed,
        }


@C.cell_properties("recurrent_activation", "reset_after")
class GRU(RNN):
    """Gated recurrent unit layer over ``(batch, time, features)`` (Cho et al., 2014).

    With the default activations the whole sequence runs in one fused kernel, for both
    ``reset_after`` variants, with masks, ``go_backwards``, initial states and input dropout;
    other activations and ``recurrent_dropout`` in training use the cell step by step.

    Args:
        units: the size of the state and output.
        activation, recurrent_activation, use_bias, initializers, regularizers, constraints,
            dropout, recurrent_dropout, seed, reset_after: as in ``GRUCell``.
        return_sequences, return_state, go_backwards, stateful, unroll: as in ``RNN``.
        use_cudnn: accepted for compatibility.

    >>> import tensorflux as tf
    >>> GRU(6, return_sequences=True)(tf.ones((2, 5, 3))).shape
    TensorShape([2, 5, 6])
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
        reset_after: bool = True,
        use_cudnn: Any = "auto",
        **kwargs: Any,
    ) -> None:
        cell = GRUCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
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
            reset_after=reset_after,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="gru_cell",
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
            and type(cell).call is GRUCell.call
            and not (training and cell.recurrent_dropout > 0)
        )
        if not fused:
            return super().inner_loop(sequences, initial_state, mask, training)
        y, h = rnn_ops.gru(
            C.dropped_sequence(cell, sequences, training),
            initial_state[0],
            cell.kernel,
            cell.recurrent_kernel,
            cell.bias,
            reset_after=cell.reset_after,
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
        cell = self.cell
        return C.layer_config(
            self,
            super().get_config(),
            recurrent_activation=activations.serialize(cell.recurrent_activation),
            reset_after=cell.reset_after,
            seed=cell.seed,
        )

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> GRU:
        return cls(**config)
