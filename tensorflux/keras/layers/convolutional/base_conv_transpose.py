"""BaseConvTranspose: the N-D transposed convolution that Conv1DTranspose, ... Conv3DTranspose specialise."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras import activations, constraints, initializers, regularizers
from tensorflux.keras.layers.convolutional import _args
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import conv_ops

_TRANSPOSE_OPS = {1: conv_ops.conv1d_transpose, 2: conv_ops.conv2d_transpose, 3: conv_ops.conv3d_transpose}


def deconv_output_length(
    length: Any, kernel: int, padding: str, output_padding: int | None, stride: int, dilation: int
) -> Any:
    """Output size of a transposed convolution, as TensorFlow/Keras compute it (None stays None)."""
    if length is None:
        return None
    span = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(span, stride) - span if output_padding is None else output_padding
        return (length - 1) * stride + span + extra
    if output_padding is None:
        return length * stride
    return (length - 1) * stride + span % 2 + output_padding


class BaseConvTranspose(Layer):
    """``activation(conv_transpose(inputs, kernel) + bias)``: the gradient of a convolution, used to upsample.

    The kernel has shape ``kernel_size + (filters, input_channels)``.

    Args:
        rank: the number of spatial dimensions.
        filters: the number of output channels.
        kernel_size, strides, dilation_rate: an int or ``rank`` ints.
        padding: ``"valid"`` or ``"same"``.
        output_padding: an int or ``rank`` ints added to one side of the output (each < its stride),
            or None to infer the size.
        data_format, activation, use_bias, initializers, regularizers, constraints: as in ``BaseConv``.

    >>> import tensorflux as tf
    >>> BaseConvTranspose(2, 3, 3, strides=2, padding="same")(tf.ones((1, 4, 4, 8))).shape
    TensorShape([1, 8, 8, 3])
    """

    def __init__(
        self,
        rank: int,
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
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.filters = _args.positive_int(filters, "filters")
        self.kernel_size = _args.standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = _args.standardize_tuple(strides, rank, "strides")
        self.dilation_rate = _args.standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = _args.standardize_padding(padding)
        self.output_padding = (
            None
            if output_padding is None
            else _args.standardize_tuple(output_padding, rank, "output_padding", allow_zero=True)
        )
        self.data_format = _args.standardize_data_format(data_format)
        if self.output_padding is not None:
            for i, (op, s) in enumerate(zip(self.output_padding, self.strides)):
                if op >= s:
                    raise ValueError(
                        "`output_padding` must be strictly less than `strides` for all dimensions. At "
                        "dimension "
                        f"{i}, `output_padding` is {op} but `strides` is {s}. Received: "
                        f"output_padding={self.output_padding}, strides={self.strides}"
                    )
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)
        self._tf_format = _args.tf_format(self.data_format, rank)

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
        self.kernel = self.add_weight(
            name="kernel",
            shape=self.kernel_size + (self.filters, channels),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
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
        out_shape = self.compute_output_shape((inputs.shape[0],) + tuple(inputs.shape[1:]))
        outputs = _TRANSPOSE_OPS[self.rank](
            inputs,
            self.kernel,
            out_shape,
            self.strides,
            padding=self.padding.upper(),
            data_format=self._tf_format,
            dilations=self.dilation_rate,
        )
        if self.bias is not None:
            outputs = conv_ops.bias_add(outputs, self.bias, data_format=self._tf_format)
        if self.activation is not activations.linear:
            outputs = self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        input_shape = tuple(input_shape)
        spatial = input_shape[1:-1] if self.data_format == "channels_last" else input_shape[2:]
        ops = self.output_padding or (None,) * self.rank
        out = tuple(
            deconv_output_length(s, k, self.padding, op, st, d)
            for s, k, op, st, d in zip(spatial, self.kernel_size, ops, self.strides, self.dilation_rate)
        )
        if self.data_format == "channels_last":
            return (input_shape[0],) + out + (self.filters,)
        return (input_shape[0], self.filters) + out

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "output_padding": self.output_padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }
