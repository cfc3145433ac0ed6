"""Golden values for RandAugment, AugMix, RandomElasticTransform, CLAHE and the complex keras.ops,
computed by real Keras 3.15 (TensorFlow backend).

Run once with:
    CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 KERAS_BACKEND=tensorflow /tmp/peers/bin/python \
        scripts/golden_image_aug2.py
Writes tests/fixtures/image_aug2/:
- ``clahe_<i>.npz``: ``x``, Keras' ``y`` and ``spec`` (JSON constructor config and Keras' get_config).
  CLAHE is deterministic, so these are exact.
- ``elastic_<i>.npz``: ``x``, the two standard-normal displacement planes ``noise`` (2, N, H, W), Keras'
  ``y`` and ``spec``. Keras' layer runs with ``factor=(1, 1)`` and ``scale=(s, s)`` (no draw matters)
  while TensorFlow's ``stateless_normal`` is patched to hand out ``noise``.
- ``candidates.npz``: ``x`` and, for each of the eleven operations RandAugment and AugMix choose from,
  Keras' output at ``factor=0`` (where every operation is deterministic). The script checks that
  Keras' RandAugment(num_ops=1) and AugMix(num_chains=1, chain_depth=1) outputs at ``factor=0`` are
  one of these (AugMix: blended with the input) before writing them.
- ``complex_ops.npz``: inputs and outputs of keras.ops real, imag, conj, angle, isreal, polar,
  view_as_complex and view_as_real.
"""

import json
import os

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "image_aug2")
RNG = np.random.default_rng(20261127)


def _jsonable(value):
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _save(name, spec=None, **arrays):
    if spec is not None:
        arrays["spec"] = np.array(json.dumps(spec))
    np.savez_compressed(os.path.join(OUT, f"{name}.npz"), **arrays)


def clahe_cases():
    cases = [
        ((2, 16, 16, 3), {}, True),
        ((1, 13, 10, 1), {"clip_limit": 2.0, "tile_grid_size": (3, 4)}, True),
        ((2, 9, 12, 3), {"value_range": (0, 1), "clip_limit": 0.0, "tile_grid_size": (2, 3)}, False),
        ((1, 20, 20, 2), {"value_range": (-1, 1), "clip_limit": 40.0, "tile_grid_size": (4, 4)}, False),
        ((2, 11, 7, 3), {"clip_limit": 1.0, "tile_grid_size": (4, 2), "data_format": "channels_first"}, True),
    ]
    for i, (shape, config, integer) in enumerate(cases):
        lo, hi = config.get("value_range", (0, 255))
        x = (RNG.random(shape) * (hi - lo) + lo).astype("float32")
        if integer:
            x = np.round(x)
        if config.get("data_format") == "channels_first":
            x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
        layer = keras.layers.ContrastLimitedAdaptiveHistogramEqualization(**config)
        y = np.asarray(layer(x))
        y_inference = np.asarray(layer(x, training=False))
        assert np.array_equal(y, y_inference), "Keras' CLAHE applies at inference too"
        keras_config = {k: _jsonable(v) for k, v in layer.get_config().items() if k != "dtype"}
        _save(f"clahe_{i}", {"config": _jsonable(config), "keras_config": keras_config}, x=x, y=y)


def elastic_cases():
    cases = [
        ((2, 8, 8, 3), {}),
        ((1, 24, 20, 2), {"scale": (0.8, 0.8), "fill_mode": "constant", "fill_value": 7.0}),
        ((2, 10, 12, 1), {"scale": (1.0, 1.0), "interpolation": "nearest", "fill_mode": "wrap"}),
        ((1, 30, 30, 3), {"scale": (0.9, 0.9), "fill_mode": "nearest", "value_range": (0, 1)}),
        ((2, 12, 9, 3), {"scale": (0.7, 0.7), "fill_mode": "reflect", "data_format": "channels_first"}),
    ]
    original = tf.random.stateless_normal
    for i, (shape, config) in enumerate(cases):
        config = {"factor": (1.0, 1.0), "scale": (1.0, 1.0), **config}
        lo, hi = config.get("value_range", (0, 255))
        x = (RNG.random(shape) * (hi - lo) + lo).astype("float32")
        n, h, w = shape[0], shape[1], shape[2]
        noise = RNG.standard_normal((2, n, h, w)).astype("float32")
        if config.get("data_format") == "channels_first":
            x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
        planes = iter([noise[0], noise[1]])

        def patched(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, planes=planes, **_):
            return tf.constant(next(planes), dtype=dtype) * stddev + mean

        tf.random.stateless_normal = patched
        try:
            layer = keras.layers.RandomElasticTransform(seed=3, **config)
            y = np.asarray(layer(x))
        finally:
            tf.random.stateless_normal = original
        assert next(planes, None) is None, "Keras drew both displacement planes"
        keras_config = {k: _jsonable(v) for k, v in layer.get_config().items() if k != "dtype"}
        spec = {"config": _jsonable(config), "keras_config": keras_config}
        _save(f"elastic_{i}", spec, x=x, noise=noise, y=y)


