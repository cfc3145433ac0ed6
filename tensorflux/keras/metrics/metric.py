"""``Metric``: the base class of stateful metrics (``update_state``, ``result``, ``reset_state``)."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import dtypes as _dt
from tensorflux.framework.config import floatx
from tensorflux.framework.variables import Variable
from tensorflux.keras.losses.loss import _auto_name


class Metric:
    """Encapsulates metric logic and state; state lives in non-trainable variables.

    Subclasses create their state with ``add_variable`` in ``__init__`` (or lazily on the first
    ``update_state``), accumulate in ``update_state`` and compute the value in ``result``.

    >>> class Count(Metric):
    ...     def __init__(self, name="count"):
    ...         super().__init__(name=name)
    ...         self.n = self.add_variable((), "zeros", name="n")
    ...     def update_state(self, values, sample_weight=None):
    ...         self.n.assign_add(float(len(values)))
    ...     def result(self):
    ...         return self.n.value()
    >>> c = Count()
    >>> c.update_state([1, 2, 3])
    >>> float(c.result())
    3.0
    """

    def __init__(self, dtype: Any = None, name: str | None = None) -> None:
        self.name = name or _auto_name(type(self).__name__)
        self._dtype = dtype or floatx()
        self._variables: list[Variable] = []
        self._metrics: list[Metric] = []

    @property
    def dtype(self) -> str:
        return self._dtype  # type: ignore[no-any-return]

    def add_variable(
        self,
        shape: Any,
        initializer: Any,
        dtype: Any = None,
        aggregation: str = "sum",
        name: str | None = None,
    ) -> Variable:
        """A non-trainable state variable of ``shape`` filled by ``initializer`` (``"zeros"`` or a number)."""
        if not hasattr(self, "_variables"):
            raise RuntimeError(
                f"In metric {type(self).__name__}, call super().__init__() before add_variable."
            )
        native = _dt.as_dtype(dtype or self._dtype)._native
        shape = tuple(shape) if isinstance(shape, (list, tuple)) else (() if shape is None else (int(shape),))
        fill = _initial_value(initializer)
        v = Variable(B.full(shape, fill, native), trainable=False, name=name or "variable")
        v.path = f"{self.name}/{v._name}"
        self._variables.append(v)
        return v

    def add_weight(
        self, shape: Any = (), initializer: Any = None, dtype: Any = None, name: str | None = None
    ) -> Variable:
        return self.add_variable(shape, initializer or "zeros", dtype=dtype, name=name)

    @property
    def variables(self) -> list[Variable]:
        out = list(self._variables)
        for m in self._metrics:
            out.extend(m.variables)
        return out

    def reset_state(self) -> None:
        for v in self.variables:
            v.assign(B.zeros(v._value.shape, v._value.dtype))

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(f"Metric {type(self).__name__} must implement update_state.")

    def result(self) -> Any:
        raise NotImplementedError(f"Metric {type(self).__name__} must implement result.")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


def _initial_value(initializer: Any) -> float:
    if initializer is None or initializer == "zeros" or type(initializer).__name__ == "Zeros":
        return 0.0
    if initializer == "ones" or type(initializer).__name__ == "Ones":
        return 1.0
    if isinstance(initializer, (int, float)):
        return float(initializer)
    value = getattr(initializer, "value", None)
    if isinstance(value, (int, float)):
        return float(value)
    raise ValueError(
        f"Metric.add_variable: unsupported initializer {initializer!r}; use 'zeros', 'ones' or a number."
    )
