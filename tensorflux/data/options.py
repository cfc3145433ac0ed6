"""``tf.data.Options``: accepted and carried along a pipeline; few of them change behaviour here.

``deterministic`` is honoured trivially (every transformation here keeps order); the thread and
autotune settings are recorded so that code written for TensorFlow runs unchanged.
"""

from __future__ import annotations

import enum
from typing import Any


class AutoShardPolicy(enum.IntEnum):
    """How a distributed input pipeline is sharded (accepted for compatibility)."""

    OFF = -1
    AUTO = 0
    FILE = 1
    DATA = 2
    HINT = 3


class _OptionGroup:
    """A bag of named options with defaults; remembers which ones were set explicitly."""

    _defaults: dict[str, Any] = {}

    def __init__(self) -> None:
        object.__setattr__(self, "_values", {})

    def __getattr__(self, name: str) -> Any:
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        defaults = type(self)._defaults
        if name in defaults:
            default = defaults[name]
            if isinstance(default, type) and issubclass(default, _OptionGroup):
                group = default()
                values[name] = group
                return group
            return default
        raise AttributeError(f"{type(self).__name__} has no option {name!r}.")

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in type(self)._defaults:
            raise AttributeError(
                f"{type(self).__name__} has no option {name!r}; known: {sorted(type(self)._defaults)}."
            )
        self._values[name] = value

    def _merge(self, other: _OptionGroup) -> _OptionGroup:
        out = type(self)()
        for src in (self, other):
            for k, v in src._values.items():
                cur = out._values.get(k)
                out._values[k] = cur._merge(v) if isinstance(cur, _OptionGroup) else v
        return out

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._values == other._values  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._values!r})"


class AutotuneOptions(_OptionGroup):
    _defaults = {"enabled": True, "cpu_budget": 0, "ram_budget": 0, "autotune_algorithm": None}


class DistributeOptions(_OptionGroup):
    _defaults = {"auto_shard_policy": AutoShardPolicy.AUTO, "num_devices": None}


class OptimizationOptions(_OptionGroup):
    _defaults = {
        "apply_default_optimizations": True,
        "map_and_batch_fusion": True,
        "map_parallelization": True,
        "noop_elimination": True,
        "parallel_batch": True,
        "shuffle_and_repeat_fusion": True,
        "filter_parallelization": False,
        "inject_prefetch": True,
    }


class ThreadingOptions(_OptionGroup):
    _defaults = {"max_intra_op_parallelism": None, "private_threadpool_size": None}


class Options(_OptionGroup):
    """Options for a dataset, set with ``dataset.with_options(options)``.

    Example:

    >>> options = Options()
    >>> options.deterministic = True
    >>> options.experimental_distribute.auto_shard_policy = AutoShardPolicy.OFF
    """

    _defaults = {
        "deterministic": None,
        "experimental_deterministic": None,
        "experimental_slack": False,
        "experimental_external_state_policy": None,
        "experimental_symbolic_checkpoint": None,
        "experimental_warm_start": False,
        "framework_type": None,
        "autotune": AutotuneOptions,
        "experimental_distribute": DistributeOptions,
        "experimental_optimization": OptimizationOptions,
        "experimental_threading": ThreadingOptions,
        "threading": ThreadingOptions,
    }

    def merge(self, options: Options) -> Options:
        """A new Options with ``options``' explicitly set values over this one's."""
        return self._merge(options)  # type: ignore[return-value]
