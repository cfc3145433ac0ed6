"""Keras 3's weights layout (``model.weights.h5`` inside ``.keras``, and ``*.weights.h5`` files).

Every object with state (the model, each layer, the optimizer) owns a group ``<path>/vars``
holding datasets ``"0"``, ``"1"``, ... (trainable variables first, then non-trainable) and an
attribute ``name``.  Paths are found the way Keras walks a model: Sequential and Functional
models list ``layers`` first; then attributes in sorted order (private ones last); an object
inside a list or dict is named by its snake_case class name made unique in that container
(``layers/dense``, ``layers/dense_1``); an object already visited is not saved again.

Loading reads the whole file into memory, matches it against the model and checks every count
and shape before assigning anything, so a bad file never leaves a half-loaded model.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

from tensorflux.keras.saving._files import file_error

# Engine bookkeeping attributes that reference layers without owning them.
_SKIP = frozenset(
    {
        "_inbound_nodes",
        "_outbound_nodes",
        "_trainable_variables",
        "_non_trainable_variables",
        "_losses",
        "_weight_regularizers",
        "input_spec",
        "_build_shapes_dict",
        "_auto_config",
        "_dtype_policy",
        "activity_regularizer",
        "_build_input_shape",
        "_input_shape_arg",
        "_call_info",
        "_parent_model",
        "_initial_weights",
        "_stack",
        "_graph",
        "_operations",
        "_inputs",
        "_outputs",
        "_inputs_struct",
        "_outputs_struct",
        "_nodes_by_depth",
        "_exec_nodes",
        "_compile_loss",
        "_compile_metrics",
        "_loss_tracker",
        "history",
        "_eval_epoch_iterator",
        "_compile_config",
    }
)


def _classes() -> tuple[Any, Any, Any, Any, Any]:
    from tensorflux.keras.layers.layer import Layer
    from tensorflux.keras.models.functional import Functional
    from tensorflux.keras.models.model import Model
    from tensorflux.keras.models.sequential import Sequential
    from tensorflux.keras.optimizers.base_optimizer import Optimizer

    return Layer, Model, Sequential, Functional, Optimizer


def _name_key(name: str) -> str:
    return f"~{name}" if name.startswith("_") else name


def _children(obj: Any) -> Iterator[tuple[str, Any]]:
    _, Model, Sequential, Functional, Optimizer = _classes()
    if isinstance(obj, Optimizer):
        inner = getattr(obj, "optimizers", None)  # MultiOptimizer: Keras saves each inner optimizer below it
        if isinstance(inner, list):
            yield "optimizers", inner
        return
    graph_model = isinstance(obj, (Sequential, Functional))
    if graph_model:
        yield "layers", obj.layers
    attrs = dict(vars(obj))
    names = {k for k in attrs if not k.startswith("__") and k not in _SKIP}
    if isinstance(obj, Model) and not graph_model:
        names.add("layers")  # Keras walks a subclassed model's ``layers`` property like an attribute
    for name in sorted(names, key=_name_key):
        if name == "layers" and name not in attrs:
            yield name, obj.layers
        else:
            yield name, attrs[name]


def _is_saveable(x: Any) -> bool:
    Layer, _, _, _, Optimizer = _classes()
    return isinstance(x, (Layer, Optimizer))


def saveables(model: Any, include_optimizer: bool = True) -> list[tuple[str, Any]]:
    """``(path, object)`` for the model and every layer and optimizer below it, in Keras' order."""
    from tensorflux.keras.engine.naming import to_snake_case

    out: list[tuple[str, Any]] = []
    visited: set[int] = set()

    def visit(obj: Any, path: str) -> None:
        if id(obj) in visited:
            return
        visited.add(id(obj))
        out.append((path, obj))
        for attr, child in _children(obj):
            if not include_optimizer and attr == "optimizer" and not path:
                continue
            sub = f"{path}/{attr}" if path else attr
            if _is_saveable(child):
                visit(child, sub)
            elif isinstance(child, (list, tuple, dict)):
                container(child, sub, set())

    def container(items: Any, path: str, seen: set[int]) -> None:
        if id(items) in seen:
            return
        seen.add(id(items))
        used: dict[str, int] = {}
        for item in list(items.values()) if isinstance(items, dict) else items:
            if _is_saveable(item):
                visit(item, f"{path}/{_unique(to_snake_case(type(item).__name__), used)}")
            elif isinstance(item, (list, tuple, dict)):
                container(item, f"{path}/{_unique('container', used)}", seen)

    visit(model, "")
    return out


