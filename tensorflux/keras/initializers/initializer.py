"""Initializer: the base class of weight initializers (``initializer(shape, dtype)``)."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import dtypes as _dt
from tensorflux.framework.config import floatx


class Initializer:
    """A callable ``(shape, dtype=None) -> Tensor`` with a config.

    >>> class Halves(Initializer):
    ...     def __call__(self, shape, dtype=None):
    ...         import tensorflux as tf
    ...         return tf.fill(shape, 0.5)
    >>> Halves()((2,)).numpy().tolist()
    [0.5, 0.5]
    """

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        raise NotImplementedError(
            f"Initializer subclasses must implement __call__(); {type(self).__name__} does not."
        )

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Initializer:
        return cls(**config)

    def clone(self) -> Initializer:
        return type(self).from_config(self.get_config())

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _dtype(dtype: Any) -> _dt.DType:
    return _dt.as_dtype(dtype if dtype is not None else floatx())


def _shape(shape: Any) -> tuple[int, ...]:
    if isinstance(shape, int):
        return (shape,)
    return tuple(int(d) for d in shape)
