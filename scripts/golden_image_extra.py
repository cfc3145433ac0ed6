"""Golden values for tensorflux/keras/ops/image_extra.py and the MaxNumBoundingBoxes layer.

Run once with /tmp/peers/bin/python scripts/golden_image_extra.py (Keras 3.15, TensorFlow backend,
CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3); it writes tests/fixtures/image_extra/golden.npz.
elastic_transform's random draw (tf.random.stateless_normal) is replaced by fixed noise stored in the
fixture, so the test can feed the same noise to tensorflux's deterministic warp.
"""

import os

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["KERAS_BACKEND"] = "tensorflow"

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "image_extra", "golden.npz")
rng = np.random.default_rng(7)
K = keras.ops.image
g = {}

img = rng.random((2, 5, 6, 3), dtype=np.float32)
g["sobel_in"] = img
g["sobel_last"] = np.asarray(K.sobel_edges(img, data_format="channels_last"))
g["sobel_first"] = np.asarray(K.sobel_edges(img.transpose(0, 3, 1, 2), data_format="channels_first"))

a = rng.random((2, 16, 16, 3), dtype=np.float32)
b = np.clip(a + 0.2 * rng.standard_normal(a.shape).astype(np.float32), 0, 1)
g["ssim_a"], g["ssim_b"] = a, b
g["ssim_default"] = np.asarray(K.ssim(a, b))
g["ssim_custom"] = np.asarray(
    K.ssim(a[0], b[0] * 2, max_val=2.0, filter_size=5, filter_sigma=0.8, k1=0.02, k2=0.05)
)
g["ssim_first"] = np.asarray(
    K.ssim(a.transpose(0, 3, 1, 2), b.transpose(0, 3, 1, 2), data_format="channels_first")
)

vol = rng.random((2, 4, 6, 6, 2), dtype=np.float32)
g["p3_in"] = vol
g["p3_default"] = np.asarray(K.extract_patches_3d(vol, (2, 3, 3)))
g["p3_same"] = np.asarray(K.extract_patches_3d(vol, 2, strides=(1, 2, 2), padding="same"))
g["p3_first"] = np.asarray(
    K.extract_patches_3d(vol[0].transpose(3, 0, 1, 2), 2, data_format="channels_first")
)

st = rng.random((2, 6, 7, 3), dtype=np.float32)
g["st_in"] = st
for method in ("linear", "cubic", "lanczos3", "lanczos5"):
    for aa in (True, False):
        g[f"st_{method}_{int(aa)}"] = np.asarray(
            K.scale_and_translate(st, (2, 9, 4, 3), [1.5, 0.6], [0.3, -0.5], (1, 2), method, antialias=aa)
        )
# integer images fail inside Keras' TensorFlow backend (clip of float by int), so they are not golden here

# elastic_transform with its random draw replaced by fixed noise
el = rng.random((2, 12, 10, 3), dtype=np.float32)
noise = rng.standard_normal((2, 2, 12, 10)).astype(np.float32)
g["el_in"], g["el_noise"] = el, noise
_orig = tf.random.stateless_normal
calls = []


def _fixed(shape, mean=0.0, stddev=1.0, dtype=tf.float32, seed=None, **kw):
    calls.append(1)
    return tf.constant(noise[(len(calls) - 1) % 2], dtype=dtype)


tf.random.stateless_normal = _fixed
for mode in ("reflect", "constant", "nearest", "wrap"):
    for interp in ("bilinear", "nearest"):
        calls.clear()
        g[f"el_{mode}_{interp}"] = np.asarray(
            K.elastic_transform(
                el, alpha=4.0, sigma=1.0, interpolation=interp, fill_mode=mode, fill_value=0.5, seed=1
            )
        )
calls.clear()
g["el_default"] = np.asarray(K.elastic_transform(el, seed=1))
tf.random.stateless_normal = _orig

# MaxNumBoundingBoxes
boxes = rng.integers(0, 50, (2, 5, 4)).astype(np.float32)
labels = rng.integers(0, 9, (2, 5)).astype(np.int32)
g["bb_boxes"], g["bb_labels"] = boxes, labels
images = rng.random((2, 8, 8, 3), dtype=np.float32)
g["bb_images"] = images
for n in (3, 8):
    out = keras.layers.MaxNumBoundingBoxes(max_number=n, bounding_box_format="xyxy")(
        {"images": images, "bounding_boxes": {"boxes": boxes, "labels": labels}}
    )
    g[f"bb_{n}_boxes"] = np.asarray(out["bounding_boxes"]["boxes"])
    g[f"bb_{n}_labels"] = np.asarray(out["bounding_boxes"]["labels"])
    g[f"bb_{n}_images"] = np.asarray(out["images"])
out = keras.layers.MaxNumBoundingBoxes(max_number=7, fill_value=0, bounding_box_format="xyxy")(
    {"images": images[0], "bounding_boxes": {"boxes": boxes[0], "labels": labels[0]}}
)
g["bb_single_boxes"] = np.asarray(out["bounding_boxes"]["boxes"])
g["bb_single_labels"] = np.asarray(out["bounding_boxes"]["labels"])

np.savez_compressed(OUT, **g)
print("wrote", OUT, len(g), "arrays")
