"""The legacy HDF5 formats of tf.keras 2 (still read and written by Keras 3).

Full model (``model.save("m.h5")``): root attributes ``keras_version``, ``backend``,
``model_config`` (JSON) and ``training_config`` (JSON); group ``model_weights`` with attribute
``layer_names`` and one subgroup per layer whose attribute ``weight_names`` lists its datasets
(``dense/kernel:0`` in tf.keras 2, ``sequential/dense/kernel`` in Keras 3); group
``optimizer_weights`` with its own ``weight_names``.  Weights only (``save_weights("w.h5")``):
the ``model_weights`` layout at the file's root.  Attributes over 64512 bytes are split into
``name0``, ``name1``, ...

Weights are matched to layers in order (layers that have weights, in ``model.layers`` order) or
by layer name (``by_name=True``).  Everything is read and checked before anything is assigned.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tensorflux.keras.saving import config_mapping
from tensorflux.keras.saving._files import file_error
from tensorflux.keras.saving.weights_h5 import assign_all

HDF5_OBJECT_HEADER_LIMIT = 64512


# -- attributes ------------------------------------------------------------------------------------
def save_attributes(group: Any, name: str, data: list[bytes]) -> None:
    """Store a list of byte strings as attribute ``name``, split into ``name0``, ``name1``... when large."""
    too_long = [x for x in data if len(x) > HDF5_OBJECT_HEADER_LIMIT]
    if too_long:
        raise RuntimeError(
            f"Cannot save attribute '{name}': entries over {HDF5_OBJECT_HEADER_LIMIT} bytes: {too_long[:3]}"
        )
    array = np.asarray(data)
    chunks = 1
    parts = np.array_split(array, chunks)
    while any(p.nbytes > HDF5_OBJECT_HEADER_LIMIT for p in parts):
        chunks += 1
        parts = np.array_split(array, chunks)
    if chunks > 1:
        for i, part in enumerate(parts):
            group.attrs[f"{name}{i}"] = part
    else:
        group.attrs[name] = array


def load_attributes(group: Any, name: str) -> list[str]:
    """The list stored by ``save_attributes`` (whole or in chunks), as strings."""
    if name in group.attrs:
        raw = list(np.atleast_1d(group.attrs[name]))
    else:
        raw = []
        i = 0
        while f"{name}{i}" in group.attrs:
            raw.extend(np.atleast_1d(group.attrs[f"{name}{i}"]))
            i += 1
    return [x.decode("utf-8") if isinstance(x, bytes) else str(x) for x in raw]


def _attr_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)


# -- writing ---------------------------------------------------------------------------------------
def _legacy_weights(layer: Any) -> list[Any]:
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def _weight_names(variables: list[Any]) -> list[str]:
    names: list[str] = []
    for i, v in enumerate(variables):
        name = str(getattr(v, "path", None) or v.name)
        names.append(name if name not in names else f"{name}_{i}")
    return names


def _write_subset(group: Any, variables: list[Any]) -> None:
    names = _weight_names(variables)
    save_attributes(group, "weight_names", [n.encode("utf-8") for n in names])
    for name, v in zip(names, variables):
        group.create_dataset(name, data=np.asarray(v.numpy()))


def write_weights_group(group: Any, model: Any) -> None:
    """The ``model_weights`` layout of ``model`` into ``group`` (a file's root for weights-only files)."""
    from tensorflux.keras import __version__

    layers = list(model.layers)
    save_attributes(group, "layer_names", [layer.name.encode("utf-8") for layer in layers])
    group.attrs["backend"] = b"numpy"
    group.attrs["keras_version"] = __version__.encode("utf-8")
    for layer in sorted(layers, key=lambda x: x.name):
        _write_subset(group.create_group(layer.name), _legacy_weights(layer))
    _write_subset(group.create_group("top_level_model_weights"), list(model._own_variables()))


def write_model(model: Any, h5: Any, include_optimizer: bool = True) -> None:
    """A full legacy ``.h5`` model file into the open ``h5py.File`` ``h5``."""
    from tensorflux.keras import __version__

    config = config_mapping.model_to_config(model)
    h5.attrs["keras_version"] = __version__.encode("utf-8")
    h5.attrs["backend"] = b"numpy"
    # tf.keras 2 names registered custom classes by their registered name ("Package>Name").
    registered = config.get("registered_name")
    class_name = registered if isinstance(registered, str) and ">" in registered else config["class_name"]
    model_config = {"class_name": class_name, "config": config["config"]}
    if "build_config" in config:  # lets a subclassed model be built before its weights are loaded
        model_config["build_config"] = config["build_config"]
    h5.attrs["model_config"] = json.dumps(model_config, default=config_mapping.json_default).encode("utf-8")
    compile_config = config.get("compile_config")
    if compile_config is not None:
        training = {k: v for k, v in compile_config.items() if k != "optimizer"}
        opt = compile_config.get("optimizer")
        if isinstance(opt, dict):
            training["optimizer_config"] = {"class_name": opt["class_name"], "config": opt["config"]}
        h5.attrs["training_config"] = json.dumps(training, default=config_mapping.json_default).encode(
            "utf-8"
        )
    write_weights_group(h5.create_group("model_weights"), model)
    opt = getattr(model, "optimizer", None)
    if include_optimizer and opt is not None and getattr(opt, "built", False) and opt.variables:
        group = h5.create_group("optimizer_weights")
        variables = list(opt.variables)
        _write_subset(group, variables)


# -- reading ---------------------------------------------------------------------------------------
@dataclass
class SavedWeights:
    """A legacy weights group read into memory."""

    layer_names: list[str]
    layers: dict[str, list[tuple[str, np.ndarray]]]
    top_level: list[tuple[str, np.ndarray]] = field(default_factory=list)


def _read_subset(group: Any, where: str, filename: str) -> list[tuple[str, np.ndarray]]:
    out = []
    for wname in load_attributes(group, "weight_names"):
        if wname not in group:
            raise file_error(filename, f"'{where}' lists weight '{wname}' but has no such dataset.")
        value = np.asarray(group[wname][()])
        if value.dtype.kind not in "biuf":
            raise file_error(filename, f"weight '{where}/{wname}' holds {value.dtype} data, not numbers.")
        out.append((wname, value))
    return out


def read_weights_group(group: Any, filename: str) -> SavedWeights:
    """Read the ``model_weights`` layout (layer names and every weight) into memory."""
    names = load_attributes(group, "layer_names")
    layers: dict[str, list[tuple[str, np.ndarray]]] = {}
    for name in names:
        if name not in group:
            raise file_error(filename, f"layer '{name}' is listed in 'layer_names' but has no group.")
        layers[name] = _read_subset(group[name], name, filename)
    top = (
        _read_subset(group["top_level_model_weights"], "top_level_model_weights", filename)
        if ("top_level_model_weights" in group)
        else []
    )
    return SavedWeights(names, layers, top)


def is_legacy_weights(h5: Any) -> bool:
    return "layer_names" in h5.attrs or "layer_names0" in h5.attrs or "model_weights" in h5


def weights_root(h5: Any) -> Any:
    if "layer_names" not in h5.attrs and "layer_names0" not in h5.attrs and "model_weights" in h5:
        return h5["model_weights"]
    return h5


@dataclass
class SavedModel:
    """A legacy full-model file read into memory."""

    model_config: dict[str, Any]
    training_config: dict[str, Any] | None
    weights: SavedWeights
    optimizer_weights: list[tuple[str, np.ndarray]] | None


def read_model(h5: Any, filename: str) -> SavedModel:
    text = _attr_text(h5.attrs.get("model_config"))
    if text is None:
        raise file_error(
            filename,
            "it is an HDF5 file without a model config (root attribute 'model_config'). "
            "If it holds only weights, build the model and call model.load_weights() on it.",
        )
    try:
        model_config = json.loads(text)
    except json.JSONDecodeError as e:
        raise file_error(filename, f"its 'model_config' attribute is not valid JSON ({e}).") from e
    training = _attr_text(h5.attrs.get("training_config"))
    try:
        training_config = json.loads(training) if training else None
    except json.JSONDecodeError as e:
        raise file_error(filename, f"its 'training_config' attribute is not valid JSON ({e}).") from e
    if "model_weights" not in h5:
        raise file_error(filename, "it has a model config but no 'model_weights' group.")
    weights = read_weights_group(h5["model_weights"], filename)
    opt = (
        _read_subset(h5["optimizer_weights"], "optimizer_weights", filename)
        if "optimizer_weights" in h5
        else None
    )
    return SavedModel(model_config, training_config, weights, opt)


# -- matching --------------------------------------------------------------------------------------
def _label(v: Any) -> str:
    return str(getattr(v, "path", None) or v.name)


def _shape_problem(layer: Any, variables: list[Any], values: list[tuple[str, np.ndarray]]) -> str | None:
    for v, (wname, a) in zip(variables, values):
        if tuple(v.shape) != tuple(a.shape):
            return (
                f"layer '{layer.name}': weight '{_label(v)}' has shape {tuple(v.shape)}, but the "
                f"file's '{wname}' has shape {tuple(a.shape)}"
            )
    return None


def plan(
    model: Any, saved: SavedWeights, filename: str, by_name: bool = False, skip_mismatch: bool = False
) -> list[tuple[Any, np.ndarray]]:
    """``(variable, value)`` pairs for ``model`` from ``saved``, every count and shape checked."""
    pairs: list[tuple[Any, np.ndarray]] = []

    def add(layer: Any, variables: list[Any], values: list[tuple[str, np.ndarray]], label: str) -> None:
        if len(values) != len(variables):
            msg = (
                f"weight count mismatch for {label}: the layer has {len(variables)} weight(s), the file "
                f"holds {len(values)}."
            )
            if skip_mismatch and by_name:
                warnings.warn(f"Skipping loading weights for {label} from '{filename}': {msg}", stacklevel=4)
                return
            raise file_error(filename, msg)
        problem = _shape_problem(layer, variables, values)
        if problem is not None:
            if skip_mismatch:
                warnings.warn(
                    f"Skipping loading weights for {label} from '{filename}': {problem}.", stacklevel=4
                )
                return
            raise file_error(filename, f"shape mismatch in {problem}.")
        pairs.extend((v, a) for v, (_, a) in zip(variables, values))

    layers = list(model.layers)
    if by_name:
        index: dict[str, list[Any]] = {}
        for layer in layers:
            index.setdefault(layer.name, []).append(layer)
        for name in saved.layer_names:
            for layer in index.get(name, []):
                add(layer, _legacy_weights(layer), saved.layers[name], f"layer '{name}'")
        return pairs
    with_weights = [layer for layer in layers if _legacy_weights(layer)]
    saved_names = [n for n in saved.layer_names if saved.layers[n]]
    if len(saved_names) != len(with_weights):
        raise file_error(
            filename,
            f"layer count mismatch: the model has {len(with_weights)} layer(s) with weights "
            f"({[x.name for x in with_weights]}), the file has weights for {len(saved_names)} "
            f"({saved_names}). "
            "Load with by_name=True to match layers by name.",
        )
    for k, (layer, name) in enumerate(zip(with_weights, saved_names)):
        add(
            layer,
            _legacy_weights(layer),
            saved.layers[name],
            f"layer #{k} (named '{layer.name}' in the model, '{name}' in the file)",
        )
    if saved.top_level:
        add(model, list(model._own_variables()), saved.top_level, "the model's top-level weights")
    return pairs


def optimizer_plan(
    optimizer: Any, saved: list[tuple[str, np.ndarray]], filename: str
) -> list[tuple[Any, Any]]:
    """Pairs restoring the optimizer's state, or none (with a warning) when the saved state does not fit."""
    variables = list(optimizer.variables)
    values = [a for _, a in saved]
    lr = getattr(optimizer, "_learning_rate", None)
    if len(values) == len(variables) - 1 and len(variables) > 1 and variables[1] is lr and values:
        # tf.keras 2.11+ optimizers save no learning-rate variable: keep the configured one.
        values = [values[0], np.asarray(lr.numpy())] + values[1:]
    if len(values) != len(variables) or any(
        tuple(v.shape) != tuple(a.shape) for v, a in zip(variables, values)
    ):
        warnings.warn(
            f"The optimizer state saved in '{filename}' ({len(saved)} variables) does not fit optimizer "
            f"'{optimizer.name}' ({len(variables)} variables); the model starts with a fresh optimizer.",
            stacklevel=3,
        )
        return []
    return list(zip(variables, values))


def load_weights(
    model: Any, h5: Any, filename: str, by_name: bool = False, skip_mismatch: bool = False
) -> None:
    """``model.load_weights`` for a legacy ``.h5`` file (weights-only or full model)."""
    saved = read_weights_group(weights_root(h5), filename)
    assign_all(plan(model, saved, filename, by_name=by_name, skip_mismatch=skip_mismatch))
