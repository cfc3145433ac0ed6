"""DepthwiseConv1D: a per-channel 1-D convolution (each channel with its own filters)."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.layers.convolutional.base_depthwise_conv import BaseDepthwiseConv


class DepthwiseConv1D(BaseDepthwiseConv):
    """Depthwise 1-D convolution: each input channel gets ``depth_multiplier`` filters of its own.

    The kernel has shape ``kernel_size + (input_channels, depth_multiplier)`` and the output has
    ``input_channels * depth_multiplier`` channels.

    Args:
        kernel_size, strides, dilation_rate: an int or a tuple of one int.
        depth_multiplier: filters per input channel (default 1).
        padding: ``"valid"`` (default) or ``"same"``.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        activation, use_bias: as in ``Conv1D``.
        depthwise_initializer, depthwise_regularizer, depthwise_constraint: for the kernel.
        bias_initializer, bias_regularizer, bias_constraint, activity_regularizer: as in ``Conv1D``.

    >>> import tensorflux as tf
    >>> DepthwiseConv1D(3, depth_multiplier=2)(tf.ones((1, 6, 3))).shape
    TensorShape([1, 4, 6])
    """

    def __init__(
        self,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        depth_multiplier: int = 1,
        data_format: str | None = None,
        dilation_rate: Any = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            rank=1,
            depth_multiplier=depth_multiplier,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            depthwise_initializer=depthwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
