"""BaseSeparableConv: a depthwise convolution followed by a 1x1 convolution mixing the channels."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras import activations, constraints, initializers, regularizers
from tensorflux.keras.layers.convolutional import _args
from tensorflux.keras.layers.convolutional.base_depthwise_conv import _as_2d, _from_2d
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import conv_ops


class BaseSeparableConv(Layer):
    """``activation(pointwise(depthwise(inputs)) + bias)`` over 1 or 2 spatial dimensions.

    Weights, in order: ``depthwise_kernel`` ``kernel_size + (in_channels, depth_multiplier)``,
    ``pointwise_kernel`` ``(1,) * rank + (in_channels * depth_multiplier, filters)``, ``bias`` ``(filters,)``.

    Args:
        rank: 1 or 2.
        depth_multiplier: depthwise filters per input channel.
        filters: output channels of the pointwise convolution.
        kernel_size, strides, dilation_rate, padding, data_format, activation, use_bias: as in ``BaseConv``.
        depthwise_* / pointwise_* / bias_*: initializer, regularizer and constraint of each weight.

    >>> import tensorflux as tf
    >>> BaseSeparableConv(2, 1, 4, 3)(tf.ones((1, 5, 5, 3))).shape
    TensorShape([1, 3, 3, 4])
    """

    def __init__(
        self,
        rank: int,
        depth_multiplier: int,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        pointwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        pointwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        pointwise_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.depth_multiplier = _args.positive_int(depth_multiplier, "depth_multiplier")
        self.filters = _args.positive_int(filters, "filters")
        self.kernel_size = _args.standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = _args.standardize_tuple(strides, rank, "strides")
        self.dilation_rate = _args.standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = _args.standardize_padding(padding)
        self.data_format = _args.standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)

    @property
    def _channel_axis(self) -> int:
        return -1 if self.data_format == "channels_last" else 1

    def build(self, input_shape: Any) -> None:
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
        self.compute_output_shape(input_shape)
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel",
            shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
        )
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel",
            shape=(1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer,
            regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.filters,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={self._channel_axis: channels})

    def call(self, inputs: Tensor) -> Tensor:
        last = self.data_format == "channels_last"
        dw, pw = self.depthwise_kernel, self.pointwise_kernel
        strides, dilations = self.strides, self.dilation_rate
        if self.rank == 1:
            dw = P.unary(P.reshape, dw, shape=(1,) + tuple(dw._value.shape))
            pw = P.unary(P.reshape, pw, shape=(1,) + tuple(pw._value.shape))
            strides, dilations = (1,) + strides, (1,) + dilations
        y = conv_ops.separable_conv2d(
            _as_2d(inputs, self.rank, last),
            dw,
            pw,
            strides=strides,
            padding=self.padding.upper(),
            data_format="NHWC" if last else "NCHW",
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
        if self.data_format == "channels_last":
            return (input_shape[0],) + out + (self.filters,)
        return (input_shape[0], self.filters) + out

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "depth_multiplier": self.depth_multiplier,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
            "pointwise_constraint": constraints.serialize(self.pointwise_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }
