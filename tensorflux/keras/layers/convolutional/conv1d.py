"""Conv1D: 1-D convolution over the steps of ``(batch, steps, channels)`` sequences."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.layers.convolutional.base_conv import BaseConv


class Conv1D(BaseConv):
    """A 1-D convolution layer (temporal convolution), e.g. over word embeddings.

    Args:
        filters: the number of output channels.
        kernel_size: an int or a tuple of one int.
        strides: an int or a tuple of one int (default 1).
        padding: ``"valid"`` (default), ``"same"`` or ``"causal"`` (output t sees inputs up to t only).
        data_format: ``"channels_last"`` (``(batch, steps, channels)``, default) or
            ``"channels_first"`` (``(batch, channels, steps)``).
        dilation_rate: an int or a tuple of one int (default 1).
        groups: split the channels into this many groups (default 1).
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint: as in ``Dense``.

    >>> import tensorflux as tf
    >>> Conv1D(8, 3, activation="relu")(tf.ones((2, 10, 4))).shape
    TensorShape([2, 8, 8])
    """

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
        groups: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            rank=1,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            groups=groups,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
