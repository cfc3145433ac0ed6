"""UnitNormalization: scale each sample to unit L2 norm along ``axis``."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import math_ops


class UnitNormalization(Layer):
    """``x / max(||x||_2, 1e-12)`` with the norm over ``axis`` (as ``keras.ops.normalize``).

    Args:
        axis: an int or list of ints (default -1).

    >>> import tensorflux as tf
    >>> UnitNormalization()(tf.constant([[3.0, 4.0]])).numpy().tolist()
    [[0.6000000238418579, 0.800000011920929]]
    """

    def __init__(self, axis: Any = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis: Any = list(axis)
        elif isinstance(axis, int) and not isinstance(axis, bool):
            self.axis = axis
        else:
            raise TypeError(
                "UnitNormalization: invalid value for `axis` argument: expected an int or a list/tuple "
                "of ints. "
                f"Received: axis={axis!r}"
            )
        self.supports_masking = True

    def call(self, inputs: Tensor) -> Tensor:
        axis = tuple(self.axis) if isinstance(self.axis, list) else self.axis
        # Keras' x * min(rsqrt(sum x^2), 1 / 1e-12), i.e. x * rsqrt(max(sum x^2, 1e-24))
        return math_ops.l2_normalize(inputs, axis=axis, epsilon=1e-24)

    def compute_output_shape(self, input_shape: Any) -> Any:
        n = len(input_shape)
        for a in self.axis if isinstance(self.axis, list) else [self.axis]:
            if not -n <= a < n:
                raise ValueError(
                    f"UnitNormalization layer '{self.name}': axis {self.axis} is out of bounds for "
                    "input shape "
                    f"{tuple(input_shape)}."
                )
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}
