"""Shared by the ONNX tests: random weights, export, run in onnxruntime, compare with predict."""

import numpy as np

import tensorflux.onnx


def randomize(model, seed=0):
    """Give every weight a random value (fixed seed); variances stay positive."""
    rng = np.random.default_rng(seed)
    for v in model.weights:
        shape = tuple(v.shape)
        if not v.dtype.is_floating:
            continue
        if "variance" in v.path:
            v.assign(rng.uniform(0.5, 1.5, shape).astype("float32"))
        else:
            v.assign(rng.uniform(-0.5, 0.5, shape).astype("float32"))
    return model


def run_onnx(path, inputs):
    """Outputs of the ONNX file at ``path`` in onnxruntime for a list of input arrays."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.log_severity_level = 3
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    feeds = {i.name: x for i, x in zip(session.get_inputs(), inputs)}
    return session.run(None, feeds)


def assert_exports(model, inputs, tmp_path, rtol=1e-5, atol=1e-5, name="model.onnx", **export_kwargs):
    """Export ``model``, run it in onnxruntime on ``inputs`` and compare with ``model.predict``."""
    inputs = inputs if isinstance(inputs, list) else [inputs]
    path = tmp_path / name
    proto = tensorflux.onnx.export(model, path, **export_kwargs)
    got = run_onnx(path, inputs)
    ref = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    ref = list(ref) if isinstance(ref, (list, tuple)) else [ref]
    assert len(got) == len(ref)
    for g, r in zip(got, ref):
        assert g.shape == np.shape(r)
        np.testing.assert_allclose(g, np.asarray(r), rtol=rtol, atol=atol)
    return proto
