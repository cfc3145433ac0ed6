"""Wrapper: the base class of layers that hold another layer (``self.layer``) and augment it."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.layers.layer import Layer


class Wrapper(Layer):
    """Abstract base class of layers that wrap another layer.

    Subclasses implement ``call``; the wrapped layer is built with the wrapper's input shape, and
    ``get_config`` / ``from_config`` carry its serialized config under ``"layer"``.

    Args:
        layer: the layer to wrap (a ``keras.layers.Layer`` instance).

    >>> from tensorflux.keras.layers.core.dense import Dense
    >>> Wrapper(Dense(2)).layer.units
    2
    """

    def __init__(self, layer: Any, **kwargs: Any) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Layer {layer!r} supplied to Wrapper isn't a supported layer type. Please ensure wrapped "
                "layer is a valid Keras layer."
            )
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape: Any = None) -> None:
        if not self.layer.built:
            self.layer.build(input_shape)

    def get_config(self) -> dict[str, Any]:
        from tensorflux.keras.utils.serialization import serialize_keras_object

        return {**super().get_config(), "layer": serialize_keras_object(self.layer)}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> Wrapper:
        from tensorflux.keras.utils.serialization import deserialize_keras_object

        config = dict(config)
        layer = deserialize_keras_object(config.pop("layer"), custom_objects=custom_objects)
        return cls(layer, **config)
