"""Write Keras 3 golden values for EinsumDense, AdditiveAttention, GroupQueryAttention, RMSNormalization,
AlphaDropout and SpectralNormalization into tests/fixtures/layers_a/<name>.npz.

Run once with the side environment (never a dependency of tensorflux):

    CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 /tmp/peers/bin/python scripts/golden_layers_a.py

Each fixture holds, for one small layer built by real Keras 3 (TensorFlow backend):

- ``spec``: JSON with ``class_name``, ``config`` (constructor arguments), ``inner`` (the wrapped
  layer's class and arguments, for wrappers), ``call`` (plain call arguments), ``tensor_call``
  (call arguments given as arrays: argument name -> fixture key, or a list of keys) and
  ``mode``: ``"single"`` (``layer(x0)``), ``"list"`` (``layer([x0, x1, ...])``) or
  ``"positional"`` (``layer(x0, x1, ...)``);
- ``x0``, ``x1``, ...: the inputs; ``w0``, ``w1``, ...: the weights set into the layer, in
  ``layer.weights`` order; ``wa0``, ... the weights after the call (SpectralNormalization
  updates its kernel and ``vector_u`` in training);
- ``y`` (and ``scores`` when the call returns attention scores): the outputs;
- ``r``: fixed weights of the scalar ``L = sum(y * r)``; ``gx<i>``: dL/dx<i> for float inputs;
  ``gw<i>``: dL/d(trainable weight i), in ``layer.trainable_weights`` order.

It also saves ``keras_model.keras``, a Keras functional model using every one of these layers, with
``keras_model.npz`` holding its inputs ``q``, ``v`` and its ``predict`` output ``y``, so the tests
check that tensorflux loads Keras' own files.
"""

from __future__ import annotations

import json
import os

import numpy as np

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "layers_a")


def _x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def _make(spec):
    import keras

    kwargs = dict(spec.get("config", {}))
    if "inner" in spec:
        kwargs["layer"] = _make(spec["inner"])
    return getattr(keras.layers, spec["class_name"])(**kwargs)


