"""``keras.dtype_policies``: dtype policies, maps of them by layer path, and their (de)serialization.

``DTypePolicy`` is the class of ``keras.mixed_precision`` (tensorflux/keras/engine/dtype_policy.py);
``FloatDTypePolicy`` is Keras' alias of it. Quantized policies (int8, float8, int4, GPTQ, AWQ)
exist by name, but tensorflux has no quantized kernels: constructing one raises
NotImplementedError.

>>> from tensorflux.keras import dtype_policies
>>> dtype_policies.get("mixed_float16").compute_dtype
'float16'
"""

from __future__ import annotations

import re
from collections.abc import Iterator, MutableMapping
from typing import Any

from tensorflux.framework import dtypes as _dt
from tensorflux.keras.engine.dtype_policy import DTypePolicy, dtype_policy

__all__ = [
    "AWQDTypePolicy",
    "DTypePolicy",
    "DTypePolicyMap",
    "FloatDTypePolicy",
    "GPTQDTypePolicy",
    "Int4DTypePolicy",
    "QuantizedDTypePolicy",
    "QuantizedFloat8DTypePolicy",
    "deserialize",
    "get",
    "serialize",
]

QUANTIZATION_MODES = ("int8", "float8", "int4", "gptq", "awq")


class FloatDTypePolicy(DTypePolicy):
    """Keras' alias of ``DTypePolicy`` (a float or mixed policy), kept for old code and configs.

    >>> FloatDTypePolicy("float16") == DTypePolicy("float16")
    True
    """


class QuantizedDTypePolicy(DTypePolicy):
    """A quantized policy (``"int8_from_float32"``); not supported: construction raises.

    Args:
        mode: the quantization mode (``"int8"``, ``"float8"``, ``"int4/<block>"``, ...).
        source_name: the policy of the un-quantized computations; None: the global policy.

    >>> QuantizedDTypePolicy("int8")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    NotImplementedError: ...
    """

    def __init__(self, mode: Any, source_name: Any = None, **kwargs: Any) -> None:
        raise NotImplementedError(
            f"{type(self).__name__}(mode={mode!r}): tensorflux does not support quantization (it has "
            "no int8/float8/int4 kernels). Use a float policy such as 'float32' or 'mixed_float16'."
        )


class QuantizedFloat8DTypePolicy(QuantizedDTypePolicy):
    """Keras' float8 quantized policy; not supported (construction raises NotImplementedError)."""

    default_amax_history_length = 1024

    def __init__(self, mode: Any, source_name: Any = None, amax_history_length: int = 1024) -> None:
        super().__init__(mode, source_name)


class Int4DTypePolicy(QuantizedDTypePolicy):
    """Keras' int4 sub-channel quantized policy; not supported (construction raises)."""


class GPTQDTypePolicy(QuantizedDTypePolicy):
    """Keras' GPTQ quantized policy; not supported (construction raises)."""


class AWQDTypePolicy(QuantizedDTypePolicy):
    """Keras' AWQ quantized policy; not supported (construction raises)."""


