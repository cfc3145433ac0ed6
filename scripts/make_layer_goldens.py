"""Write Keras golden values for layer parity tests into tests/fixtures/layers/<name>.npz.

Run once with the side environment (never a dependency of tensorflux):

    CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 \
        /tmp/peers/bin/python scripts/make_layer_goldens.py [name ...]

Each fixture holds, for a small layer instance built by real Keras 3 (TensorFlow backend):

- ``config``: the layer's constructor arguments as JSON (the test rebuilds the layer from them);
- ``x``: the input; ``w0``, ``w1``, ...: the weights in ``layer.weights`` order;
- ``y``: the output of ``layer(x, training=False)`` (or ``training`` from ``call``);
- ``r``: fixed random weights of the scalar function ``L = sum(y * r)``;
- ``gx`` and ``gw0``, ``gw1``, ...: the gradients of ``L`` with respect to the input (float inputs
  only) and to each trainable weight.

One function per layer, registered with ``@golden``; the layer catalogue adds its own below.
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "layers")
GOLDENS = {}


def golden(fn):
    GOLDENS[fn.__name__] = fn
    return fn


def record(name, layer_cls, config, x, call_kwargs=None, seed=0):
    """Build ``layer_cls(**config)`` in Keras, run it on ``x`` and save values and gradients."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed + 1)
    layer = layer_cls(**config)
    xt = tf.constant(x)
    layer.build(x.shape)
    weights = [w.numpy() for w in layer.weights]
    with tf.GradientTape(persistent=True) as tape:
        if x.dtype.kind == "f":
            tape.watch(xt)
        y = layer(xt, **(call_kwargs or {}))
        r = tf.constant(rng.uniform(0.5, 1.5, size=tuple(y.shape)).astype("float32"))
        loss = tf.reduce_sum(y * r)
    arrays = {
        "x": x,
        "y": y.numpy(),
        "r": r.numpy(),
        "config": np.array(json.dumps(config)),
        "class_name": np.array(layer_cls.__name__),
    }
    if call_kwargs:
        arrays["call_kwargs"] = np.array(json.dumps(call_kwargs))
    if x.dtype.kind == "f":
        arrays["gx"] = tape.gradient(loss, xt).numpy()
    for i, w in enumerate(weights):
        arrays[f"w{i}"] = w
    for i, v in enumerate(layer.trainable_weights):
        g = tape.gradient(loss, v)
        arrays[f"gw{i}"] = tf.convert_to_tensor(g).numpy()
    os.makedirs(OUT, exist_ok=True)
    np.savez(os.path.join(OUT, f"{name}.npz"), **arrays)
    print(f"wrote {name}.npz: y {arrays['y'].shape}, {len(weights)} weights")


def _x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


@golden
def dense():
    import keras

    record("dense", keras.layers.Dense, {"units": 4, "activation": "tanh"}, _x(3, 5))


@golden
def dense_rank3():
    import keras

    record("dense_rank3", keras.layers.Dense, {"units": 3, "use_bias": True}, _x(2, 4, 5))


@golden
def embedding():
    import keras

    ids = np.array([[1, 2, 0, 4], [3, 3, 1, 0]], dtype="int32")
    record("embedding", keras.layers.Embedding, {"input_dim": 6, "output_dim": 3}, ids)


@golden
def relu():
    import keras

    record("relu", keras.layers.ReLU, {}, _x(4, 6))


@golden
def relu_options():
    import keras

    record(
        "relu_options",
        keras.layers.ReLU,
        {"max_value": 1.2, "negative_slope": 0.1, "threshold": 0.3},
        _x(4, 6),
    )


@golden
def leaky_relu():
    import keras

    record("leaky_relu", keras.layers.LeakyReLU, {"negative_slope": 0.3}, _x(4, 6))


@golden
def prelu():
    import keras

    init = {"class_name": "RandomUniform", "config": {"minval": 0.1, "maxval": 0.5, "seed": 3}}
    record("prelu", keras.layers.PReLU, {"shared_axes": [1], "alpha_initializer": init}, _x(2, 3, 4))


@golden
def elu():
    import keras

    record("elu", keras.layers.ELU, {"alpha": 0.7}, _x(4, 6))


