"""RMSNormalization: ``x * rsqrt(mean(x**2) + epsilon) * scale`` (Zhang & Sennrich, 2019)."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import math_ops


class RMSNormalization(Layer):
    """Divide the inputs by their root mean square over ``axis`` and multiply by a learned ``scale``.

    ``y = x * rsqrt(mean(square(x), axis) + epsilon) * scale``; unlike LayerNormalization the mean
    is not subtracted and there is no offset.  ``scale`` (initially ones) has the sizes of ``axis``.

    Args:
        axis: the axis or list of axes to normalize over (default the last).
        epsilon: added to the mean square (default ``1e-6``).

    >>> layer = RMSNormalization()
    >>> layer([[3.0, 4.0]]).shape
    TensorShape([1, 2])
    """

    def __init__(self, axis: Any = -1, epsilon: float = 1e-6, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            bad = [a for a in axis if isinstance(a, bool) or not isinstance(a, int)]
        else:
            bad = [] if isinstance(axis, int) and not isinstance(axis, bool) else [axis]
        if bad:
            raise TypeError(
                f"RMSNormalization: `axis` must be an int or a list of ints. Received: axis={axis!r}"
            )
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.epsilon = epsilon
        self.supports_masking = True

    def _axes(self, rank: int) -> tuple[int, ...]:
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        for a in axes:
            if a >= rank or a < -rank:
                raise ValueError(
                    f"RMSNormalization layer '{self.name}': axis {a} is out of bounds for inputs of rank "
                    f"{rank}. Received: axis={self.axis}"
                )
        return tuple(sorted(a % rank for a in axes))

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        axes = self._axes(len(input_shape))
        shape = tuple(input_shape[a] for a in axes)
        if None in shape:
            raise ValueError(
                f"RMSNormalization layer '{self.name}': the normalized axes {axes} must have known sizes. "
                f"Received: input_shape={input_shape}"
            )
        self.scale = self.add_weight(name="scale", shape=shape, initializer="ones")
        # scale broadcast against the input: its sizes on the normalized axes, ones elsewhere
        self._scale_shape = tuple(
            input_shape[a] if a in axes else 1 for a in range(axes[0], len(input_shape))
        )
        self._built_rank = len(input_shape)

    def call(self, inputs: Tensor) -> Tensor:
        x = inputs
        rank = x._value.ndim
        if rank != self._built_rank:
            raise ValueError(
                f"RMSNormalization layer '{self.name}' was built for inputs of rank {self._built_rank}. "
                f"Received: inputs.shape={tuple(x.shape)}"
            )
        if x._value.dtype.kind != "f" or x._value.dtype.itemsize < 4:
            x = P.unary(P.cast, x, dtype=self.scale._value.dtype)  # at least float32, as Keras
        axes = self._axes(rank)
        ms = math_ops.reduce_mean(P.unary(P.square, x), axis=list(axes), keepdims=True)
        y = x * P.unary(P.rsqrt, ms + self.epsilon)
        scale = self.scale
        if tuple(scale.shape) != self._scale_shape:
            scale = P.unary(P.reshape, scale, shape=self._scale_shape)
        return y * scale

    def compute_output_shape(self, input_shape: Any) -> Any:
        self._axes(len(tuple(input_shape)))
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}
