"""``CTC``: connectionist temporal classification loss with label padding 0 (also the blank class)."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.losses._util import to_tensor
from tensorflux.keras.losses.loss import Loss
from tensorflux.keras.losses.loss_function_wrapper import LossFunctionWrapper


def ctc(y_true: Any, y_pred: Any) -> Tensor:
    """Per-sample CTC loss of labels ``(batch, max_length)`` (0 pads) and logits ``(batch, time, classes)``.

    Every sample uses the full time length; a label's length is its count of non-zero entries.

    >>> round(float(ctc([[1]], [[[0.0, 0.0], [0.0, 0.0]]])[0]), 4)
    0.2877
    """
    # keras.ops.nn and keras.activations import each other; loading activations first avoids the cycle
    from tensorflux.keras import activations, ops  # noqa: F401

    y_true, y_pred = to_tensor(y_true), to_tensor(y_pred)
    if y_true._value.ndim != 2:
        raise ValueError(
            "ctc: targets `y_true` are expected to be a tensor of shape `(batch_size, max_length)` "
            f"in integer format. Received: y_true.shape={tuple(y_true._value.shape)}"
        )
    if y_pred._value.ndim != 3:
        raise ValueError(
            "ctc: logits `y_pred` are expected to be a tensor of shape "
            f"`(batch_size, max_length, num_classes)`. Received: y_pred.shape={tuple(y_pred._value.shape)}"
        )
    i32 = B.native_dtype("int32")
    batch, steps = (int(d) for d in y_pred._value.shape[:2])
    input_length = B.full((batch,), steps, i32)
    label_length = B.cast(B.sum(y_true._value != 0, -1, False), i32)
    return ops.ctc_loss(y_true, y_pred, Tensor(label_length), Tensor(input_length), mask_index=0)


class CTC(LossFunctionWrapper):
    """CTC loss between integer label sequences and per-step logits.

    >>> round(float(CTC()([[1]], [[[0.0, 0.0], [0.0, 0.0]]])), 4)
    0.2877
    """

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "ctc", dtype: Any = None) -> None:
        super().__init__(ctc, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return Loss.get_config(self)