@golden
def softmax():
    import keras

    record("softmax", keras.layers.Softmax, {"axis": -1}, _x(3, 5))


@golden
def activation_gelu():
    import keras

    record("activation_gelu", keras.layers.Activation, {"activation": "gelu"}, _x(3, 5))


@golden
def dropout_inference():
    import keras

    record("dropout_inference", keras.layers.Dropout, {"rate": 0.4}, _x(3, 5), {"training": False})


# =====================================================================================================
# Layer catalogue (convolution, pooling, normalization, recurrent, attention, ...): fixtures in
# tests/fixtures/layers/catalogue/<name>.npz, read by tests/keras/layers/_catalogue_goldens.py.
# These layers may take several inputs or wrap another layer, so the format differs from the one
# above: ``spec`` (JSON: class name, constructor arguments, wrapped layer, call arguments), inputs
# ``x0``, ``x1``, ..., weights ``w0``, ... in ``layer.weights`` order, the output ``y``, the random
# weights ``r`` of ``L = sum(y * r)`` and its gradients ``gx0``, ... (float inputs) and ``gw0``, ...
# (trainable weights).  Layers are built with seeded random initializers so that every weight
# (moving statistics and biases included) is non-trivial.
# =====================================================================================================
CATALOGUE_OUT = os.path.join(OUT, "catalogue")


