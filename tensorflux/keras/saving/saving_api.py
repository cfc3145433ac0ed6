"""``save_model`` / ``load_model`` / ``save_weights`` / ``load_weights``: the entry points of saving.

The format follows the file name, as in Keras: ``.keras`` (the zip archive), ``.h5`` / ``.hdf5``
(tf.keras 2's legacy HDF5 files) and ``.weights.h5`` (weights only).  When reading, the file's
first bytes decide (a zip or an HDF5 file), so a misnamed file still loads or fails clearly.

Every save writes a temporary file in the target's folder and renames it over the target, so a
failure midway leaves the previous file as it was.  Loading never runs code from the file: no
pickle, no module imports outside Keras, and a Lambda layer's bytecode only with
``safe_mode=False``.
"""

from __future__ import annotations

import json
import os
from typing import Any

from tensorflux.keras.saving import config_mapping, keras_archive, legacy_h5, weights_h5
from tensorflux.keras.saving._files import atomic_write, check_overwrite, describe_unknown, file_error, sniff

_LEGACY_SUFFIXES = (".h5", ".hdf5")


def _path(filepath: Any) -> str:
    try:
        return os.fspath(filepath)
    except TypeError:
        raise TypeError(
            f"Expected a file path (str or os.PathLike). Received: filepath={filepath!r} of type "
            f"{type(filepath).__name__}"
        ) from None


def _h5py() -> Any:
    try:
        import h5py
    except ImportError as e:  # pragma: no cover - h5py is a dependency
        raise ImportError("Saving and loading Keras files needs h5py: `pip install h5py`.") from e
    return h5py


# -- saving ----------------------------------------------------------------------------------------
def save_model(
    model: Any, filepath: Any, overwrite: bool = True, zipped: bool | None = None, **kwargs: Any
) -> None:
    """Save a model (architecture, weights and optimizer state) to ``filepath``.

    Args:
        model: the model to save.
        filepath: ends in ``.keras`` (Keras 3's zip archive, recommended) or ``.h5`` (legacy HDF5).
        overwrite: replace an existing file (otherwise ask on a terminal, or raise).
        zipped: ``False`` writes the ``.keras`` members into a folder instead of a zip.
        include_optimizer: keep the optimizer's state (default True).

    >>> import tempfile, os
    >>> from tensorflux import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
    >>> save_model(model, path)
    >>> load_model(path).count_params()
    3
    """
    include_optimizer = kwargs.pop("include_optimizer", True)
    save_format = kwargs.pop("save_format", None)
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {sorted(kwargs)}")
    path = _path(filepath)
    legacy = path.endswith(_LEGACY_SUFFIXES) or save_format in ("h5", "hdf5")
    if not legacy and not path.endswith(".keras") and zipped is not False:
        raise ValueError(
            "Invalid filepath extension for saving. Please add either a `.keras` extension for the native "
            f"Keras format (recommended) or a `.h5` extension. Received: filepath={path}"
        )
    if not check_overwrite(path, overwrite):
        return
    if legacy:
        h5py = _h5py()

        def write_legacy(tmp: str) -> None:
            with h5py.File(tmp, "w") as h5:
                legacy_h5.write_model(model, h5, include_optimizer)

        atomic_write(path, write_legacy)
    elif zipped is False:
        keras_archive.write_dir(model, path, include_optimizer)
    else:
        atomic_write(path, lambda tmp: keras_archive.write(model, tmp, include_optimizer))


def save_weights(model: Any, filepath: Any, overwrite: bool = True, **kwargs: Any) -> None:
    """Save the weights (and the optimizer's state) to ``filepath``.

    ``*.weights.h5`` gets Keras 3's layout; another ``.h5`` name gets tf.keras 2's weights-only
    layout (which Keras 3 refuses to write but reads).

    >>> import tempfile, os
    >>> from tensorflux import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> save_weights(model, os.path.join(tempfile.mkdtemp(), "m.weights.h5"))
    """
    if kwargs.pop("max_shard_size", None) is not None:
        raise NotImplementedError("Sharded weights files (max_shard_size) are not supported.")
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {sorted(kwargs)}")
    path = _path(filepath)
    if not path.endswith(_LEGACY_SUFFIXES):
        raise ValueError(f"The filename must end in `.weights.h5`. Received: filepath={path}")
    if not check_overwrite(path, overwrite):
        return
    h5py = _h5py()
    legacy = not path.endswith(".weights.h5")

    def write(tmp: str) -> None:
        with h5py.File(tmp, "w") as h5:
            if legacy:
                legacy_h5.write_weights_group(h5, model)
            else:
                weights_h5.write(model, h5)

    atomic_write(path, write)


# -- loading ---------------------------------------------------------------------------------------
def _existing(path: str) -> str:
    if not os.path.exists(path):
        raise ValueError(
            f"File not found: filepath={path}. Please ensure the file is an accessible `.keras` zip "
            "file, `.h5` file or weights file."
        )
    return "dir" if os.path.isdir(path) else sniff(path)


_UNSAFE = [False]  # keras.config.enable_unsafe_deserialization() was called


def enable_unsafe_deserialization() -> None:
    """Let every later ``load_model`` load Lambda layers' Python bytecode (``safe_mode=False``).

    Only for files you trust: loading such a file runs the code it holds.
    """
    _UNSAFE[0] = True


def load_model(
    filepath: Any, custom_objects: Any = None, compile: bool = True, safe_mode: bool = True
) -> Any:
    """Load a model saved by ``save_model`` (``.keras`` or legacy ``.h5``, by tensorflux or Keras).

    Args:
        filepath: the file (or a folder saved with ``zipped=False``).
        custom_objects: ``{name: class_or_function}`` for custom layers, losses, ... not registered
            with ``register_keras_serializable``.
        compile: compile the model as it was saved (optimizer state included).
        safe_mode: refuse to load Lambda layers' Python bytecode. Only pass ``False`` for files you trust.

    Raises:
        ValueError: the file is missing, unreadable, or does not match the model it describes;
            the message names the file and the problem.

    >>> import tempfile, os
    >>> from tensorflux import keras
    >>> path = os.path.join(tempfile.mkdtemp(), "m.h5")
    >>> keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]).save(path)
    >>> load_model(path).output_shape
    (None, 2)
    """
    path = _path(filepath)
    kind = _existing(path)
    safe_mode = safe_mode and not _UNSAFE[0]
    if kind in ("zip", "dir"):
        archive = keras_archive.read(path)
        model, compile_config = model_from_config(archive.config, custom_objects, safe_mode, path)
        if compile and compile_config:
            _compile_from_config(model, compile_config, path)
        weights_h5.load(model, archive.weights, path)
        return model
    if kind == "h5":
        return _load_legacy_model(path, custom_objects, compile, safe_mode)
    raise file_error(path, describe_unknown(path, kind))


def _compile_from_config(model: Any, compile_config: dict[str, Any], path: str) -> None:
    try:
        model.compile_from_config(config_mapping.deserialize_compile_objects(compile_config))
    except (TypeError, ValueError, KeyError) as e:
        raise file_error(
            path,
            f"its compile_config could not be applied ({e}). Load with compile=False and "
            "compile the model yourself.",
        ) from e


def _load_legacy_model(path: str, custom_objects: Any, compile: bool, safe_mode: bool) -> Any:
    h5py = _h5py()
    try:
        h5 = h5py.File(path, "r")
    except OSError as e:
        raise file_error(
            path, f"it is not a readable HDF5 file ({e}); it may be truncated or corrupted."
        ) from e
    try:
        with h5:
            if "model_config" not in h5.attrs:
                hint = "layer_names" in h5.attrs or "vars" in h5 or "layers" in h5
                raise file_error(
                    path,
                    "it holds only weights, no model config"
                    + (
                        ": build the model in code and call model.load_weights() with this file."
                        if hint
                        else "."
                    ),
                )
            saved = legacy_h5.read_model(h5, path)
    except OSError as e:
        raise file_error(path, f"its HDF5 data is unreadable ({e}); the file may be truncated.") from e
    model, _ = model_from_config(saved.model_config, custom_objects, safe_mode, path, legacy=True)
    pairs = legacy_h5.plan(model, saved.weights, path)
    if compile and saved.training_config:
        try:
            args = config_mapping.compile_args_from_training_config(saved.training_config)
        except (TypeError, ValueError, KeyError) as e:
            raise file_error(
                path, f"its training_config could not be applied ({e}). Load with compile=False."
            ) from e
        model.compile(**{k: v for k, v in args.items() if v is not None or k == "optimizer"})
        opt = model.optimizer
        if opt is not None and saved.optimizer_weights:
            if not opt.built:
                opt.build(model.trainable_variables)
            pairs += legacy_h5.optimizer_plan(opt, saved.optimizer_weights, path)
    weights_h5.assign_all(pairs)
    return model


