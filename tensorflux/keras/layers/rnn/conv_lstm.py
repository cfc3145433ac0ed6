"""ConvLSTMCell and ConvLSTM: an LSTM whose input and recurrent transforms are convolutions.

The gates are ordered i, f, c, o along the last axis of the kernels and the bias, as Keras.

The layer convolves the inputs of all time steps at once (one convolution over ``batch * time``
images) and runs only the recurrent convolution step by step.  Internally everything is
channels-last; ``channels_first`` data is transposed once on the way in and once on the way out.
"""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.keras import activations, constraints, initializers, regularizers
from tensorflux.keras.layers.convolutional import _args
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.keras.layers.rnn import _cell_common as C
from tensorflux.keras.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from tensorflux.keras.layers.rnn.rnn import RNN
from tensorflux.ops import array_ops, conv_ops

_SPATIAL = {1: "(steps, channels)", 2: "(rows, cols, channels)", 3: "(depth, rows, cols, channels)"}


def _move_channels(x: Tensor, lead: int, to_last: bool) -> Tensor:
    """Move the channel axis of ``x`` (after ``lead`` leading axes) to the end, or back after them."""
    nd = x.ndim - lead - 1
    head = tuple(range(lead))
    if to_last:
        perm = head + tuple(range(lead + 1, lead + 1 + nd)) + (lead,)
    else:
        perm = head + (lead + nd,) + tuple(range(lead, lead + nd))
    return P.unary(P.transpose, x, perm=perm)


