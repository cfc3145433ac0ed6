"""Golden values for ``keras.utils.bounding_boxes`` and ``keras.utils.legacy``, computed by real Keras 3
(TensorFlow backend) on fixed boxes.

Run once with:
    CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 KERAS_BACKEND=tensorflow \
        /tmp/peers/bin/python scripts/golden_bboxes_legacy.py

Writes to tests/fixtures/bounding_boxes/:
- boxes.npz: ``<case>/<name>`` arrays, inputs and Keras' outputs, for every case below
  (``convert/<source>/<target>`` for all 81 format pairs, clip, affine, crop, pad, encode/decode,
  iou, ciou).
- legacy.json: ``keras.utils.legacy.serialize_keras_object`` of a few layers, losses, optimizers
  and a function.
"""

import json
import os

import keras
import numpy as np
from keras.utils import bounding_boxes as bb
from keras.utils import legacy

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "bounding_boxes")
FORMATS = (
    "xyxy",
    "yxyx",
    "xywh",
    "center_xywh",
    "center_yxhw",
    "rel_xyxy",
    "rel_yxyx",
    "rel_xywh",
    "rel_center_xywh",
)
H, W = 200, 300


def a(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(7)
    xy = rng.uniform(-20, 260, size=(2, 5, 2)).astype("float32")
    wh = rng.uniform(1, 80, size=(2, 5, 2)).astype("float32")
    xyxy = np.concatenate([xy, xy + wh], axis=-1)  # (2, 5, 4), some boxes outside the 300x200 image
    out = {"xyxy": xyxy}
    for s in FORMATS:
        src = a(bb.convert_format(xyxy.copy(), "xyxy", s, height=H, width=W))
        out[f"convert/{s}/input"] = src
        for t in FORMATS:
            out[f"convert/{s}/{t}"] = a(bb.convert_format(src.copy(), s, t, height=H, width=W))

    labels = np.arange(10, dtype="int32").reshape(2, 5)
    c = bb.clip_to_image_size({"boxes": xyxy.copy(), "labels": labels}, height=H, width=W)
    out["clip/boxes"], out["clip/labels"] = a(c["boxes"]), a(c["labels"])
    rel = out["convert/rel_xyxy/input"]
    c = bb.clip_to_image_size({"boxes": rel.copy(), "labels": labels}, bounding_box_format="rel_xyxy")
    out["clip_rel/boxes"], out["clip_rel/labels"] = a(c["boxes"]), a(c["labels"])

    params = {
        "angle": np.array([30.0, -12.0], "float32"),
        "translate_x": np.array([0.1, -0.05], "float32"),
        "translate_y": np.array([-0.2, 0.0], "float32"),
        "scale": np.array([1.2, 0.8], "float32"),
        "shear_x": np.array([5.0, 0.0], "float32"),
        "shear_y": np.array([0.0, -7.0], "float32"),
    }
    for k, v in params.items():
        out[f"affine/{k}"] = v
    out["affine/out"] = a(bb.affine_transform(xyxy.copy(), **params, height=H, width=W))
    out["affine_center/out"] = a(
        bb.affine_transform(xyxy.copy(), **params, height=H, width=W, center_x=0.25, center_y=0.7)
    )

    out["crop/out"] = a(bb.crop(xyxy.copy(), top=15, left=40, height=120, width=150))
    out["pad/out"] = a(bb.pad(xyxy.copy(), top=15, left=40))

    anchors = xyxy[0]  # (5, 4)
    boxes = out["convert/xywh/input"]  # (2, 5, 4) xywh
    var = np.array([0.1, 0.1, 0.2, 0.2], "float32")
    for enc in ("center_yxhw", "center_xywh"):
        for vname, v in (("novar", None), ("var", var)):
            d = a(bb.encode_box_to_deltas(anchors, boxes, "xyxy", "xywh", encoding_format=enc, variance=v))
            out[f"encode/{enc}/{vname}"] = d
            out[f"decode/{enc}/{vname}"] = a(
                bb.decode_deltas_to_boxes(anchors, d, "xyxy", "center_xywh", encoded_format=enc, variance=v)
            )
    d = a(bb.encode_box_to_deltas(anchors, rel, "xyxy", "rel_xyxy", image_shape=(H, W, 3)))
    out["encode/rel"] = d
    out["decode/rel"] = a(bb.decode_deltas_to_boxes(anchors, d, "xyxy", "rel_xyxy", image_shape=(H, W, 3)))

    # jittered copies overlap the originals, so IoUs are not all zero
    jit = (xyxy + rng.uniform(-12, 12, size=xyxy.shape)).astype("float32")
    out["iou/jit"] = jit
    b2 = jit[0, :4].copy()
    b2[3] = -1.0  # an all-negative (padding) box for masking
    out["iou/boxes2"] = b2
    out["iou/unbatched"] = a(bb.compute_iou(xyxy[0], b2, "xyxy"))
    out["iou/batched_unbatched"] = a(bb.compute_iou(xyxy, b2, "xyxy"))
    out["iou/unbatched_batched"] = a(bb.compute_iou(xyxy[0], xyxy, "xyxy"))
    out["iou/batched"] = a(bb.compute_iou(xyxy, jit, "xyxy"))
    out["iou/masked"] = a(bb.compute_iou(xyxy[0], b2, "xyxy", use_masking=True, mask_val=-7))
    out["iou/center_xywh"] = a(
        bb.compute_iou(
            out["convert/center_xywh/input"][0],
            bb.convert_format(jit[0], "xyxy", "center_xywh"),
            "center_xywh",
        )
    )
    out["iou/rel_yxyx"] = a(
        bb.compute_iou(
            out["convert/rel_yxyx/input"][0],
            bb.convert_format(jit[0], "xyxy", "rel_yxyx", height=H, width=W),
            "rel_yxyx",
            image_shape=(H, W, 3),
        )
    )
    out["ciou/xyxy"] = a(bb.compute_ciou(xyxy, jit, "xyxy"))
    out["ciou/yxyx"] = a(
        bb.compute_ciou(out["convert/yxyx/input"], bb.convert_format(jit, "xyxy", "yxyx"), "yxyx")
    )
    np.savez(os.path.join(OUT, "boxes.npz"), **out)

    @keras.saving.register_keras_serializable(package="Golden")
    def scaled(x):
        return 2 * x

    @keras.saving.register_keras_serializable(package="Golden")
    class Scale(keras.layers.Layer):
        """Holds objects (not configs) in get_config: the legacy format marks them passive."""

        def __init__(self, factor=2.0, init=None, fn=None, **kwargs):
            super().__init__(**kwargs)
            self.factor, self.init, self.fn = factor, init, fn

        def get_config(self):
            return {"name": self.name, "factor": self.factor, "init": self.init, "fn": self.fn}

    objects = {
        "custom": Scale(3.0, keras.initializers.Constant(0.5), scaled, name="scale"),
        "dense": keras.layers.Dense(3, activation="relu", name="d"),
        "conv2d": keras.layers.Conv2D(4, 3, strides=2, padding="same", activation=scaled, name="c"),
        "dropout": keras.layers.Dropout(0.25, name="drop"),
        "mse": keras.losses.MeanSquaredError(),
        "cce": keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
        "huber": keras.losses.Huber(delta=2.0, name="hub"),
        "adam": keras.optimizers.Adam(1e-3, beta_1=0.8),
        "sgd": keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
        "rmsprop": keras.optimizers.RMSprop(0.01, rho=0.8),
        "relu": keras.activations.relu,
    }
    with open(os.path.join(OUT, "legacy.json"), "w") as f:
        json.dump(
            {k: legacy.serialize_keras_object(v) for k, v in objects.items()}, f, indent=1, sort_keys=True
        )


if __name__ == "__main__":
    main()
