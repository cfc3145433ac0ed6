"""Pipeline: a plain layer that applies a list of layers one after the other (preprocessing chains)."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.layers.layer import Layer


class Pipeline(Layer):
    """Apply ``layers`` in sequence, as a layer (not a ``Model``): meant for preprocessing and augmentation.

    Unlike ``Sequential`` it leaves its inputs as they are (no cast to its dtype) and, called on its own,
    runs in training mode (``training=True``), so augmentation layers inside it are active; inside a
    model it follows the model's ``training`` flag.

    Args:
        layers: the layers to apply, first to last.
        name: the layer's name.

    >>> import tensorflux as tf
    >>> from tensorflux.keras import layers
    >>> p = Pipeline([layers.Rescaling(2.0), layers.Rescaling(1.0, offset=1.0)])
    >>> p(tf.constant([1.0, 2.0])).numpy().tolist()
    [3.0, 5.0]
    """

    def __init__(self, layers: Any, name: str | None = None) -> None:
        super().__init__(name=name, autocast=False)
        self._pipeline_layers = layers

    @property
    def layers(self) -> Any:
        """The layers of the pipeline, in order."""
        return self._pipeline_layers

    def call(self, inputs: Any, training: Any = True, mask: Any = None) -> Any:
        from tensorflux.keras.layers.layer import _call_info

        outputs = inputs
        for i, layer in enumerate(self._pipeline_layers):
            has_training, _, has_mask = _call_info(type(layer))[:3]
            kwargs: dict[str, Any] = {}
            if has_training and training is not None:
                kwargs["training"] = training
            # later layers get the previous layer's mask from its output, as in any layer call
            if i == 0 and has_mask and mask is not None:
                kwargs["mask"] = mask
            outputs = layer(outputs, **kwargs)
        return outputs

    def get_config(self) -> dict[str, Any]:
        from tensorflux.keras.utils.serialization import serialize_keras_object

        return {"layers": serialize_keras_object(self._pipeline_layers), "name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> Pipeline:
        from tensorflux.keras.utils.serialization import deserialize_keras_object

        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError(
                "Pipeline: the config must hold a `layers` key mapping to a list of serialized layers. "
                f"Received config with layers={layers!r}."
            )
        config = {**config}
        config["layers"] = [deserialize_keras_object(x, custom_objects=custom_objects) for x in layers]
        return cls(**config)