def _rand_init(seed, scale=0.5):
    return {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": scale, "seed": seed}}


def _make_layer(spec):
    import keras

    kwargs = dict(spec.get("config", {}))
    if "inner" in spec:
        kwargs["layer"] = _make_layer(spec["inner"])
    if "backward" in spec:
        kwargs["backward_layer"] = _make_layer(spec["backward"])
    return getattr(keras.layers, spec["class_name"])(**kwargs)


def record_catalogue(name, spec, inputs, seed=0):
    """Build the layer described by ``spec`` in Keras, call it on ``inputs``, save values and gradients."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed + 11)
    layer = _make_layer(spec)
    xs = [tf.constant(x) for x in inputs]
    call_kwargs = dict(spec.get("call", {}))
    for key in spec.get("tensor_call", {}):  # call arguments that are arrays (masks)
        call_kwargs[key] = tf.constant(np.array(spec["tensor_call"][key]))
    args = xs if spec.get("positional") else ([xs] if spec.get("list_input") else xs[:1])
    if not layer.built:
        layer.build(*[tuple(x.shape) for x in inputs]) if spec.get("positional") else layer.build(
            [tuple(x.shape) for x in inputs] if spec.get("list_input") else tuple(inputs[0].shape)
        )
    before = [w.numpy() for w in layer.weights]
    with tf.GradientTape(persistent=True) as tape:
        for x in xs:
            if x.dtype.is_floating:
                tape.watch(x)
        y = layer(*args, **call_kwargs)
        if isinstance(y, (list, tuple)):
            y = y[0]
        r = tf.constant(rng.uniform(0.5, 1.5, size=tuple(y.shape)).astype("float32"))
        loss = tf.reduce_sum(y * r)
    arrays = {"spec": np.array(json.dumps(spec)), "y": y.numpy(), "r": r.numpy()}
    for i, x in enumerate(inputs):
        arrays[f"x{i}"] = x
        if x.dtype.kind == "f":
            arrays[f"gx{i}"] = tape.gradient(loss, xs[i]).numpy()
    # the weights before the call, and after it where the call changed them (moving statistics)
    for i, (w, b) in enumerate(zip(layer.weights, before)):
        arrays[f"w{i}"] = b
        if not np.array_equal(w.numpy(), b):
            arrays[f"w_after{i}"] = w.numpy()
    for i, v in enumerate(layer.trainable_weights):
        arrays[f"gw{i}"] = tf.convert_to_tensor(tape.gradient(loss, v)).numpy()
    os.makedirs(CATALOGUE_OUT, exist_ok=True)
    np.savez(os.path.join(CATALOGUE_OUT, f"{name}.npz"), **arrays)
    print(f"wrote catalogue/{name}.npz: y {arrays['y'].shape}, {len(layer.weights)} weights")


def _bias(seed):
    return {"bias_initializer": _rand_init(seed, 0.3)}


def _catalogue(fn):
    """Register a catalogue fixture (run with the others; name it alone to run just that one)."""
    GOLDENS[fn.__name__] = fn
    return fn


@_catalogue
def conv1d_same():
    spec = {
        "class_name": "Conv1D",
        "config": {"filters": 4, "kernel_size": 3, "padding": "same", "activation": "relu", **_bias(1)},
    }
    record_catalogue("conv1d_same", spec, [_x(2, 7, 3)])


@_catalogue
def conv1d_causal_dilated():
    spec = {
        "class_name": "Conv1D",
        "config": {"filters": 3, "kernel_size": 2, "padding": "causal", "dilation_rate": 2, **_bias(2)},
    }
    record_catalogue("conv1d_causal_dilated", spec, [_x(2, 8, 2)])


@_catalogue
def conv2d_valid():
    spec = {
        "class_name": "Conv2D",
        "config": {"filters": 4, "kernel_size": (3, 3), "activation": "tanh", **_bias(3)},
    }
    record_catalogue("conv2d_valid", spec, [_x(2, 6, 5, 3)])


@_catalogue
def conv2d_same_strides():
    spec = {
        "class_name": "Conv2D",
        "config": {"filters": 3, "kernel_size": (3, 2), "strides": (2, 2), "padding": "same", **_bias(4)},
    }
    record_catalogue("conv2d_same_strides", spec, [_x(2, 7, 6, 2)])


@_catalogue
def conv2d_dilation():
    spec = {
        "class_name": "Conv2D",
        "config": {"filters": 2, "kernel_size": 3, "dilation_rate": (2, 1), "padding": "same", **_bias(5)},
    }
    record_catalogue("conv2d_dilation", spec, [_x(1, 7, 6, 3)])


@_catalogue
def conv2d_transpose_same():
    spec = {
        "class_name": "Conv2DTranspose",
        "config": {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same", **_bias(6)},
    }
    record_catalogue("conv2d_transpose_same", spec, [_x(2, 4, 3, 2)])


@_catalogue
def conv2d_transpose_valid_output_padding():
    spec = {
        "class_name": "Conv2DTranspose",
        "config": {
            "filters": 2,
            "kernel_size": (3, 2),
            "strides": (2, 3),
            "output_padding": (1, 2),
            **_bias(7),
        },
    }
    record_catalogue("conv2d_transpose_valid_output_padding", spec, [_x(1, 3, 3, 2)])


@_catalogue
def conv1d_transpose():
    spec = {
        "class_name": "Conv1DTranspose",
        "config": {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same", **_bias(8)},
    }
    record_catalogue("conv1d_transpose", spec, [_x(2, 5, 3)])


@_catalogue
def depthwise_conv2d():
    spec = {
        "class_name": "DepthwiseConv2D",
        "config": {"kernel_size": 3, "depth_multiplier": 2, "padding": "same", **_bias(9)},
    }
    record_catalogue("depthwise_conv2d", spec, [_x(2, 5, 4, 3)])


@_catalogue
def depthwise_conv2d_strides():
    spec = {"class_name": "DepthwiseConv2D", "config": {"kernel_size": (2, 3), "strides": 2, **_bias(10)}}
    record_catalogue("depthwise_conv2d_strides", spec, [_x(1, 6, 7, 2)])


@_catalogue
def separable_conv2d():
    spec = {
        "class_name": "SeparableConv2D",
        "config": {
            "filters": 4,
            "kernel_size": 3,
            "depth_multiplier": 2,
            "padding": "same",
            "activation": "relu",
            **_bias(11),
        },
    }
    record_catalogue("separable_conv2d", spec, [_x(2, 5, 5, 3)])


@_catalogue
def separable_conv2d_strides():
    spec = {
        "class_name": "SeparableConv2D",
        "config": {"filters": 3, "kernel_size": 2, "strides": 2, **_bias(12)},
    }
    record_catalogue("separable_conv2d_strides", spec, [_x(1, 6, 5, 2)])


@_catalogue
def pooling():
    cases = {
        "max_pooling1d": ("MaxPooling1D", {"pool_size": 2}, (2, 7, 3)),
        "max_pooling1d_same": ("MaxPooling1D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 8, 2)),
        "max_pooling2d": ("MaxPooling2D", {"pool_size": (2, 2)}, (2, 6, 5, 3)),
        "max_pooling2d_same_strides": (
            "MaxPooling2D",
            {"pool_size": 3, "strides": 2, "padding": "same"},
            (2, 7, 6, 2),
        ),
        "average_pooling1d": ("AveragePooling1D", {"pool_size": 3, "strides": 1}, (2, 6, 3)),
        "average_pooling1d_same": ("AveragePooling1D", {"pool_size": 2, "padding": "same"}, (2, 7, 2)),
        "average_pooling2d": ("AveragePooling2D", {"pool_size": (2, 3)}, (2, 6, 7, 2)),
        "average_pooling2d_same_strides": (
            "AveragePooling2D",
            {"pool_size": 3, "strides": 2, "padding": "same"},
            (2, 7, 6, 2),
        ),
        "global_max_pooling1d": ("GlobalMaxPooling1D", {}, (2, 6, 3)),
        "global_max_pooling2d": ("GlobalMaxPooling2D", {"keepdims": True}, (2, 4, 5, 3)),
        "global_average_pooling1d": ("GlobalAveragePooling1D", {}, (2, 6, 3)),
        "global_average_pooling2d": ("GlobalAveragePooling2D", {}, (2, 4, 5, 3)),
    }
    for i, (name, (cls, config, shape)) in enumerate(cases.items()):
        record_catalogue(name, {"class_name": cls, "config": config}, [_x(*shape, seed=20 + i)])


@_catalogue
def batch_normalization():
    config = {
        "momentum": 0.9,
        "epsilon": 1e-3,
        "gamma_initializer": _rand_init(31, 0.5),
        "beta_initializer": _rand_init(32, 0.5),
        "moving_mean_initializer": _rand_init(33, 0.5),
        "moving_variance_initializer": {
            "class_name": "RandomUniform",
            "config": {"minval": 0.5, "maxval": 1.5, "seed": 34},
        },
    }
    x = _x(6, 3, 4, seed=35) * 2.0 + 0.5
    record_catalogue(
        "batch_normalization_training",
        {"class_name": "BatchNormalization", "config": config, "call": {"training": True}},
        [x],
    )
    record_catalogue(
        "batch_normalization_inference",
        {"class_name": "BatchNormalization", "config": config, "call": {"training": False}},
        [x],
    )
    cf = dict(config, axis=1)
    record_catalogue(
        "batch_normalization_axis1_training",
        {"class_name": "BatchNormalization", "config": cf, "call": {"training": True}},
        [_x(5, 3, 2, 2, seed=36)],
    )


@_catalogue
def normalization_layers():
    ln = {"gamma_initializer": _rand_init(41, 0.5), "beta_initializer": _rand_init(42, 0.5)}
    record_catalogue(
        "layer_normalization", {"class_name": "LayerNormalization", "config": ln}, [_x(3, 4, 5, seed=43)]
    )
    record_catalogue(
        "layer_normalization_axes",
        {"class_name": "LayerNormalization", "config": dict(ln, axis=[1, 2])},
        [_x(3, 4, 5, seed=44)],
    )
    record_catalogue(
        "group_normalization",
        {"class_name": "GroupNormalization", "config": dict(ln, groups=2)},
        [_x(3, 5, 4, seed=45)],
    )
    record_catalogue(
        "unit_normalization", {"class_name": "UnitNormalization", "config": {"axis": -1}}, [_x(3, 5, seed=46)]
    )


def _rnn_inits(seed):
    return {
        "kernel_initializer": _rand_init(seed, 0.5),
        "recurrent_initializer": _rand_init(seed + 1, 0.5),
        "bias_initializer": _rand_init(seed + 2, 0.3),
    }


@_catalogue
def recurrent():
    x = _x(3, 5, 4, seed=50)
    record_catalogue(
        "simple_rnn",
        {"class_name": "SimpleRNN", "config": {"units": 6, "return_sequences": True, **_rnn_inits(51)}},
        [x],
    )
    record_catalogue(
        "simple_rnn_relu_backwards",
        {
            "class_name": "SimpleRNN",
            "config": {"units": 5, "activation": "relu", "go_backwards": True, **_rnn_inits(54)},
        },
        [x],
    )
    record_catalogue(
        "lstm",
        {"class_name": "LSTM", "config": {"units": 6, "return_sequences": True, **_rnn_inits(57)}},
        [x],
    )
    record_catalogue(
        "lstm_last_backwards",
        {"class_name": "LSTM", "config": {"units": 4, "go_backwards": True, **_rnn_inits(60)}},
        [x],
    )
    record_catalogue(
        "gru_reset_after",
        {"class_name": "GRU", "config": {"units": 6, "return_sequences": True, **_rnn_inits(63)}},
        [x],
    )
    record_catalogue(
        "gru_reset_before",
        {"class_name": "GRU", "config": {"units": 5, "reset_after": False, **_rnn_inits(66)}},
        [x],
    )
    record_catalogue(
        "lstm_cell_tanh_generic",
        {
            "class_name": "LSTM",
            "config": {"units": 4, "return_sequences": True, "activation": "softsign", **_rnn_inits(69)},
        },
        [x],
    )


@_catalogue
def bidirectional():
    x = _x(3, 5, 4, seed=70)
    for mode in ("concat", "sum", "mul", "ave"):
        spec = {
            "class_name": "Bidirectional",
            "config": {"merge_mode": mode},
            "inner": {
                "class_name": "LSTM",
                "config": {"units": 3, "return_sequences": True, **_rnn_inits(71)},
            },
        }
        record_catalogue(f"bidirectional_lstm_{mode}", spec, [x])
    spec = {
        "class_name": "Bidirectional",
        "config": {},
        "inner": {"class_name": "GRU", "config": {"units": 4, **_rnn_inits(75)}},
    }
    record_catalogue("bidirectional_gru_last", spec, [x])


@_catalogue
def attention_layers():
    q, v = _x(2, 4, 6, seed=80), _x(2, 5, 6, seed=81)
    init = {"kernel_initializer": _rand_init(82, 0.4), "bias_initializer": _rand_init(83, 0.2)}
    record_catalogue(
        "multi_head_attention",
        {
            "class_name": "MultiHeadAttention",
            "positional": True,
            "config": {"num_heads": 2, "key_dim": 3, **init},
        },
        [q, v],
    )
    record_catalogue(
        "multi_head_attention_self_causal",
        {
            "class_name": "MultiHeadAttention",
            "positional": True,
            "call": {"use_causal_mask": True},
            "config": {"num_heads": 3, "key_dim": 2, "value_dim": 4, **init},
        },
        [q, q],
    )
    mask = [[[True, True, False, True, False]] * 4, [[True, False, True, True, True]] * 4]
    record_catalogue(
        "multi_head_attention_mask_key",
        {
            "class_name": "MultiHeadAttention",
            "positional": True,
            "tensor_call": {"attention_mask": mask},
            "config": {"num_heads": 2, "key_dim": 2, "output_shape": 5, **init},
        },
        [q, v, _x(2, 5, 3, seed=84)],
    )
    record_catalogue(
        "attention_dot",
        {"class_name": "Attention", "list_input": True, "config": {"use_scale": True}},
        [q, v],
    )
    record_catalogue(
        "attention_concat",
        {"class_name": "Attention", "list_input": True, "config": {"score_mode": "concat"}},
        [q, v, _x(2, 5, 6, seed=85)],
    )


@_catalogue
def resampling_layers():
    record_catalogue(
        "up_sampling2d_bilinear",
        {"class_name": "UpSampling2D", "config": {"size": (2, 3), "interpolation": "bilinear"}},
        [_x(2, 3, 2, 2, seed=90)],
    )
    record_catalogue(
        "up_sampling1d", {"class_name": "UpSampling1D", "config": {"size": 3}}, [_x(2, 3, 2, seed=91)]
    )
    record_catalogue(
        "dot_normalize",
        {"class_name": "Dot", "list_input": True, "config": {"axes": (2, 2), "normalize": True}},
        [_x(2, 3, 4, seed=92), _x(2, 5, 4, seed=93)],
    )


if __name__ == "__main__":
    names = sys.argv[1:] or list(GOLDENS)
    for n in names:
        GOLDENS[n]()
