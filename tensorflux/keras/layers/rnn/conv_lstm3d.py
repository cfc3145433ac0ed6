"""ConvLSTM3D: a convolutional LSTM over sequences of volumes."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.layers.rnn.conv_lstm import ConvLSTM


class ConvLSTM3D(ConvLSTM):
    """3D convolutional LSTM: an LSTM whose input and recurrent transforms are 3D convolutions.

    Inputs are ``(batch, time, depth, rows, cols, channels)`` (``(batch, time, channels, depth, rows,
    cols)`` with ``data_format="channels_first"``); the output is the last ``h`` (or every step's with
    ``return_sequences``) with ``filters`` channels and the input convolution's spatial size.

    Args:
        filters: the channels of the output and the states.
        kernel_size: an int or 3 ints, for both convolutions.
        strides: an int or 3 ints (the input convolution; ``> 1`` excludes ``dilation_rate > 1``).
        padding: ``"valid"`` or ``"same"`` (the input convolution; the recurrent one is always "same").
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        dilation_rate: an int or 3 ints (the input convolution).
        activation: default ``"tanh"``; recurrent_activation: default ``"sigmoid"``.
        use_bias, kernel_initializer, recurrent_initializer, bias_initializer, unit_forget_bias,
            regularizers, constraints: as in ``LSTM``; weights ``kernel (*kernel_size, channels,
            4 filters)``, ``recurrent_kernel (*kernel_size, filters, 4 filters)``, ``bias (4 filters,)``.
        dropout, recurrent_dropout, seed: dropout of the inputs / states, one mask per gate and sequence.
        return_sequences, return_state, go_backwards, stateful: as in ``RNN``.

    >>> import tensorflux as tf
    >>> ConvLSTM3D(4, 3, padding="same")(tf.ones((1, 2, 4, 4, 4, 2))).shape
    TensorShape([1, 4, 4, 4, 4])
    """

    def __init__(
        self,
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
        **kwargs: Any,
    ) -> None:
        super().__init__(
            rank=3,
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
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            **kwargs,
        )
