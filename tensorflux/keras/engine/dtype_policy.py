"""DTypePolicy: the compute and variable dtypes of a layer (``"float32"``, ``"mixed_float16"``)."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import dtypes as _dt
from tensorflux.framework.config import floatx

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}


class DTypePolicy:
    """A layer's dtypes: computations in ``compute_dtype``, weights in ``variable_dtype``.

    >>> DTypePolicy("mixed_float16").compute_dtype
    'float16'
    """

    def __init__(self, name: str | None = None) -> None:
        name = floatx() if name is None else name
        if name in _MIXED:
            self._compute, self._variable = _MIXED[name], "float32"
        else:
            try:
                self._compute = self._variable = _dt.as_dtype(name).name
            except TypeError:
                raise ValueError(
                    f"Cannot convert {name!r} to a dtype policy: use a dtype name such as 'float32', "
                    "or 'mixed_float16' / 'mixed_bfloat16'."
                ) from None
        self.name = name if name in _MIXED else self._compute

    @property
    def compute_dtype(self) -> str:
        return self._compute

    @property
    def variable_dtype(self) -> str:
        return self._variable

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> DTypePolicy:
        return cls(**config)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DTypePolicy) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f'<DTypePolicy "{self.name}">'


def get(identifier: Any) -> DTypePolicy:
    """A policy from None (floatx), a name, a DType, a policy or its serialized dict."""
    if identifier is None:
        return DTypePolicy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        cfg = identifier.get("config", identifier)
        return DTypePolicy(cfg.get("name"))
    if isinstance(identifier, _dt.DType):
        return DTypePolicy(identifier.name)
    if isinstance(identifier, str):
        return DTypePolicy(identifier)
    return DTypePolicy(_dt.as_dtype(identifier).name)


def serialize(policy: DTypePolicy) -> dict[str, Any]:
    """Keras 3's nested form: ``{"module": "keras", "class_name": "DTypePolicy", ...}``."""
    return {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": {"name": policy.name},
        "registered_name": None,
    }
