"""BaseDepthwiseConv: each input channel convolved with its own ``depth_multiplier`` filters (1-D or 2-D)."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras import activations, constraints, initializers, regularizers
from tensorflux.keras.layers.convolutional import _args
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import conv_ops


def _as_2d(x: Tensor, rank: int, channels_last: bool) -> Tensor:
    """A rank-1 input ``(batch, steps, c)`` as a one-row image ``(batch, 1, steps, c)`` (2-D kernels)."""
    if rank == 2:
        return x
    s = tuple(x._value.shape)
    return P.unary(P.reshape, x, shape=(s[0], 1) + s[1:] if channels_last else s[:2] + (1, s[2]))


def _from_2d(y: Tensor, rank: int, channels_last: bool) -> Tensor:
    if rank == 2:
        return y
    s = tuple(y._value.shape)
    return P.unary(P.reshape, y, shape=(s[0],) + s[2:] if channels_last else s[:2] + (s[3],))


class BaseDepthwiseConv(Layer):
    """``activation(depthwise_conv(inputs, kernel) + bias)``: channel ``c * M + m`` filters input ``c``.

    The kernel has shape ``kernel_size + (input_channels, depth_multiplier)``.

    Args:
        rank: 1 or 2 spatial dimensions.
        depth_multiplier: filters per input channel.
        kernel_size, strides, dilation_rate: an int or ``rank`` ints.
        padding: ``"valid"`` or ``"same"``.
        data_format, activation, use_bias: as in ``BaseConv``.
        depthwise_initializer, depthwise_regularizer, depthwise_constraint: for the kernel.
        bias_initializer, bias_regularizer, bias_constraint, activity_regularizer: as in ``BaseConv``.

    >>> import tensorflux as tf
    >>> BaseDepthwiseConv(2, 2, 3)(tf.ones((1, 5, 5, 3))).shape
    TensorShape([1, 3, 3, 6])
    """

    def __init__(
        self,
        rank: int,
        depth_multiplier: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
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
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.depth_multiplier = _args.positive_int(depth_multiplier, "depth_multiplier")
        self.kernel_size = _args.standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = _args.standardize_tuple(strides, rank, "strides")
        self.dilation_rate = _args.standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = _args.standardize_padding(padding)
        self.data_format = _args.standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)

    @property
    def _channel_axis(self) -> int:
        return -1 if self.data_format == "channels_last" else 1

    def _input_channels(self, input_shape: Any) -> int:
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' expects inputs of rank {self.rank + 2}. "
                f"Received: input_shape={input_shape}"
            )
        channels = input_shape[self._channel_axis]
        if channels is None:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': the channel dimension of the inputs must "
                "be known. "
                f"Received: input_shape={input_shape}"
            )
        return channels

    def build(self, input_shape: Any) -> None:
        channels = self._input_channels(input_shape)
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(
            name="kernel",
            shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.depth_multiplier * channels,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={self._channel_axis: channels})

    def _spatial_2d(self) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
        if self.rank == 2:
            return self.kernel_size, self.strides, self.dilation_rate  # type: ignore[return-value]
        return (1,) + self.kernel_size, (1,) + self.strides, (1,) + self.dilation_rate  # type: ignore[return-value]

    def call(self, inputs: Tensor) -> Tensor:
        last = self.data_format == "channels_last"
        fmt = "NHWC" if last else "NCHW"
        kernel = self.kernel
        if self.rank == 1:
            kernel = P.unary(P.reshape, kernel, shape=(1,) + tuple(kernel._value.shape))
        _, strides, dilations = self._spatial_2d()
        y = conv_ops.depthwise_conv2d(
            _as_2d(inputs, self.rank, last),
            kernel,
            strides=strides,
            padding=self.padding.upper(),
            data_format=fmt,
            dilations=dilations,
        )
        y = _from_2d(y, self.rank, last)
        if self.bias is not None:
            y = conv_ops.bias_add(y, self.bias, data_format=_args.tf_format(self.data_format, self.rank))
        if self.activation is not activations.linear:
            y = self.activation(y)
        return y

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        input_shape = tuple(input_shape)
        channels = self._input_channels(input_shape)
        spatial = input_shape[1:-1] if self.data_format == "channels_last" else input_shape[2:]
        out = tuple(
            _args.conv_output_length(s, k, self.padding, st, d)
            for s, k, st, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)
        )
        if any(o is not None and o <= 0 for o in out):
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': computed output size would be zero or negative. "
                f"Received inputs shape={input_shape}, kernel_size={self.kernel_size}, "
                f"strides={self.strides}, "
                f"dilation_rate={self.dilation_rate}, padding={self.padding!r}."
            )
        filters = channels * self.depth_multiplier
        if self.data_format == "channels_last":
            return (input_shape[0],) + out + (filters,)
        return (input_shape[0], filters) + out

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "depth_multiplier": self.depth_multiplier,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }
