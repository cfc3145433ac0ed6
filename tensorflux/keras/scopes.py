"""Keras 3's top-level scopes: ``name_scope``, ``StatelessScope``, ``SymbolicScope``, ``RematScope``.

>>> import tensorflux as tf
>>> v = tf.Variable(1.0)
>>> with StatelessScope([(v, tf.constant(5.0))]) as scope:
...     _ = v.assign_add(1.0)
>>> float(v), float(scope.get_current_value(v))
(1.0, 6.0)
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from typing import Any

from tensorflux.framework import variables as _variables
from tensorflux.framework.tensor import Tensor, convert_to_tensor

__all__ = [
    "RematScope",
    "StatelessScope",
    "SymbolicScope",
    "current_path",
    "get_current_remat_mode",
    "get_stateless_scope",
    "get_symbolic_scope",
    "in_stateless_scope",
    "in_symbolic_scope",
    "name_scope",
    "remat",
]

_NAME_SCOPES: list[name_scope] = []
_STATELESS: list[StatelessScope] = []
_SYMBOLIC: list[SymbolicScope] = []
_REMAT: list[RematScope] = []


class name_scope:  # noqa: N801 (Keras' name)
    """A sub-namespace for names: ``current_path()`` joins the open scopes with ``/``.

    In tensorflux the scope is recorded (``keras.scopes.current_path()``) but does not change the
    paths of variables or layers, which come from the layer names.

    Args:
        name: the scope's name (a string without ``/``).
        caller: the object opening the scope; re-entering the same name for the same caller
            while it is the innermost scope does not nest (with ``deduplicate``).
        deduplicate: see ``caller``.
        override_parent: an absolute path that replaces the enclosing scopes.

    >>> with name_scope("outer"), name_scope("inner"):
    ...     current_path()
    'outer/inner'
    """

    def __init__(
        self, name: str, caller: Any = None, deduplicate: bool = True, override_parent: str | None = None
    ) -> None:
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                f"Argument `name` must be a string and cannot contain character `/`. Received: name={name!r}"
            )
        self.name = name
        self.caller = caller
        self.deduplicate = deduplicate
        self.override_parent = override_parent
        if override_parent is None and deduplicate and getattr(caller, "_parent_path", None) is not None:
            self.override_parent = caller._parent_path
        self._pop_on_exit = False

    def __enter__(self) -> name_scope:
        if self.deduplicate and _NAME_SCOPES:
            top = _NAME_SCOPES[-1]
            if self.caller is not None and self.caller is top.caller and self.name == top.name:
                return self
        _NAME_SCOPES.append(self)
        self._pop_on_exit = True
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._pop_on_exit and _NAME_SCOPES:
            _NAME_SCOPES.pop()
            self._pop_on_exit = False


def current_path() -> str:
    """The open name scopes joined with ``/`` (``""`` outside any).

    >>> current_path()
    ''
    """
    parts: list[str] = []
    for scope in _NAME_SCOPES:
        if scope.override_parent is not None:
            parts = [p for p in scope.override_parent.split("/") if p]
        parts.append(scope.name)
    return "/".join(parts)


class StatelessScope:
    """Run code with given variable values, leaving every variable unchanged.

    Inside the scope, the variables in ``state_mapping`` read as the given values; assignments to
    any variable (``assign``, ``assign_add``, optimizer updates) are visible inside the scope and
    collected: after the scope, ``get_current_value(v)`` gives the last value of ``v`` and every
    variable is back to its value from before the scope. Variables created inside are left as
    they are.

    Args:
        state_mapping: ``(variable, value)`` pairs; each value must have the variable's shape and
            is cast to its dtype.
        collect_losses: kept for Keras; losses added with ``scope.add_loss`` go to ``scope.losses``
            (tensorflux layers keep their own ``add_loss`` losses).
        initialize_variables: kept for Keras (tensorflux variables are initialized on creation).

    >>> import tensorflux as tf
    >>> w = tf.Variable([1.0, 2.0])
    >>> with StatelessScope([(w, [3.0, 4.0])]):
    ...     (w * 2.0).numpy().tolist()
    [6.0, 8.0]
    """

    def __init__(
        self, state_mapping: Any = None, collect_losses: bool = False, initialize_variables: bool = True
    ) -> None:
        self.collect_losses = collect_losses
        self.initialize_variables = initialize_variables
        self.losses: list[Any] = []
        self.state_mapping: dict[int, Tensor] = {}
        self._variables: dict[int, Any] = {}
        self._saved: dict[int, tuple[Any, Any]] = {}
        self._active = False
        for k, v in state_mapping or []:
            if not isinstance(k, _variables.Variable):
                raise ValueError(
                    "Invalid reference variable in StatelessScope: all keys in argument `mapping` must "
                    f"be Variable instances. Received instead: {k!r}"
                )
            value = convert_to_tensor(v.value() if isinstance(v, _variables.Variable) else v, dtype=k.dtype)
            if tuple(value.shape) != tuple(k.shape):
                raise ValueError(
                    "Invalid variable value in StatelessScope: all values in argument `mapping` must be "
                    "tensors with a shape that matches the corresponding variable shape. For variable "
                    f"{k.name}, received a value of shape {tuple(value.shape)} (the variable has shape "
                    f"{tuple(k.shape)})."
                )
            self.state_mapping[id(k)] = value
            self._variables[id(k)] = k

    def __enter__(self) -> StatelessScope:
        # Assignments replace a variable's array (they never write into it), so keeping the
        # arrays is enough to restore every variable on exit.
        self._saved = {id(v): (v, v._value) for v in list(_variables._ALL_VARIABLES)}
        for key, value in self.state_mapping.items():
            self._variables[key]._value = value._value
        self._baseline = {key: v._value for key, (v, _) in self._saved.items()}
        _STATELESS.append(self)
        self._active = True
        return self

    def add_loss(self, loss: Any) -> None:
        self.losses.append(loss)

    def add_update(self, update: tuple[Any, Any]) -> None:
        """Record ``(variable, value)`` as the variable's new value (visible inside the scope)."""
        variable, value = update
        value = convert_to_tensor(value, dtype=variable.dtype)
        self.state_mapping[id(variable)] = value
        self._variables[id(variable)] = variable
        if self._active:
            variable._value = value._value

    def get_current_value(self, variable: Any) -> Tensor | None:
        """The variable's value in this scope (None if the scope neither received nor changed it)."""
        key = id(variable)
        if self._active and key in self._saved:
            if key in self.state_mapping or variable._value is not self._baseline[key]:
                return Tensor(variable._value)
            return None
        return self.state_mapping.get(key)

    def __exit__(self, *exc: Any) -> None:
        for key, (v, original) in self._saved.items():
            if v._value is not self._baseline[key] or key in self.state_mapping:
                self.state_mapping[key] = Tensor(v._value)
                self._variables[key] = v
            v._value = original
        self._saved, self._baseline = {}, {}
        self._active = False
        if _STATELESS and _STATELESS[-1] is self:
            _STATELESS.pop()


