"""BasePooling: max or average pooling over 1, 2 or 3 spatial dimensions (MaxPooling*, AveragePooling*)."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.convolutional import _args
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import pool_ops


class BasePooling(Layer):
    """Pool windows of ``pool_size`` every ``strides`` (default: ``pool_size``) with ``max`` or ``average``.

    With ``padding="same"`` average pooling divides each window by its count of real inputs, as
    TensorFlow and Keras do.

    Args:
        pool_size: an int or ``pool_dimensions`` ints.
        strides: an int, ``pool_dimensions`` ints, or None for ``pool_size``.
        pool_dimensions: the number of spatial dimensions.
        pool_mode: ``"max"`` or ``"average"``.
        padding: ``"valid"`` or ``"same"``.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> BasePooling(2, None, 2, "max")(tf.ones((1, 4, 4, 3))).shape
    TensorShape([1, 2, 2, 3])
    """

    def __init__(
        self,
        pool_size: Any,
        strides: Any,
        pool_dimensions: int,
        pool_mode: str = "max",
        padding: str = "valid",
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        self.pool_size = _args.standardize_tuple(pool_size, pool_dimensions, "pool_size")
        self.strides = _args.standardize_tuple(
            pool_size if strides is None else strides, pool_dimensions, "strides"
        )
        if pool_mode not in ("max", "average"):
            raise ValueError(
                f"`pool_mode` must be either 'max' or 'average'. Received: pool_mode={pool_mode!r}."
            )
        self.pool_mode = pool_mode
        self.padding = _args.standardize_padding(padding)
        self.data_format = _args.standardize_data_format(data_format)
        self.pool_dimensions = pool_dimensions
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self._tf_format = _args.tf_format(self.data_format, pool_dimensions)
        self._op = pool_ops.max_pool if pool_mode == "max" else pool_ops.avg_pool

    def build(self, input_shape: Any) -> None:
        self.compute_output_shape(input_shape)  # rejects inputs smaller than the window, naming the layer

    def call(self, inputs: Tensor) -> Tensor:
        return self._op(
            inputs, self.pool_size, self.strides, self.padding.upper(), data_format=self._tf_format
        )

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        input_shape = tuple(input_shape)
        last = self.data_format == "channels_last"
        spatial = input_shape[1:-1] if last else input_shape[2:]
        out = tuple(
            _args.conv_output_length(s, k, self.padding, st)
            for s, k, st in zip(spatial, self.pool_size, self.strides)
        )
        if any(o is not None and o <= 0 for o in out):
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': computed output size would be zero or negative. "
                f"Received: inputs.shape={input_shape}, pool_size={self.pool_size}, strides={self.strides}, "
                f"padding={self.padding!r}. Use padding='same' or a smaller pool_size."
            )
        return (input_shape[0],) + out + (input_shape[-1],) if last else input_shape[:2] + out

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "padding": self.padding,
            "strides": self.strides,
            "data_format": self.data_format,
        }
