"""Keras 3 object serialization: ``{"module", "class_name", "config", "registered_name"}`` dicts.

Built-in classes are written under their public Keras module (``"keras.layers"``,
``"keras.initializers"``, ...) with ``registered_name`` None, so configs read the same as the ones
Keras writes; custom classes registered with ``register_keras_serializable`` are written under
``"Package>Name"`` and found again through the registry (or ``custom_objects``).
"""

from __future__ import annotations

import importlib
import inspect
import sys
import threading
import types
from typing import Any

_GLOBAL_CUSTOM_OBJECTS: dict[str, Any] = {}
_GLOBAL_CUSTOM_NAMES: dict[Any, str] = {}
_scope = threading.local()

# Public Keras module of each tensorflux.keras subpackage.
_PUBLIC = {
    "layers": "keras.layers",
    "initializers": "keras.initializers",
    "regularizers": "keras.regularizers",
    "constraints": "keras.constraints",
    "optimizers": "keras.optimizers",
    "losses": "keras.losses",
    "metrics": "keras.metrics",
    "activations": "keras.activations",
    "callbacks": "keras.callbacks",
    "utils": "keras.utils",
}
_SEARCH = (
    "layers",
    "models",
    "initializers",
    "regularizers",
    "constraints",
    "optimizers",
    "losses",
    "metrics",
    "activations",
    "callbacks",
    "ops",
    "utils",
)


def get_custom_objects() -> dict[str, Any]:
    """The global dict of custom objects (name -> class or function); edits register objects.

    >>> get_custom_objects().clear()
    >>> get_custom_objects()
    {}
    """
    return _GLOBAL_CUSTOM_OBJECTS


def _scoped() -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for d in getattr(_scope, "stack", []):
        merged.update(d)
    return merged


class CustomObjectScope:
    """Make custom objects known to deserialization inside a ``with`` block.

    >>> class MyLayer: pass
    >>> with CustomObjectScope({"MyLayer": MyLayer}):
    ...     get_registered_object("MyLayer") is MyLayer
    True
    """

    def __init__(self, *custom_objects: Any) -> None:
        self.custom_objects: dict[str, Any] = {}
        for d in custom_objects:
            if d:
                self.custom_objects.update(d)

    def __enter__(self) -> CustomObjectScope:
        if not hasattr(_scope, "stack"):
            _scope.stack = []
        _scope.stack.append(self.custom_objects)
        return self

    def __exit__(self, *exc: Any) -> None:
        _scope.stack.pop()


custom_object_scope = CustomObjectScope


