"""Model configs in the names real Keras uses, both ways.

Writing: the config of a model as Keras 3 writes it in ``config.json`` (public modules such as
``"keras.layers"``, ``"module": "keras"`` for Sequential, ``"keras.src.models.functional"`` for
Functional, ``DTypePolicy`` objects, ``build_config`` and ``compile_config`` with the optimizer
serialized, not its name).

Reading: configs written by Keras 3 or tf.keras 2 are brought to what tensorflux's classes
accept: tf.keras 2 inbound nodes (``[[["dense", 0, 0, {}]]]``) become Keras 3 nodes with
``__keras_tensor__`` entries, ``"Custom>Adam"`` (tf.keras 2.11+ optimizers) becomes ``Adam``,
and arguments a tensorflux class does not take are dropped when they hold their "off" value
(``quantization_config: null``, ``time_major: false``, ``implementation: 2``).  Nothing here
imports a module named by a file: classes are looked up only among tensorflux's own Keras
modules, the registered custom objects and ``custom_objects``.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

# Arguments that only tune how Keras/TF runs a layer; safe to drop whatever their value.
_ALWAYS_DROP = frozenset({"implementation", "shared_object_id"})
_LAYER_KWARGS = ("input_shape", "batch_input_shape", "batch_size", "input_dim", "weights", "dynamic")
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
)
_KERAS_PACKAGES = ("keras", "tf_keras", "tensorflow", "tensorflux")


# -- writing -----------------------------------------------------------------------------------------
def model_to_config(model: Any) -> dict[str, Any]:
    """The ``config.json`` dict of ``model`` as Keras 3 writes it."""
    from tensorflux.keras.utils.serialization import serialize_keras_object

    config = serialize_keras_object(model)
    config.pop("compile_config", None)
    if config.get("module") == "keras.src.models.functional":
        config["registered_name"] = config["class_name"]  # Keras names non-public classes so
    compile_config = compile_config_of(model)
    if compile_config is not None:
        config["compile_config"] = compile_config
    return config  # type: ignore[no-any-return]


def compile_config_of(model: Any) -> dict[str, Any] | None:
    """``compile()``'s arguments with the live optimizer serialized (its learning rate and settings)."""
    get = getattr(model, "get_compile_config", None)
    config = get() if callable(get) else None
    if config is None:
        return None
    config = dict(config)
    from tensorflux.keras import optimizers

    opt = getattr(model, "optimizer", None)
    if opt is not None:  # without include_optimizer only its state (the weights) is left out
        config["optimizer"] = optimizers.serialize(opt)
    if not isinstance(config.get("jit_compile"), bool):
        config["jit_compile"] = False
    return _jsonable(config)  # type: ignore[no-any-return]


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if hasattr(x, "item") and hasattr(x, "dtype") and getattr(x, "ndim", 1) == 0:
        return x.item()
    return x


def json_default(x: Any) -> Any:
    """``json.dumps(default=...)`` for NumPy scalars and arrays that reach a config."""
    if hasattr(x, "tolist"):
        return x.tolist()
    raise TypeError(f"Object of type {type(x).__name__} is not JSON serializable: {x!r}")


# -- reading -----------------------------------------------------------------------------------------
def normalize(config: Any, legacy: bool = False) -> Any:
    """A Keras 3 or tf.keras 2 config made loadable by tensorflux (a new structure; the input is kept)."""
    return _norm(config, legacy)


def _norm(obj: Any, legacy: bool) -> Any:
    if isinstance(obj, list):
        return [_norm(x, legacy) for x in obj]
    if not isinstance(obj, dict):
        return obj
    obj = {k: v for k, v in obj.items() if k != "shared_object_id"}
    if not ("class_name" in obj and isinstance(obj.get("config"), dict)):
        return {k: _norm(v, legacy) for k, v in obj.items()}
    class_name = obj["class_name"]
    if class_name == "__keras_tensor__":
        return obj
    if (
        isinstance(class_name, str)
        and class_name.startswith("Custom>")
        and _builtin(class_name[7:], "optimizers")
    ):
        class_name = obj["class_name"] = class_name[7:]  # tf.keras 2.11+ writes its new optimizers so
    if class_name == "Policy":  # tf.keras 2 mixed-precision policy
        obj["module"], obj["class_name"] = "keras", "DTypePolicy"
    out = {k: (_norm(v, legacy) if k != "config" else v) for k, v in obj.items()}
    cfg = {k: _norm(v, legacy) for k, v in obj["config"].items()}
    if isinstance(cfg.get("layers"), list):
        cfg["layers"] = [_norm_layer_entry(e) for e in cfg["layers"]]
        if "input_layers" in cfg:
            legacy = legacy or any(_legacy_nodes(e) for e in obj["config"]["layers"] if isinstance(e, dict))
            if legacy:
                cfg["input_layers"] = _unwrap_single(cfg["input_layers"])
                cfg["output_layers"] = _unwrap_single(cfg["output_layers"])
    if class_name == "InputLayer" and "batch_input_shape" in cfg and "batch_shape" not in cfg:
        cfg["batch_shape"] = cfg.pop("batch_input_shape")
    if class_name == "BatchNormalization" and isinstance(cfg.get("axis"), list) and len(cfg["axis"]) == 1:
        cfg["axis"] = cfg["axis"][0]  # tf.keras 2 writes the axis as a one-element list
    cls = _builtin(class_name, _module_hint(obj.get("module")))
    if cls is not None and "layers" not in cfg:  # models read their own configs in from_config
        cfg = _fit_arguments(cls, cfg)
    out["config"] = cfg
    return out


def _legacy_nodes(entry: dict[str, Any]) -> bool:
    nodes = entry.get("inbound_nodes")
    return bool(nodes) and isinstance(nodes[0], list)


def _norm_layer_entry(entry: Any) -> Any:
    if not isinstance(entry, dict) or not _legacy_nodes(entry):
        return entry
    return {**entry, "inbound_nodes": [_legacy_node(n) for n in entry["inbound_nodes"]]}


def _legacy_node(node: list[Any]) -> dict[str, Any]:
    """``[["dense", 0, 0, {kwargs}], ...]`` (tf.keras 2) -> ``{"args": [...], "kwargs": {...}}`` (Keras 3)."""

    def tensor(ref: list[Any]) -> dict[str, Any]:
        return {
            "class_name": "__keras_tensor__",
            "config": {"shape": None, "dtype": None, "keras_history": [ref[0], ref[1], ref[2]]},
        }

    tensors = [tensor(ref) for ref in node]
    kwargs = node[0][3] if node and len(node[0]) > 3 and isinstance(node[0][3], dict) else {}
    return {"args": [tensors[0]] if len(tensors) == 1 else [tensors], "kwargs": kwargs}


def _unwrap_single(refs: Any) -> Any:
    if (
        isinstance(refs, list)
        and len(refs) == 1
        and isinstance(refs[0], list)
        and refs[0]
        and isinstance(refs[0][0], str)
    ):
        return refs[0]
    return refs


def _module_hint(module: Any) -> str | None:
    if not isinstance(module, str):
        return None
    bits = [
        b
        for b in module.split(".")
        if b not in ("src", "keras", "tensorflux", "tf_keras", "tensorflow", "python")
    ]
    return bits[0] if bits and bits[0] in _SEARCH else None


def _builtin(class_name: Any, hint: str | None) -> Any:
    """The tensorflux class ``class_name`` from its Keras module (``hint``) or any of them."""
    if not isinstance(class_name, str) or not class_name.isidentifier() or class_name.startswith("_"):
        return None
    for part in ((hint,) if hint else ()) + _SEARCH:
        try:
            mod = importlib.import_module(f"tensorflux.keras.{part}")
        except ImportError:  # pragma: no cover - every module in _SEARCH exists
            continue
        obj = getattr(mod, class_name, None)
        if inspect.isclass(obj):
            return obj
    return None


def _accepted(cls: type) -> set[str]:
    names: set[str] = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None or klass is object:
            continue
        try:
            params = inspect.signature(init).parameters.values()
        except (TypeError, ValueError):
            continue
        names.update(p.name for p in params if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL))
        if klass.__name__ == "Layer" and klass.__module__ == "tensorflux.keras.layers.layer":
            names.update(_LAYER_KWARGS)
    return names


def _fit_arguments(cls: type, cfg: dict[str, Any]) -> dict[str, Any]:
    accepted = _accepted(cls)
    out = {}
    for k, v in cfg.items():
        if k not in accepted and (
            k in _ALWAYS_DROP or v is None or v is False or (type(v) in (int, float) and v == 0)
        ):
            continue
        out[k] = v
    return out


# -- safety checks -------------------------------------------------------------------------------------
def find_lambdas(config: Any) -> list[str]:
    """Names of the layers whose config holds Python bytecode (``__lambda__`` functions)."""
    found: list[str] = []

    def walk(x: Any, owner: str) -> None:
        if isinstance(x, list):
            for v in x:
                walk(v, owner)
        elif isinstance(x, dict):
            if x.get("class_name") == "__lambda__":
                found.append(owner)
                return
            cfg = x.get("config")
            name = cfg.get("name") if isinstance(cfg, dict) and isinstance(cfg.get("name"), str) else owner
            for v in x.values():
                walk(v, name)

    walk(config, "?")
    return found


