"""BatchNormalization: normalize with batch statistics in training and moving statistics otherwise."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import config
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras import constraints, initializers, regularizers
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import array_ops, math_ops, norm_ops


class BatchNormalization(Layer):
    """Normalize each feature along ``axis`` to zero mean and unit variance, then scale and shift.

    Training (``training=True`` and the layer trainable): ``y = gamma * (x - mean) / sqrt(var + epsilon)
    + beta`` with the batch mean and biased batch variance (one fused kernel, forward and backward),
    and the moving statistics follow ``moving = moving * momentum + batch * (1 - momentum)``.
    Inference, and any call of a frozen layer (``trainable = False``, as in Keras 3), uses the
    moving statistics.  Weights, in order: ``gamma``, ``beta`` (trainable), ``moving_mean``,
    ``moving_variance`` (not trainable).

    Args:
        axis: the feature axis (default -1; 1 for channels-first images).
        momentum: of the moving statistics (default 0.99).
        epsilon: added to the variance (default 1e-3).
        center, scale: whether to learn ``beta`` and ``gamma``.
        beta_initializer, gamma_initializer, moving_mean_initializer, moving_variance_initializer:
            default zeros, ones, zeros, ones.
        beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint: optional.
        synchronized: accepted for compatibility; there is one replica.

    >>> import tensorflux as tf
    >>> bn = BatchNormalization()
    >>> y = bn(tf.constant([[1.0], [3.0]]), training=True)
    >>> [round(v, 4) for v in y.numpy().ravel().tolist()], round(float(bn.moving_mean.numpy()[0]), 4)
    ([-0.9995, 0.9995], 0.02)
    """

    # Under a mixed policy the statistics would overflow in float16: as in Keras, normalize in
    # float32 with the float32 weights and return the compute dtype (mixed_precision/autocast.py).
    _float32_under_mixed = True

    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        moving_mean_initializer: Any = "zeros",
        moving_variance_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        renorm: bool = False,
        renorm_clipping: Any = None,
        renorm_momentum: float = 0.99,
        synchronized: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if renorm:
            raise NotImplementedError(
                "BatchNormalization: renorm=True (batch renormalization) is not supported."
            )
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise TypeError(f"BatchNormalization: `axis` must be an int. Received: axis={axis!r}")
        if not 0.0 <= float(momentum) <= 1.0:
            raise ValueError(
                f"BatchNormalization: `momentum` must be in [0, 1]. Received: momentum={momentum!r}"
            )
        if float(epsilon) <= 0.0:
            raise ValueError(f"BatchNormalization: `epsilon` must be positive. Received: epsilon={epsilon!r}")
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.synchronized = bool(synchronized)
        self.renorm = False
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise ValueError(
                f"BatchNormalization layer '{self.name}': axis {self.axis} is out of bounds for inputs "
                "of shape "
                f"{input_shape}. Received: axis={self.axis}"
            )
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(
                f"BatchNormalization layer '{self.name}': axis {self.axis} of the inputs must have a "
                "known size. "
                f"Received: input_shape={input_shape}"
            )
        shape = (dim,)
        if self.scale:
            self.gamma = self.add_weight(
                shape=shape,
                name="gamma",
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
            )
        if self.center:
            self.beta = self.add_weight(
                shape=shape,
                name="beta",
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
            )
        self.moving_mean = self.add_weight(
            shape=shape, name="moving_mean", initializer=self.moving_mean_initializer, trainable=False
        )
        self.moving_variance = self.add_weight(
            shape=shape, name="moving_variance", initializer=self.moving_variance_initializer, trainable=False
        )
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: dim})
        self._reduction_axes = tuple(i for i in range(ndim) if i != self.axis % ndim)

    def _scale_offset(self, like: Tensor) -> tuple[Tensor, Tensor]:
        c = self.moving_mean.shape[0]  # type: ignore[union-attr]
        dt = like.dtype
        gamma = self.gamma if self.gamma is not None else array_ops.ones((c,), dt)
        beta = self.beta if self.beta is not None else array_ops.zeros((c,), dt)
        return gamma, beta

    def call(self, inputs: Tensor, training: Any = None, mask: Any = None) -> Tensor:
        gamma, beta = self._scale_offset(inputs)
        if not (training and self.trainable):
            y, _, _ = norm_ops.fused_batch_norm(
                inputs,
                gamma,
                beta,
                self.moving_mean,
                self.moving_variance,
                self.epsilon,
                self.axis,
                training=False,
            )
            return y
        if mask is None:
            y, mean, variance = norm_ops.fused_batch_norm(
                inputs, gamma, beta, epsilon=self.epsilon, axis=self.axis, training=True
            )
        else:
            mean, variance = self._masked_moments(inputs, mask)
            shape = [1] * inputs.ndim
            shape[self.axis] = -1
            y = norm_ops.batch_normalization(
                inputs,
                P.unary(P.reshape, mean, shape=tuple(shape)),
                P.unary(P.reshape, variance, shape=tuple(shape)),
                P.unary(P.reshape, beta, shape=tuple(shape)),
                P.unary(P.reshape, gamma, shape=tuple(shape)),
                self.epsilon,
            )
        self._update_moving(mean, variance)
        return y

    def _masked_moments(self, inputs: Tensor, mask: Any) -> tuple[Tensor, Tensor]:
        """Mean and biased variance over the unmasked positions (Keras' weighted moments)."""
        if mask.ndim != inputs.ndim - 1:
            raise ValueError(
                f"BatchNormalization layer '{self.name}': the mask must have one dimension less than "
                "the inputs. "
                f"Received: mask.shape={tuple(mask.shape)}, inputs.shape={tuple(inputs.shape)}"
            )
        w = P.unary(P.cast, array_ops.expand_dims(mask, -1), dtype=inputs._value.dtype)
        axes = self._reduction_axes
        count = (
            math_ops.reduce_sum(P.unary(P.broadcast_to, w, shape=tuple(inputs.shape)), axes)
            + config.epsilon()
        )
        mean = math_ops.reduce_sum(inputs * w, axes) / count
        shape = [1] * inputs.ndim
        shape[self.axis] = -1
        diff = (inputs - P.unary(P.reshape, mean, shape=tuple(shape))) * w
        variance = math_ops.reduce_sum(diff * diff, axes) / count
        return mean, variance

    def _update_moving(self, mean: Tensor, variance: Tensor) -> None:
        # the update is state, not part of the function being differentiated
        m = self.momentum
        mean = P.unary(P.stop_gradient, mean)
        variance = P.unary(P.stop_gradient, variance)
        self.moving_mean.assign(self.moving_mean * m + mean * (1.0 - m))  # type: ignore[union-attr]
        self.moving_variance.assign(self.moving_variance * m + variance * (1.0 - m))  # type: ignore[union-attr]

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
            "synchronized": self.synchronized,
            "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        }