class ConvLSTMCell(Layer, DropoutRNNCell):
    """One ConvLSTM step on ``(batch, *spatial, channels)`` (or channels-first) inputs.

    ``z = conv(x, kernel) + bias + conv_same(h, recurrent_kernel)`` split into the gates i, f, c, o;
    ``c = f * c + i * activation(z_c)``, ``h = o * activation(c)``.  The input convolution uses the
    cell's strides, padding and dilation; the recurrent one stride 1, padding ``"same"`` and no
    dilation, as Keras.  With dropout each gate gets its own input (and state) mask; the four masked
    copies are convolved in one grouped convolution.

    Args:
        rank: 1, 2 or 3 spatial dimensions.
        filters: the channels of ``h`` and ``c``.
        kernel_size, strides, padding, data_format, dilation_rate: of the input convolution.
        activation: default ``"tanh"``; recurrent_activation: default ``"sigmoid"``.
        use_bias, unit_forget_bias, initializers, regularizers, constraints, dropout,
            recurrent_dropout, seed: as in ``LSTMCell``.

    >>> import tensorflux as tf
    >>> cell = ConvLSTMCell(2, 4, 3, padding="same")
    >>> h, (h2, c) = cell(tf.ones((1, 5, 5, 2)), [tf.zeros((1, 5, 5, 4)), tf.zeros((1, 5, 5, 4))])
    >>> c.shape
    TensorShape([1, 5, 5, 4])
    """

    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
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
        super().__init__(**kwargs)
        if rank not in (1, 2, 3):
            raise ValueError(f"Rank {rank} convolutions are not currently implemented. Received: rank={rank}")
        self.rank = rank
        self.filters = _args.positive_int(filters, "filters")
        self.kernel_size = _args.standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = _args.standardize_tuple(strides, rank, "strides")
        self.padding = _args.standardize_padding(padding)
        self.data_format = _args.standardize_data_format(data_format)
        self.dilation_rate = _args.standardize_tuple(dilation_rate, rank, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "Specifying `strides > 1` is not compatible with `dilation_rate > 1`. Please provide "
                f"`strides=1` or `dilation_rate=1`. Received: strides={self.strides} and "
                f"dilation_rate={self.dilation_rate}"
            )
        C.set_cell_options(
            self,
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
        self.dropout_mask_count = 4
        # the channels of h and c (their spatial shape follows the input); RNN counts the states by it
        self.state_size = [self.filters, self.filters]
        self.output_size = self.filters
        self.spatial_dims: tuple[int, ...] | None = None
        self.input_dim: int | None = None

    # -- shapes and weights -----------------------------------------------------------------------
    @property
    def _first(self) -> bool:
        return self.data_format == "channels_first"

    def _out_spatial(self, spatial: Any) -> tuple[Any, ...]:
        return tuple(
            _args.conv_output_length(s, k, self.padding, st, d)
            for s, k, st, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)
        )

    def compute_output_shape(self, inputs_shape: Any, states_shape: Any = None) -> Any:
        inputs_shape = tuple(inputs_shape)
        spatial = inputs_shape[2:] if self._first else inputs_shape[1:-1]
        out = self._out_spatial(spatial)
        if any(o is not None and o <= 0 for o in out):
            raise ValueError(
                f"{type(self).__name__} '{self.name}': the convolution's output would be empty: inputs "
                f"{inputs_shape}, kernel_size={self.kernel_size}, strides={self.strides}, "
                f"dilation_rate={self.dilation_rate}, padding={self.padding!r}. Use padding='same', a "
                "smaller kernel or larger inputs."
            )
        shape = (
            (inputs_shape[0], self.filters) + out
            if self._first
            else (inputs_shape[0],) + out + (self.filters,)
        )
        return shape, [shape, shape]

    def build(self, inputs_shape: Any, states_shape: Any = None) -> None:
        inputs_shape = tuple(inputs_shape)
        channels = inputs_shape[1] if self._first else inputs_shape[-1]
        self.spatial_dims = inputs_shape[2:] if self._first else inputs_shape[1:-1]
        if None in self.spatial_dims:
            raise ValueError(
                "ConvLSTM layers only support static input shapes for the spatial dimension. "
                f"Received invalid input shape: input_shape={inputs_shape}"
            )
        if channels is None:
            raise ValueError(
                "The channel dimension of the inputs should be defined. Found None. Full input shape "
                f"received: input_shape={inputs_shape}"
            )
        self.compute_output_shape(inputs_shape)  # rejects inputs smaller than the kernel
        self.input_dim = channels
        self.kernel = self.add_weight(
            shape=self.kernel_size + (channels, 4 * self.filters),
            name="kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=self.kernel_size + (self.filters, 4 * self.filters),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            init = self.bias_initializer
            if self.unit_forget_bias:
                filters, base = self.filters, self.bias_initializer

                def init(shape: Any, dtype: Any = None) -> Tensor:
                    ones = initializers.get("ones")
                    parts = [base((filters,), dtype=dtype), ones((filters,), dtype=dtype)]
                    return array_ops.concat(parts + [base((2 * filters,), dtype=dtype)], 0)

            self.bias = self.add_weight(
                shape=(4 * self.filters,),
                name="bias",
                initializer=init,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def get_initial_state(self, batch_size: Any = None) -> list[Tensor]:
        if self.spatial_dims is None:
            raise ValueError(f"{type(self).__name__} '{self.name}': build the cell before asking for states.")
        inputs_shape = (
            (batch_size, self.input_dim) + self.spatial_dims
            if self._first
            else (batch_size,) + self.spatial_dims + (self.input_dim,)
        )
        shape = self.compute_output_shape(inputs_shape)[0]
        return [array_ops.zeros(shape, self.compute_dtype) for _ in range(2)]

    # -- the computation (channels-last tensors) ---------------------------------------------------
    def _input_projection(self, x: Tensor, masks: Any = None) -> Tensor:
        """``conv(x, kernel) + bias`` for ``(n, *spatial, channels)``; with masks one per gate."""
        if masks is not None:
            # gate g convolves x * mask_g with kernel[..., g]: a grouped convolution (4 groups)
            x = array_ops.concat([x * m for m in masks], -1)
        z = conv_ops.convolution(
            x, self.kernel, strides=self.strides, padding=self.padding.upper(), dilations=self.dilation_rate
        )
        return z + self.bias if self.bias is not None else z

    def _recurrent_projection(self, h: Tensor, masks: Any = None) -> Tensor:
        if masks is not None:
            h = array_ops.concat([h * m for m in masks], -1)
        return conv_ops.convolution(h, self.recurrent_kernel, padding="SAME")

    def _update(self, zx: Tensor, h: Tensor, c: Tensor, rec_masks: Any = None) -> tuple[Tensor, Tensor]:
        """The gates from the input part ``zx`` and the previous ``h``; returns the new ``(h, c)``."""
        z = zx + self._recurrent_projection(h, rec_masks)
        f = self.filters
        i = self.recurrent_activation(z[..., :f])
        forget = self.recurrent_activation(z[..., f : 2 * f])
        c = forget * c + i * self.activation(z[..., 2 * f : 3 * f])
        o = self.recurrent_activation(z[..., 3 * f :])
        return o * self.activation(c), c

    def _masks(self, x: Tensor, h: Tensor, training: Any) -> tuple[Any, Any]:
        """This sequence's dropout masks for a channels-last step input ``x`` and state ``h``."""
        dp = self.get_dropout_mask(x) if training and 0.0 < self.dropout < 1.0 else None
        rec = self.get_recurrent_dropout_mask(h) if training and 0.0 < self.recurrent_dropout < 1.0 else None
        return dp, rec

    def call(self, inputs: Tensor, states: Any, training: Any = False) -> tuple[Tensor, list[Tensor]]:
        x, h, c = inputs, states[0], states[1]
        if self._first:
            x, h, c = (_move_channels(v, 1, True) for v in (x, h, c))
        dp, rec = self._masks(x, h, training)
        h, c = self._update(self._input_projection(x, dp), h, c, rec)
        if self._first:
            h, c = _move_channels(h, 1, False), _move_channels(c, 1, False)
        return h, [h, c]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), **_cell_args(self), "seed": self.seed}