def _unique(name: str, used: dict[str, int]) -> str:
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def _has_custom_hooks(obj: Any) -> bool:
    Layer = _classes()[0]
    cls = type(obj)
    return isinstance(obj, Layer) and (
        cls.save_own_variables is not Layer.save_own_variables
        or cls.load_own_variables is not Layer.load_own_variables
    )


def _own_variables(obj: Any) -> list[Any]:
    Optimizer = _classes()[4]
    if isinstance(obj, Optimizer):
        return list(obj.variables)
    return list(obj._own_variables())


def _group_path(path: str) -> str:
    return f"{path}/vars" if path else "vars"


# -- writing ---------------------------------------------------------------------------------------
def write(model: Any, h5: Any, include_optimizer: bool = True) -> None:
    """Write the state of ``model`` (layers and optimizer) into the open ``h5py.File`` ``h5``."""
    for path, obj in saveables(model, include_optimizer):
        group = h5.create_group(_group_path(path))
        name = getattr(obj, "name", None)
        if isinstance(name, str):
            group.attrs["name"] = name
        if _has_custom_hooks(obj):
            store: dict[str, Any] = {}
            obj.save_own_variables(store)
            items = list(store.items())
        else:
            items = [(str(i), v.numpy()) for i, v in enumerate(_own_variables(obj))]
        for key, value in items:
            group.create_dataset(key, data=np.asarray(value))


# -- reading ---------------------------------------------------------------------------------------
class StoredVars:
    """The datasets of one ``vars`` group, read into memory (a dict-like store for ``load_own_variables``)."""

    def __init__(self, name: str | None, arrays: dict[str, np.ndarray]) -> None:
        self.name = name
        self._arrays = arrays

    def keys(self) -> list[str]:
        return list(self._arrays)

    def __len__(self) -> int:
        return len(self._arrays)

    def __getitem__(self, key: str) -> np.ndarray:
        return self._arrays[key]

    def __contains__(self, key: object) -> bool:
        return key in self._arrays

    def ordered(self) -> list[np.ndarray] | None:
        """The arrays by position (datasets ``"0"``, ``"1"``, ...), or None when they are named otherwise."""
        keys = [str(i) for i in range(len(self._arrays))]
        return [self._arrays[k] for k in keys] if sorted(keys) == sorted(self._arrays) else None


def read(h5: Any, filename: str) -> dict[str, StoredVars]:
    """Every ``vars`` group of an open Keras 3 weights file, by the path of its owner ('' for the root)."""
    import h5py

    out: dict[str, StoredVars] = {}
    problems: list[str] = []

    def visit(name: str, obj: Any) -> None:
        if not isinstance(obj, h5py.Group) or not (name == "vars" or name.endswith("/vars")):
            return
        arrays: dict[str, np.ndarray] = {}
        for key, ds in obj.items():
            if not isinstance(ds, h5py.Dataset):
                problems.append(f"'{name}/{key}' is a group where a weight array was expected")
                continue
            value = np.asarray(ds[()])
            if value.dtype.kind not in "biuf":
                problems.append(f"'{name}/{key}' holds {value.dtype} data, not numbers")
                continue
            arrays[key] = value
        owner = "" if name == "vars" else name[: -len("/vars")]
        label = obj.attrs.get("name")
        out[owner] = StoredVars(label.decode() if isinstance(label, bytes) else label, arrays)

    try:
        h5.visititems(visit)
    except (OSError, RuntimeError, KeyError) as e:
        raise file_error(filename, f"the weights data is unreadable ({e}); the file may be truncated.") from e
    if problems:
        raise file_error(filename, "malformed weights: " + "; ".join(problems[:5]))
    return out


def _describe(obj: Any, path: str) -> str:
    kind = "Optimizer" if isinstance(obj, _classes()[4]) else "Layer"
    return f"{kind} '{getattr(obj, 'name', type(obj).__name__)}' (saved at '{path or '/'}')"


