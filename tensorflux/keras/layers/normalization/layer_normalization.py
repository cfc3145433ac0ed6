"""LayerNormalization: normalize each sample over its last axis (or given axes)."""

from __future__ import annotations

import warnings
from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras import constraints, initializers, regularizers
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import math_ops, norm_ops


class LayerNormalization(Layer):
    """``gamma * (x - mean) / sqrt(var + epsilon) + beta`` with statistics over ``axis`` of each sample.

    One fused kernel forward and backward.  ``gamma`` and ``beta`` have the sizes of the
    normalized axes.

    Args:
        axis: an int or list of ints (default -1).
        epsilon: added to the variance (default 1e-3).
        center, scale: whether to learn ``beta`` and ``gamma``.
        beta_initializer, gamma_initializer: default zeros and ones.
        beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint: optional.

    >>> import tensorflux as tf
    >>> LayerNormalization(epsilon=0.0)(tf.constant([[1.0, 3.0]])).numpy().tolist()
    [[-1.0, 1.0]]
    """

    # Under a mixed policy the statistics would overflow in float16: as in Keras, normalize in
    # float32 with the float32 weights and return the compute dtype (mixed_precision/autocast.py).
    _float32_under_mixed = True

    def __init__(
        self,
        axis: Any = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        rms_scaling = kwargs.pop("rms_scaling", False)
        if rms_scaling:
            warnings.warn(
                "LayerNormalization: `rms_scaling=True` is deprecated (it scales by the variance, not "
                "the root "
                "mean square), as in Keras.",
                stacklevel=2,
            )
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis: Any = list(axis)
        elif isinstance(axis, int) and not isinstance(axis, bool):
            self.axis = axis
        else:
            raise TypeError(
                "LayerNormalization: expected an int or a list/tuple of ints for the argument 'axis', "
                "but received: "
                f"{axis!r}"
            )
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.rms_scaling = bool(rms_scaling)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.gamma = self.beta = None

    def _axes(self, ndim: int) -> list[int]:
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        for a in axes:
            if not -ndim <= a < ndim:
                raise ValueError(
                    f"LayerNormalization layer '{self.name}': axis {a} is out of bounds for inputs of "
                    f"rank {ndim}. "
                    f"Received: axis={self.axis}"
                )
        return sorted(a % ndim for a in axes)

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        axes = self._axes(len(input_shape))
        if isinstance(self.axis, list):
            self.axis = sorted(self.axis)
        shape = tuple(input_shape[a] for a in axes)
        if None in shape:
            raise ValueError(
                f"LayerNormalization layer '{self.name}': the normalized axes must have known sizes. "
                f"Received: input_shape={input_shape}, axis={self.axis}"
            )
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(
                name="gamma",
                shape=shape,
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
            )
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(
                name="beta",
                shape=shape,
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
            )

    def call(self, inputs: Tensor) -> Tensor:
        axes = tuple(self._axes(inputs.ndim))
        if not self.rms_scaling:
            return norm_ops.layer_norm(inputs, self.gamma, self.beta, axes, self.epsilon)
        # Keras' deprecated rms_scaling: x * rsqrt(var + epsilon) * gamma
        _, var = norm_ops.moments(inputs, axes, keepdims=True)
        y = inputs * P.unary(P.rsqrt, var + self.epsilon)
        if self.gamma is not None:
            shape = tuple(inputs.shape[i] if i in axes else 1 for i in range(inputs.ndim))
            y = math_ops.multiply(y, P.unary(P.reshape, self.gamma, shape=shape))
        return y

    def compute_output_shape(self, input_shape: Any) -> Any:
        self._axes(len(input_shape))
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        }