def _cell_args(cell: ConvLSTMCell) -> dict[str, Any]:
    """The constructor arguments a ConvLSTM cell and layer share, in Keras' config keys."""
    return {
        "filters": cell.filters,
        "kernel_size": cell.kernel_size,
        "strides": cell.strides,
        "padding": cell.padding,
        "data_format": cell.data_format,
        "dilation_rate": cell.dilation_rate,
        "activation": activations.serialize(cell.activation),
        "recurrent_activation": activations.serialize(cell.recurrent_activation),
        "use_bias": cell.use_bias,
        "kernel_initializer": initializers.serialize(cell.kernel_initializer),
        "recurrent_initializer": initializers.serialize(cell.recurrent_initializer),
        "bias_initializer": initializers.serialize(cell.bias_initializer),
        "unit_forget_bias": cell.unit_forget_bias,
        "kernel_regularizer": regularizers.serialize(cell.kernel_regularizer),
        "recurrent_regularizer": regularizers.serialize(cell.recurrent_regularizer),
        "bias_regularizer": regularizers.serialize(cell.bias_regularizer),
        "kernel_constraint": constraints.serialize(cell.kernel_constraint),
        "recurrent_constraint": constraints.serialize(cell.recurrent_constraint),
        "bias_constraint": constraints.serialize(cell.bias_constraint),
        "dropout": cell.dropout,
        "recurrent_dropout": cell.recurrent_dropout,
    }


def _cell_properties(cls: type) -> type:
    """``layer.<name>`` reads ``layer.cell.<name>`` for every shared constructor argument (as Keras)."""
    names = (
        "filters kernel_size strides padding data_format dilation_rate activation recurrent_activation "
        "use_bias kernel_initializer recurrent_initializer bias_initializer unit_forget_bias "
        "kernel_regularizer recurrent_regularizer bias_regularizer kernel_constraint recurrent_constraint "
        "bias_constraint dropout recurrent_dropout"
    ).split()
    for name in names:
        setattr(
            cls, name, property(lambda self, n=name: getattr(self.cell, n), doc=f"The cell's ``{name}``.")
        )
    return cls


