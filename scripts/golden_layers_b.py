"""Golden values for Cropping3D, ZeroPadding3D, UpSampling3D, adaptive pooling, Pipeline and the
RandomGrayscale / RandomInvert / Solarization / RandomErasing augmentations from Keras 3.

Run once with the side environment (never a dependency of tensorflux):

    CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 /tmp/peers/bin/python scripts/golden_layers_b.py

It writes tests/fixtures/layers_b/<case>.npz, each with ``x`` (input), ``r`` (output weights),
``y`` (Keras' output), ``dx`` (the gradient of ``sum(y * r)`` with respect to ``x``, from
``tf.GradientTape``) and ``spec`` (JSON: class name and constructor arguments). Adaptive pooling
cases use sizes that do not divide evenly and output sizes larger than the input, where the bins
overlap. ``pipeline.npz`` holds a Pipeline of deterministic layers and its config layout;
``augment_*.npz`` hold ``x``, ``y`` and ``spec`` (with call arguments) for augmentation settings
whose random draws cannot change the result (probability 1 or 0, the whole image erased, inference).
"""

import json
import os

import keras
import numpy as np
import tensorflow as tf

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "layers_b")

CASES = [
    ("cropping3d_default", "Cropping3D", {}, (2, 5, 6, 4, 3)),
    (
        "cropping3d_pairs_cf",
        "Cropping3D",
        {"cropping": ((1, 0), (0, 2), (1, 1)), "data_format": "channels_first"},
        (2, 3, 4, 5, 6),
    ),
    ("cropping3d_ints", "Cropping3D", {"cropping": (2, 1, 0)}, (1, 5, 4, 3, 2)),
    ("zero_padding3d_default", "ZeroPadding3D", {}, (2, 2, 3, 2, 3)),
    (
        "zero_padding3d_pairs_cf",
        "ZeroPadding3D",
        {"padding": ((0, 1), (2, 0), (1, 1)), "data_format": "channels_first"},
        (2, 3, 2, 3, 2),
    ),
    ("zero_padding3d_ints", "ZeroPadding3D", {"padding": (1, 0, 2)}, (1, 2, 2, 3, 2)),
    ("up_sampling3d_default", "UpSampling3D", {}, (2, 2, 3, 2, 3)),
    (
        "up_sampling3d_cf",
        "UpSampling3D",
        {"size": (1, 2, 3), "data_format": "channels_first"},
        (2, 3, 2, 3, 2),
    ),
]
for kind in ("Average", "Max"):
    k = kind.lower()
    CASES += [
        (f"adaptive_{k}1d_down", f"Adaptive{kind}Pooling1D", {"output_size": 4}, (2, 11, 3)),
        (
            f"adaptive_{k}1d_up_cf",
            f"Adaptive{kind}Pooling1D",
            {"output_size": (7,), "data_format": "channels_first"},
            (2, 3, 5),
        ),
        (f"adaptive_{k}1d_same", f"Adaptive{kind}Pooling1D", {"output_size": 6}, (2, 6, 2)),
        (f"adaptive_{k}2d_down", f"Adaptive{kind}Pooling2D", {"output_size": (3, 4)}, (2, 7, 10, 3)),
        (
            f"adaptive_{k}2d_cf",
            f"Adaptive{kind}Pooling2D",
            {"output_size": (4, 2), "data_format": "channels_first"},
            (2, 3, 5, 9),
        ),
        (f"adaptive_{k}2d_up", f"Adaptive{kind}Pooling2D", {"output_size": (5, 6)}, (2, 3, 4, 2)),
        (f"adaptive_{k}2d_int", f"Adaptive{kind}Pooling2D", {"output_size": 3}, (1, 13, 6, 2)),
        (f"adaptive_{k}3d_down", f"Adaptive{kind}Pooling3D", {"output_size": (2, 3, 4)}, (2, 5, 7, 6, 2)),
        (
            f"adaptive_{k}3d_cf",
            f"Adaptive{kind}Pooling3D",
            {"output_size": 3, "data_format": "channels_first"},
            (1, 2, 4, 5, 7),
        ),
    ]


