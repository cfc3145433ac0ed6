"""GroupNormalization: normalize each sample over groups of channels (and the other non-batch axes)."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras import constraints, initializers, regularizers
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import norm_ops


class GroupNormalization(Layer):
    """Normalize each group of channels of each sample, then scale and shift per channel.

    ``groups=1`` is layer normalization over all non-batch axes; ``groups=-1`` (one channel per
    group) is instance normalization.

    Args:
        groups: the number of groups (default 32), dividing the channel count; -1 for one per channel.
        axis: the channel axis (default -1).
        epsilon: added to the variance (default 1e-3).
        center, scale, beta_*/gamma_* initializer, regularizer, constraint: as in ``LayerNormalization``.

    >>> import tensorflux as tf
    >>> GroupNormalization(groups=2)(tf.ones((1, 3, 4))).shape
    TensorShape([1, 3, 4])
    """

    # Under a mixed policy the statistics would overflow in float16: as in Keras, normalize in
    # float32 with the float32 weights and return the compute dtype (mixed_precision/autocast.py).
    _float32_under_mixed = True

    def __init__(
        self,
        groups: int = 32,
        axis: int = -1,
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
        if isinstance(groups, bool) or not isinstance(groups, int) or (groups <= 0 and groups != -1):
            raise ValueError(
                "Received an invalid value for argument `groups`, expected a positive integer (or `-1` for "
                f"instance normalization). Received: groups={groups!r}"
            )
        super().__init__(**kwargs)
        self.groups = groups
        self.axis = int(axis)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.gamma = self.beta = None

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        if not -len(input_shape) <= self.axis < len(input_shape):
            raise ValueError(
                f"GroupNormalization layer '{self.name}': axis {self.axis} is out of bounds for inputs "
                "of shape "
                f"{input_shape}."
            )
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(
                f"GroupNormalization layer '{self.name}': axis {self.axis} of the inputs should have a "
                "defined "
                f"dimension but the layer received an input with shape {input_shape}."
            )
        if self.groups == -1:
            self.groups = dim
        if dim < self.groups:
            raise ValueError(
                f"GroupNormalization layer '{self.name}': number of groups ({self.groups}) cannot be "
                "more than the "
                f"number of channels ({dim})."
            )
        if dim % self.groups:
            raise ValueError(
                f"GroupNormalization layer '{self.name}': number of groups ({self.groups}) must divide "
                "the number "
                f"of channels ({dim})."
            )
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: dim})
        if self.scale:
            self.gamma = self.add_weight(
                shape=(dim,),
                name="gamma",
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
            )
        if self.center:
            self.beta = self.add_weight(
                shape=(dim,),
                name="beta",
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
            )

    def call(self, inputs: Tensor) -> Tensor:
        shape = tuple(inputs.shape)
        nd = len(shape)
        ax = self.axis % nd
        dim = shape[ax]
        # (..., C, ...) -> (..., groups, C // groups, ...): statistics over all but batch and groups
        grouped = shape[:ax] + (self.groups, dim // self.groups) + shape[ax + 1 :]
        x = P.unary(P.reshape, inputs, shape=grouped)
        axes = tuple(i for i in range(1, nd + 1) if i != ax)
        mean, var = norm_ops.moments(x, axes, keepdims=True)
        inv = P.unary(P.rsqrt, var + self.epsilon)
        bshape = tuple(grouped[i] if i in (ax, ax + 1) else 1 for i in range(nd + 1))
        if self.gamma is not None:
            inv = inv * P.unary(P.reshape, self.gamma, shape=bshape)
        shift = -mean * inv
        if self.beta is not None:
            shift = shift + P.unary(P.reshape, self.beta, shape=bshape)
        return P.unary(P.reshape, x * inv + shift, shape=shape)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        }
