"""Normalization: standardize features with a mean and variance given or learned by ``adapt``."""

from __future__ import annotations

import math
from typing import Any

from tensorflux.framework import config
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import array_ops, math_ops


def _first(batch: Any) -> Any:
    return batch[0] if isinstance(batch, tuple) else batch


class Normalization(Layer):
    """``(inputs - mean) / max(sqrt(variance), epsilon)`` per feature (``invert=True`` undoes it).

    The statistics are kept along ``axis`` (one per feature by default) and either given as
    ``mean``/``variance`` or computed from data with ``adapt``, which stores them in the
    non-trainable weights ``mean``, ``variance`` and ``count``.

    Args:
        axis: the axis or axes that keep their own statistics (default -1); None for one scalar.
        mean, variance: fixed statistics (both or neither), broadcast to the kept axes.
        invert: apply the inverse transformation ``mean + inputs * sqrt(variance)``.

    >>> import tensorflux as tf
    >>> norm = Normalization()
    >>> norm.adapt(tf.constant([[1.0], [3.0]]))
    >>> norm(tf.constant([[3.0]])).numpy().tolist()
    [[1.0]]
    """

    def __init__(
        self, axis: Any = -1, mean: Any = None, variance: Any = None, invert: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            axis = tuple(axis)
        self.axis = axis
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self.supports_masking = True
        if (mean is None) != (variance is None):
            raise ValueError(
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean!r} and variance={variance!r}"
            )
        if mean is not None:
            ms, vs = tuple(convert_to_tensor(mean).shape), tuple(convert_to_tensor(variance).shape)
            if ms != vs:
                raise ValueError(
                    "When setting values directly, `mean` and `variance` must have the same shape. "
                    f"Received: mean shape {ms} and variance shape {vs}"
                )
            if len(ms) > len(self.axis):
                raise ValueError(
                    "The rank of `mean` must be less than or equal to the number of axes "
                    f"({len(self.axis)}). "
                    f"Received: mean shape {ms} for axis {self.axis}"
                )
        self._fixed: tuple[Tensor, Tensor] | None = None

    def build(self, input_shape: Any) -> None:
        if input_shape is None:
            return
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                "All `axis` values must be in the range [-ndim, ndim). Received inputs with "
                f"ndim={ndim}, while "
                f"axis={self.axis}"
            )
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError(
                    f"All `axis` values to be kept must have a known shape. Received axis={self.axis}, "
                    f"inputs.shape={input_shape}, with unknown axis at index {d}"
                )
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = tuple(input_shape[d] if d in self._keep_axis else 1 for d in range(ndim))
        self._mean_and_var_shape = tuple(input_shape[d] for d in self._keep_axis)
        self._adapt_input_shape = input_shape
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(
                name="mean", shape=self._mean_and_var_shape, initializer="zeros", trainable=False
            )
            self.adapt_variance = self.add_weight(
                name="variance", shape=self._mean_and_var_shape, initializer="ones", trainable=False
            )
            self.count = self.add_weight(
                name="count", shape=(), dtype="int64", initializer="zeros", trainable=False
            )
            return
        self._fixed = (self._broadcast(self.input_mean, ndim), self._broadcast(self.input_variance, ndim))

    def _broadcast(self, value: Any, ndim: int) -> Tensor:
        v = array_ops.cast(convert_to_tensor(value), self.compute_dtype)
        if v.ndim > 0:
            # the given values fill the last kept axes
            shape = [1] * ndim
            for i in range(1, v.ndim + 1):
                shape[self._keep_axis[-i]] = v.shape[-i]
            v = P.unary(P.reshape, v, shape=tuple(shape))
        return P.unary(P.broadcast_to, v, shape=self._broadcast_shape)

    def adapt(self, data: Any) -> None:
        """Learn the mean and variance of ``data``: an array, a tensor, a Dataset or an iterable of batches.

        Batches are combined exactly (Chan's parallel formulas), so the result equals the
        statistics of all the data at once.
        """
        batches: Any
        if hasattr(data, "element_spec") and hasattr(data, "batch"):
            spec = _first(data.element_spec)
            if len(tuple(spec.shape)) == 1:
                data = data.batch(128)
            batches = iter(data)
        elif isinstance(data, Tensor) or hasattr(data, "__array__"):
            batches = iter([data])
        elif hasattr(data, "__iter__"):
            batches = iter(data)
        else:
            raise TypeError(
                f"Normalization.adapt: unsupported data type {type(data).__name__}. Pass an array, a "
                "tensor, a "
                "Dataset or an iterable of batches."
            )
        first = next(batches, None)
        if first is None:
            raise ValueError(
                "Normalization.adapt received no data (an empty iterable). Pass at least one batch."
            )
        first = convert_to_tensor(_first(first))
        if not self.built:
            self.build(tuple(first.shape))
        if self.input_mean is not None:
            raise ValueError(
                f"Normalization layer '{self.name}' was given a fixed `mean` and `variance`; adapt() "
                "cannot change them."
            )
        total_mean: Any = None
        total_var: Any = None
        total = 0
        batch: Any = first
        while batch is not None:
            x = convert_to_tensor(_first(batch))
            for d in self._keep_axis:
                if x.shape[d] != self._adapt_input_shape[d]:
                    raise ValueError(
                        f"Normalization layer '{self.name}' was built with "
                        f"input_shape={self._adapt_input_shape}, but "
                        f"adapt() received data with an incompatible shape {tuple(x.shape)}."
                    )
            x = array_ops.cast(x, "float64")  # the statistics accumulate in float64
            mean = math_ops.reduce_mean(x, axis=self._reduce_axis)
            var = math_ops.reduce_variance(x, axis=self._reduce_axis)
            count = math.prod(x.shape[d] for d in self._reduce_axis) if self._reduce_axis else 1
            if total_mean is None:
                total_mean, total_var, total = mean, var, count
            else:
                new_total = total + count
                w = count / new_total
                new_mean = total_mean * (1.0 - w) + mean * w
                total_var = (total_var + (total_mean - new_mean) ** 2) * (1.0 - w) + (
                    var + (mean - new_mean) ** 2
                ) * w
                total_mean, total = new_mean, new_total
            batch = next(batches, None)
        self.adapt_mean.assign(array_ops.cast(total_mean, self.adapt_mean.dtype))
        self.adapt_variance.assign(array_ops.cast(total_var, self.adapt_variance.dtype))
        self.count.assign(array_ops.constant(total, "int64"))

    def _statistics(self) -> tuple[Tensor, Tensor]:
        if self._fixed is not None:
            return self._fixed
        shape = self._broadcast_shape
        return (
            P.unary(P.reshape, array_ops.cast(self.adapt_mean, self.compute_dtype), shape=shape),
            P.unary(P.reshape, array_ops.cast(self.adapt_variance, self.compute_dtype), shape=shape),
        )

    def call(self, inputs: Tensor) -> Tensor:
        x = inputs if inputs.dtype.name == self.compute_dtype else array_ops.cast(inputs, self.compute_dtype)
        mean, variance = self._statistics()
        std = math_ops.maximum(math_ops.sqrt(variance), config.epsilon())
        if self.invert:
            return mean + x * std
        return (x - mean) / std

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        def listed(v: Any) -> Any:
            return None if v is None else convert_to_tensor(v).numpy().tolist()

        return {
            **super().get_config(),
            "axis": self.axis,
            "invert": self.invert,
            "mean": listed(self.input_mean),
            "variance": listed(self.input_variance),
        }
