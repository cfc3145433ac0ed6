"""Parity with the Keras fixtures in tests/fixtures/layers_a/ (written by scripts/golden_layers_a.py).

``check_golden(name)`` builds the fixture's layer here, sets Keras' weights, runs the same call and
compares the output (and attention scores), the gradients of ``sum(y * r)`` with respect to the float
inputs and the trainable weights, and the weights after the call.
"""

from __future__ import annotations

import json
import os

import numpy as np

import tensorflux as tf
from tensorflux.keras.layers.attention.additive_attention import AdditiveAttention
from tensorflux.keras.layers.attention.grouped_query_attention import GroupQueryAttention
from tensorflux.keras.layers.convolutional.conv2d import Conv2D
from tensorflux.keras.layers.core.dense import Dense
from tensorflux.keras.layers.core.einsum_dense import EinsumDense
from tensorflux.keras.layers.normalization.rms_normalization import RMSNormalization
from tensorflux.keras.layers.normalization.spectral_normalization import SpectralNormalization
from tensorflux.keras.layers.regularization.alpha_dropout import AlphaDropout

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "layers_a")
CLASSES = {
    c.__name__: c
    for c in (
        AdditiveAttention,
        AlphaDropout,
        Conv2D,
        Dense,
        EinsumDense,
        RMSNormalization,
        SpectralNormalization,
    )
}
CLASSES["GroupQueryAttention"] = GroupQueryAttention


def golden_names(prefix: str) -> list[str]:
    return sorted(f[:-4] for f in os.listdir(FIXTURES) if f.endswith(".npz") and f.startswith(prefix))


def load(name: str) -> dict:
    with np.load(os.path.join(FIXTURES, f"{name}.npz"), allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def make_layer(spec: dict, dtype: str | None = None):
    kwargs = dict(spec.get("config", {}))
    if "inner" in spec:
        kwargs["layer"] = make_layer(spec["inner"], dtype)
    if dtype:
        kwargs["dtype"] = dtype
    return CLASSES[spec["class_name"]](**kwargs)


def _count(g: dict, prefix: str) -> int:
    return len([k for k in g if k.startswith(prefix) and k[len(prefix) :].isdigit()])


def check_golden(name: str, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    g = load(name)
    spec = json.loads(str(g["spec"]))
    layer = make_layer(spec)
    xs = [tf.constant(g[f"x{i}"]) for i in range(_count(g, "x"))]
    mode = spec.get("mode", "single")
    shapes = [tuple(x.shape) for x in xs]
    if mode == "positional":
        layer.build(*shapes)
    else:
        layer.build(shapes if mode == "list" else shapes[0])
    n_w = _count(g, "w")
    assert len(layer.weights) == n_w, f"{name}: {len(layer.weights)} weights here, Keras has {n_w}"
    for w, i in zip(layer.weights, range(n_w)):
        assert tuple(w.shape) == g[f"w{i}"].shape, f"{name}: weight {i} shape {w.shape} vs {g[f'w{i}'].shape}"
    layer.set_weights([g[f"w{i}"] for i in range(n_w)])
    call = dict(spec.get("call", {}))
    for key, ref in spec.get("tensor_call", {}).items():
        call[key] = [tf.constant(g[r]) for r in ref] if isinstance(ref, list) else tf.constant(g[ref])
    floats = [x for x in xs if x.dtype.is_floating]
    with tf.GradientTape() as tape:
        for x in floats:
            tape.watch(x)
        if mode == "positional":
            y = layer(*xs, **call)
        else:
            y = layer(xs if mode == "list" else xs[0], **call)
        scores = None
        if isinstance(y, (list, tuple)):
            y, scores = y
        loss = tf.reduce_sum(y * tf.constant(g["r"]))
    np.testing.assert_allclose(np.asarray(y), g["y"], rtol=rtol, atol=atol, err_msg=f"{name}: output")
    if "scores" in g:
        np.testing.assert_allclose(
            np.asarray(scores), g["scores"], rtol=rtol, atol=atol, err_msg=f"{name}: scores"
        )
    trainable = list(layer.trainable_weights)
    assert len(trainable) == _count(g, "gw"), f"{name}: {len(trainable)} trainable weights"
    grads = tape.gradient(loss, floats + trainable)
    keys = [f"gx{i}" for i, x in enumerate(xs) if x.dtype.is_floating] + [
        f"gw{i}" for i in range(len(trainable))
    ]
    for key, grad in zip(keys, grads):
        assert grad is not None, f"{name}: no gradient for {key}"
        np.testing.assert_allclose(np.asarray(grad), g[key], rtol=rtol, atol=atol, err_msg=f"{name}: {key}")
    for i, w in enumerate(layer.weights):
        np.testing.assert_allclose(
            w.numpy(), g[f"wa{i}"], rtol=rtol, atol=atol, err_msg=f"{name}: weight {i} after"
        )
