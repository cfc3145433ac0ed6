"""BaseConv: the N-D convolution layer that Conv1D, Conv2D and Conv3D specialise by rank."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras import activations, constraints, initializers, regularizers
from tensorflux.keras.layers.convolutional import _args
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import array_ops, conv_ops


class BaseConv(Layer):
    """``activation(conv(inputs, kernel) + bias)`` over ``rank`` spatial dimensions.

    The kernel has shape ``kernel_size + (input_channels // groups, filters)``; the convolution
    is one ``tf.nn.convolution`` (one GEMM over all output positions), the bias one broadcast add
    and the activation one more pass.

    Args:
        rank: the number of spatial dimensions (1, 2 or 3).
        filters: the number of output channels.
        kernel_size: an int or ``rank`` ints.
        strides: an int or ``rank`` ints; ``strides > 1`` excludes ``dilation_rate > 1``.
        padding: ``"valid"``, ``"same"`` (or ``"causal"`` for rank 1), case-insensitive.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        dilation_rate: an int or ``rank`` ints.
        groups: split the input channels into this many groups, each with ``filters // groups`` filters.
        activation: an activation function or name; None means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: default ``"glorot_uniform"`` and ``"zeros"``.
        kernel_regularizer, bias_regularizer, activity_regularizer: optional penalties.
        kernel_constraint, bias_constraint: optional projections applied after updates.

    >>> BaseConv(2, 4, 3)(array_ops.ones((1, 5, 5, 2))).shape
    TensorShape([1, 3, 3, 4])
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
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if lora_rank:
            raise NotImplementedError(f"{type(self).__name__}: LoRA (lora_rank) is not supported.")
        self.rank = rank
        self.filters = _args.positive_int(filters, "filters")
        if isinstance(groups, bool) or not isinstance(groups, int) or groups <= 0:
            raise ValueError(f"The number of groups must be a positive integer. Received: groups={groups!r}.")
        if self.filters % groups:
            raise ValueError(
                "The number of filters must be evenly divisible by the number of groups. "
                f"Received: groups={groups}, filters={filters}."
            )
        self.groups = groups
        self.kernel_size = _args.standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = _args.standardize_tuple(strides, rank, "strides")
        self.dilation_rate = _args.standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = _args.standardize_padding(padding, allow_causal=rank == 1)
        self.data_format = _args.standardize_data_format(data_format)
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
                f"{type(self).__name__} layer '{self.name}' expects inputs of rank {self.rank + 2} "
                "(batch, "
                f"{'spatial dims, channels' if self._channel_axis == -1 else 'channels, spatial dims'}). "
                f"Received: input_shape={input_shape}"
            )
        channels = input_shape[self._channel_axis]
        if channels is None:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': the channel dimension of the inputs must "
                "be known. "
                f"Received: input_shape={input_shape}"
            )
        if channels % self.groups:
            raise ValueError(
                "The number of input channels must be evenly divisible by the number of groups. Received "
                f"groups={self.groups}, but the input has {channels} channels (full input shape is "
                f"{input_shape})."
            )
        self.compute_output_shape(input_shape)  # rejects inputs too small for the kernel
        self.kernel = self.add_weight(
            name="kernel",
            shape=self.kernel_size + (channels // self.groups, self.filters),
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

    def convolution_op(self, inputs: Tensor, kernel: Tensor) -> Tensor:
        padding = self.padding
        if padding == "causal":
            # left-pad by the dilated kernel span so that output t sees inputs <= t only
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            pads = (
                [[0, 0], [left, 0], [0, 0]]
                if self.data_format == "channels_last"
                else [[0, 0], [0, 0], [left, 0]]
            )
            inputs = array_ops.pad(inputs, pads)
            padding = "valid"
        return conv_ops.convolution(
            inputs,
            kernel,
            strides=self.strides,
            padding=padding.upper(),
            data_format=self._tf_format,
            dilations=self.dilation_rate,
        )

    def call(self, inputs: Tensor) -> Tensor:
        if inputs._value.dtype.kind not in "fc":
            # integer images (uint8 pixels): Keras' conv promotes them to the kernel's dtype
            inputs = P.unary(P.cast, inputs, dtype=self.kernel._value.dtype)
        if self._one_kernel(inputs):
            # bias and ReLU go into the conv's own output: one array, where separate kernels make three
            return conv_ops._conv_bias_act(
                inputs,
                self.kernel,
                self.bias,
                self.strides,
                self.padding.upper(),
                self.dilation_rate,
                self.rank,
                "relu" if self.activation is activations.relu else None,
            )
        outputs = self.convolution_op(inputs, self.kernel)
        if self.bias is not None:
            outputs = conv_ops.bias_add(outputs, self.bias, data_format=self._tf_format)
        act = self.activation
        if act is activations.relu:
            outputs = P.unary(P.relu, outputs)  # what activations.relu binds, without its wrappers
        elif act is not activations.linear:
            outputs = act(outputs)
        return outputs

    def _one_kernel(self, inputs: Tensor) -> bool:
        """Whether the forward can run as one ``conv_bias_act`` kernel."""
        return (
            self.bias is not None
            and (self.activation is activations.relu or self.activation is activations.linear)
            and self.data_format == "channels_last"
            and self.groups == 1
            and self.padding != "causal"
            and type(self).convolution_op is BaseConv.convolution_op  # a subclass may change the conv
            and inputs._value.dtype == self.kernel._value.dtype == self.bias._value.dtype
        )

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
                f"dilation_rate={self.dilation_rate}, strides={self.strides}, padding={self.padding!r}. "
                "Use padding='same', a smaller kernel or larger inputs."
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
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
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