def maybe_build_optimizer(model: Any, stored: dict[str, StoredVars]) -> None:
    """Create the optimizer's slots when the file holds them, so that they can be restored now."""
    opt = getattr(model, "optimizer", None)
    saved = stored.get("optimizer")
    if opt is None or saved is None or getattr(opt, "built", True) or not getattr(model, "built", False):
        return
    if len(saved) > len(opt.variables):
        opt.build(model.trainable_variables)


def load(model: Any, stored: dict[str, StoredVars], filename: str, skip_mismatch: bool = False) -> None:
    """Check ``stored`` against ``model`` in full, then assign every variable (or raise, assigning none)."""
    if not stored:
        raise file_error(filename, "it contains no Keras weights (no 'vars' groups).")
    maybe_build_optimizer(model, stored)
    pairs: list[tuple[Any, np.ndarray]] = []
    custom: list[tuple[Any, StoredVars, str]] = []
    Optimizer = _classes()[4]
    for path, obj in saveables(model):
        entry = stored.get(path, StoredVars(None, {}))
        if _has_custom_hooks(obj):
            custom.append((obj, entry, path))
            continue
        variables = _own_variables(obj)
        arrays = entry.ordered()
        if arrays is None:
            raise file_error(
                filename, f"{_describe(obj, path)}: the file holds datasets {entry.keys()}, not '0', '1', ..."
            )
        is_opt = isinstance(obj, Optimizer)
        if len(arrays) != len(variables):
            msg = (
                f"{_describe(obj, path)} expected {len(variables)} variables, but received {len(arrays)} "
                "variables during loading."
            )
            if is_opt and 0 < len(arrays) == _unbuilt_count(obj) < len(variables):
                # Saved before its first step: the slots were still at their initial values.
                pairs.extend(zip(variables, arrays))
                continue
            if is_opt:
                # As Keras: an optimizer state that does not fit is skipped with a warning, not fatal.
                if arrays:
                    warnings.warn(f"Skipping the optimizer state in '{filename}': {msg}", stacklevel=3)
                continue
            if skip_mismatch:
                warnings.warn(
                    f"Skipping loading weights of {_describe(obj, path)} from '{filename}': {msg}",
                    stacklevel=3,
                )
                continue
            raise file_error(filename, msg + _count_hint(obj, variables, arrays))
        bad = [(v, a) for v, a in zip(variables, arrays) if tuple(v.shape) != tuple(a.shape)]
        if bad:
            v, a = bad[0]
            msg = (
                f"{_describe(obj, path)}: variable '{v.path or v.name}' has shape {tuple(v.shape)}, "
                f"but the file holds shape {tuple(a.shape)}"
            )
            if skip_mismatch:
                warnings.warn(
                    f"Skipping loading weights of {_describe(obj, path)} from '{filename}': {msg}.",
                    stacklevel=3,
                )
                continue
            raise file_error(filename, msg + ". Was the file saved from a model with different layer sizes?")
        pairs.extend(zip(variables, arrays))
    assign_all(pairs)
    # Objects with their own load_own_variables check their entries themselves, so they come last.
    for obj, entry, path in custom:
        try:
            obj.load_own_variables(entry)
        except (ValueError, KeyError, TypeError) as e:
            raise file_error(filename, f"{_describe(obj, path)}: load_own_variables failed: {e}") from e


def _unbuilt_count(optimizer: Any) -> int:
    """How many variables the optimizer has before ``build``: iterations, and the learning rate if a float."""
    from tensorflux.framework.variables import Variable

    return 1 + isinstance(getattr(optimizer, "_learning_rate", None), Variable)


def _count_hint(obj: Any, variables: list[Any], arrays: list[Any]) -> str:
    if not variables and arrays and not getattr(obj, "built", True):
        return (
            " The layer is not built: build the model (call it on data or model.build(shape)) before loading."
        )
    return ""


def assign_all(pairs: list[tuple[Any, Any]]) -> None:
    """Assign checked ``(variable, array)`` pairs, converting each array to its variable's dtype."""
    from tensorflux.backend import ops as B

    for v, a in pairs:
        native = v._value.dtype
        v.assign(B.asarray(np.asarray(a, dtype=native) if a.dtype != native else a))
