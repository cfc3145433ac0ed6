"""Adaptive average and max pooling (1D/2D/3D): pool any input size down (or up) to a fixed output size.

Output bin ``i`` of an axis of length ``L`` pooled to ``n`` covers ``[floor(i*L/n), ceil((i+1)*L/n))``,
the bins of PyTorch's adaptive pooling, which Keras 3 uses too. Each spatial axis is pooled on its
own (the mean and the max over a box are separable): one gather of every bin's window laid side by
side, then one reduction, so the tape differentiates it and nothing loops over pixels or bins.
"""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.convolutional import _args
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import array_ops

_AXES = {1: "length", 2: "(height, width)", 3: "(depth, height, width)"}


def _bins(length: int, out: int) -> tuple[list[int], list[int]]:
    """Start and size of every output bin (integer arithmetic: no float rounding at the edges)."""
    starts = [(i * length) // out for i in range(out)]
    ends = [-((-(i + 1) * length) // out) for i in range(out)]
    return starts, [e - s for s, e in zip(starts, ends)]


def _pool_axis(x: Tensor, axis: int, out: int, mode: str) -> Tensor:
    """Adaptive pooling of one axis of ``x`` to ``out`` bins (``mode`` is ``"average"`` or ``"max"``)."""
    shape = tuple(x._value.shape)
    length = shape[axis]
    if length == out:
        return x  # every bin holds exactly one element
    starts, sizes = _bins(length, out)
    k = max(sizes)
    ragged = min(sizes) != k
    if mode == "max":
        # a short window repeats its last element: max is unchanged and the gather's gradient sums back
        index = [s + min(j, n - 1) for s, n in zip(starts, sizes) for j in range(k)]
    else:
        if ragged:  # short windows read an appended zero, and the sum is divided by the true size
            pads = [[0, 0]] * len(shape)
            pads[axis] = [0, 1]
            x = array_ops.pad(x, pads)
        index = [s + j if j < n else length for s, n in zip(starts, sizes) for j in range(k)]
    taken = P.bind(P.gather, (x, array_ops.constant(index, dtype="int32")), {"axis": axis})
    taken = P.unary(P.reshape, taken, shape=shape[:axis] + (out, k) + shape[axis + 1 :])
    if mode == "max":
        return P.unary(P.reduce_max, taken, axis=(axis + 1,), keepdims=False)
    if not ragged:
        return P.unary(P.reduce_mean, taken, axis=(axis + 1,), keepdims=False)
    total = P.unary(P.reduce_sum, taken, axis=(axis + 1,), keepdims=False)
    count = array_ops.constant(sizes, dtype=x.dtype)
    count = P.unary(P.reshape, count, shape=(out,) + (1,) * (len(shape) - axis - 1))
    return P.binary(P.divide, total, count)


def _standardize_output_size(value: Any, rank: int, layer: str) -> tuple[int, ...]:
    if isinstance(value, int) and not isinstance(value, bool):
        sizes: tuple[Any, ...] = (value,) * rank
    elif isinstance(value, (tuple, list)) and len(value) == rank:
        sizes = tuple(value)
    elif isinstance(value, (tuple, list)) and rank == 1:  # Keras' 1D layer says ValueError here
        raise ValueError(
            f"{layer}: for 1D input, the `output_size` tuple must have length 1. "
            f"Received: output_size={value!r}"
        )
    else:
        raise TypeError(
            f"{layer}: `output_size` must be an integer or a tuple of {rank} integer(s) {_AXES[rank]}. "
            f"Received: output_size={value!r} of type {type(value).__name__}"
        )
    if not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes):
        raise ValueError(
            f"{layer}: `output_size` must hold positive integers. Received: output_size={value!r}"
        )
    return sizes


class BaseAdaptivePooling(Layer):
    """Adaptive pooling of ``rank`` spatial axes to ``output_size``; subclasses set ``_mode`` and ``_rank``.

    Args:
        output_size: an int (the same size for every spatial axis) or a tuple of ``rank`` ints.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> AdaptiveAveragePooling2D((2, 3))(tf.ones((1, 5, 7, 4))).shape
    TensorShape([1, 2, 3, 4])
    """

    _mode = "average"
    _rank = 2

    def __init__(self, output_size: Any, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.output_size = _standardize_output_size(output_size, self._rank, type(self).__name__)
        self.data_format = _args.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def call(self, inputs: Tensor) -> Tensor:
        first = 2 if self.data_format == "channels_first" else 1
        x = inputs
        for i, out in enumerate(self.output_size):
            if x._value.shape[first + i] == 0:
                raise ValueError(
                    f"{type(self).__name__} layer '{self.name}': spatial dimensions must be non-empty. "
                    f"Received: inputs.shape={tuple(inputs.shape)}"
                )
            x = _pool_axis(x, first + i, out, self._mode)
        return x

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        s = tuple(input_shape)
        if self.data_format == "channels_last":
            return (s[0], *self.output_size, s[-1])
        return (s[0], s[1], *self.output_size)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "output_size": self.output_size, "data_format": self.data_format}


class AdaptiveAveragePooling1D(BaseAdaptivePooling):
    """Average ``(batch, steps, channels)`` over ``output_size`` adaptive bins of the steps axis.

    Args:
        output_size: an int or a tuple of 1 int, the number of output steps.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> AdaptiveAveragePooling1D(2)(tf.constant([[[1.0], [2.0], [3.0]]])).numpy().ravel().tolist()
    [1.5, 2.5]
    """

    _mode, _rank = "average", 1


class AdaptiveAveragePooling2D(BaseAdaptivePooling):
    """Average images over an ``output_size`` grid of adaptive bins of height and width.

    Args:
        output_size: an int or a tuple ``(height, width)``.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> AdaptiveAveragePooling2D(3)(tf.ones((2, 8, 7, 3))).shape
    TensorShape([2, 3, 3, 3])
    """

    _mode, _rank = "average", 2


class AdaptiveAveragePooling3D(BaseAdaptivePooling):
    """Average volumes over an ``output_size`` grid of adaptive bins of depth, height and width.

    Args:
        output_size: an int or a tuple ``(depth, height, width)``.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> AdaptiveAveragePooling3D((1, 2, 3))(tf.ones((2, 4, 5, 7, 3))).shape
    TensorShape([2, 1, 2, 3, 3])
    """

    _mode, _rank = "average", 3


class AdaptiveMaxPooling1D(BaseAdaptivePooling):
    """The maximum of ``(batch, steps, channels)`` over ``output_size`` adaptive bins of the steps axis.

    Args:
        output_size: an int or a tuple of 1 int, the number of output steps.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> AdaptiveMaxPooling1D(2)(tf.constant([[[1.0], [3.0], [2.0]]])).numpy().ravel().tolist()
    [3.0, 3.0]
    """

    _mode, _rank = "max", 1


class AdaptiveMaxPooling2D(BaseAdaptivePooling):
    """The maximum of images over an ``output_size`` grid of adaptive bins of height and width.

    Args:
        output_size: an int or a tuple ``(height, width)``.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> AdaptiveMaxPooling2D((2, 4))(tf.ones((2, 5, 9, 3))).shape
    TensorShape([2, 2, 4, 3])
    """

    _mode, _rank = "max", 2


class AdaptiveMaxPooling3D(BaseAdaptivePooling):
    """The maximum of volumes over an ``output_size`` grid of adaptive bins of depth, height and width.

    Args:
        output_size: an int or a tuple ``(depth, height, width)``.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> AdaptiveMaxPooling3D(2)(tf.ones((1, 3, 5, 4, 2))).shape
    TensorShape([1, 2, 2, 2, 2])
    """

    _mode, _rank = "max", 3
