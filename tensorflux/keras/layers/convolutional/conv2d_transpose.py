"""Conv2DTranspose: transposed 2-D convolution (upsampling images)."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.layers.convolutional.base_conv_transpose import BaseConvTranspose


class Conv2DTranspose(BaseConvTranspose):
    """A transposed 2-D convolution (sometimes called deconvolution), e.g. in decoders.

    Args:
        filters: the number of output channels.
        kernel_size, strides, dilation_rate: an int or 2 ints.
        padding: ``"valid"`` (default) or ``"same"``.
        output_padding: an int or 2 ints (each smaller than its stride), or None (default).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint: as in ``Dense``.

    >>> import tensorflux as tf
    >>> Conv2DTranspose(16, (3, 3), strides=(2, 2), padding="same")(tf.ones((1, 7, 7, 8))).shape
    TensorShape([1, 14, 14, 16])
    """

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        output_padding: Any = None,
        data_format: str | None = None,
        dilation_rate: Any = 1,
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
            rank=2,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            output_padding=output_padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
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
