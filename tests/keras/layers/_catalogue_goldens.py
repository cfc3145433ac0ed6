"""Parity with the Keras fixtures in tests/fixtures/layers/catalogue/ (from scripts/make_layer_goldens.py).

Each fixture describes a layer (class, constructor arguments, wrapped layer, call arguments);
``check_fixture`` builds the same layer here, loads Keras' weights with ``set_weights``, and
compares the output, the gradients of ``sum(y * r)`` with respect to the float inputs and the
trainable weights, and any weights the call itself changed (moving statistics) to 1e-5.
"""

from __future__ import annotations

import json
import os

import numpy as np

import tensorflux as tf
from tensorflux.keras import layers

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "layers", "catalogue")


def fixture_names(*prefixes: str) -> list[str]:
    names = sorted(f[:-4] for f in os.listdir(FIXTURES) if f.endswith(".npz"))
    return [n for n in names if n.startswith(prefixes)]


def _make_layer(spec: dict) -> layers.Layer:
    kwargs = dict(spec.get("config", {}))
    if "inner" in spec:
        kwargs["layer"] = _make_layer(spec["inner"])
    return getattr(layers, spec["class_name"])(**kwargs)


def check_fixture(name: str, rtol: float = 1e-5, atol: float = 1e-5) -> None:
    with np.load(os.path.join(FIXTURES, f"{name}.npz"), allow_pickle=False) as f:
        g = {k: f[k] for k in f.files}
    spec = json.loads(str(g["spec"]))
    layer = _make_layer(spec)
    xs = [tf.constant(g[f"x{i}"]) for i in range(len([k for k in g if k[0] == "x" and k[1:].isdigit()]))]
    call = dict(spec.get("call", {}))
    for key, value in spec.get("tensor_call", {}).items():
        call[key] = tf.constant(np.array(value))
    shapes = [tuple(x.shape) for x in xs]
    if spec.get("positional"):
        layer.build(*shapes)
    else:
        layer.build(shapes if spec.get("list_input") else shapes[0])
    n_w = len([k for k in g if k[0] == "w" and k[1:].isdigit()])
    assert len(layer.weights) == n_w, f"{name}: {len(layer.weights)} weights here, Keras has {n_w}"
    layer.set_weights([g[f"w{i}"] for i in range(n_w)])
    floats = [x for x in xs if x.dtype.is_floating]
    with tf.GradientTape() as tape:
        for x in floats:
            tape.watch(x)
        if spec.get("positional"):
            y = layer(*xs, **call)
        else:
            y = layer(xs if spec.get("list_input") else xs[0], **call)
        if isinstance(y, (list, tuple)):
            y = y[0]
        loss = tf.reduce_sum(y * tf.constant(g["r"]))
    np.testing.assert_allclose(np.asarray(y), g["y"], rtol=rtol, atol=atol, err_msg=f"{name}: output")
    trainable = list(layer.trainable_weights)
    grads = tape.gradient(loss, floats + trainable)
    names = [f"gx{i}" for i, x in enumerate(xs) if x.dtype.is_floating] + [
        f"gw{i}" for i in range(len(trainable))
    ]
    for key, grad in zip(names, grads):
        assert grad is not None, f"{name}: no gradient for {key}"
        np.testing.assert_allclose(np.asarray(grad), g[key], rtol=rtol, atol=atol, err_msg=f"{name}: {key}")
    for i, w in enumerate(layer.weights):
        want = g.get(f"w_after{i}", g[f"w{i}"])
        np.testing.assert_allclose(
            w.numpy(), want, rtol=rtol, atol=atol, err_msg=f"{name}: weight {i} after the call"
        )


def check_layer_gradients(
    layer, inputs, call=None, rtol: float = 1e-6, atol: float = 1e-8, seed: int = 0
) -> None:
    """Tape gradients of a float64 ``layer`` (inputs and trainable weights) against central differences.

    For layers that ``run_layer_test`` cannot copy to float64 by itself: wrappers and RNNs holding
    layer or cell instances.  ``call(layer, inputs)`` runs the layer (default ``layer(*inputs)``).
    """
    from tensorflux.testing import numerical_gradient

    call = call or (lambda lay, xs: lay(*xs))
    xs = [np.asarray(x, np.float64) for x in inputs]
    call(layer, [tf.constant(x) for x in xs])  # build
    weights = list(layer.trainable_weights)
    assert all(w.dtype.name == "float64" for w in weights), "check_layer_gradients needs a float64 layer"
    rng = np.random.default_rng(seed)
    for w in weights:  # values away from kinks and zeros
        w.assign(rng.uniform(-0.8, 0.8, size=tuple(w.shape)) + 0.1)
    base = xs + [w.numpy() for w in weights]

    def run(*arrays):
        for w, a in zip(weights, arrays[len(xs) :]):
            w.assign(a)
        out = call(layer, list(arrays[: len(xs)]))
        if isinstance(out, (list, tuple)):  # every output counts (both halves of merge_mode=None)
            out = tf.concat([tf.reshape(o, [-1]) for o in out], 0)
        return out

    probe = run(*[tf.constant(b) for b in base])
    w_out = rng.uniform(0.5, 1.5, size=tuple(probe.shape))
    ins = [tf.constant(x) for x in xs]
    with tf.GradientTape() as tape:
        for t in ins:
            tape.watch(t)
        out = run(*ins, *base[len(xs) :])
    sym = tape.gradient(out, ins + weights, output_gradients=tf.constant(w_out))
    num = numerical_gradient(run, base, w_out)
    names = [f"input {i}" for i in range(len(xs))] + [w.path for w in weights]
    for name, s, n in zip(names, sym, num):
        assert s is not None, f"{layer.name}: no gradient for {name}"
        np.testing.assert_allclose(
            np.asarray(s), n, rtol=rtol, atol=atol, err_msg=f"{layer.name}: gradient of {name}"
        )
