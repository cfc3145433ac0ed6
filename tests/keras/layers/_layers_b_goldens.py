"""Shared checks against the Keras fixtures in tests/fixtures/layers_b/ (from scripts/golden_layers_b.py)."""

from __future__ import annotations

import json
import os

import numpy as np

import tensorflux as tf

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "layers_b")


def names(*prefixes: str) -> list[str]:
    found = sorted(f[:-4] for f in os.listdir(FIXTURES) if f.endswith(".npz"))
    return [n for n in found if n.startswith(prefixes)]


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def check(name: str, classes: dict, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Output, input gradient of ``sum(y * r)`` and config of a layer against Keras' fixture ``name``."""
    with np.load(os.path.join(FIXTURES, f"{name}.npz"), allow_pickle=False) as f:
        g = {k: f[k] for k in f.files}
    spec = json.loads(str(g["spec"]))
    layer = classes[spec["class_name"]](**spec["config"])
    x = tf.constant(g["x"])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
        loss = tf.reduce_sum(y * tf.constant(g["r"]))
    dx = tape.gradient(loss, x)
    assert tuple(y.shape) == g["y"].shape
    assert tuple(layer.compute_output_shape(g["x"].shape)) == g["y"].shape
    np.testing.assert_allclose(y.numpy(), g["y"], rtol=rtol, atol=atol)
    np.testing.assert_allclose(dx.numpy(), g["dx"], rtol=rtol, atol=atol)
    config = layer.get_config()
    for key, value in spec["keras_config"].items():
        assert _plain(config[key]) == _plain(value), (key, config[key], value)