def record(name, spec, xs, arrays_call=None, weight_init=None, seed=0):
    """Build ``spec``'s layer in Keras, set fixed weights, run it on ``xs`` and save the values."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed + 1)
    arrays_call = arrays_call or {}
    layer = _make(spec)
    mode = spec.get("mode", "single")
    shapes = [x.shape for x in xs]
    if mode == "positional":
        layer.build(*shapes)
    else:
        layer.build(shapes if mode == "list" else shapes[0])
    weights = []
    for i, w in enumerate(layer.weights):
        if weight_init and i in weight_init:
            value = weight_init[i](tuple(w.shape), rng)
        else:
            value = rng.uniform(-0.6, 0.6, size=tuple(w.shape))
        weights.append(np.asarray(value, dtype=w.dtype))
    layer.set_weights(weights)
    out = {f"w{i}": w for i, w in enumerate(weights)}
    out.update({f"x{i}": x for i, x in enumerate(xs)})
    out.update(arrays_call)
    tensors = [tf.constant(x) for x in xs]
    call = dict(spec.get("call", {}))
    for key, ref in spec.get("tensor_call", {}).items():
        call[key] = (
            [tf.constant(arrays_call[r]) for r in ref]
            if isinstance(ref, list)
            else tf.constant(arrays_call[ref])
        )
    with tf.GradientTape(persistent=True) as tape:
        for t in tensors:
            if t.dtype.is_floating:
                tape.watch(t)
        if mode == "positional":
            y = layer(*tensors, **call)
        else:
            y = layer(tensors if mode == "list" else tensors[0], **call)
        if isinstance(y, (list, tuple)):
            y, scores = y
            out["scores"] = scores.numpy()
        r = tf.constant(rng.uniform(0.5, 1.5, size=tuple(y.shape)).astype("float32"))
        loss = tf.reduce_sum(y * r)
    out["y"] = y.numpy()
    out["r"] = r.numpy()
    out["spec"] = np.array(json.dumps(spec))
    for i, t in enumerate(tensors):
        if t.dtype.is_floating:
            out[f"gx{i}"] = tape.gradient(loss, t).numpy()
    for i, v in enumerate(layer.trainable_weights):
        out[f"gw{i}"] = tf.convert_to_tensor(tape.gradient(loss, v)).numpy()
    for i, w in enumerate(layer.weights):
        out[f"wa{i}"] = w.numpy()
    os.makedirs(OUT, exist_ok=True)
    np.savez(os.path.join(OUT, f"{name}.npz"), **out)
    print(f"wrote {name}.npz: y {out['y'].shape}, {len(weights)} weights")


def einsum_dense():
    cases = {
        "einsum_dense_2d": (
            {"equation": "ab,bc->ac", "output_shape": 5, "bias_axes": "c", "activation": "tanh"},
            (3, 4),
        ),
        "einsum_dense_heads": (
            {"equation": "abc,cde->abde", "output_shape": [3, 2, 4], "bias_axes": "de"},
            (2, 3, 5),
        ),
        "einsum_dense_out": (
            {"equation": "abcd,cde->abe", "output_shape": [3, 6], "bias_axes": "e"},
            (2, 3, 4, 5),
        ),
        "einsum_dense_left": ({"equation": "...b,bc->...c", "output_shape": 4}, (2, 3, 5, 6)),
        "einsum_dense_right": (
            {"equation": "ab...,bc->ac...", "output_shape": 4, "bias_axes": "c"},
            (2, 5, 3),
        ),
        "einsum_dense_batched": (
            {"equation": "abc,bcd->abd", "output_shape": [3, 4], "bias_axes": "d"},
            (2, 3, 5),
        ),
        "einsum_dense_bias_b": (
            {"equation": "abc,cd->abd", "output_shape": [3, 4], "bias_axes": "b"},
            (2, 3, 5),
        ),
    }
    for name, (config, shape) in cases.items():
        record(name, {"class_name": "EinsumDense", "config": config}, [_x(*shape)])


def additive_attention():
    q, v, k = _x(2, 3, 4, seed=1), _x(2, 5, 6, seed=2), _x(2, 5, 4, seed=3)
    spec = {"class_name": "AdditiveAttention", "config": {}, "mode": "list"}
    record("additive_attention", spec, [q, _x(2, 5, 4, seed=2)])
    spec = {
        "class_name": "AdditiveAttention",
        "config": {"use_scale": True},
        "mode": "list",
        "call": {"return_attention_scores": True},
        "tensor_call": {"mask": ["q_mask", "v_mask"]},
    }
    masks = {
        "q_mask": np.array([[True, True, False], [True, True, True]]),
        "v_mask": np.array([[True, False, True, True, False], [True, True, True, True, False]]),
    }
    record("additive_attention_key_masks", spec, [q, v, k], masks)
    spec = {
        "class_name": "AdditiveAttention",
        "config": {"use_scale": False},
        "mode": "list",
        "call": {"use_causal_mask": True},
    }
    record("additive_attention_causal", spec, [q, _x(2, 3, 4, seed=4)])


def grouped_query_attention():
    q, v, k = _x(2, 3, 8, seed=1), _x(2, 5, 8, seed=2), _x(2, 5, 6, seed=3)
    base = {"head_dim": 3, "num_query_heads": 4, "num_key_value_heads": 2}
    record("gqa", {"class_name": "GroupQueryAttention", "config": base, "mode": "positional"}, [q, v])
    keep = np.random.default_rng(7).random((2, 3, 5)) > 0.4
    keep[..., 0] = True  # every query sees a key
    spec = {
        "class_name": "GroupQueryAttention",
        "config": {**base, "num_key_value_heads": 1},
        "mode": "positional",
        "tensor_call": {"attention_mask": "attention_mask"},
    }
    record("gqa_key_mask_mqa", spec, [q, v, k], {"attention_mask": keep})
    spec = {
        "class_name": "GroupQueryAttention",
        "config": {**base, "use_gate": True, "use_bias": False},
        "mode": "positional",
        "call": {"use_causal_mask": True, "return_attention_scores": True},
    }
    record("gqa_gate_causal_scores", spec, [q, _x(2, 3, 8, seed=5)])
    spec = {
        "class_name": "GroupQueryAttention",
        "config": {**base, "sliding_window": 2},
        "mode": "positional",
        "call": {"use_causal_mask": True},
    }
    record("gqa_sliding_causal", spec, [q, _x(2, 3, 8, seed=5)])


def rms_normalization():
    def scale(shape, rng):
        return rng.uniform(0.5, 1.5, size=shape)

    record("rms_norm", {"class_name": "RMSNormalization", "config": {}}, [_x(3, 6)], weight_init={0: scale})
    record(
        "rms_norm_axes",
        {"class_name": "RMSNormalization", "config": {"axis": [1, 2], "epsilon": 1e-3}},
        [_x(2, 3, 4)],
        weight_init={0: scale},
    )
    record(
        "rms_norm_rank3",
        {"class_name": "RMSNormalization", "config": {"axis": -1}},
        [_x(2, 3, 4) * 0.01],
        weight_init={0: scale},
    )


def alpha_dropout():
    record("alpha_dropout_inference", {"class_name": "AlphaDropout", "config": {"rate": 0.3}}, [_x(3, 4)])


def spectral_normalization():
    def u(shape, rng):
        return rng.standard_normal(shape)

    # weights order in Keras: kernel, vector_u, bias
    dense = {
        "class_name": "SpectralNormalization",
        "inner": {"class_name": "Dense", "config": {"units": 4}},
        "config": {},
        "call": {"training": True},
    }
    record("spectral_dense", dense, [_x(3, 5)], weight_init={1: u})
    dense3 = {**dense, "config": {"power_iterations": 3}}
    record("spectral_dense_3iters", dense3, [_x(3, 5)], weight_init={1: u})
    conv = {
        "class_name": "SpectralNormalization",
        "inner": {"class_name": "Conv2D", "config": {"filters": 3, "kernel_size": 2}},
        "config": {"power_iterations": 2},
        "call": {"training": True},
    }
    record("spectral_conv2d", conv, [_x(2, 4, 4, 2)], weight_init={1: u})
    infer = {**dense, "call": {"training": False}}
    record("spectral_dense_inference", infer, [_x(3, 5)], weight_init={1: u})


def keras_model():
    import keras

    keras.utils.set_random_seed(4)
    q_in, v_in = keras.Input((3, 8)), keras.Input((5, 8))
    x = keras.layers.GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2)(q_in, v_in)
    x = keras.layers.AdditiveAttention()([x, v_in])
    x = keras.layers.EinsumDense("abc,cde->abde", output_shape=(3, 2, 4), bias_axes="de")(x)
    x = keras.layers.Reshape((3, 8))(x)
    x = keras.layers.RMSNormalization()(x)
    x = keras.layers.AlphaDropout(0.2)(x)
    x = keras.layers.SpectralNormalization(keras.layers.Dense(4))(x)
    model = keras.Model([q_in, v_in], x)
    for w in model.weights:  # away from zero biases and ones scales
        w.assign(np.random.default_rng(len(w.path)).uniform(-0.5, 0.5, size=tuple(w.shape)) + 0.1)
    q, v = _x(2, 3, 8, seed=8), _x(2, 5, 8, seed=9)
    model.save(os.path.join(OUT, "keras_model.keras"))
    np.savez(os.path.join(OUT, "keras_model.npz"), q=q, v=v, y=model.predict([q, v], verbose=0))
    print("wrote keras_model.keras")


if __name__ == "__main__":
    einsum_dense()
    additive_attention()
    grouped_query_attention()
    rms_normalization()
    alpha_dropout()
    spectral_normalization()
    keras_model()