class DTypePolicyMap(DTypePolicy, MutableMapping):  # type: ignore[misc]
    """Policies by layer path (exact path, else one regex full match), with a default policy.

    The map itself acts as its default policy (``compute_dtype`` etc.). tensorflux layers given a
    map as ``dtype`` use its default policy; Keras' per-path lookup is for quantized sub-layers,
    which tensorflux does not have.

    Args:
        default_policy: the policy for paths not in the map; None: ``keras.config.dtype_policy()``
            at the time of use.
        policy_map: a dict from layer paths (or regex patterns) to policies.

    >>> m = DTypePolicyMap("float32")
    >>> m["encoder/.*"] = "float16"
    >>> m["encoder/dense"].name, m["decoder"].name
    ('float16', 'float32')
    """

    def __init__(self, default_policy: Any = None, policy_map: dict[str, Any] | None = None) -> None:
        if isinstance(default_policy, DTypePolicyMap):
            raise ValueError("`default_policy` cannot be a `DTypePolicyMap`.")
        if policy_map is not None and not isinstance(policy_map, dict):
            raise TypeError(
                "If specified, `policy_map` must be a dict. "
                f"Received: policy_map={policy_map} of type {type(policy_map)}"
            )
        self._default_policy_arg = default_policy
        self._default_policy = None if default_policy is None else get(default_policy)
        self._policy_map: dict[str, DTypePolicy] = {}
        for k, v in (policy_map or {}).items():
            self[k] = v

    @property  # type: ignore[override]
    def name(self) -> str:
        return f"map_{self.default_policy.name}"

    @property
    def default_policy(self) -> DTypePolicy:
        """The policy for paths the map does not hold (the global policy when none was given)."""
        return self._default_policy if self._default_policy is not None else dtype_policy()

    # Layers read these three directly.
    @property
    def _compute(self) -> str:  # type: ignore[override]
        return self.default_policy.compute_dtype

    @property
    def _variable(self) -> str:  # type: ignore[override]
        return self.default_policy.variable_dtype

    @property
    def _mixed(self) -> bool:  # type: ignore[override]
        return bool(self.default_policy._mixed)

    @property
    def quantization_mode(self) -> None:
        return self.default_policy.quantization_mode

    def __getitem__(self, key: str) -> DTypePolicy:
        if key in self._policy_map:
            return self._policy_map[key]
        matches = [p for p in self._policy_map if re.fullmatch(p, key)]
        if len(matches) > 1:
            raise ValueError(
                f"Path '{key}' matches multiple dtype policy specification keys: {matches}. Make sure "
                "each path matches at most one key of the DTypePolicyMap."
            )
        return self._policy_map[matches[0]] if matches else self.default_policy

    def __setitem__(self, key: str, policy: Any) -> None:
        if key in self._policy_map:
            raise ValueError(
                f"{key} already exists in the DTypePolicyMap with value {self._policy_map[key]}. "
                "Do not use duplicated keys (delete the entry first to replace it)."
            )
        try:
            policy = get(policy)
        except (TypeError, ValueError):
            raise ValueError(
                "Cannot interpret the assigned value by `keras.dtype_policies.get`. "
                f"Received: {policy!r} of type {type(policy)}"
            ) from None
        self._policy_map[key] = policy

    def __delitem__(self, key: str) -> None:
        del self._policy_map[key]

    def __contains__(self, key: object) -> bool:
        return key in self._policy_map

    def __len__(self) -> int:
        return len(self._policy_map)

    def __iter__(self) -> Iterator[str]:
        return iter(self._policy_map)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, DTypePolicyMap)
            and other._default_policy_arg == self._default_policy_arg
            and other._policy_map == self._policy_map
        )

    __hash__ = None  # type: ignore[assignment]  (mutable)

    def get_config(self) -> dict[str, Any]:
        default = self._default_policy_arg
        return {
            "default_policy": serialize(default) if isinstance(default, DTypePolicy) else default,
            "policy_map": {k: serialize(v) for k, v in self._policy_map.items()},
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> DTypePolicyMap:
        config = dict(config)
        default = config.get("default_policy")
        if isinstance(default, dict):
            config["default_policy"] = deserialize(default, custom_objects)
        config["policy_map"] = {
            k: deserialize(v, custom_objects) for k, v in (config.get("policy_map") or {}).items()
        }
        return cls(**config)

    def __repr__(self) -> str:
        default = self._default_policy.name if self._default_policy is not None else None
        mapping = [(k, v.name) for k, v in self._policy_map.items()]
        return f"<DTypePolicyMap at {hex(id(self))} default_policy={default}, mapping={mapping}>"


ALL_OBJECTS_DICT: dict[str, type] = {
    c.__name__: c
    for c in (
        DTypePolicy,
        FloatDTypePolicy,
        DTypePolicyMap,
        QuantizedDTypePolicy,
        QuantizedFloat8DTypePolicy,
        Int4DTypePolicy,
        GPTQDTypePolicy,
        AWQDTypePolicy,
    )
}


def serialize(dtype_policy: DTypePolicy) -> dict[str, Any]:
    """A policy's config in Keras 3's nested format.

    >>> serialize(DTypePolicy("mixed_float16"))["config"]
    {'name': 'mixed_float16'}
    """
    if not isinstance(dtype_policy, DTypePolicy):
        raise TypeError(
            f"keras.dtype_policies.serialize expects a DTypePolicy. Received: {dtype_policy!r} "
            f"of type {type(dtype_policy)}"
        )
    cls = type(dtype_policy)
    if cls.__name__ not in ALL_OBJECTS_DICT or ALL_OBJECTS_DICT[cls.__name__] is not cls:
        from tensorflux.keras.saving import serialize_keras_object

        return serialize_keras_object(dtype_policy)  # a user's subclass: registered name and module
    return {
        "module": "keras.dtype_policies" if cls is DTypePolicyMap else "keras",
        "class_name": cls.__name__,
        "config": dtype_policy.get_config(),
        "registered_name": None,
    }


def deserialize(config: Any, custom_objects: Any = None) -> DTypePolicy:
    """The policy described by ``config`` (from ``serialize``).

    >>> deserialize({"class_name": "DTypePolicy", "config": {"name": "float16"}}).name
    'float16'
    """
    from tensorflux.keras.saving import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects=custom_objects, module_objects=ALL_OBJECTS_DICT)


def get(identifier: Any) -> DTypePolicy:
    """A policy from None (the global policy), a name, a config dict, a dtype, or a policy.

    >>> get("float16").variable_dtype
    'float16'
    """
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier.startswith(QUANTIZATION_MODES):
            mode, _, source = identifier.partition("_from_")
            return QuantizedDTypePolicy(mode, source or None)  # raises: no quantization here
        return DTypePolicy(identifier)
    try:
        return DTypePolicy(_dt.as_dtype(identifier).name)
    except (TypeError, ValueError):
        raise ValueError(
            "Cannot interpret `dtype` argument. Expected a string or an instance of DTypePolicy. "
            f"Received: dtype={identifier!r}"
        ) from None