def in_stateless_scope() -> bool:
    return bool(_STATELESS)


def get_stateless_scope() -> StatelessScope | None:
    return _STATELESS[-1] if _STATELESS else None


class SymbolicScope:
    """Marks the symbolic stage (Keras sets it while computing output specs).

    tensorflux computes output specs without a separate stage, so this only records the scope
    (``in_symbolic_scope()``).

    >>> with SymbolicScope():
    ...     in_symbolic_scope()
    True
    """

    def __enter__(self) -> SymbolicScope:
        _SYMBOLIC.append(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        if _SYMBOLIC and _SYMBOLIC[-1] is self:
            _SYMBOLIC.pop()


def in_symbolic_scope() -> bool:
    return bool(_SYMBOLIC)


def get_symbolic_scope() -> SymbolicScope | None:
    return _SYMBOLIC[-1] if _SYMBOLIC else None


_REMAT_MODES = (None, "full", "activations", "larger_than", "list_of_layers")


class RematScope:
    """Keras' rematerialization (gradient checkpointing) scope; a recorded marker in tensorflux.

    Keras recomputes the marked layers' activations in the backward pass to save memory. The
    tensorflux tape keeps the values its gradients need, so the scope records the mode
    (``get_current_remat_mode()``) and changes nothing else.

    Args:
        mode: None, ``"full"``, ``"activations"``, ``"larger_than"`` or ``"list_of_layers"``.
        output_size_threshold: for ``"larger_than"``, the output size above which Keras would remat.
        layer_names: for ``"list_of_layers"``, the layers Keras would remat.

    >>> with RematScope(mode="full"):
    ...     get_current_remat_mode().mode
    'full'
    """

    def __init__(
        self, mode: str | None = "full", output_size_threshold: int = 1024, layer_names: Any = None
    ) -> None:
        if mode not in _REMAT_MODES:
            raise ValueError(
                f"Invalid mode '{mode}'. Supported modes are: 'full', 'activations', 'larger_than', "
                f"'list_of_layers', or None. Received: mode={mode!r}"
            )
        self.mode = mode
        self.output_size_threshold = output_size_threshold
        self.layer_names = layer_names or []

    def __enter__(self) -> RematScope:
        _REMAT.append(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        if _REMAT and _REMAT[-1] is self:
            _REMAT.pop()


RematMode = collections.namedtuple("RematMode", ["mode", "output_size_threshold", "layer_names"])


def get_current_remat_mode() -> RematMode | None:
    """The innermost ``RematScope``'s settings as a ``RematMode`` (None outside any scope)."""
    if not _REMAT:
        return None
    top = _REMAT[-1]
    return RematMode(top.mode, top.output_size_threshold, top.layer_names)


def remat(f: Callable[..., Any]) -> Callable[..., Any]:
    """Keras' "recompute ``f`` in the backward pass" wrapper; returns ``f`` itself here.

    Rematerialization trades compute for memory on accelerators; the tensorflux tape keeps the
    values it needs, and recomputing them would give the same gradients, so there is nothing to do.

    >>> remat(abs) is abs
    True
    """
    if not callable(f):
        raise TypeError(f"keras.remat expects a callable. Received: f={f!r}")
    return f