@_cell_properties
class ConvLSTM(RNN):
    """The N-D convolutional LSTM layer that ConvLSTM1D/2D/3D specialise by rank.

    Inputs are ``(batch, time, *spatial, channels)`` (``(batch, time, channels, *spatial)`` for
    ``channels_first``); the states ``h`` and ``c`` and the output have the shape of the input
    convolution's output with ``filters`` channels.  Masks ``(batch, time)`` keep the states of
    masked steps and repeat the previous output, as ``RNN``; a ``(batch, time, *spatial)`` mask
    (what ``Masking`` gives) does so position by position, as Keras.

    Args:
        rank: 1, 2 or 3.
        filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
            recurrent_activation, use_bias, initializers, unit_forget_bias, regularizers,
            constraints, dropout, recurrent_dropout, seed: as in ``ConvLSTMCell``.
        return_sequences, return_state, go_backwards, stateful: as in ``RNN``.

    >>> import tensorflux as tf
    >>> ConvLSTM(1, 4, 3, return_sequences=True)(tf.ones((2, 5, 8, 3))).shape
    TensorShape([2, 5, 6, 4])
    """

    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
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
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        **kwargs: Any,
    ) -> None:
        cell = ConvLSTMCell(
            rank=rank,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            name="conv_lstm_cell",
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            **kwargs,
        )
        self.rank = rank
        # checked in build with a message that names both likely fixes (a time or a channels axis)
        self.input_spec = None

    # -- shapes and building ----------------------------------------------------------------------
    def _expected(self) -> str:
        spatial = _SPATIAL[self.rank]
        if self.cell.data_format == "channels_first":
            spatial = "(channels, " + spatial[1:].replace(", channels)", ")")
        return f"(batch, time, {spatial[1:-1]})"

    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        sequences_shape = tuple(sequences_shape)
        if len(sequences_shape) != self.rank + 3:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' expects inputs of rank {self.rank + 3}, "
                f"{self._expected()}. Received: input_shape={sequences_shape}. Add a time axis "
                "(`x[:, None]`) for single frames, or a channels axis (`x[..., None]`) for one channel."
            )
        super().build(sequences_shape)
        channel_axis = 2 if self.cell.data_format == "channels_first" else -1
        self.input_spec = InputSpec(ndim=self.rank + 3, axes={channel_axis: sequences_shape[channel_axis]})

    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        sequences_shape = tuple(sequences_shape)
        batch, steps = sequences_shape[0], sequences_shape[1]
        state = self.cell.compute_output_shape((batch,) + sequences_shape[2:])[0][1:]
        output = (batch, steps) + state if self.return_sequences else (batch,) + state
        if self.return_state:
            return output, (batch,) + state, (batch,) + state
        return output

    def _state_shape(self, sequences: Tensor) -> tuple[int, ...]:
        shape = tuple(sequences.shape)
        return self.cell.compute_output_shape((shape[0],) + shape[2:])[0]

    def _initial_states(self, sequences: Tensor, initial_state: Any) -> Any:
        shape = self._state_shape(sequences)
        if initial_state is None:
            if self.stateful and self._state_vars is not None:
                return list(self._state_vars)
            zeros = array_ops.zeros(shape, self.cell.compute_dtype)
            return [zeros, zeros]
        given = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        given = [
            s if isinstance(s, Tensor) else convert_to_tensor(s, dtype=self.compute_dtype) for s in given
        ]
        if len(given) != 2 or any(tuple(s.shape) != shape for s in given):
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' expects `initial_state` as a list of 2 tensors "
                f"[h, c], each of shape {shape}. Received: "
                f"{[tuple(s.shape) for s in given]}."
            )
        return given

    def _keep_shape(self, mask_shape: tuple[int, ...], state_shape: tuple[int, ...], first: bool) -> Any:
        """How one step of the mask broadcasts over the (channels-last) states.

        A ``(batch, time)`` mask keeps or updates whole samples.  A mask with the states' spatial axes
        too (``Masking`` gives ``(batch, time, *spatial)`` for channels-last inputs) keeps or updates
        each position on its own, as Keras does when the sizes agree (padding "same", stride 1).
        """
        batch, spatial = state_shape[0], state_shape[1:-1]
        if len(mask_shape) == 2 and mask_shape[0] == batch:
            return (batch,) + (1,) * len(state_shape[1:])
        if not first and mask_shape[:1] + mask_shape[2:] == (batch,) + spatial:
            return (batch,) + spatial + (1,)
        raise ValueError(
            f"{type(self).__name__} layer '{self.name}' expects a mask of shape (batch, time) = "
            f"{(batch, mask_shape[1] if len(mask_shape) > 1 else None)}"
            + ("" if first else f" or (batch, time, *spatial) with the output's spatial size {spatial}")
            + f". Received: mask.shape={mask_shape}."
        )

    # -- the loop -----------------------------------------------------------------------------------
    def inner_loop(
        self, sequences: Tensor, initial_state: Any, mask: Any, training: bool = False
    ) -> tuple[Any, Any]:
        cell = self.cell
        first = cell.data_format == "channels_first"
        x, h, c = sequences, initial_state[0], initial_state[1]
        if first:
            x, h, c = _move_channels(x, 2, True), _move_channels(h, 1, True), _move_channels(c, 1, True)
        batch, steps = x.shape[0], x.shape[1]
        dp, rec = cell._masks(x[:, 0], h, training)
        # the input convolution of every step at once: one convolution over batch * time images
        flat = array_ops.reshape(x, (batch * steps,) + tuple(x.shape[2:]))
        if dp is not None:
            # one mask per sequence: the same for every step
            shape = tuple(x.shape)
            per_step = [P.unary(P.broadcast_to, array_ops.expand_dims(m, 1), shape=shape) for m in dp]
            dp = [array_ops.reshape(m, tuple(flat.shape)) for m in per_step]
        zx = cell._input_projection(flat, dp)
        zx = array_ops.unstack(array_ops.reshape(zx, (batch, steps) + tuple(zx.shape[1:])), axis=1)
        keeps = None
        if mask is not None:
            mask = array_ops.cast(mask, "bool")
            keep_shape = self._keep_shape(tuple(mask.shape), tuple(h.shape), first)
            keeps = [array_ops.reshape(m, keep_shape) for m in array_ops.unstack(mask, axis=1)]
        order = range(steps - 1, -1, -1) if self.go_backwards else range(steps)
        outputs: list[Tensor] = []
        prev: Tensor | None = None
        for t in order:
            new_h, new_c = cell._update(zx[t], h, c, rec)
            out = new_h
            if keeps is not None:
                keep = P.unary(P.broadcast_to, keeps[t], shape=tuple(new_h.shape))
                fallback = array_ops.zeros_like(out) if prev is None or self.zero_output_for_mask else prev
                out = array_ops.where(keep, new_h, fallback)
                new_h, new_c = array_ops.where(keep, new_h, h), array_ops.where(keep, new_c, c)
            h, c, prev = new_h, new_c, out
            if self.return_sequences:
                outputs.append(out)
        output = array_ops.stack(outputs, axis=1) if self.return_sequences else prev
        if first:
            output = _move_channels(output, 2 if self.return_sequences else 1, False)
            h, c = _move_channels(h, 1, False), _move_channels(c, 1, False)
        return output, [h, c]

    # -- configuration ----------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        config = {k: v for k, v in super().get_config().items() if k != "cell"}
        return {
            **config,
            **_cell_args(self.cell),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "seed": self.cell.seed,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> ConvLSTM:
        return cls(**config)