def pipeline_case(rng: np.random.Generator) -> None:
    """A Pipeline of deterministic layers: its output, input gradient and config layout."""
    layers = [
        keras.layers.Rescaling(2.0, offset=-1.0),
        keras.layers.CenterCrop(5, 6),
        keras.layers.AdaptiveAveragePooling2D((2, 4)),
    ]
    layer = keras.layers.Pipeline(layers, name="prep")
    x = tf.constant(rng.random((2, 7, 9, 3)).astype("float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
        r = tf.constant(rng.standard_normal(tuple(y.shape)).astype("float32"))
        loss = tf.reduce_sum(y * r)
    dx = tape.gradient(loss, x)
    config = layer.get_config()
    spec = {"config_keys": sorted(config), "layer_classes": [c["class_name"] for c in config["layers"]]}
    np.savez(
        os.path.join(OUT, "pipeline.npz"),
        x=x.numpy(),
        r=r.numpy(),
        y=y.numpy(),
        dx=dx.numpy(),
        spec=json.dumps(spec),
    )
    print("pipeline", tuple(y.shape))


# augmentation settings whose draws cannot change the result (so Keras' random streams do not matter)
AUGMENT_CASES = [
    ("augment_grayscale", "RandomGrayscale", {"factor": 1.0}, {}, (2, 4, 5, 3)),
    (
        "augment_grayscale_cf",
        "RandomGrayscale",
        {"factor": 1.0, "data_format": "channels_first"},
        {},
        (2, 3, 4, 5),
    ),
    ("augment_grayscale_never", "RandomGrayscale", {"factor": 0.0}, {}, (2, 4, 5, 3)),
    ("augment_grayscale_one_channel", "RandomGrayscale", {"factor": 1.0}, {}, (2, 4, 5, 1)),
    ("augment_invert_all", "RandomInvert", {"factor": (1.0, 1.0), "value_range": (0, 1)}, {}, (2, 4, 5, 3)),
    ("augment_invert_inference", "RandomInvert", {}, {"training": False}, (2, 4, 5, 3)),
    ("augment_solarization", "Solarization", {"value_range": (0, 1)}, {}, (2, 4, 5, 3)),
    ("augment_solarization_255", "Solarization", {}, {}, (3, 4, 3)),
    (
        "augment_solarization_inference",
        "Solarization",
        {"threshold_factor": 0.5},
        {"training": False},
        (2, 4, 5, 3),
    ),
    (
        "augment_erasing_all",
        "RandomErasing",
        {"factor": (1.0, 1.0), "scale": (1.0, 1.0), "fill_value": 300.0},
        {},
        (2, 4, 5, 3),
    ),
    ("augment_erasing_inference", "RandomErasing", {}, {"training": False}, (2, 4, 5, 3)),
]


def augment_cases(rng: np.random.Generator) -> None:
    for name, cls, kwargs, call, shape in AUGMENT_CASES:
        high = kwargs.get("value_range", (0, 255))[1]
        x = (rng.random(shape) * high).astype("float32")
        layer = getattr(keras.layers, cls)(**kwargs)
        y = layer(tf.constant(x), **call)
        spec = {"class_name": cls, "config": kwargs, "call": call, "keras_config": layer.get_config()}
        spec["keras_config"].pop("dtype", None)
        spec["keras_config"].pop("name", None)
        np.savez(os.path.join(OUT, f"{name}.npz"), x=x, y=np.asarray(y), spec=json.dumps(spec))
        print(name, tuple(y.shape))


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261127)
    pipeline_case(np.random.default_rng(5))
    augment_cases(np.random.default_rng(6))
    for name, cls, kwargs, shape in CASES:
        x = rng.standard_normal(shape).astype("float32")
        layer = getattr(keras.layers, cls)(**kwargs)
        xt = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            y = layer(xt)
            r = tf.constant(rng.standard_normal(tuple(y.shape)).astype("float32"))
            loss = tf.reduce_sum(y * r)
        dx = tape.gradient(loss, xt)
        spec = {"class_name": cls, "config": kwargs, "keras_config": layer.get_config()}
        spec["keras_config"].pop("dtype", None)
        spec["keras_config"].pop("name", None)
        np.savez(
            os.path.join(OUT, f"{name}.npz"),
            x=x,
            r=r.numpy(),
            y=y.numpy(),
            dx=dx.numpy(),
            spec=json.dumps(spec),
        )
        print(name, tuple(y.shape))


if __name__ == "__main__":
    main()
