"""MaxNumBoundingBoxes: pad or truncate the bounding boxes of a detection batch to a fixed count."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import array_ops as A


class MaxNumBoundingBoxes(Layer):
    """Give every image exactly ``max_number`` bounding boxes (Keras 3's bounding-box layer).

    Called on ``{"images": ..., "bounding_boxes": {"boxes": ..., "labels": ...}}`` it keeps the
    first ``max_number`` boxes ``(batch, n, 4)`` and labels ``(batch, n)`` and pads the rest with
    ``fill_value``; images (and any other entry) pass through unchanged. Unbatched boxes ``(n, 4)``
    with labels ``(n,)`` work too. Called on a plain image tensor it returns it unchanged.

    Args:
        max_number: the number of boxes each image gets.
        fill_value: the value of padded boxes and labels (default -1).
        **kwargs: base layer arguments, and Keras' ``bounding_box_format`` (required, as in Keras, when
            boxes are given; boxes are not converted, so any format works) and ``data_format``.

    >>> layer = MaxNumBoundingBoxes(max_number=3, bounding_box_format="xyxy")
    >>> out = layer({"images": [[[[0.0]]]], "bounding_boxes": {"boxes": [[[1, 2, 3, 4]]], "labels": [[7]]}})
    >>> out["bounding_boxes"]["labels"].numpy().tolist()
    [[7, -1, -1]]
    """

    def __init__(self, max_number: int, fill_value: int = -1, **kwargs: Any) -> None:
        self.bounding_box_format = kwargs.pop("bounding_box_format", None)
        self.data_format = kwargs.pop("data_format", None)
        super().__init__(**kwargs)
        if isinstance(max_number, bool) or int(max_number) != max_number or int(max_number) < 0:
            raise ValueError(
                "MaxNumBoundingBoxes: max_number must be a non-negative integer. "
                f"Received: max_number={max_number!r}"
            )
        self.max_number = int(max_number)
        self.fill_value = int(fill_value)

    def _fit(self, x: Any, rank: int, name: str) -> Tensor:
        x = x if isinstance(x, Tensor) else convert_to_tensor(x)
        if x.ndim not in (rank - 1, rank):
            raise ValueError(
                f"MaxNumBoundingBoxes: bounding_boxes['{name}'] must have rank {rank} (batched) or "
                f"{rank - 1} (one image); received shape {tuple(x.shape)}."
            )
        axis = x.ndim - rank + 1  # the boxes axis: 1 for a batch, 0 for one image
        n = int(x.shape[axis])
        k = self.max_number
        if n > k:
            x = x[:, :k] if axis == 1 else x[:k]
        elif n < k:
            pads = [(0, 0)] * x.ndim
            pads[axis] = (0, k - n)
            x = A.pad(x, pads, constant_values=A.cast(self.fill_value, x.dtype))
        return x

    def call(self, inputs: Any) -> Any:
        if not isinstance(inputs, dict):
            return inputs
        out = dict(inputs)
        boxes_in = inputs.get("bounding_boxes")
        if boxes_in is None:
            return out
        if self.bounding_box_format is None:
            raise ValueError(
                "MaxNumBoundingBoxes: the input has a 'bounding_boxes' key but the layer has no "
                "bounding_box_format; pass one, e.g. "
                "MaxNumBoundingBoxes(max_number, bounding_box_format='xyxy')."
            )
        extra = set(boxes_in) - {"boxes", "labels"}
        if extra or "boxes" not in boxes_in:
            raise ValueError(
                "MaxNumBoundingBoxes: bounding_boxes must be a dict with 'boxes' (and 'labels'); "
                f"received keys {sorted(boxes_in)}."
            )
        boxes = dict(boxes_in)
        raw = boxes_in["boxes"]
        raw = raw if isinstance(raw, Tensor) else convert_to_tensor(raw)
        if raw.ndim == 0 or int(raw.shape[-1]) != 4:
            raise ValueError(
                "MaxNumBoundingBoxes: bounding_boxes['boxes'] must end in 4 coordinates; received shape "
                f"{tuple(raw.shape)}."
            )
        boxes["boxes"] = self._fit(raw, 3, "boxes")
        if "labels" in boxes_in:
            boxes["labels"] = self._fit(boxes_in["labels"], 2, "labels")
        out["bounding_boxes"] = boxes
        return out

    def compute_output_shape(self, input_shape: Any) -> Any:
        if not (isinstance(input_shape, dict) and "bounding_boxes" in input_shape):
            return input_shape
        shapes = dict(input_shape)
        boxes = dict(shapes["bounding_boxes"])
        for key in ("boxes", "labels"):
            if key in boxes:
                s = list(boxes[key])
                s[1 if len(s) == (3 if key == "boxes" else 2) else 0] = self.max_number
                boxes[key] = tuple(s)
        shapes["bounding_boxes"] = boxes
        return shapes

    def get_config(self) -> dict[str, Any]:
        # Keras stores only max_number; fill_value is kept too so that a round trip keeps the padding
        return {
            **super().get_config(),
            "max_number": self.max_number,
            "fill_value": self.fill_value,
            "bounding_box_format": self.bounding_box_format,
            "data_format": self.data_format,
        }
