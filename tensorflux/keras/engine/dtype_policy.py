"""DTypePolicy: the compute and variable dtypes of a layer (``"float32"``, ``"mixed_float16"``).

The global policy (``keras.mixed_precision.set_global_policy``) is what layers created without a
``dtype`` take; while none is set it follows ``keras.backend.floatx()``.
"""

from __future__ import annotations

from typing import Any

from tensorflux.framework import dtypes as _dt
from tensorflux.framework.config import floatx

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}
# The policy set with set_dtype_policy; None: follow floatx().
_GLOBAL: list[DTypePolicy | None] = [None]
_BY_FLOATX: dict[str, DTypePolicy] = {}


def _bfloat16_supported() -> bool:
    # A backend without a bfloat16 type stores it as float32 (NumPy, CuPy).
    return _dt.bfloat16._native != _dt.float32._native


class DTypePolicy:
    """A layer's dtypes: computations in ``compute_dtype``, weights in ``variable_dtype``.

    Args:
        name: a float dtype name (``"float32"``: both dtypes), ``"mixed_float16"`` (float16
            computations, float32 variables) or ``"mixed_bfloat16"``; None: the global policy.

    >>> DTypePolicy("mixed_float16").compute_dtype
    'float16'
    """

    name: str

    def __init__(self, name: Any = None) -> None:
        if name is None:
            name = dtype_policy().name
        if name in _MIXED:
            if name == "mixed_bfloat16" and not _bfloat16_supported():
                raise ValueError(
                    "DTypePolicy 'mixed_bfloat16' is not supported by this backend: NumPy and CuPy "
                    "have no bfloat16 type, so the computations would silently run in float32. Use "
                    "'mixed_float16' (float16 computations, float32 variables) or 'float32'."
                )
            self._compute, self._variable = _MIXED[name], "float32"
        else:
            try:
                self._compute = self._variable = _dt.as_dtype(name).name
            except (TypeError, ValueError):
                raise ValueError(
                    f"Cannot convert {name!r} to a dtype policy: use a dtype name such as 'float32', "
                    "or 'mixed_float16'."
                ) from None
        self.name = name if name in _MIXED else self._compute
        # Layers read their float variables as the compute dtype inside call() when this holds.
        self._mixed = self._compute != self._variable

    @property
    def compute_dtype(self) -> str:
        """The dtype of the layer's computations and outputs (``"float16"`` for mixed_float16)."""
        return self._compute

    @property
    def variable_dtype(self) -> str:
        """The dtype the layer creates its weights in (``"float32"`` for mixed_float16)."""
        return self._variable

    @property
    def quantization_mode(self) -> None:
        return None

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


Policy = DTypePolicy  # tf.keras 2's name


def set_dtype_policy(policy: Any) -> None:
    """Set the policy of layers created from now on without a ``dtype``.

    Args:
        policy: a policy name (``"mixed_float16"``, ``"float32"``) or a ``DTypePolicy``; None
            (tf.keras 2) goes back to following ``floatx()``.

    >>> set_dtype_policy("mixed_float16")
    >>> dtype_policy().compute_dtype
    'float16'
    >>> set_dtype_policy("float32")
    """
    if policy is not None and not isinstance(policy, DTypePolicy):
        if not isinstance(policy, str):
            raise ValueError(
                "Invalid `policy` argument. Expected the string name of a policy (such as "
                f"'mixed_float16') or a `DTypePolicy` instance. Received: policy={policy!r} "
                f"(of type {type(policy)})"
            )
        policy = DTypePolicy(policy)
    _GLOBAL[0] = policy


def dtype_policy() -> DTypePolicy:
    """The global policy: the one set with ``set_dtype_policy``, else ``DTypePolicy(floatx())``.

    >>> dtype_policy().name
    'float32'
    """
    policy = _GLOBAL[0]
    if policy is not None:
        return policy
    name = floatx()
    policy = _BY_FLOATX.get(name)
    if policy is None:
        policy = _BY_FLOATX[name] = DTypePolicy(name)
    return policy


def get(identifier: Any) -> DTypePolicy:
    """A policy from None (the global policy), a name, a DType, a policy or its serialized dict.

    >>> get({"class_name": "DTypePolicy", "config": {"name": "mixed_float16"}}).variable_dtype
    'float32'
    """
    if identifier is None:
        return dtype_policy()
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
