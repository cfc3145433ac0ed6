"""Golden values for tensorflux.keras.visualization.draw_segmentation_masks from Keras 3.15 (TF backend).

Run once with:
    CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 /tmp/peers/bin/python scripts/golden_visualization.py
Writes tests/fixtures/visualization/golden.npz. (draw_bounding_boxes needs OpenCV, which the side
environment lacks, so its tests use hand-computed pixels instead.)
"""

import os

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "visualization", "golden.npz")


def main():
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, size=(2, 5, 6, 3)).astype("uint8")
    images_f = rng.uniform(0, 1, size=(2, 5, 6, 3)).astype("float32")
    masks = rng.integers(-1, 4, size=(2, 5, 6, 1)).astype("int32")
    draw = keras.visualization.draw_segmentation_masks
    res = {"images": images, "images_f": images_f, "masks": masks}
    res["default"] = draw(images, masks)
    res["n4_alpha03"] = draw(images, masks, num_classes=4, alpha=0.3)
    res["float_images"] = draw(images_f, masks, num_classes=4)
    mapping = {0: (255, 0, 0), 1: (0, 255, 0), 2: (0, 0, 255), 3: (10, 20, 30)}
    res["mapping"] = draw(images, masks, num_classes=4, color_mapping=mapping, alpha=0.5)
    res["ignore0"] = draw(images, masks, num_classes=4, ignore_index=0)
    res["no_blend"] = np.asarray(draw(images, masks, num_classes=4, blend=False))
    res["channels_first"] = draw(
        np.transpose(images, (0, 3, 1, 2)),
        np.transpose(masks, (0, 3, 1, 2)),
        num_classes=4,
        data_format="channels_first",
    )
    np.savez(OUT, **res)
    for k, v in res.items():
        print(k, v.dtype, v.shape)


if __name__ == "__main__":
    main()