OPS = (
    "random_shear",
    "random_translation",
    "random_rotation",
    "random_brightness",
    "random_color_degeneration",
    "random_contrast",
    "random_sharpness",
    "random_posterization",
    "solarization",
    "auto_contrast",
    "equalization",
)


def candidates():
    x = np.round(RNG.random((3, 12, 12, 3)) * 255).astype("float32")
    ra = keras.layers.RandAugment(factor=0.0, num_ops=1)
    outs = {name: np.asarray(getattr(ra, name)(x)) for name in OPS}
    stack = np.stack([outs[name] for name in OPS])
    for seed in range(40):
        y = np.asarray(keras.layers.RandAugment(factor=0.0, num_ops=1, seed=seed)(x))
        assert np.abs(stack - y).reshape(len(OPS), -1).max(1).min() < 1e-3, "RandAugment picks one op"
        am = keras.layers.AugMix(factor=0.0, num_chains=1, chain_depth=1, seed=seed)
        y = np.asarray(am(x)).ravel()
        fits = []
        for c in np.concatenate([stack, x[None]]):
            d = (c - x).ravel()
            w = float(np.dot(y - x.ravel(), d) / max(np.dot(d, d), 1e-12))
            fits.append(np.abs(x.ravel() + w * d - y).max())
        assert min(fits) < 1e-2, "AugMix blends the input with one chain"
    configs = {}
    for cls in (keras.layers.RandAugment, keras.layers.AugMix):
        configs[cls.__name__] = {
            k: _jsonable(v) for k, v in cls(seed=7).get_config().items() if k not in ("dtype", "name")
        }
    _save("candidates", {"ops": list(OPS), "keras_configs": configs}, x=x, y=stack)


def complex_ops():
    z = (RNG.standard_normal((3, 4)) + 1j * RNG.standard_normal((3, 4))).astype("complex64")
    z[0, 0] = 2.5  # a real value among complex ones
    z128 = z.astype("complex128")
    r = RNG.random((3, 4)).astype("float32") * 3
    theta = (RNG.random((3, 4)) * 2 * np.pi - np.pi).astype("float32")
    pairs = RNG.standard_normal((2, 3, 2)).astype("float32")
    ops = keras.ops
    out = {
        "z": z,
        "z128": z128,
        "r": r,
        "theta": theta,
        "pairs": pairs,
        "real": np.asarray(ops.real(z)),
        "imag": np.asarray(ops.imag(z)),
        "conj": np.asarray(ops.conj(z)),
        "angle": np.asarray(ops.angle(z)),
        "isreal": np.asarray(ops.isreal(z)),
        "real128": np.asarray(ops.real(z128)),
        "angle128": np.asarray(ops.angle(z128)),
        "polar": np.asarray(ops.polar(r, theta)),
        "polar64": np.asarray(ops.polar(r.astype("float64"), theta.astype("float64"))),
        "view_as_complex": np.asarray(ops.view_as_complex(pairs)),
        "view_as_complex64": np.asarray(ops.view_as_complex(pairs.astype("float64"))),
        "view_as_real": np.asarray(ops.view_as_real(z)),
        "view_as_real128": np.asarray(ops.view_as_real(z128)),
        "angle_real": np.asarray(ops.angle(np.array([-2.0, 0.0, 3.0], "float32"))),
    }
    _save("complex_ops", None, **out)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    clahe_cases()
    elastic_cases()
    candidates()
    complex_ops()
    print("wrote", sorted(os.listdir(OUT)))