def foreign_objects(config: Any, custom_objects: Any = None) -> list[str]:
    """Objects from modules outside Keras that are neither registered nor in ``custom_objects``.

    Keras 3 never imports such a module when loading; neither do we.
    """
    from tensorflux.keras.utils.serialization import get_registered_object

    bad: list[str] = []

    def known(*names: Any) -> bool:
        return any(isinstance(n, str) and get_registered_object(n, custom_objects) is not None for n in names)

    def walk(x: Any) -> None:
        if isinstance(x, list):
            for v in x:
                walk(v)
            return
        if not isinstance(x, dict):
            return
        module = x.get("module")
        if "class_name" in x and isinstance(module, str) and module != "builtins":
            if module.split(".")[0] not in _KERAS_PACKAGES:
                inner = x.get("config")
                names = (
                    (x.get("registered_name"), x["class_name"])
                    if x["class_name"] != "function"
                    else (inner if isinstance(inner, str) else None, x.get("registered_name"))
                )
                if not known(*names):
                    label = inner if x["class_name"] == "function" else x["class_name"]
                    bad.append(f"{module}.{label}")
        for v in x.values():
            walk(v)

    walk(config)
    return bad


# -- tf.keras 2 training configs -----------------------------------------------------------------------
def compile_args_from_training_config(training_config: dict[str, Any]) -> dict[str, Any]:
    """``compile()`` arguments from a legacy ``.h5`` ``training_config`` (tf.keras 2 or Keras 3)."""
    from tensorflux.keras import losses, metrics, optimizers

    tc = normalize(training_config)
    opt_cfg = tc.get("optimizer_config")
    optimizer = None
    if isinstance(opt_cfg, dict):
        optimizer = optimizers.deserialize(
            {"class_name": opt_cfg["class_name"], "config": opt_cfg.get("config", {})}
        )

    def loss_of(v: Any) -> Any:
        if isinstance(v, dict) and "class_name" in v:
            return losses.deserialize(v)
        if isinstance(v, dict):
            return {k: loss_of(x) for k, x in v.items()}
        if isinstance(v, list):
            return [loss_of(x) for x in v]
        return v

    def metric_of(v: Any) -> Any:
        if isinstance(v, dict) and "class_name" in v:
            cfg = v.get("config") or {}
            if v["class_name"] == "MeanMetricWrapper":  # tf.keras 2 wraps metric functions so
                for name in (cfg.get("name"), cfg.get("fn")):
                    if isinstance(name, str) and _metric_known(metrics, name):
                        return name
            return metrics.deserialize(v)
        if isinstance(v, dict):
            return {k: metric_of(x) for k, x in v.items()}
        if isinstance(v, list):
            return [metric_of(x) for x in v]
        return v

    def per_output(v: Any) -> Any:
        # tf.keras 2 writes one list per output; a single output's list is the metrics list itself.
        if isinstance(v, list) and len(v) == 1 and isinstance(v[0], list):
            return v[0]
        return v

    return {
        "optimizer": optimizer,
        "loss": loss_of(tc.get("loss")),
        "loss_weights": tc.get("loss_weights"),
        "metrics": per_output(metric_of(tc.get("metrics"))),
        "weighted_metrics": per_output(metric_of(tc.get("weighted_metrics"))),
    }


def _metric_known(metrics: Any, name: str) -> bool:
    try:
        metrics.get(name)
    except (ValueError, TypeError, KeyError):
        return False
    return True


def deserialize_compile_objects(compile_config: dict[str, Any]) -> dict[str, Any]:
    """``compile_config`` with its metric and loss dicts turned into objects.

    Keras 3 writes metric subclasses such as ``CategoricalAccuracy`` with only ``name`` and
    ``dtype`` (no ``fn``); when a class's own ``from_config`` cannot take such a config, the
    class is called with it directly, as Keras does.
    """
    from tensorflux.keras import losses, metrics

    def one(v: Any, module: Any) -> Any:
        if isinstance(v, dict) and "class_name" in v and isinstance(v.get("config"), dict):
            try:
                return module.deserialize(v)
            except (KeyError, TypeError):
                cls = _builtin(v["class_name"], _module_hint(v.get("module")))
                if cls is None:
                    raise
                return cls(**v["config"])
        if isinstance(v, dict):
            return {k: one(x, module) for k, x in v.items()}
        if isinstance(v, list):
            return [one(x, module) for x in v]
        return v

    out = dict(compile_config)
    out["loss"] = one(out.get("loss"), losses)
    for key in ("metrics", "weighted_metrics"):
        out[key] = one(out.get(key), metrics)
    return out
