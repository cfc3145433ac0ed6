"""TorchModuleWrapper, JaxLayer, FlaxLayer, TFSMLayer: the names exist; construction raises as Keras does
on a backend that cannot run them, and says how to bring the model to tensorflux instead."""

from __future__ import annotations

import inspect

import pytest

from tensorflux.keras.layers.core.backend_wrappers import FlaxLayer, JaxLayer, TFSMLayer, TorchModuleWrapper
from tensorflux.keras.layers.layer import Layer

# Keras 3.15's constructor signatures (inspect.signature(keras.layers.X.__init__))
SIGNATURES = {
    TorchModuleWrapper: "(self, module, name=None, output_shape=None, **kwargs)",
    JaxLayer: "(self, call_fn, init_fn=None, params=None, state=None, seed=None, "
    "native_serialization_platforms=None, **kwargs)",
    FlaxLayer: "(self, module, method=None, variables=None, **kwargs)",
    TFSMLayer: "(self, filepath, call_endpoint='serve', call_training_endpoint=None, trainable=True, "
    "name=None, dtype=None)",
}


@pytest.mark.parametrize("cls", list(SIGNATURES), ids=lambda c: c.__name__)
def test_keras_signature_and_layer_subclass(cls):
    sig = inspect.signature(cls.__init__).replace(return_annotation=inspect.Signature.empty)
    params = [p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values()]
    assert str(sig.replace(parameters=params)) == SIGNATURES[cls]
    assert issubclass(cls, Layer)
    assert cls.__doc__ and ">>>" in cls.__doc__


def test_torch_module_wrapper_raises_value_error():
    with pytest.raises(ValueError, match="only supported with the PyTorch backend") as e:
        TorchModuleWrapper(module="Linear(2, 3)", name="w")
    msg = str(e.value)
    assert "module='Linear(2, 3)'" in msg and "set_weights" in msg and "state_dict" in msg


@pytest.mark.parametrize(
    "make, name", [(lambda: JaxLayer(call_fn=abs), "JaxLayer"), (lambda: FlaxLayer(None), "FlaxLayer")]
)
def test_jax_and_flax_layers_raise_value_error_like_keras_numpy_backend(make, name):
    with pytest.raises(ValueError) as e:
        make()
    msg = str(e.value)
    assert msg.startswith(
        f"{name} is only supported with the JAX or Tensorflow backend. Current backend: numpy"
    )
    assert "set_weights" in msg


def test_tfsm_layer_raises_not_implemented_like_keras_non_tensorflow_backends():
    with pytest.raises(
        NotImplementedError, match="only currently supported with the TensorFlow backend"
    ) as e:
        TFSMLayer("exported/model", call_endpoint="serving_default")
    msg = str(e.value)
    assert "filepath='exported/model'" in msg and "tensorflux runs on NumPy" in msg and ".keras" in msg
