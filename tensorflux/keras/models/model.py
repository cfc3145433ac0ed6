"""Model: a Layer with a training loop (``Model(Trainer, Layer)``), as in Keras 3.

``Model(inputs, outputs)`` builds a functional model; subclassing ``Model`` and writing
``call()`` gives a model whose layers are found from its attributes (also inside lists and dicts).
"""

from __future__ import annotations

from typing import Any

from tensorflux.framework import nest
from tensorflux.keras.engine.keras_tensor import KerasTensor
from tensorflux.keras.layers.layer import _NOT_LEAN, Layer
from tensorflux.keras.trainers.trainer import Trainer


def _functional_args(args: Any, kwargs: Any) -> bool:
    return (
        len(args) == 2
        or (len(args) == 1 and "outputs" in kwargs)
        or ("inputs" in kwargs and "outputs" in kwargs)
    )


_FUNCTIONAL_SUBCLASSES: dict[type, type] = {}
_PLANNED: list[Any] = []


def _planned_types() -> list[Any]:
    """``[model classes whose calls may replay an inference plan (exactly these), planned_call]``."""
    from tensorflux.keras.models.functional import Functional
    from tensorflux.keras.models.inference_plan import planned_call
    from tensorflux.keras.models.sequential import Sequential

    _PLANNED[:] = [(Sequential, Functional), planned_call]
    return _PLANNED


