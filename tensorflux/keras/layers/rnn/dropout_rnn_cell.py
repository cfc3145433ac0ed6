"""DropoutRNNCell: the dropout masks of a recurrent cell, drawn once per sequence and reused at every step."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.ops import array_ops, dropout_ops


class DropoutRNNCell:
    """Mixin for cells with ``dropout`` / ``recurrent_dropout``: one mask per sequence, as Keras.

    A mask is ``dropout(ones_like(step_input))`` (0 or ``1 / (1 - rate)``); with
    ``dropout_mask_count`` set (LSTM's 4 gates, GRU's 3) a list of independent masks.
    The RNN layer resets the masks after each sequence.
    """

    dropout: float = 0.0
    recurrent_dropout: float = 0.0
    seed: Any = None

    def _create_dropout_mask(self, step_input: Tensor, rate: float) -> Any:
        ones = array_ops.ones_like(step_input)

        def draw() -> Tensor:
            return (
                array_ops.zeros_like(step_input)
                if rate >= 1.0
                else dropout_ops.dropout(ones, rate, seed=self.seed)
            )

        count = getattr(self, "dropout_mask_count", None)
        return draw() if count is None else [draw() for _ in range(count)]

    def get_dropout_mask(self, step_input: Tensor) -> Any:
        """The input mask of this sequence (created on first use), or None without dropout."""
        if getattr(self, "_dropout_mask", None) is None and self.dropout > 0:
            self._dropout_mask = self._create_dropout_mask(step_input, self.dropout)
        return getattr(self, "_dropout_mask", None)

    def get_recurrent_dropout_mask(self, step_input: Tensor) -> Any:
        """The state mask of this sequence (created on first use), or None without recurrent dropout."""
        if getattr(self, "_recurrent_dropout_mask", None) is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._create_dropout_mask(step_input, self.recurrent_dropout)
        return getattr(self, "_recurrent_dropout_mask", None)

    def reset_dropout_mask(self) -> None:
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self) -> None:
        self._recurrent_dropout_mask = None
