"""Golden values for the colour and tone augmentation layers, computed by real Keras 3 (TensorFlow backend).

Run once with:
    CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 KERAS_BACKEND=tensorflow /tmp/peers/bin/python \
        scripts/golden_color_augment.py
Writes tests/fixtures/color_augment/<case>.npz, each with ``x`` (input images), ``y`` (Keras' output)
and ``spec`` (JSON: class name, constructor config, call arguments and Keras' ``get_config`` values).
Keras' random streams cannot be reproduced, so every case picks factors that make the draw
irrelevant: zero-width ranges, or a hue shift of half a turn (the same either way round).
"""

import json
import os

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "color_augment")

CASES = [
    # (case, class name, constructor config, call kwargs, value scale, channels_first)
    ("hue_half_turn", "RandomHue", {"factor": (1.0, 1.0)}, {}, 255.0, False),
    ("hue_unit_range_cf", "RandomHue", {"factor": (1.0, 1.0), "value_range": (0, 1)}, {}, 1.0, True),
    ("saturation_quarter", "RandomSaturation", {"factor": (0.25, 0.25)}, {}, 255.0, False),
    ("saturation_boost", "RandomSaturation", {"factor": (0.75, 0.75)}, {"training": True}, 255.0, False),
    ("degeneration_half", "RandomColorDegeneration", {"factor": (0.5, 0.5)}, {}, 255.0, False),
    (
        "degeneration_unit_cf",
        "RandomColorDegeneration",
        {"factor": (0.8, 0.8), "value_range": (0, 1)},
        {},
        1.0,
        True,
    ),
    ("sharpness_sharpen", "RandomSharpness", {"factor": (0.9, 0.9)}, {}, 255.0, False),
    ("sharpness_blur_cf", "RandomSharpness", {"factor": (0.1, 0.1)}, {}, 255.0, True),
    ("posterization_3", "RandomPosterization", {"factor": (3, 3)}, {}, 255.0, False),
    (
        "posterization_unit",
        "RandomPosterization",
        {"factor": (5, 5), "value_range": (0, 1)},
        {},
        1.0,
        False,
    ),
    ("auto_contrast", "AutoContrast", {}, {}, 255.0, False),
    ("auto_contrast_inference", "AutoContrast", {"value_range": (0, 1)}, {"training": False}, 1.0, False),
    (
        "jitter_all",
        "RandomColorJitter",
        {
            "brightness_factor": (0.1, 0.1),
            "contrast_factor": 0.0,
            "saturation_factor": (0.7, 0.7),
            "hue_factor": (1.0, 1.0),
        },
        {},
        255.0,
        False,
    ),
    (
        # channels_last only: Keras' jitter does not pass data_format to its sub-layers
        "jitter_unit",
        "RandomColorJitter",
        {"value_range": (0, 1), "brightness_factor": (-0.2, -0.2), "saturation_factor": (0.3, 0.3)},
        {},
        1.0,
        False,
    ),
]


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(3)
    for case, cls, config, call, scale, first in CASES:
        x = (rng.random((3, 5, 6, 3)) * 0.8 + 0.1).astype("float32")
        x[1, :, :, 2] = 0.4  # a constant channel (AutoContrast leaves it as it is)
        x[2, 0, 0] = (0.2, 0.2, 0.2)  # a gray pixel (no hue)
        x = (x * scale).astype("float32")
        full = dict(config)
        if first:
            full["data_format"] = "channels_first"
            x = np.ascontiguousarray(np.transpose(x, (0, 3, 1, 2)))
        layer = getattr(keras.layers, cls)(**full)
        y = np.asarray(layer(x, **call))
        keras_config = {
            k: _plain(v) for k, v in layer.get_config().items() if k not in ("name", "dtype", "trainable")
        }
        spec = {"class_name": cls, "config": _plain(full), "call": call, "keras_config": keras_config}
        np.savez(os.path.join(OUT, f"{case}.npz"), x=x, y=y.astype("float32"), spec=json.dumps(spec))
        print(case, y.shape, float(np.abs(y - x).max()))


if __name__ == "__main__":
    main()
