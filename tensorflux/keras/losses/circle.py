"""Circle loss (Sun et al., 2020) for metric learning on L2-normalized embeddings."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.losses._util import to_tensor
from tensorflux.keras.losses.loss import Loss
from tensorflux.keras.losses.loss_function_wrapper import LossFunctionWrapper


def _labels_column(x: Tensor) -> Tensor:
    x = P.unary(P.cast, x, dtype=B.native_dtype("int32"))
    return P.unary(P.reshape, x, shape=(-1, 1)) if x._value.ndim == 1 else x


def circle(
    y_true: Any,
    y_pred: Any,
    ref_labels: Any = None,
    ref_embeddings: Any = None,
    remove_diagonal: bool = True,
    gamma: float = 80,
    margin: float = 0.4,
) -> Tensor:
    """Per-sample Circle loss between integer labels and L2-normalized embeddings.

    Pairs of samples with the same label are positives, others negatives; each pair's cosine distance is
    weighted by how far it is from its optimum, and the loss is ``softplus(logsumexp(pos) +
    logsumexp(neg))`` per row. ``ref_labels``/``ref_embeddings`` default to the batch itself, and
    ``remove_diagonal`` drops each sample's pairing with itself.

    >>> round(float(circle([0, 0, 1], [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]], gamma=1.0)[0]), 4)
    0.5459
    """
    y_pred = to_tensor(y_pred)
    if y_pred._value.dtype.kind != "f":
        y_pred = P.unary(P.cast, y_pred, dtype=B.native_dtype("float32"))
    if y_pred._value.ndim != 2:
        raise ValueError(
            f"circle: y_pred must be 2D embeddings of shape (batch, dim); received shape "
            f"{tuple(y_pred._value.shape)}."
        )
    labels = _labels_column(to_tensor(y_true))
    ref_emb = y_pred if ref_embeddings is None else to_tensor(ref_embeddings, y_pred._value.dtype)
    ref_lab = labels if ref_labels is None else _labels_column(to_tensor(ref_labels))
    margin, gamma = float(margin), float(gamma)
    dist = 1.0 - P.binary(P.matmul, y_pred, P.unary(P.transpose, ref_emb, perm=(1, 0)))
    dist = P.binary(P.maximum, dist, 0.0)
    pos = P.binary(P.equal, labels, P.unary(P.transpose, ref_lab, perm=(1, 0)))
    neg = P.unary(P.logical_not, pos)
    if remove_diagonal:
        n, m = labels._value.shape[0], ref_lab._value.shape[0]
        pos = P.binary(P.logical_and, pos, Tensor(~B.eye(n, m, dtype=B.native_dtype("bool"))))
    fpos = P.unary(P.cast, pos, dtype=dist._value.dtype)
    fneg = P.unary(P.cast, neg, dtype=dist._value.dtype)
    pos_w = P.binary(P.maximum, (dist + margin) * fpos, 0.0)
    neg_w = P.binary(P.maximum, ((1.0 + margin) - dist) * fneg, 0.0)
    pos_d = pos_w * (margin - dist) * -gamma
    neg_d = neg_w * ((1.0 - margin) - dist) * gamma
    ninf = P.constant_like(float("-inf"), dist)
    p_loss = P.unary(P.logsumexp, P.bind(P.where, (pos, pos_d, ninf), {}), axis=1, keepdims=False)
    n_loss = P.unary(P.logsumexp, P.bind(P.where, (neg, neg_d, ninf), {}), axis=1, keepdims=False)
    return P.unary(P.softplus, p_loss + n_loss)


class Circle(LossFunctionWrapper):
    """Circle loss over a batch of integer labels and L2-normalized embeddings.

    Rows whose loss is exactly 0 are masked out of the mean, as in Keras.

    >>> round(float(Circle(gamma=1.0)([0, 0, 1], [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])), 4)
    0.5459
    """

    def __init__(
        self,
        gamma: float = 80.0,
        margin: float = 0.4,
        remove_diagonal: bool = True,
        reduction: Any = "sum_over_batch_size",
        name: str = "circle",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            circle,
            name=name,
            reduction=reduction,
            dtype=dtype,
            gamma=gamma,
            margin=margin,
            remove_diagonal=remove_diagonal,
        )
        self.gamma = gamma
        self.margin = margin
        self.remove_diagonal = remove_diagonal

    def _call_with_mask(self, y_true: Any, y_pred: Any) -> tuple[Tensor, Any]:
        # labels are integers: pass them through without the float cast and rank matching of the wrapper
        values = circle(y_true, y_pred, **self._fn_kwargs)
        return values, P.binary(P.greater, values, 0.0)

    def get_config(self) -> dict[str, Any]:
        return {
            **Loss.get_config(self),
            "gamma": self.gamma,
            "margin": self.margin,
            "remove_diagonal": self.remove_diagonal,
        }
