"""Parity with Keras 3: outputs and gradients of small layers match golden values to 1e-5.

The fixtures come from ``scripts/make_layer_goldens.py`` run once with real Keras; each test
rebuilds the layer from the same constructor arguments, loads Keras' weights with
``set_weights`` and compares ``y`` and the gradients of ``sum(y * r)``.
"""

import glob
import json
import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras import layers


def _load(path):
    with np.load(path, allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def _written_by_record(path):
    # fixtures of scripts/make_layer_goldens.py's record(); other scripts may share the folder
    with np.load(path, allow_pickle=False) as f:
        return {"class_name", "config", "x", "y", "r"} <= set(f.files)


_ALL = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "layers", "*.npz")))
FIXTURES = [p for p in _ALL if _written_by_record(p)]


@pytest.mark.parametrize("path", FIXTURES, ids=[os.path.basename(p)[:-4] for p in FIXTURES])
def test_matches_keras(path):
    g = _load(path)
    cls = getattr(layers, str(g["class_name"]))
    layer = cls(**json.loads(str(g["config"])))
    call_kwargs = json.loads(str(g["call_kwargs"])) if "call_kwargs" in g else {}
    x = g["x"]
    layer.build(x.shape)
    n_w = len([k for k in g if k.startswith("w") and k[1:].isdigit()])
    layer.set_weights([g[f"w{i}"] for i in range(n_w)])
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        if x.dtype.kind == "f":
            tape.watch(xt)
        y = layer(xt, **call_kwargs)
        loss = tf.reduce_sum(y * tf.constant(g["r"]))
    np.testing.assert_allclose(np.asarray(y), g["y"], rtol=1e-5, atol=1e-5)
    sources = ([xt] if x.dtype.kind == "f" else []) + list(layer.trainable_weights)
    grads = tape.gradient(loss, sources)
    names = (["gx"] if x.dtype.kind == "f" else []) + [f"gw{i}" for i in range(len(layer.trainable_weights))]
    for name, grad in zip(names, grads):
        dense = grad if isinstance(grad, tf.Tensor) else tf.Tensor(grad._value)
        np.testing.assert_allclose(np.asarray(dense), g[name], rtol=1e-5, atol=1e-5, err_msg=name)


def test_every_fixture_is_used():
    assert len(FIXTURES) >= 10