class Model(Trainer, Layer):
    """A model: layers plus ``compile``/``fit``/``evaluate``/``predict``.

    Two ways to make one:

    - functional: ``Model(inputs, outputs)`` from ``keras.Input`` tensors and layer calls;
    - subclassing: define layers in ``__init__`` and the forward pass in ``call``.

    >>> from tensorflux.keras import Input, layers
    >>> x = Input(shape=(3,))
    >>> model = Model(x, layers.Dense(2)(x))
    >>> model(__import__("numpy").ones((4, 3), "float32")).shape
    TensorShape([4, 2])
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if cls is Model and _functional_args(args, kwargs):
            from tensorflux.keras.models.functional import Functional

            return Functional.__new__(Functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from tensorflux.keras.models.functional import Functional

        if _functional_args(args, kwargs) and not isinstance(self, Functional):
            # A subclass calling super().__init__(inputs=..., outputs=...): become functional.
            cls = type(self)
            sub = _FUNCTIONAL_SUBCLASSES.get(cls)
            if sub is None:
                sub = type(cls.__name__, (cls, Functional), {"__module__": cls.__module__})
                _FUNCTIONAL_SUBCLASSES[cls] = sub
            self.__class__ = sub
            Functional.__init__(self, *args, **kwargs)
            return
        if args:
            raise TypeError(
                f"{type(self).__name__}: unexpected positional arguments {args}; use keyword arguments."
            )
        Trainer.__init__(self)
        Layer.__init__(self, **kwargs)

    # -- layers ---------------------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        """The model's direct sublayers, in the order they were assigned."""
        return [x for x in self._direct_sublayers() if not getattr(x, "_is_op", False)]

    @layers.setter
    def layers(self, _: Any) -> None:
        raise AttributeError(
            "`Model.layers` attribute is reserved and should not be used. Please use another name."
        )

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """A layer by ``name`` or by ``index`` in ``model.layers``.

        >>> from tensorflux.keras import Input, layers
        >>> x = Input((2,)); m = Model(x, layers.Dense(1, name="out")(x))
        >>> m.get_layer("out").name
        'out'
        """
        if index is not None and name is not None:
            raise ValueError(
                f"Provide only a layer name or a layer index. Received: index={index}, name={name}."
            )
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has {len(layers)} layers."
                )
            return layers[index]
        if name is not None:
            for layer in layers:
                if layer.name == name:
                    return layer
            raise ValueError(f"No such layer: {name}. Existing layers are: {[x.name for x in layers]}.")
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    # -- building and calling ---------------------------------------------------------------------
    def build(self, input_shape: Any = None) -> None:
        """Create the weights of a subclassed model by running it once on a stand-in batch."""
        if input_shape is None:
            raise ValueError(
                f"Model '{self.name}': build() needs an input_shape, e.g. model.build((None, 784)), or "
                "call the "
                "model on data once."
            )
        from tensorflux.keras.engine.symbolic import trial_call

        def to_kt(s: Any) -> Any:
            if isinstance(s, (tuple, list)) and all(d is None or isinstance(d, int) for d in s):
                return KerasTensor(tuple(s), self.compute_dtype)
            if isinstance(s, dict):
                return {k: to_kt(v) for k, v in s.items()}
            return type(s)(to_kt(v) for v in s)

        self.built = True  # so that the stand-in call below does not come back here
        try:
            trial_call(self, (to_kt(input_shape),), {}, 1)
        except Exception:
            self.built = False
            raise

    def _lean_call(self, x: Any, training: Any) -> Any:
        planned = _PLANNED or _planned_types()
        if type(self) in planned[0]:
            out = planned[1](self, x, training)
            if out is not _NOT_LEAN:
                return out
        return Layer._lean_call(self, x, training)

    def call(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"Model {type(self).__name__} has no call() method: subclasses of Model must implement "
            "call(self, inputs, training=None), or build the model functionally with Model(inputs, outputs)."
        )

    @property
    def inputs(self) -> Any:
        return None

    @property
    def outputs(self) -> Any:
        return None

    # -- display ------------------------------------------------------------------------------------
    def summary(
        self,
        line_length: int | None = None,
        positions: Any = None,
        print_fn: Any = None,
        expand_nested: bool = False,
        show_trainable: bool = False,
        layer_range: Any = None,
    ) -> None:
        """Print a table of the layers, their output shapes and parameter counts (Keras 3's format)."""
        from tensorflux.keras.utils.summary_utils import print_summary

        print_summary(
            self,
            line_length=line_length,
            positions=positions,
            print_fn=print_fn,
            expand_nested=expand_nested,
            show_trainable=show_trainable,
            layer_range=layer_range,
        )

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> Any:
        if "layers" in config and "input_layers" in config and "output_layers" in config:
            from tensorflux.keras.models.functional import functional_from_config

            return functional_from_config(cls, config, custom_objects)
        return super().from_config(config)

    def _flat_output_names(self) -> list[str]:
        outs = self.outputs
        return [x._keras_history.operation.name for x in nest.flatten(outs)] if outs is not None else []

    # -- saving (thin wrappers; the formats live in tensorflux.keras.saving) ------------------------------
    def save(self, filepath: Any, overwrite: bool = True, zipped: bool | None = None, **kwargs: Any) -> None:
        """Save the model to a ``.keras`` archive or a legacy ``.h5`` file (``keras.saving.save_model``)."""
        from tensorflux.keras.saving.saving_api import save_model

        save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath: Any, overwrite: bool = True, **kwargs: Any) -> None:
        """Save the weights (and optimizer state) to a ``.weights.h5`` file."""
        from tensorflux.keras.saving.saving_api import save_weights

        save_weights(self, filepath, overwrite=overwrite, **kwargs)

    def load_weights(
        self, filepath: Any, skip_mismatch: bool = False, by_name: bool = False, **kwargs: Any
    ) -> None:
        """Load weights from a ``.weights.h5``, ``.keras`` or legacy ``.h5`` file."""
        from tensorflux.keras.saving.saving_api import load_weights

        load_weights(self, filepath, skip_mismatch=skip_mismatch, by_name=by_name, **kwargs)

    def to_json(self, **kwargs: Any) -> str:
        """The model's config as a JSON string (``keras.models.model_from_json`` reads it back)."""
        from tensorflux.keras.saving.saving_api import model_to_json

        return model_to_json(self, **kwargs)

    def export(
        self, filepath: Any, format: str = "tf_saved_model", verbose: Any = None, **kwargs: Any
    ) -> None:
        """Export for serving: ``format="onnx"`` writes an ONNX file (``tensorflux.onnx.export``; kwargs
        ``input_signature`` and ``opset``); other formats raise NotImplementedError naming the alternative."""
        if format == "onnx":
            from tensorflux.onnx import export as export_onnx

            export_onnx(self, filepath, **kwargs)
            return
        from tensorflux.keras.saving.saving_api import export

        export(self, filepath, format=format, verbose=verbose, **kwargs)
