"""keras.utils.bounding_boxes against Keras 3.15 (TensorFlow backend) on fixed boxes.

Goldens: tests/fixtures/bounding_boxes/boxes.npz, from scripts/golden_bboxes_legacy.py.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

from tensorflux.keras.utils import bounding_boxes as bb

G = np.load(os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "bounding_boxes", "boxes.npz"))
H, W = 200, 300
XYXY = G["xyxy"]
JIT = G["iou/jit"]  # XYXY moved by up to 12 pixels: overlapping pairs
TOL = {"rtol": 1e-6, "atol": 1e-5}  # same float32 operations as Keras: equal to rounding


def close(actual, expected, **tol):
    np.testing.assert_allclose(np.asarray(actual), expected, **{**TOL, **tol})


@pytest.mark.parametrize("source", bb.SUPPORTED_FORMATS)
def test_convert_format_every_pair_matches_keras(source):
    src = G[f"convert/{source}/input"]
    for target in bb.SUPPORTED_FORMATS:
        out = bb.convert_format(src, source, target, height=H, width=W)
        assert out.dtype.name == "float32"
        close(out, G[f"convert/{source}/{target}"], err_msg=f"{source} -> {target}")


def test_convert_format_hand_values_dict_case_and_dtype():
    out = bb.convert_format(np.array([[10, 20, 30, 40]]), "xyxy", "CENTER_YXHW")
    assert out.numpy().tolist() == [[30.0, 20.0, 20.0, 20.0]]
    d = {"boxes": np.array([[10.0, 20.0, 30.0, 40.0]]), "labels": np.array([1])}
    back = bb.convert_format(d, "xyxy", "rel_xyxy", height=200, width=100, dtype="float64")
    assert back is d and back["boxes"].dtype.name == "float64"
    close(back["boxes"], [[0.1, 0.1, 0.3, 0.2]], rtol=1e-12, atol=0)


def test_convert_format_errors_name_the_problem():
    with pytest.raises(ValueError, match=r"last dimension of 4.*\(2, 3\)"):
        bb.convert_format(np.zeros((2, 3)), "xyxy", "xywh")
    with pytest.raises(ValueError, match="Supported formats.*'xyzw'"):
        bb.convert_format(np.zeros((2, 4)), "xyzw", "xywh")
    with pytest.raises(ValueError, match="`height` and `width`"):
        bb.convert_format(np.zeros((2, 4)), "xyxy", "rel_xywh", height=10)
    # Keras asks for the image size even between two relative formats, though it does not scale
    with pytest.raises(ValueError, match="height=None"):
        bb.convert_format([[0.1, 0.2, 0.3, 0.6]], "rel_xyxy", "rel_xywh")
    out = bb.convert_format([[0.1, 0.2, 0.3, 0.6]], "rel_xyxy", "rel_xywh", height=7, width=9)
    close(out, [[0.1, 0.2, 0.2, 0.4]], atol=1e-6)


def test_clip_to_image_size_matches_keras():
    labels = np.arange(10, dtype="int32").reshape(2, 5)
    out = bb.clip_to_image_size({"boxes": XYXY, "labels": labels}, height=H, width=W)
    close(out["boxes"], G["clip/boxes"])
    np.testing.assert_array_equal(np.asarray(out["labels"]), G["clip/labels"])
    rel = G["convert/rel_xyxy/input"]
    out = bb.clip_to_image_size({"boxes": rel, "labels": labels}, bounding_box_format="rel_xyxy")
    close(out["boxes"], G["clip_rel/boxes"], atol=1e-6)
    np.testing.assert_array_equal(np.asarray(out["labels"]), G["clip_rel/labels"])
    assert (G["clip/labels"] == -1).any()  # the fixture does exercise a box clipped to nothing


def test_clip_to_image_size_errors_and_no_labels():
    with pytest.raises(ValueError, match="`height` and `width` must be set"):
        bb.clip_to_image_size({"boxes": XYXY})
    with pytest.raises(NotImplementedError, match="'xywh'"):
        bb.clip_to_image_size({"boxes": XYXY}, H, W, bounding_box_format="xywh")
    out = bb.clip_to_image_size({"boxes": XYXY, "extra": 1}, H, W)
    assert "labels" not in out and out["extra"] == 1


@pytest.mark.parametrize(
    "case, center", [("affine", {}), ("affine_center", {"center_x": 0.25, "center_y": 0.7})]
)
def test_affine_transform_matches_keras(case, center):
    names = ("angle", "translate_x", "translate_y", "scale", "shear_x", "shear_y")
    params = {k: G[f"affine/{k}"] for k in names}
    out = bb.affine_transform(XYXY, **params, height=H, width=W, **center)
    close(out, G[f"{case}/out"], atol=1e-4)


def test_affine_transform_identity_and_errors():
    zero, one = np.zeros(2, "float32"), np.ones(2, "float32")
    out = bb.affine_transform(XYXY, zero, zero, zero, one, zero, zero, H, W)
    close(out, XYXY, atol=1e-4)
    # a 90 degree turn about the center swaps the box's extents
    box = np.array([[[100.0, 50.0, 140.0, 60.0]]], "float32")
    turned = bb.affine_transform(box, [90.0], [0.0], [0.0], [1.0], [0.0], [0.0], 101, 101).numpy()[0, 0]
    close(turned[2:] - turned[:2], [10.0, 40.0], atol=1e-3)
    with pytest.raises(NotImplementedError):
        bb.affine_transform(XYXY, zero, zero, zero, one, zero, zero, H, W, bounding_box_format="yxyx")
    with pytest.raises(ValueError, match=r"\(batch, N, 4\)"):
        bb.affine_transform(XYXY[0], zero, zero, zero, one, zero, zero, H, W)


def test_crop_and_pad_match_keras():
    close(bb.crop(XYXY, top=15, left=40, height=120, width=150), G["crop/out"])
    close(bb.pad(XYXY, top=15, left=40), G["pad/out"])
    with pytest.raises(NotImplementedError):
        bb.crop(XYXY, 0, 0, 1, 1, bounding_box_format="xywh")
    with pytest.raises(NotImplementedError):
        bb.pad(XYXY, 0, 0, bounding_box_format="xywh")


@pytest.mark.parametrize("enc", ["center_yxhw", "center_xywh"])
@pytest.mark.parametrize("vname", ["novar", "var"])
def test_encode_decode_match_keras(enc, vname):
    var = None if vname == "novar" else [0.1, 0.1, 0.2, 0.2]
    anchors, boxes = XYXY[0], G["convert/xywh/input"]
    d = bb.encode_box_to_deltas(anchors, boxes, "xyxy", "xywh", encoding_format=enc, variance=var)
    close(d, G[f"encode/{enc}/{vname}"])
    out = bb.decode_deltas_to_boxes(anchors, G[f"encode/{enc}/{vname}"], "xyxy", "center_xywh", enc, var)
    close(out, G[f"decode/{enc}/{vname}"], rtol=1e-5, atol=1e-4)  # exp/log differ from TF's by ulps
    close(out, G["convert/center_xywh/input"], atol=1e-3)  # decode inverts encode


def test_encode_decode_relative_dict_and_errors():
    rel, shape = G["convert/rel_xyxy/input"], (H, W, 3)
    d = bb.encode_box_to_deltas(XYXY[0], rel, "xyxy", "rel_xyxy", image_shape=shape)
    close(d, G["encode/rel"])
    close(
        bb.decode_deltas_to_boxes(XYXY[0], d, "xyxy", "rel_xyxy", image_shape=shape),
        G["decode/rel"],
        atol=1e-6,
    )
    levels = bb.decode_deltas_to_boxes(
        {"p3": XYXY[0]}, {"p3": G["encode/rel"]}, "xyxy", "rel_xyxy", image_shape=shape
    )
    close(levels["p3"], G["decode/rel"], atol=1e-6)
    with pytest.raises(ValueError, match="`variance` must be length 4"):
        bb.encode_box_to_deltas(XYXY[0], XYXY, "xyxy", "xyxy", variance=[1.0, 1.0])
    with pytest.raises(ValueError, match="`encoding_format`.*xyxy"):
        bb.encode_box_to_deltas(XYXY[0], XYXY, "xyxy", "xyxy", encoding_format="xyxy")
    with pytest.raises(ValueError, match="`encoded_format`.*xywh"):
        bb.decode_deltas_to_boxes(XYXY[0], XYXY, "xyxy", "xyxy", encoded_format="xywh")


def test_compute_iou_matches_keras():
    b2 = G["iou/boxes2"]
    close(bb.compute_iou(XYXY[0], b2, "xyxy"), G["iou/unbatched"], atol=1e-6)
    close(bb.compute_iou(XYXY, b2, "xyxy"), G["iou/batched_unbatched"], atol=1e-6)
    close(bb.compute_iou(XYXY[0], XYXY, "xyxy"), G["iou/unbatched_batched"], atol=1e-6)
    close(bb.compute_iou(XYXY, JIT, "xyxy"), G["iou/batched"], atol=1e-6)
    close(bb.compute_iou(XYXY[0], b2, "xyxy", use_masking=True, mask_val=-7), G["iou/masked"], atol=1e-6)
    c = G["convert/center_xywh/input"]
    c2 = bb.convert_format(JIT[0], "xyxy", "center_xywh")
    close(bb.compute_iou(c[0], c2, "center_xywh"), G["iou/center_xywh"], atol=1e-6)
    r = G["convert/rel_yxyx/input"]
    r2 = bb.convert_format(JIT[0], "xyxy", "rel_yxyx", height=H, width=W)
    close(bb.compute_iou(r[0], r2, "rel_yxyx", image_shape=(H, W, 3)), G["iou/rel_yxyx"], atol=1e-6)
    assert (G["iou/masked"] == -7).any() and (G["iou/batched"] > 0.3).sum() >= 4


def test_compute_iou_by_hand_and_errors():
    iou = bb.compute_iou([[0.0, 0.0, 2.0, 2.0]], [[1.0, 1.0, 3.0, 3.0], [5.0, 5.0, 6.0, 6.0]], "xyxy")
    close(iou, [[1.0 / 7.0, 0.0]], atol=1e-6)
    with pytest.raises(ValueError, match=r"len\(boxes1.shape\)=1"):
        bb.compute_iou(np.zeros(4), np.zeros((2, 4)), "xyxy")
    with pytest.raises(ValueError, match="`image_shape` argument must be provided"):
        bb.compute_iou(np.zeros((1, 4)), np.zeros((2, 4)), "rel_xyxy")


def test_compute_ciou_matches_keras_and_formula():
    close(bb.compute_ciou(XYXY, JIT, "xyxy"), G["ciou/xyxy"], atol=1e-5)
    y = G["convert/yxyx/input"]
    close(bb.compute_ciou(y, bb.convert_format(JIT, "xyxy", "yxyx"), "yxyx"), G["ciou/yxyx"], atol=1e-5)
    # two unit squares side by side, hand-computed: IoU 0, d^2 = 1, c^2 = 2^2 + 1^2, v = 0
    out = bb.compute_ciou([[0.0, 0.0, 1.0, 1.0]], [[1.0, 0.0, 2.0, 1.0]], "xyxy")
    close(out, [-1.0 / 5.0], atol=1e-5)
    # same centers, different aspect: IoU 0.5, v = 4/pi^2 (atan 2 - atan 1)^2
    v = 4 / math.pi**2 * (math.atan(0.5) - math.atan(1.0)) ** 2
    out = bb.compute_ciou([[0.0, 0.0, 2.0, 2.0]], [[0.5, 0.0, 1.5, 2.0]], "xyxy")
    close(out, [0.5 - v * v / (v - 0.5 + 1)], atol=1e-5)
    with pytest.raises(ValueError, match="relative"):
        bb.compute_ciou(XYXY, XYXY, "rel_xyxy", image_shape=(H, W, 3))
