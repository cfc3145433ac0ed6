"""Keras 3 layers that wrap another framework's model: the names exist, construction explains why not.

``TorchModuleWrapper`` runs a ``torch.nn.Module``, ``JaxLayer``/``FlaxLayer`` run JAX functions and
Flax modules, ``TFSMLayer`` runs a TensorFlow SavedModel. Each needs its own framework's arrays and
autodiff, which a NumPy backend cannot execute. Keras raises when these layers are built on a
backend that cannot run them; tensorflux raises the same kind of error, and says what to do instead:
move the weights into tensorflux layers of the same architecture.
"""

from __future__ import annotations

from typing import Any, NoReturn

from tensorflux.keras.layers.layer import Layer

_INSTEAD = (
    "To use such a model with tensorflux, rebuild its architecture with `tensorflux.keras` layers and "
    "copy the weights in with `layer.set_weights([...])` (exported as NumPy arrays{how}), or save the "
    "model from Keras 3 as a `.keras`/`.weights.h5` file and load it with `keras.models.load_model`."
)


class TorchModuleWrapper(Layer):
    """Wraps a ``torch.nn.Module``: needs the PyTorch backend, so construction raises ``ValueError``.

    Args:
        module: the ``torch.nn.Module`` to wrap.
        name: layer name.
        output_shape: output shape of the module, if known.

    >>> try:
    ...     TorchModuleWrapper(module=None)
    ... except ValueError as e:
    ...     print(str(e)[:53])
    TorchModuleWrapper is only supported with the PyTorch
    """

    def __init__(
        self, module: Any, name: str | None = None, output_shape: Any = None, **kwargs: Any
    ) -> NoReturn:
        how = ": `{k: v.detach().numpy() for k, v in module.state_dict().items()}`; torch `Linear.weight` is "
        how += "the transpose of a `Dense` kernel"
        raise ValueError(
            "TorchModuleWrapper is only supported with the PyTorch backend; tensorflux runs on NumPy and "
            f"cannot execute torch modules. Received: module={module!r}. " + _INSTEAD.format(how=how)
        )


class JaxLayer(Layer):
    """Wraps JAX functions ``call_fn``/``init_fn``: needs JAX or TensorFlow, raises ``ValueError``.

    Args:
        call_fn: the function the layer calls.
        init_fn: function that creates ``params`` and ``state``.
        params: trainable parameters (a pytree).
        state: non-trainable state (a pytree).
        seed: seed for ``init_fn``.
        native_serialization_platforms: platforms for the exported function.

    >>> try:
    ...     JaxLayer(call_fn=lambda inputs: inputs)
    ... except ValueError as e:
    ...     print(str(e)[:58])
    JaxLayer is only supported with the JAX or Tensorflow back
    """

    def __init__(
        self,
        call_fn: Any,
        init_fn: Any = None,
        params: Any = None,
        state: Any = None,
        seed: Any = None,
        native_serialization_platforms: Any = None,
        **kwargs: Any,
    ) -> NoReturn:
        _raise_jax(type(self).__name__)


class FlaxLayer(JaxLayer):
    """Wraps a ``flax.linen.Module``: needs the JAX or TensorFlow backend, raises ``ValueError``.

    Args:
        module: the Flax module.
        method: the module method to call (default ``__call__``).
        variables: the module's variables, if already initialized.

    >>> try:
    ...     FlaxLayer(module=None)
    ... except ValueError as e:
    ...     print(str(e)[:59])
    FlaxLayer is only supported with the JAX or Tensorflow back
    """

    def __init__(self, module: Any, method: Any = None, variables: Any = None, **kwargs: Any) -> NoReturn:
        _raise_jax(type(self).__name__)


def _raise_jax(cls_name: str) -> NoReturn:
    # Keras' wording on the NumPy and PyTorch backends, with the tensorflux way out added.
    how = ": `jax.tree_util.tree_map(numpy.asarray, params)`"
    raise ValueError(
        f"{cls_name} is only supported with the JAX or Tensorflow backend. Current backend: numpy "
        "(tensorflux). " + _INSTEAD.format(how=how)
    )


class TFSMLayer(Layer):
    """Loads a TensorFlow SavedModel as a layer: needs TensorFlow, so construction raises.

    Keras raises ``NotImplementedError`` on every backend but TensorFlow; so does tensorflux.

    Args:
        filepath: the SavedModel folder.
        call_endpoint: the endpoint used for inference.
        call_training_endpoint: the endpoint used with ``training=True``.
        trainable: whether the SavedModel's variables are trainable.
        name: layer name.
        dtype: layer dtype.

    >>> try:
    ...     TFSMLayer("exported_model")
    ... except NotImplementedError as e:
    ...     print(str(e)[:61])
    The TFSMLayer is only currently supported with the TensorFlow
    """

    def __init__(
        self,
        filepath: Any,
        call_endpoint: str = "serve",
        call_training_endpoint: str | None = None,
        trainable: bool = True,
        name: str | None = None,
        dtype: Any = None,
    ) -> NoReturn:
        how = ": in TensorFlow, `{v.name: v.numpy() for v in tf.saved_model.load(filepath).variables}`"
        raise NotImplementedError(
            "The TFSMLayer is only currently supported with the TensorFlow backend; tensorflux runs on "
            f"NumPy and cannot execute TensorFlow graphs. Received: filepath={filepath!r}. "
            + _INSTEAD.format(how=how)
        )
