"""UpSampling1D: repeat each step of a sequence ``size`` times."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer


def repeat_axis(x: Tensor, repeats: int, axis: int) -> Tensor:
    """``np.repeat(x, repeats, axis)`` as reshape, broadcast and reshape (one copy; the gradient sums)."""
    if repeats == 1:
        return x
    shape = tuple(x._value.shape)
    axis %= len(shape)
    spread = shape[: axis + 1] + (repeats,) + shape[axis + 1 :]
    y = P.unary(P.reshape, x, shape=shape[: axis + 1] + (1,) + shape[axis + 1 :])
    y = P.unary(P.broadcast_to, y, shape=spread)
    return P.unary(P.reshape, y, shape=shape[:axis] + (shape[axis] * repeats,) + shape[axis + 1 :])


class UpSampling1D(Layer):
    """Repeat each step ``size`` times: ``(batch, steps, features)`` -> ``(batch, steps * size, features)``.

    Args:
        size: the upsampling factor (a positive int, default 2).

    >>> import tensorflux as tf
    >>> UpSampling1D(2)(tf.constant([[[1.0], [2.0]]])).numpy().ravel().tolist()
    [1.0, 1.0, 2.0, 2.0]
    """

    def __init__(self, size: int = 2, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(size, bool) or not isinstance(size, int):
            raise TypeError(
                f"UpSampling1D: expected an integer value for `size`, got {type(size).__name__}: "
                f"size={size!r}."
            )
        if size <= 0:
            raise ValueError(
                f"UpSampling1D: argument `size` should be a positive integer. Received: size={size}"
            )
        self.size = size
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs: Tensor) -> Tensor:
        return repeat_axis(inputs, self.size, 1)

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        steps = None if input_shape[1] is None else input_shape[1] * self.size
        return (input_shape[0], steps, input_shape[2])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "size": self.size}
