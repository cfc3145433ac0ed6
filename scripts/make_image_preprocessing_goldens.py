"""Golden values for the image preprocessing layers, computed by real Keras 3 (TensorFlow backend).

Run once with: CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 /tmp/peers/bin/python \
    scripts/make_image_preprocessing_goldens.py
Writes tests/fixtures/layers/image_preprocessing.npz: Resizing and CenterCrop outputs, and
``keras.ops.image.affine_transform`` (the kernel behind RandomRotation/Translation/Zoom) for fixed
transforms in every fill mode and interpolation.
"""

import os

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "layers", "image_preprocessing.npz")


def main() -> None:
    rng = np.random.default_rng(0)
    img = (rng.random((2, 5, 7, 3)) * 255).astype("float32")
    out = {"img": img}
    resizing = {
        "resize_4x6_bilinear": dict(height=4, width=6),
        "resize_3x9_nearest": dict(height=3, width=9, interpolation="nearest"),
        "resize_4x4_crop": dict(height=4, width=4, crop_to_aspect_ratio=True),
        "resize_4x4_pad": dict(height=4, width=4, pad_to_aspect_ratio=True, fill_value=7.0),
        "resize_10x3_crop": dict(height=10, width=3, crop_to_aspect_ratio=True),
    }
    for key, kw in resizing.items():
        out[key] = keras.ops.convert_to_numpy(keras.layers.Resizing(**kw)(img))
    for h, w in [(3, 3), (4, 6), (6, 9), (2, 8)]:
        out[f"center_crop_{h}x{w}"] = keras.ops.convert_to_numpy(keras.layers.CenterCrop(h, w)(img))
    cos, sin = np.cos(0.3), np.sin(0.3)
    transforms = np.array(
        [[cos, -sin, 1.5, sin, cos, -0.7, 0.0, 0.0], [1.3, 0.0, -1.2, 0.0, 0.8, 0.9, 0.0, 0.0]], "float32"
    )
    out["affine_transforms"] = transforms
    for mode in ("reflect", "wrap", "constant", "nearest"):
        for interp in ("bilinear", "nearest"):
            y = keras.ops.image.affine_transform(
                img, transforms, interpolation=interp, fill_mode=mode, fill_value=5.0
            )
            out[f"affine_{mode}_{interp}"] = keras.ops.convert_to_numpy(y)
    np.savez_compressed(OUT, **out)
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
