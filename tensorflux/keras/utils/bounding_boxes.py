"""``keras.utils.bounding_boxes``: convert, clip, crop, pad, transform, encode and compare boxes.

A box is the last axis of length 4 of a tensor/array of shape ``(N, 4)`` or ``(batch, N, 4)``.
Formats (case-insensitive), as in Keras 3:

- ``"xyxy"``: ``[left, top, right, bottom]``; ``"yxyx"``: ``[top, left, bottom, right]``
- ``"xywh"``: ``[left, top, width, height]``
- ``"center_xywh"``: ``[center_x, center_y, width, height]``;
  ``"center_yxhw"``: ``[center_y, center_x, height, width]``
- ``"rel_xyxy"``, ``"rel_yxyx"``, ``"rel_xywh"``, ``"rel_center_xywh"``: the same with coordinates
  divided by the image ``width`` (x) and ``height`` (y).

Every conversion goes through ``xyxy``. Functions take tensors or NumPy arrays and return tensors.
"""

from __future__ import annotations

import math
from typing import Any

from tensorflux.keras import ops

SUPPORTED_FORMATS = (
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
_EPSILON = 1e-7  # keras.backend.epsilon()

__all__ = [
    "affine_transform",
    "clip_to_image_size",
    "compute_ciou",
    "compute_iou",
    "convert_format",
    "crop",
    "decode_deltas_to_boxes",
    "encode_box_to_deltas",
    "pad",
]


def _parts(boxes: Any) -> list[Any]:
    return ops.split(boxes, 4, axis=-1)


def _join(*parts: Any) -> Any:
    return ops.concatenate(list(parts), axis=-1)


def _to_xyxy(boxes: Any, fmt: str, height: Any, width: Any) -> Any:
    a, b, c, d = _parts(boxes)
    if fmt == "xyxy":
        return boxes
    if fmt == "yxyx":
        return _join(b, a, d, c)
    if fmt == "xywh":
        return _join(a, b, a + c, b + d)
    if fmt == "center_xywh":
        return _join(a - c / 2.0, b - d / 2.0, a + c / 2.0, b + d / 2.0)
    if fmt == "center_yxhw":
        return _join(b - d / 2.0, a - c / 2.0, b + d / 2.0, a + c / 2.0)
    if fmt == "rel_xyxy":
        return _join(a * width, b * height, c * width, d * height)
    if fmt == "rel_yxyx":
        return _join(b * width, a * height, d * width, c * height)
    if fmt == "rel_xywh":
        return _join(a * width, b * height, (a + c) * width, (b + d) * height)
    # rel_center_xywh
    return _join((a - c / 2.0) * width, (b - d / 2.0) * height, (a + c / 2.0) * width, (b + d / 2.0) * height)


def _from_xyxy(boxes: Any, fmt: str, height: Any, width: Any) -> Any:
    x1, y1, x2, y2 = _parts(boxes)
    if fmt == "xyxy":
        return boxes
    if fmt == "yxyx":
        return _join(y1, x1, y2, x2)
    if fmt == "xywh":
        return _join(x1, y1, x2 - x1, y2 - y1)
    if fmt in ("center_xywh", "center_yxhw", "rel_center_xywh"):
        # x1 + w / 2 (not (x1 + x2) / 2): the same rounding as Keras
        w, h = x2 - x1, y2 - y1
        cx, cy = x1 + w / 2.0, y1 + h / 2.0
        if fmt == "center_xywh":
            return _join(cx, cy, w, h)
        if fmt == "center_yxhw":
            return _join(cy, cx, h, w)
        return _join(cx / width, cy / height, w / width, h / height)
    if fmt == "rel_xyxy":
        return _join(x1 / width, y1 / height, x2 / width, y2 / height)
    if fmt == "rel_yxyx":
        return _join(y1 / height, x1 / width, y2 / height, x2 / width)
    # rel_xywh
    return _join(x1 / width, y1 / height, (x2 - x1) / width, (y2 - y1) / height)


def convert_format(
    boxes: Any, source: str, target: str, height: Any = None, width: Any = None, dtype: Any = "float32"
) -> Any:
    """Convert boxes between formats (see the module docstring for the list).

    Args:
        boxes: tensor/array ``(..., 4)``, or a dict whose ``"boxes"`` entry is converted (in place).
        source: format of ``boxes``.
        target: format to return.
        height: image height; required when either format is relative (``rel_*``).
        width: image width; required when either format is relative.
        dtype: dtype the boxes are cast to first.

    Returns:
        The converted boxes (or the dict, with ``"boxes"`` replaced).

    Raises:
        ValueError: the last axis is not 4, a format is unknown, or ``height``/``width`` are missing.

    >>> convert_format([[10, 20, 30, 40]], source="xyxy", target="xywh").numpy().tolist()
    [[10.0, 20.0, 20.0, 20.0]]
    """
    if isinstance(boxes, dict):
        boxes["boxes"] = convert_format(boxes["boxes"], source, target, height, width, dtype)
        return boxes
    boxes = ops.convert_to_tensor(boxes)
    if tuple(boxes.shape)[-1:] != (4,):
        raise ValueError(
            "`boxes` must be a tensor with the last dimension of 4. "
            f"Received: boxes.shape={tuple(boxes.shape)}"
        )
    source, target = source.lower(), target.lower()
    if source not in SUPPORTED_FORMATS or target not in SUPPORTED_FORMATS:
        raise ValueError(
            f"Invalid source or target format. Supported formats: {SUPPORTED_FORMATS}. "
            f"Received: source={source!r}, target={target!r}"
        )
    if (source.startswith("rel_") or target.startswith("rel_")) and (width is None or height is None):
        raise ValueError(
            "convert_format() must receive `height` and `width` when converting between relative and "
            f"absolute formats. Received: source={source!r}, target={target!r}, height={height}, "
            f"width={width}."
        )
    boxes = ops.cast(boxes, dtype)
    if source == target:
        return boxes
    if width is not None:
        width = ops.cast(width, dtype)
    if height is not None:
        height = ops.cast(height, dtype)
    if source.startswith("rel_") and target.startswith("rel_"):
        # relative to relative: no scaling, convert as if absolute
        source, target = source[4:], target[4:]
    return _from_xyxy(_to_xyxy(boxes, source, height, width), target, height, width)


def _area_xyxy(boxes: Any) -> Any:
    x1, y1, x2, y2 = _parts(boxes)
    return ops.squeeze((x2 - x1) * (y2 - y1), axis=-1)


def clip_to_image_size(
    bounding_boxes: dict, height: Any = None, width: Any = None, bounding_box_format: str = "xyxy"
) -> dict:
    """Clip boxes to the image; labels of boxes left with no area become -1.

    Args:
        bounding_boxes: dict with ``"boxes"`` ``(N, 4)`` or ``(batch, N, 4)`` and optional
            ``"labels"`` ``(N,)`` or ``(batch, N)``.
        height: image height (needed for ``"xyxy"``).
        width: image width (needed for ``"xyxy"``).
        bounding_box_format: ``"xyxy"`` (clip to ``[0, width] x [0, height]``) or ``"rel_xyxy"``
            (clip to ``[0, 1]``).

    Returns:
        A new dict with the clipped ``"boxes"`` and updated ``"labels"``.

    >>> out = clip_to_image_size({"boxes": [[-10.0, 5.0, 150.0, 60.0]], "labels": [3]}, 100, 120)
    >>> out["boxes"].numpy().tolist(), out["labels"].numpy().tolist()
    ([[0.0, 5.0, 120.0, 60.0]], [3])
    """
    if bounding_box_format not in ("xyxy", "rel_xyxy"):
        raise NotImplementedError(
            f"clip_to_image_size() supports bounding_box_format 'xyxy' and 'rel_xyxy'. Received: "
            f"{bounding_box_format!r}; convert with convert_format() first."
        )
    if bounding_box_format == "xyxy" and (height is None or width is None):
        raise ValueError("`height` and `width` must be set if `format='xyxy'`.")
    boxes = ops.convert_to_tensor(bounding_boxes["boxes"])
    labels = bounding_boxes.get("labels", None)
    if bounding_box_format == "xyxy":
        hi_x, hi_y = ops.cast(width, boxes.dtype), ops.cast(height, boxes.dtype)
    else:
        hi_x = hi_y = 1.0
    x1, y1, x2, y2 = _parts(boxes)
    boxes = _join(ops.clip(x1, 0, hi_x), ops.clip(y1, 0, hi_y), ops.clip(x2, 0, hi_x), ops.clip(y2, 0, hi_y))
    result = dict(bounding_boxes)
    result["boxes"] = boxes
    if labels is not None:
        result["labels"] = ops.where(_area_xyxy(boxes) > 0, labels, -1)
    return result


def _inverse_affine_matrix(
    center_x: Any,
    center_y: Any,
    angle: Any,
    translate_x: Any,
    translate_y: Any,
    scale: Any,
    shear_x: Any,
    shear_y: Any,
    height: Any,
    width: Any,
) -> Any:
    # The inverse of rotate-scale-shear about the center, then translate (TF's image transform).
    to_rad = 1.0 / 180.0 * math.pi
    rot = -angle * to_rad
    sx, sy = -shear_x * to_rad, -shear_y * to_rad
    cx, cy = center_x * (width - 1), center_y * (height - 1)
    tx, ty = -translate_x * (width - 1), -translate_y * (height - 1)
    cos_sy, tan_sx = ops.cos(sy), ops.tan(sx)
    a = ops.cos(rot - sy) / cos_sy
    b = a * tan_sx + ops.sin(rot)
    c = -ops.sin(rot - sy) / cos_sy
    d = ops.cos(rot) - c * tan_sx
    # det([[a, b], [c, d]]) == 1, so the inverse is the adjugate
    a0, a1, b0, b1 = d * scale, -b * scale, -c * scale, a * scale
    a2 = cx - a0 * (cx + tx) - a1 * (cy + ty)
    b2 = cy - b0 * (cx + tx) - b1 * (cy + ty)
    rows = ops.stack([a0, a1, a2, b0, b1, b2], axis=-1)
    return ops.reshape(rows, (-1, 2, 3))


def affine_transform(
    boxes: Any,
    angle: Any,
    translate_x: Any,
    translate_y: Any,
    scale: Any,
    shear_x: Any,
    shear_y: Any,
    height: Any,
    width: Any,
    center_x: Any = None,
    center_y: Any = None,
    bounding_box_format: str = "xyxy",
) -> Any:
    """Move boxes with the inverse of the affine image transform ``keras.layers.RandomAffine`` uses.

    Each box's 4 corners go through the matrix and the result is their enclosing box.

    Args:
        boxes: ``(batch, N, 4)`` boxes in ``xyxy``.
        angle: rotation in degrees, one per batch item ``(batch,)``.
        translate_x: horizontal translation as a fraction of the width, ``(batch,)``.
        translate_y: vertical translation as a fraction of the height, ``(batch,)``.
        scale: zoom factor, ``(batch,)``.
        shear_x: shear angle in degrees along x, ``(batch,)``.
        shear_y: shear angle in degrees along y, ``(batch,)``.
        height: image height.
        width: image width.
        center_x: transformation center as a fraction of the width (default 0.5).
        center_y: transformation center as a fraction of the height (default 0.5).
        bounding_box_format: only ``"xyxy"`` is supported.

    Returns:
        ``(batch, N, 4)`` boxes in ``xyxy``, float32 (the dtype of ``angle``).

    >>> zero = [0.0]
    >>> affine_transform([[[10.0, 10.0, 20.0, 30.0]]], zero, zero, zero, [1.0], zero, zero, 64, 64).shape
    TensorShape([1, 1, 4])
    """
    if bounding_box_format != "xyxy":
        raise NotImplementedError(
            f"affine_transform() supports bounding_box_format='xyxy' only. Received: {bounding_box_format!r}"
        )
    angle = ops.convert_to_tensor(angle, dtype="float32")
    tx, ty, zoom, sx, sy = (
        ops.cast(p, angle.dtype) for p in (translate_x, translate_y, scale, shear_x, shear_y)
    )
    center_x = 0.5 if center_x is None else center_x
    center_y = 0.5 if center_y is None else center_y
    matrix = _inverse_affine_matrix(center_x, center_y, angle, tx, ty, zoom, sx, sy, height, width)
    boxes = ops.cast(boxes, angle.dtype)
    if len(boxes.shape) != 3:
        raise ValueError(
            "affine_transform() expects batched boxes of shape (batch, N, 4). "
            f"Received: boxes.shape={tuple(boxes.shape)}"
        )
    x1, y1, x2, y2 = (boxes[..., i] for i in range(4))
    # corners (x1, y1), (x2, y1), (x2, y2), (x1, y2) as homogeneous points (batch, N, 4, 3)
    xs = ops.stack([x1, x2, x2, x1], axis=-1)
    ys = ops.stack([y1, y1, y2, y2], axis=-1)
    points = ops.stack([xs, ys, ops.ones_like(xs)], axis=-1)
    moved = ops.einsum("bnkj,bij->bnki", points, matrix)
    return ops.concatenate([ops.amin(moved, axis=2), ops.amax(moved, axis=2)], axis=-1)


def crop(boxes: Any, top: Any, left: Any, height: Any, width: Any, bounding_box_format: str = "xyxy") -> Any:
    """Boxes in the coordinates of the crop ``[left, left + width] x [top, top + height]``, clipped to it.

    Args:
        boxes: ``(N, 4)`` or ``(batch, N, 4)`` boxes in ``xyxy``.
        top: y offset of the crop.
        left: x offset of the crop.
        height: crop height.
        width: crop width.
        bounding_box_format: only ``"xyxy"`` is supported.

    Returns:
        The cropped boxes.

    >>> crop([[10.0, 20.0, 50.0, 60.0]], top=10, left=20, height=40, width=30).numpy().tolist()
    [[0.0, 10.0, 30.0, 40.0]]
    """
    if bounding_box_format != "xyxy":
        raise NotImplementedError(
            f"crop() supports bounding_box_format='xyxy' only. Received: {bounding_box_format!r}"
        )
    x1, y1, x2, y2 = _parts(ops.convert_to_tensor(boxes))
    return _join(
        ops.clip(x1 - left, 0, width),
        ops.clip(y1 - top, 0, height),
        ops.clip(x2 - left, 0, width),
        ops.clip(y2 - top, 0, height),
    )


def pad(
    boxes: Any, top: Any, left: Any, height: Any = None, width: Any = None, bounding_box_format: str = "xyxy"
) -> Any:
    """Shift boxes by the ``top``/``left`` padding added to their image.

    Args:
        boxes: ``(N, 4)`` or ``(batch, N, 4)`` boxes in ``xyxy``.
        top: padding added above the image.
        left: padding added left of the image.
        height: unused (kept for Keras' signature).
        width: unused (kept for Keras' signature).
        bounding_box_format: only ``"xyxy"`` is supported.

    Returns:
        The shifted boxes.

    >>> pad([[10.0, 20.0, 50.0, 60.0]], top=5, left=2).numpy().tolist()
    [[12.0, 25.0, 52.0, 65.0]]
    """
    if bounding_box_format != "xyxy":
        raise NotImplementedError(
            f"pad() supports bounding_box_format='xyxy' only. Received: {bounding_box_format!r}"
        )
    x1, y1, x2, y2 = _parts(ops.convert_to_tensor(boxes))
    return _join(x1 + left, y1 + top, x2 + left, y2 + top)


def _check_variance(variance: Any) -> Any:
    if variance is None:
        return None
    variance = ops.convert_to_tensor(variance, dtype="float32")
    if tuple(variance.shape)[-1:] != (4,):
        raise ValueError(f"`variance` must be length 4, got {variance}")
    return variance


def _image_hw(image_shape: Any) -> tuple[Any, Any]:
    if image_shape is None:
        return None, None
    height, width, _ = image_shape
    return height, width


def encode_box_to_deltas(
    anchors: Any,
    boxes: Any,
    anchor_format: str,
    box_format: str,
    encoding_format: str = "center_yxhw",
    variance: Any = None,
    image_shape: Any = None,
) -> Any:
    """Regression targets of ``boxes`` relative to ``anchors``: center offsets and log size ratios.

    In ``center_yxhw``: ``[(y - ya) / ha, (x - xa) / wa, log(h / ha), log(w / wa)]`` (sizes floored at
    1e-7), divided by ``variance`` when given.

    Args:
        anchors: ``(N, 4)`` anchor boxes.
        boxes: ``(N, 4)`` or ``(batch, N, 4)`` boxes.
        anchor_format: format of ``anchors``.
        box_format: format of ``boxes``.
        encoding_format: ``"center_yxhw"`` or ``"center_xywh"``.
        variance: 4 scale factors for the deltas.
        image_shape: ``(height, width, channels)`` for relative formats.

    Returns:
        The deltas, same shape as ``boxes``.

    >>> anchors = [[0.0, 0.0, 10.0, 10.0]]
    >>> deltas = encode_box_to_deltas(anchors, [[1.0, 2.0, 11.0, 12.0]], "xyxy", "xyxy")
    >>> [round(float(v), 3) for v in deltas[0]]
    [0.2, 0.1, 0.0, 0.0]
    """
    variance = _check_variance(variance)
    if encoding_format not in ("center_xywh", "center_yxhw"):
        raise ValueError(
            f"`encoding_format` should be one of 'center_xywh' or 'center_yxhw', got {encoding_format}"
        )
    height, width = _image_hw(image_shape)
    anchors = convert_format(anchors, anchor_format, encoding_format, height, width)
    boxes = convert_format(boxes, box_format, encoding_format, height, width)
    anchor_size = ops.maximum(anchors[..., 2:], _EPSILON)
    box_size = ops.maximum(boxes[..., 2:], _EPSILON)
    deltas = ops.concatenate(
        [(boxes[..., :2] - anchors[..., :2]) / anchor_size, ops.log(box_size / anchor_size)], axis=-1
    )
    return deltas if variance is None else deltas / variance


def decode_deltas_to_boxes(
    anchors: Any,
    boxes_delta: Any,
    anchor_format: str,
    box_format: str,
    encoded_format: str = "center_yxhw",
    variance: Any = None,
    image_shape: Any = None,
) -> Any:
    """Invert ``encode_box_to_deltas``: boxes in ``box_format`` from anchors and deltas.

    Args:
        anchors: ``(N, 4)`` anchors, or a dict of them (one entry per feature level).
        boxes_delta: ``(N, 4)`` or ``(batch, N, 4)`` deltas, or a dict with the same keys as ``anchors``.
        anchor_format: format of ``anchors``.
        box_format: format of the returned boxes.
        encoded_format: ``"center_yxhw"`` or ``"center_xywh"``, as used for encoding.
        variance: the 4 scale factors used for encoding.
        image_shape: ``(height, width, channels)`` for relative formats.

    Returns:
        The boxes (a dict per level when ``anchors`` is a dict).

    >>> boxes = decode_deltas_to_boxes([[0.0, 0.0, 10.0, 10.0]], [[0.2, 0.1, 0.0, 0.0]], "xyxy", "xyxy")
    >>> boxes.numpy().tolist()
    [[1.0, 2.0, 11.0, 12.0]]
    """
    variance = _check_variance(variance)
    if encoded_format not in ("center_xywh", "center_yxhw"):
        raise ValueError(
            f"`encoded_format` should be 'center_xywh' or 'center_yxhw', but got '{encoded_format}'."
        )
    height, width = _image_hw(image_shape)

    def decode(anchor: Any, delta: Any) -> Any:
        anchor = convert_format(anchor, anchor_format, encoded_format, height, width)
        delta = ops.convert_to_tensor(delta)
        if variance is not None:
            delta = delta * variance
        size = anchor[..., 2:]
        box = ops.concatenate(
            [delta[..., :2] * size + anchor[..., :2], ops.exp(delta[..., 2:]) * size], axis=-1
        )
        return convert_format(box, encoded_format, box_format, height, width)

    if isinstance(anchors, dict) and isinstance(boxes_delta, dict):
        return {level: decode(anchor, boxes_delta[level]) for level, anchor in anchors.items()}
    return decode(anchors, boxes_delta)


def _yxyx_intersection(boxes1: Any, boxes2: Any) -> Any:
    y1a, x1a, y2a, x2a = _parts(boxes1)
    y1b, x1b, y2b, x2b = _parts(boxes2)
    perm = (1, 0) if len(boxes2.shape) == 2 else (0, 2, 1)
    h = ops.minimum(y2a, ops.transpose(y2b, perm)) - ops.maximum(y1a, ops.transpose(y1b, perm))
    w = ops.minimum(x2a, ops.transpose(x2b, perm)) - ops.maximum(x1a, ops.transpose(x1b, perm))
    return ops.maximum(h, 0.0) * ops.maximum(w, 0.0)


def compute_iou(
    boxes1: Any,
    boxes2: Any,
    bounding_box_format: str,
    use_masking: bool = False,
    mask_val: Any = -1,
    image_shape: Any = None,
) -> Any:
    """Pairwise intersection over union: ``(M, 4)`` and ``(N, 4)`` boxes give ``(M, N)``.

    Either input may be batched ``(batch, M, 4)``; the result is then ``(batch, M, N)``.

    Args:
        boxes1: first boxes.
        boxes2: second boxes.
        bounding_box_format: their format.
        use_masking: give ``mask_val`` to pairs where a box has all coordinates negative (padding).
        mask_val: value of masked pairs.
        image_shape: ``(height, width, channels)``, required for relative formats.

    Returns:
        The IoU table.

    >>> iou = compute_iou([[0.0, 0.0, 2.0, 2.0]], [[1.0, 1.0, 3.0, 3.0]], "xyxy")
    >>> round(float(iou[0, 0]), 4)
    0.1429
    """
    boxes1, boxes2 = ops.convert_to_tensor(boxes1), ops.convert_to_tensor(boxes2)
    rank1, rank2 = len(boxes1.shape), len(boxes2.shape)
    for which, rank in (("boxes1", rank1), ("boxes2", rank2)):
        if rank not in (2, 3):
            raise ValueError(
                f"compute_iou() expects {which} to be batched, or to be unbatched. Received "
                f"len(boxes1.shape)={rank1}, len(boxes2.shape)={rank2}. Expected either "
                f"len({which}.shape)=2 AND or len({which}.shape)=3."
            )
    if "rel" in bounding_box_format and image_shape is None:
        raise ValueError(
            "When using relative bounding box formats (e.g. `rel_yxyx`) the `image_shape` argument must "
            f"be provided. Received `image_shape`: {image_shape}"
        )
    height, width = _image_hw(image_shape)
    boxes1 = convert_format(boxes1, bounding_box_format, "yxyx", height, width)
    boxes2 = convert_format(boxes2, bounding_box_format, "yxyx", height, width)
    intersection = _yxyx_intersection(boxes1, boxes2)
    area1 = ops.expand_dims(_area_xyxy(boxes1), axis=-1)  # yxyx: the same product of extents
    area2 = _area_xyxy(boxes2)
    area2 = ops.expand_dims(area2, axis=1 if len(area2.shape) == 2 else 0)
    iou = intersection / (area1 + area2 - intersection + _EPSILON)
    if not use_masking:
        return iou
    perm = (1, 0) if rank1 == 2 else (0, 2, 1)
    masked1 = ops.less(ops.max(boxes1, axis=-1, keepdims=True), 0.0)
    masked2 = ops.less(ops.max(boxes2, axis=-1, keepdims=True), 0.0)
    background = ops.logical_or(masked1, ops.transpose(masked2, perm))
    return ops.where(background, ops.cast(mask_val, iou.dtype) * ops.ones_like(iou), iou)


def compute_ciou(boxes1: Any, boxes2: Any, bounding_box_format: str, image_shape: Any = None) -> Any:
    """Complete IoU of matching boxes: IoU minus center-distance and aspect-ratio penalties.

    ``CIoU = IoU - d^2 / c^2 - alpha * v`` with ``d`` the distance of the centers, ``c`` the diagonal
    of the enclosing box, ``v = 4 / pi^2 * (atan(w2 / h2) - atan(w1 / h1))^2`` and
    ``alpha = v / (v - IoU + 1)``. Boxes are compared element-wise (broadcasting), not pairwise.

    Args:
        boxes1: ``(..., 4)`` boxes.
        boxes2: ``(..., 4)`` boxes.
        bounding_box_format: their format; relative formats are not supported (as in Keras).
        image_shape: unused for absolute formats.

    Returns:
        ``(...)`` CIoU values.

    >>> compute_ciou([[0.0, 0.0, 2.0, 2.0]], [[0.0, 0.0, 2.0, 2.0]], "xyxy").numpy().round(4).tolist()
    [1.0]
    """
    if "rel" in bounding_box_format:
        raise ValueError(
            "When using relative bounding box formats (e.g. `rel_yxyx`) the `image_shape` argument must "
            f"be provided. Received `image_shape`: {image_shape}. compute_ciou() does not support relative "
            "formats: convert the boxes with convert_format() first."
        )
    height, width = _image_hw(image_shape)
    boxes1 = convert_format(boxes1, bounding_box_format, "xyxy", height, width)
    boxes2 = convert_format(boxes2, bounding_box_format, "xyxy", height, width)
    x1a, y1a, x2a, y2a = _parts(boxes1)
    x1b, y1b, x2b, y2b = _parts(boxes2)
    w1, h1 = x2a - x1a, y2a - y1a + _EPSILON
    w2, h2 = x2b - x1b, y2b - y1b + _EPSILON
    inter = ops.maximum(ops.minimum(x2a, x2b) - ops.maximum(x1a, x1b), 0.0) * ops.maximum(
        ops.minimum(y2a, y2b) - ops.maximum(y1a, y1b), 0.0
    )
    union = w1 * h1 + w2 * h2 - inter + _EPSILON
    iou = ops.squeeze(inter / (union + _EPSILON), axis=-1)
    cw = ops.maximum(x2a, x2b) - ops.minimum(x1a, x1b)
    ch = ops.maximum(y2a, y2b) - ops.minimum(y1a, y1b)
    diag2 = ops.squeeze(cw**2 + ch**2 + _EPSILON, axis=-1)
    dist2 = ops.squeeze(
        ((x1a + x2a) / 2 - (x1b + x2b) / 2) ** 2 + ((y1a + y2a) / 2 - (y1b + y2b) / 2) ** 2, axis=-1
    )
    v = ops.squeeze((4 / math.pi**2) * (ops.arctan(w2 / h2) - ops.arctan(w1 / h1)) ** 2, axis=-1)
    alpha = v / (v - iou + (1 + _EPSILON))
    return iou - (dist2 / diag2 + v * alpha)