def _lambda_loader() -> Any:
    """Stands in for the Lambda class when safe_mode=False, letting it read its bytecode."""
    from tensorflux.keras.layers import Lambda

    class _TrustedLambda:
        @staticmethod
        def from_config(config: dict[str, Any], custom_objects: Any = None) -> Any:
            return Lambda.from_config(config, custom_objects=custom_objects, safe_mode=False)

    return _TrustedLambda


def model_from_config(
    config: Any, custom_objects: Any, safe_mode: bool, path: str, legacy: bool = False
) -> tuple[Any, dict[str, Any] | None]:
    """The model a file's config describes (uncompiled) and its ``compile_config``; errors name ``path``."""
    from tensorflux.keras.layers.layer import Layer
    from tensorflux.keras.utils.serialization import deserialize_keras_object

    if not isinstance(config, dict) or "class_name" not in config:
        raise file_error(path, "its model config does not describe a Keras object (no 'class_name').")
    config = config_mapping.normalize(config, legacy=legacy)
    compile_config = config.pop("compile_config", None)
    lambdas = config_mapping.find_lambdas(config)
    objects = dict(custom_objects or {})
    if lambdas:
        if safe_mode:
            raise file_error(
                path,
                f"the model contains Lambda layer(s) {lambdas} whose function is stored as Python bytecode; "
                "loading it would run code from the file, which safe_mode=True forbids. If you trust the "
                "source of this file, pass safe_mode=False to load_model.",
            )
        objects.setdefault("Lambda", _lambda_loader())
    foreign = config_mapping.foreign_objects(config, objects)
    if foreign:
        raise file_error(
            path,
            f"the config names {foreign}, which are not Keras objects and are not registered. Modules named "
            "in a file are never imported: decorate the classes/functions with "
            "@keras.saving.register_keras_serializable() or pass them in custom_objects.",
        )
    try:
        model = deserialize_keras_object(config, custom_objects=objects, safe_mode=safe_mode)
    except (TypeError, ValueError, KeyError, LookupError, AttributeError, IndexError) as e:
        raise file_error(path, f"its model config could not be deserialized: {e}") from e
    if not isinstance(model, Layer):
        raise file_error(path, f"its config describes a {type(model).__name__}, not a model.")
    return model, compile_config


def load_weights(
    model: Any, filepath: Any, skip_mismatch: bool = False, by_name: bool = False, **kwargs: Any
) -> None:
    """Load weights saved by ``save_weights`` / ``save_model`` into ``model``.

    ``*.weights.h5`` and ``.keras`` files match by position in Keras 3's layout (the optimizer's
    state too, when the model is compiled); legacy ``.h5`` files match layers in order, or by
    name with ``by_name=True``.  ``skip_mismatch`` skips (with a warning) layers whose weights
    do not fit instead of raising.  All checks run before any weight changes.

    >>> import tempfile, os
    >>> from tensorflux import keras
    >>> path = os.path.join(tempfile.mkdtemp(), "w.weights.h5")
    >>> a = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> b = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> a.save_weights(path)
    >>> load_weights(b, path)
    >>> bool((a.layers[0].kernel.numpy() == b.layers[0].kernel.numpy()).all())
    True
    """
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {sorted(kwargs)}")
    path = _path(filepath)
    kind = _existing(path)
    if kind in ("zip", "dir"):
        if by_name:
            raise ValueError(
                f"by_name=True is only supported for legacy .h5 weight files; '{path}' is a .keras archive."
            )
        weights_h5.load(model, keras_archive.read(path).weights, path, skip_mismatch)
        return
    if kind != "h5":
        raise file_error(path, describe_unknown(path, kind))
    h5py = _h5py()
    try:
        h5 = h5py.File(path, "r")
    except OSError as e:
        raise file_error(
            path, f"it is not a readable HDF5 file ({e}); it may be truncated or corrupted."
        ) from e
    try:
        with h5:
            if legacy_h5.is_legacy_weights(h5):
                saved = legacy_h5.read_weights_group(legacy_h5.weights_root(h5), path)
                stored = None
            else:
                if by_name:
                    raise ValueError(
                        f"by_name=True is only supported for legacy .h5 weight files; '{path}' has "
                        "Keras 3's .weights.h5 layout, which matches weights by position."
                    )
                stored = weights_h5.read(h5, path)
    except OSError as e:
        raise file_error(path, f"its HDF5 data is unreadable ({e}); the file may be truncated.") from e
    if stored is not None:
        weights_h5.load(model, stored, path, skip_mismatch)
    else:
        weights_h5.assign_all(
            legacy_h5.plan(model, saved, path, by_name=by_name, skip_mismatch=skip_mismatch)
        )


