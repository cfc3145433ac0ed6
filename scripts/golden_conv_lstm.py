"""Golden values for ConvLSTM1D/2D/3D from Keras 3 (tensorflow backend).

Run once with the side environment that has keras and tensorflow (never a project dependency):

    CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 /tmp/peers/bin/python scripts/golden_conv_lstm.py

It writes ``tests/fixtures/conv_lstm/<case>.npz``, compared against by
tests/keras/layers/test_conv_lstm.py.  Every case runs in float64.  Each file holds:

- ``spec``: JSON ``{"class_name", "config", "call"}`` (the constructor arguments and which extra
  call arguments the case passes: ``mask``, ``initial_state``);
- ``x`` (and ``mask``, ``h0``, ``c0`` when passed), the weights ``kernel``, ``recurrent_kernel``,
  ``bias`` (absent without bias) in the Keras layouts;
- ``w_y`` (and ``w_h``, ``w_c`` with ``return_state``): the scalar loss is
  ``sum(w_y * y) + sum(w_h * h) + sum(w_c * c)``;
- ``y`` (and ``h``, ``c``): the outputs; ``g_<name>``: the gradients of the loss with respect to
  the weights, ``x``, and ``h0``/``c0`` when given.

``keras_configs.json`` holds Keras' ``get_config()`` of one layer of each class.
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "conv_lstm")
RNG = np.random.default_rng(20261127)


def _normal(*shape: int, scale: float = 0.5) -> np.ndarray:
    return RNG.normal(size=shape) * scale


CASES = [
    # name, class, constructor arguments, input shape, extra call arguments
    # ("position_mask": a (batch, time, steps) mask, as Masking gives for ConvLSTM1D inputs; Keras
    # then keeps or updates each position of the states on its own)
    (
        "conv1d_position_mask",
        "ConvLSTM1D",
        {"filters": 2, "kernel_size": 3, "padding": "same", "return_sequences": True, "return_state": True},
        (2, 4, 5, 2),
        ("position_mask",),
    ),
    (
        "conv1d_same_seq",
        "ConvLSTM1D",
        {"filters": 3, "kernel_size": 3, "padding": "same", "return_sequences": True},
        (2, 4, 7, 2),
        (),
    ),
    ("conv2d_same", "ConvLSTM2D", {"filters": 3, "kernel_size": 3, "padding": "same"}, (2, 3, 5, 5, 2), ()),
    (
        "conv2d_valid_state",
        "ConvLSTM2D",
        {"filters": 2, "kernel_size": (3, 2), "return_sequences": True, "return_state": True},
        (2, 3, 6, 5, 3),
        (),
    ),
    (
        "conv2d_strides",
        "ConvLSTM2D",
        {"filters": 2, "kernel_size": 2, "strides": (2, 1), "padding": "same", "return_state": True},
        (2, 3, 5, 4, 2),
        (),
    ),
    (
        "conv2d_dilation",
        "ConvLSTM2D",
        {"filters": 2, "kernel_size": 2, "dilation_rate": 2, "return_sequences": True},
        (1, 3, 6, 6, 1),
        (),
    ),
    (
        "conv2d_backwards_mask",
        "ConvLSTM2D",
        {
            "filters": 2,
            "kernel_size": 3,
            "padding": "same",
            "go_backwards": True,
            "return_sequences": True,
            "return_state": True,
        },
        (3, 4, 4, 4, 2),
        ("mask",),
    ),
    (
        "conv2d_mask_last",
        "ConvLSTM2D",
        {"filters": 2, "kernel_size": 3, "padding": "same"},
        (3, 4, 4, 4, 2),
        ("mask",),
    ),
    (
        "conv2d_initial_state",
        "ConvLSTM2D",
        {"filters": 2, "kernel_size": 3, "padding": "same", "return_state": True},
        (2, 3, 4, 5, 2),
        ("initial_state",),
    ),
    (
        "conv2d_nobias_relu",
        "ConvLSTM2D",
        {
            "filters": 2,
            "kernel_size": 3,
            "use_bias": False,
            "activation": "relu",
            "recurrent_activation": "hard_sigmoid",
            "return_sequences": True,
        },
        (2, 3, 5, 5, 2),
        (),
    ),
    (
        "conv3d_same",
        "ConvLSTM3D",
        {"filters": 2, "kernel_size": 2, "padding": "same", "return_sequences": True, "return_state": True},
        (1, 3, 3, 4, 4, 2),
        (),
    ),
    ("conv3d_valid", "ConvLSTM3D", {"filters": 2, "kernel_size": (2, 3, 2)}, (2, 2, 3, 4, 3, 1), ()),
]


def _mask(batch: int, steps: int) -> np.ndarray:
    # leading, inner and trailing masked steps, and a fully kept row
    rows = [[True, False, True, False], [False, False, True, True], [True, True, True, True]]
    return np.array([r[:steps] for r in rows[:batch]])


def run(name: str, class_name: str, config: dict, shape: tuple, extras: tuple) -> None:
    layer = getattr(keras.layers, class_name)(**config, dtype="float64")
    x = _normal(*shape)
    arrays: dict[str, np.ndarray] = {"x": x}
    kwargs: dict = {}
    if "mask" in extras:
        arrays["mask"] = _mask(shape[0], shape[1])
        kwargs["mask"] = tf.constant(arrays["mask"])
    if "position_mask" in extras:
        arrays["mask"] = RNG.random(shape[:3]) > 0.3
        kwargs["mask"] = tf.constant(arrays["mask"])
    layer.build(shape)
    if "initial_state" in extras:
        state_shape = layer.compute_output_shape(shape)[1]
        arrays["h0"], arrays["c0"] = _normal(*state_shape), _normal(*state_shape)
    names = ["kernel", "recurrent_kernel"] + (["bias"] if config.get("use_bias", True) else [])
    weights = [_normal(*w.shape, scale=0.4) for w in layer.get_weights()]
    layer.set_weights(weights)
    arrays.update(zip(names, weights))

    xt = tf.constant(x)
    h0 = tf.constant(arrays["h0"]) if "h0" in arrays else None
    c0 = tf.constant(arrays["c0"]) if "c0" in arrays else None
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(xt)
        if h0 is not None:
            tape.watch([h0, c0])
            kwargs["initial_state"] = [h0, c0]
        out = layer(xt, **kwargs)
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        loss = 0.0
        for key, o in zip(("y", "h", "c"), outs):
            w = _normal(*o.shape, scale=1.0)
            arrays[f"w_{key}"] = w
            arrays[key] = o.numpy()
            loss = loss + tf.reduce_sum(w * o)
    sources = {n: v for n, v in zip(names, layer.trainable_weights)}
    sources["x"] = xt
    if h0 is not None:
        sources["h0"], sources["c0"] = h0, c0
    grads = tape.gradient(loss, list(sources.values()))
    for key, g in zip(sources, grads):
        arrays[f"g_{key}"] = np.asarray(g)
    spec = {"class_name": class_name, "config": config, "call": [e.replace("position_", "") for e in extras]}
    path = os.path.join(OUT, f"{name}.npz")
    np.savez_compressed(path, spec=np.array(json.dumps(spec)), **arrays)
    print("wrote", os.path.relpath(path), os.path.getsize(path), "bytes")


def configs() -> None:
    """Keras' ``get_config`` of one layer per class (the keys and values a saved file holds)."""
    layers = {
        "ConvLSTM1D": keras.layers.ConvLSTM1D(3, 2, name="c1"),
        "ConvLSTM2D": keras.layers.ConvLSTM2D(
            3, (3, 2), strides=(2, 1), padding="same", return_state=True, dropout=0.25, name="c2"
        ),
        "ConvLSTM3D": keras.layers.ConvLSTM3D(2, 2, go_backwards=True, unit_forget_bias=False, name="c3"),
    }
    path = os.path.join(OUT, "keras_configs.json")
    with open(path, "w") as f:
        json.dump({k: v.get_config() for k, v in layers.items()}, f, indent=1, sort_keys=True)
    print("wrote", os.path.relpath(path), os.path.getsize(path), "bytes")


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    for case in CASES:
        run(*case)
    configs()


if __name__ == "__main__":
    main()