def register_keras_serializable(package: str = "Custom", name: str | None = None) -> Any:
    """Class/function decorator: register under ``"package>name"`` for deserialization.

    >>> @register_keras_serializable(package="Demo")
    ... def double(x):
    ...     return 2 * x
    >>> get_registered_name(double)
    'Demo>double'
    """

    def decorator(arg: Any) -> Any:
        class_name = name if name is not None else arg.__name__
        registered_name = f"{package}>{class_name}"
        if inspect.isclass(arg) and not hasattr(arg, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() method.")
        _GLOBAL_CUSTOM_OBJECTS[registered_name] = arg
        _GLOBAL_CUSTOM_NAMES[arg] = registered_name
        return arg

    return decorator


def get_registered_name(obj: Any) -> str:
    """The name ``obj`` is registered under, else its ``__name__``."""
    if obj in _GLOBAL_CUSTOM_NAMES:
        return _GLOBAL_CUSTOM_NAMES[obj]
    return obj.__name__


def get_registered_object(name: str, custom_objects: Any = None, module_objects: Any = None) -> Any:
    """Look ``name`` up in the active scopes, the global registry, ``custom_objects``, ``module_objects``."""
    scoped = _scoped()
    if name in scoped:
        return scoped[name]
    if name in _GLOBAL_CUSTOM_OBJECTS:
        return _GLOBAL_CUSTOM_OBJECTS[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def _public_module(cls: Any) -> tuple[str, bool]:
    """(module to write, whether it is a built-in)."""
    m = getattr(cls, "__module__", "") or ""
    if m.startswith("tensorflux.keras."):
        part = m.split(".")[2]
        if part in _PUBLIC:
            return _PUBLIC[part], True
        if part == "models":
            return ("keras.src.models.functional" if cls.__name__ == "Functional" else "keras"), True
        if part == "engine":
            return "keras", True
    return m, False


def serialize_keras_object(obj: Any) -> Any:
    """A JSON-ready description of ``obj`` in Keras 3's format.

    >>> from tensorflux.keras import initializers
    >>> serialize_keras_object(initializers.Zeros())
    {'module': 'keras.initializers', 'class_name': 'Zeros', 'config': {}, 'registered_name': None}
    """
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if hasattr(obj, "dtype") and hasattr(obj, "shape") and hasattr(obj, "tolist"):  # arrays
        return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": str(obj.dtype)}}
    if isinstance(obj, types.FunctionType) or (callable(obj) and not hasattr(obj, "get_config")):
        name = getattr(obj, "__name__", None)
        if name is None or name == "<lambda>":
            raise ValueError(
                f"Cannot serialize {obj!r}: lambdas and anonymous callables have no name to save. Define "
                "a named "
                "function and decorate it with @keras.saving.register_keras_serializable()."
            )
        # Keras 3 writes every function this way; the name (or registered name) finds it again.
        registered = _GLOBAL_CUSTOM_NAMES.get(obj)
        module = getattr(obj, "__module__", None) or "builtins"
        # Keras 3 writes "builtins" for its own functions; other functions keep their module so
        # that they can be found again without registration.
        if registered or module.startswith("tensorflux.") or module == "builtins":
            module = "builtins"
        return {
            "module": module,
            "class_name": "function",
            "config": registered or name,
            "registered_name": "function",
        }
    if not hasattr(obj, "get_config"):
        raise TypeError(
            f"Cannot serialize {obj!r} (of type {type(obj).__name__}): it has no get_config() method."
        )
    cls = type(obj)
    config = obj.get_config()
    module, builtin = _public_module(cls)
    out: dict[str, Any] = {
        "module": module,
        "class_name": cls.__name__,
        "config": serialize_keras_object(config),
        "registered_name": None if builtin and cls not in _GLOBAL_CUSTOM_NAMES else get_registered_name(cls),
    }
    build = getattr(obj, "get_build_config", None)
    if callable(build):
        bc = build()
        if bc is not None:
            out["build_config"] = bc
    compile_cfg = getattr(obj, "get_compile_config", None)
    if callable(compile_cfg):
        try:
            cc = compile_cfg()
        except Exception:  # noqa: BLE001  (a model that is not compiled has nothing to add)
            cc = None
        if cc is not None:
            out["compile_config"] = serialize_keras_object(cc)
    return out


def _find_class(
    class_name: str,
    module: str | None,
    custom_objects: Any,
    module_objects: Any,
    registered_name: str | None = None,
) -> Any:
    for key in (registered_name, class_name):
        if key:
            found = get_registered_object(key, custom_objects, module_objects)
            if found is not None:
                return found
    parts: list[str] = []
    if module:
        bits = module.split(".")
        if bits[0] == "keras":
            bits = [b for b in bits[1:] if b != "src"]
            if bits and bits[0] in _SEARCH:
                parts.append(bits[0])
            elif not bits:
                parts.extend(["models", "engine.dtype_policy", "layers"])
        else:
            # never import a module a config names (that would run code from a file);
            # only look in modules the user has already imported
            mod = sys.modules.get(module)
            if mod is not None and hasattr(mod, class_name):
                return getattr(mod, class_name)
    parts.extend(p for p in _SEARCH if p not in parts)
    for p in parts:
        try:
            mod = importlib.import_module(f"tensorflux.keras.{p}")
        except ImportError:
            continue
        obj = getattr(mod, class_name, None)
        if obj is not None:
            return obj
    return None


def deserialize_keras_object(
    config: Any, custom_objects: Any = None, safe_mode: bool = True, module_objects: Any = None, **kwargs: Any
) -> Any:
    """The object described by ``config`` (from ``serialize_keras_object``, or a registered name).

    >>> from tensorflux.keras import initializers
    >>> deserialize_keras_object({"module": "keras.initializers", "class_name": "Ones", "config": {}})
    Ones()
    """
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, str):
        obj = get_registered_object(config, custom_objects, module_objects)
        if obj is None:
            raise ValueError(
                f"Unknown object name {config!r}: register it with register_keras_serializable() "
                "or pass it in custom_objects."
            )
        return obj
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(c, custom_objects, safe_mode, module_objects) for c in config]
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {config!r}")
    if "class_name" not in config or "config" not in config:
        return {
            k: deserialize_keras_object(v, custom_objects, safe_mode, module_objects)
            if isinstance(v, dict)
            else v
            for k, v in config.items()
        }
    class_name = config["class_name"]
    inner = config["config"]
    if class_name == "__tuple__":
        return tuple(inner["value"])
    if class_name == "__bytes__":
        return inner["value"].encode("utf-8")
    if class_name == "__numpy__":
        from tensorflux.backend import ops as B

        return B.to_numpy(B.asarray(inner["value"], B.native_dtype(inner["dtype"])))
    if class_name == "__lambda__":
        raise ValueError("Deserializing a lambda is not supported (it would run arbitrary code).")
    if class_name == "function":
        name = inner if isinstance(inner, str) else inner.get("name")
        fn = get_registered_object(name, custom_objects, module_objects)
        if fn is None:
            module = config.get("module")
            fn = _find_class(
                name,
                "keras.activations" if module in (None, "builtins") else module,
                custom_objects,
                module_objects,
            )
        if fn is None:
            raise ValueError(f"Could not find the function {name!r} to deserialize.")
        return fn
    cls = _find_class(
        class_name, config.get("module"), custom_objects, module_objects, config.get("registered_name")
    )
    if cls is None:
        raise TypeError(
            f"Could not locate class '{class_name}'. Make sure custom classes are decorated with "
            "`@keras.saving.register_keras_serializable()` or passed in custom_objects. "
            f"Full object config: {config}"
        )
    if not hasattr(cls, "from_config"):
        raise TypeError(f"Class {class_name} has no from_config() method.")
    with CustomObjectScope(custom_objects or {}):
        obj = cls.from_config(inner)
        build_config = config.get("build_config")
        if build_config and hasattr(obj, "build_from_config") and not getattr(obj, "built", False):
            obj.build_from_config(build_config)
        compile_config = config.get("compile_config")
        if compile_config and hasattr(obj, "compile_from_config"):
            obj.compile_from_config(compile_config)
    return obj
