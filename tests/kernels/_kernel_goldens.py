"""Shared by the kernel tests: load golden cases and compare an op's output and gradients with them."""

from __future__ import annotations

import json
import os

import numpy as np

import tensorflux as tf

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kernels")


def cases(file: str, prefix: str = "") -> dict[str, dict]:
    """``{case: {"params": dict, name: array, ...}}`` from one golden file.

    The files are made by scripts/make_kernel_goldens.py.
    """
    out: dict[str, dict] = {}
    with np.load(os.path.join(FIXTURES, file), allow_pickle=False) as z:
        for key in z.files:
            case, name = key.split("/", 1)
            if not case.startswith(prefix):
                continue
            v = z[key]
            out.setdefault(case, {})[name] = json.loads(str(v)) if name == "params" else v
    return dict(sorted(out.items()))


def check_golden(
    fn, data: dict, inputs: list[str], diff: list[str], rtol: float = 2e-4, atol: float = 2e-4
) -> None:
    """Run ``fn(*inputs)`` in float32 and compare its output and the gradients of ``sum(y * gy)``."""
    ts = {k: tf.constant(data[k]) for k in inputs}
    with tf.GradientTape() as tape:
        for k in diff:
            tape.watch(ts[k])
        y = fn(*[ts[k] for k in inputs])
    assert y.dtype == tf.float32
    np.testing.assert_allclose(y.numpy(), data["y"], rtol=rtol, atol=atol, err_msg="output")
    grads = tape.gradient(
        y, [ts[k] for k in diff], output_gradients=tf.constant(data["gy"].astype(np.float32))
    )
    for k, g in zip(diff, grads):
        assert g is not None, f"no gradient for {k}"
        np.testing.assert_allclose(g.numpy(), data["d" + k], rtol=rtol, atol=atol, err_msg=f"gradient of {k}")