# -- JSON ------------------------------------------------------------------------------------------
def model_to_json(model: Any, **kwargs: Any) -> str:
    """``model.to_json()``: the model's config (as in ``config.json``) as a JSON string."""
    return json.dumps(config_mapping.model_to_config(model), default=config_mapping.json_default, **kwargs)


def model_from_json(json_string: str, custom_objects: Any = None) -> Any:
    """A new (untrained) model from ``model.to_json()``'s output, or tf.keras 2's.

    >>> from tensorflux import keras
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> model_from_json(model.to_json()).output_shape
    (None, 2)
    """
    try:
        config = json.loads(json_string)
    except json.JSONDecodeError as e:
        raise ValueError(f"model_from_json: the string is not valid JSON ({e}).") from e
    legacy = isinstance(config, dict) and str(config.get("keras_version", "3")).startswith(("1", "2"))
    model, compile_config = model_from_config(config, custom_objects, True, "<json string>", legacy=legacy)
    if compile_config:
        _compile_from_config(model, compile_config, "<json string>")
    return model


def clone_model(model: Any, input_tensors: Any = None, clone_function: Any = None, **kwargs: Any) -> Any:
    """A new model with the same architecture and freshly initialized weights (Sequential or functional).

    ``clone_function(layer)`` makes each new layer of a Sequential model (default: the layer's
    class from its config).

    >>> from tensorflux import keras
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> clone = clone_model(model)
    >>> clone.output_shape, clone.layers[0] is model.layers[0]
    ((None, 2), False)
    """
    from tensorflux.keras.models.functional import Functional
    from tensorflux.keras.models.sequential import Sequential
    from tensorflux.keras.utils.serialization import deserialize_keras_object, serialize_keras_object

    if input_tensors is not None or kwargs:
        raise NotImplementedError(
            "clone_model supports only `model` and, for Sequential models, `clone_function`."
        )
    if isinstance(model, Sequential):
        fn = clone_function or (lambda layer: type(layer).from_config(layer.get_config()))
        from tensorflux.keras.layers.input_layer import InputLayer

        first = model._stack[0] if model._stack else None
        layers = [fn(layer) for layer in model.layers]
        if isinstance(first, InputLayer):
            layers.insert(0, InputLayer(batch_shape=first.batch_shape, dtype=first.dtype))
        return Sequential(layers, name=model.name, trainable=model.trainable)
    if clone_function is not None or not isinstance(model, Functional):
        raise NotImplementedError(
            "clone_model supports Sequential models (with clone_function) and functional models; for a "
            "subclassed model, create a new instance with `type(model).from_config(model.get_config())`."
        )
    config = serialize_keras_object(model)
    config.pop("compile_config", None)
    return deserialize_keras_object(config)


def export(
    model: Any, filepath: Any, format: str = "tf_saved_model", verbose: Any = None, **kwargs: Any
) -> None:
    """``model.export``: exporting for serving (SavedModel, ONNX, OpenVINO) is not available yet."""
    raise NotImplementedError(
        f"model.export(format={format!r}) is not available in tensorflux. Use model.save('model.keras') "
        "(which real Keras loads) and export from there."
    )
