"""Probabilistic and hinge metrics: cross-entropies, KL divergence, Poisson, hinge losses as metrics."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.losses.hinge import categorical_hinge, hinge, squared_hinge
from tensorflux.keras.losses.probabilistic import (
    binary_crossentropy,
    categorical_crossentropy,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
)
from tensorflux.keras.metrics.reduction_metrics import MeanMetricWrapper


class BinaryCrossentropy(MeanMetricWrapper):
    """Mean binary cross-entropy between labels and predictions.

    >>> m = BinaryCrossentropy()
    >>> m.update_state([[0.0, 1.0]], [[0.4, 0.6]])
    >>> round(float(m.result()), 5)
    0.51083
    """

    def __init__(
        self,
        name: str = "binary_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0,
    ) -> None:
        super().__init__(
            binary_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self._direction = "down"

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
        }


class CategoricalCrossentropy(MeanMetricWrapper):
    """Mean categorical cross-entropy between one-hot labels and predictions.

    >>> m = CategoricalCrossentropy()
    >>> m.update_state([[0.0, 1.0]], [[0.1, 0.9]])
    >>> round(float(m.result()), 5)
    0.10536
    """

    def __init__(
        self,
        name: str = "categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0,
        axis: int = -1,
    ) -> None:
        super().__init__(
            categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self._direction = "down"

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Mean sparse categorical cross-entropy between integer labels and predictions.

    >>> m = SparseCategoricalCrossentropy()
    >>> m.update_state([1], [[0.1, 0.9]])
    >>> round(float(m.result()), 5)
    0.10536
    """

    def __init__(
        self,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        ignore_class: Any = None,
        axis: int = -1,
    ) -> None:
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis
        self._direction = "down"

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "ignore_class": self.ignore_class,
            "axis": self.axis,
        }


class KLDivergence(MeanMetricWrapper):
    """Mean Kullback-Leibler divergence.

    >>> m = KLDivergence()
    >>> m.update_state([[0.5, 0.5]], [[0.5, 0.5]])
    >>> round(float(m.result()), 5)
    0.0
    """

    def __init__(self, name: str = "kl_divergence", dtype: Any = None) -> None:
        super().__init__(kl_divergence, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class Poisson(MeanMetricWrapper):
    """Mean Poisson loss.

    >>> m = Poisson()
    >>> m.update_state([[1.0]], [[1.0]])
    >>> round(float(m.result()), 5)
    1.0
    """

    def __init__(self, name: str = "poisson", dtype: Any = None) -> None:
        super().__init__(poisson, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class Hinge(MeanMetricWrapper):
    """Mean hinge loss.

    >>> m = Hinge()
    >>> m.update_state([[1.0]], [[0.25]])
    >>> round(float(m.result()), 5)
    0.75
    """

    def __init__(self, name: str = "hinge", dtype: Any = None) -> None:
        super().__init__(hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class SquaredHinge(MeanMetricWrapper):
    """Mean squared hinge loss.

    >>> m = SquaredHinge()
    >>> m.update_state([[1.0]], [[0.5]])
    >>> round(float(m.result()), 5)
    0.25
    """

    def __init__(self, name: str = "squared_hinge", dtype: Any = None) -> None:
        super().__init__(squared_hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class CategoricalHinge(MeanMetricWrapper):
    """Mean categorical hinge loss.

    >>> m = CategoricalHinge()
    >>> m.update_state([[0.0, 1.0]], [[0.2, 0.9]])
    >>> round(float(m.result()), 5)
    0.3
    """

    def __init__(self, name: str = "categorical_hinge", dtype: Any = None) -> None:
        super().__init__(categorical_hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}
