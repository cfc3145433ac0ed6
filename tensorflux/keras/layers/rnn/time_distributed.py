"""TimeDistributed: apply a layer to every temporal slice of ``(batch, time, ...)`` inputs."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.layer import Layer


def _accepts(layer: Layer, name: str) -> bool:
    return name in layer._call_info[4]


class TimeDistributed(Layer):
    """Apply ``layer`` to each of the ``time`` slices of ``(batch, time, *dims)`` independently.

    The slices are folded into the batch, ``(batch * time, *dims)``, so the wrapped layer runs once
    (one GEMM for a Dense) and the result is unfolded to ``(batch, time, *out_dims)``.  This equals
    Keras' per-step calls for every layer that treats samples independently (all but the training
    step of BatchNormalization, whose statistics then cover all steps together).

    Args:
        layer: the layer to apply (its weights are shared across time).

    >>> import tensorflux as tf
    >>> from tensorflux.keras.layers.core.dense import Dense
    >>> TimeDistributed(Dense(4))(tf.ones((2, 5, 3))).shape
    TensorShape([2, 5, 4])
    """

    def __init__(self, layer: Any, **kwargs: Any) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `TimeDistributed` layer with a `keras.layers.Layer` instance. "
                f"Received: {layer!r}"
            )
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def _child_shape(self, input_shape: Any) -> tuple[Any, ...]:
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError(
                f"`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions, "
                f"received: {input_shape}"
            )
        return (input_shape[0], *input_shape[2:])

    def build(self, input_shape: Any) -> None:
        child = self._child_shape(tuple(input_shape))
        if not self.layer.built:
            self.layer.build(child)

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        input_shape = tuple(input_shape)
        out = tuple(self.layer.compute_output_shape(self._child_shape(input_shape)))
        return (out[0], input_shape[1], *out[1:])

    def call(self, inputs: Tensor, training: Any = None, mask: Any = None) -> Tensor:
        shape = tuple(inputs.shape)
        if len(shape) < 3:
            raise ValueError(
                f"TimeDistributed layer '{self.name}' expects inputs of rank >= 3 (batch, time, ...). "
                f"Received: inputs.shape={shape}"
            )
        b, steps = shape[0], shape[1]
        kwargs: dict[str, Any] = {}
        if _accepts(self.layer, "training"):
            kwargs["training"] = training
        if mask is not None and _accepts(self.layer, "mask"):
            ms = tuple(mask.shape)
            if ms[:2] != (b, steps):
                raise ValueError(
                    f"The `mask` passed to the `TimeDistributed` layer has a shape {ms} that is "
                    "incompatible with the "
                    f"input shape {shape}: its first two dimensions must be ({b}, {steps})."
                )
            kwargs["mask"] = P.unary(P.reshape, mask, shape=(b * steps,) + ms[2:])
        folded = P.unary(P.reshape, inputs, shape=(b * steps,) + shape[2:])
        y = self.layer(folded, **kwargs)
        return P.unary(P.reshape, y, shape=(b, steps) + tuple(y.shape[1:]))

    def get_config(self) -> dict[str, Any]:
        from tensorflux.keras.utils.serialization import serialize_keras_object

        return {**super().get_config(), "layer": serialize_keras_object(self.layer)}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> TimeDistributed:
        from tensorflux.keras.utils.serialization import deserialize_keras_object

        config = dict(config)
        config["layer"] = deserialize_keras_object(config.pop("layer"), custom_objects=custom_objects)
        return cls(**config)
