"""``KerasFileEditor``: inspect and edit the weights of a ``.keras`` or ``.weights.h5`` file.

The file is read whole into memory (through the same readers ``load_model`` and
``load_weights`` use) as ``weights_dict``, a tree of the objects that own weights, as Keras 3
shows it: ``{"layers": {"dense": {"0": kernel, "1": bias}, ...}, "optimizer": {...}}``.  An object's
own weights are its array entries; the objects inside it (a nested model's layers) are its dict
entries; the root model's own weights sit under ``"vars"``.  Edits change only that tree, and
each one checks its arguments before changing anything; ``save`` writes a new ``.weights.h5``
atomically, so neither a failed edit nor a failed save ever touches a file on disk.

Where Keras 3.15 differs, on purpose: ``compare`` counts each mismatch and each matching weight
once (Keras adds the counts of earlier objects again for every later sibling); renaming onto,
adding over, or adding a weight over an existing one raises instead of silently replacing it
(``delete_object``/``delete_weight`` first); a nested model's layers are shown and kept instead of
being dropped; ``save`` keeps each object's ``name`` attribute.
"""

from __future__ import annotations

import io
import os
import zipfile
from typing import Any

import numpy as np

from tensorflux.keras.saving import keras_archive, weights_h5
from tensorflux.keras.saving._files import atomic_write, file_error

_ROOT_VARS = "vars"  # Keras shows the root model's own weights under this key


def _is_object(value: Any) -> bool:
    return isinstance(value, dict)


def _check_h5_safe(h5: Any, filename: str) -> None:
    """Refuse links and virtual or external datasets: they would read data from other files."""
    import h5py

    problems: list[str] = []

    def visit(name: str, link: Any) -> None:
        if isinstance(link, (h5py.SoftLink, h5py.ExternalLink)):
            problems.append(f"'{name}' is a {type(link).__name__}")

    h5.visititems_links(visit)

    def visit_ds(name: str, obj: Any) -> None:
        if isinstance(obj, h5py.Dataset) and (obj.is_virtual or obj.external):
            problems.append(f"'{name}' is a virtual or external dataset")

    h5.visititems(visit_ds)
    if problems:
        raise file_error(filename, "not allowed in a weights file: " + "; ".join(problems[:5]))


def _check_archive_safe(path: str) -> None:
    """``_check_h5_safe`` on the weights inside a ``.keras`` archive, before anything reads them."""
    import h5py

    try:
        if os.path.isdir(path):
            with open(os.path.join(path, keras_archive.WEIGHTS), "rb") as f:
                data = f.read()
        else:
            with zipfile.ZipFile(path) as zf:
                data = zf.read(keras_archive.WEIGHTS)
        h5 = h5py.File(io.BytesIO(data), "r")
    except (OSError, KeyError, zipfile.BadZipFile, EOFError):
        return  # a broken or incomplete archive: keras_archive.read names the problem
    with h5:
        _check_h5_safe(h5, path)


def _read_h5(data: Any, filename: str) -> dict[str, weights_h5.StoredVars]:
    import h5py

    try:
        h5 = h5py.File(data, "r")
    except OSError as e:
        raise file_error(filename, f"it is not a readable HDF5 file ({e}); it may be truncated.") from e
    with h5:
        _check_h5_safe(h5, filename)
        return weights_h5.read(h5, filename)


def _nest(flat: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``{owner path: {weight name: value}}`` as a tree; owners without weights are left out."""
    tree: dict[str, Any] = {}
    for path in sorted(flat, key=lambda p: p.split("/")):
        weights = flat[path]
        if not weights:
            continue
        node = tree
        for part in path.split("/") if path else [_ROOT_VARS]:
            node = node.setdefault(part, {})
        node.update(weights)
    return tree


def _model_spec(model: Any) -> dict[str, Any]:
    """The tree of weight shapes ``model.save_weights`` would write, without writing anything."""
    flat: dict[str, dict[str, Any]] = {}
    for path, obj in weights_h5.saveables(model):
        if weights_h5._has_custom_hooks(obj):
            store: dict[str, Any] = {}
            obj.save_own_variables(store)
            flat[path] = {k: tuple(np.shape(v)) for k, v in store.items()}
        else:
            flat[path] = {str(i): tuple(v.shape) for i, v in enumerate(weights_h5._own_variables(obj))}
    return _nest(flat)


def _shape(value: Any) -> tuple[int, ...]:
    return tuple(value) if isinstance(value, tuple) else tuple(np.shape(value))


def _as_weights(weights: Any, what: str) -> dict[str, np.ndarray]:
    if not isinstance(weights, dict):
        raise ValueError(
            f"Argument `{what}` should be a dict where keys are weight names (usually '0', '1', etc.) and "
            f"values are NumPy arrays. Received: type({what})={type(weights)}"
        )
    out: dict[str, np.ndarray] = {}
    for name, value in weights.items():
        if not isinstance(name, str) or not name or "/" in name:
            raise ValueError(f"Weight names must be non-empty strings without '/'. Received: {name!r}")
        array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"Weight '{name}' must hold numbers; received an array of dtype {array.dtype}.")
        out[name] = array
    return out


class KerasFileEditor:
    """Inspect, edit and resave the weights of a Keras file without building its model.

    Useful to adapt a weights file after changing a model's architecture: rename, delete or add
    objects and weights until ``compare(new_model)`` succeeds, then ``save`` a ``.weights.h5``
    that ``new_model.load_weights`` accepts.

    Args:
        filepath: A ``.keras`` or ``.weights.h5`` file.

    Attributes:
        weights_dict: The tree of objects and their weights (NumPy arrays), edited in place.
        object_metadata: ``{"/layers/dense": {"name": "dense"}, ...}``: each object's saved name.
        config: The model's config (``.keras`` files; otherwise None).
        metadata: ``{"keras_version", "date_saved"}`` (``.keras`` files; otherwise None).

    >>> import os, tempfile
    >>> from tensorflux import keras
    >>> path = os.path.join(tempfile.mkdtemp(), "m.weights.h5")
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    >>> model.save_weights(path)
    >>> editor = KerasFileEditor(path)  # doctest: +ELLIPSIS
    Keras model file '...m.weights.h5'
    >>> {k: v.shape for k, v in editor.weights_dict["layers"]["dense"].items()}
    {'0': (2, 3), '1': (3,)}
    >>> editor.compare(model)["status"]  # doctest: +ELLIPSIS
    Running comparison
    ...
    'success'
    """

    def __init__(self, filepath: Any) -> None:
        self.filepath = os.fspath(filepath)
        self.metadata: dict[str, Any] | None = None
        self.config: dict[str, Any] | None = None
        self.model = None
        path = self.filepath
        if path.endswith(".keras"):
            _check_archive_safe(path)
            archive = keras_archive.read(path)
            self.config, self.metadata = archive.config, archive.metadata
            stored = archive.weights
        elif path.endswith(".weights.h5"):
            if not os.path.exists(path):
                raise FileNotFoundError(f"No such file: '{path}'")
            stored = _read_h5(path, path)
        else:
            raise ValueError(
                f"Invalid filename: expected a `.keras` `.weights.h5` extension. Received: filepath={path}"
            )
        self.weights_dict: dict[str, Any] = _nest(
            {p: dict(zip(s.keys(), (s[k] for k in s.keys()))) for p, s in stored.items()}
        )
        self.object_metadata: dict[str, dict[str, Any]] = {
            "/" + (p or _ROOT_VARS): {"name": s.name}
            for p, s in stored.items()
            if len(s) and s.name is not None
        }
        print(f"Keras model file '{self.filepath}'")
        if self.metadata:
            print(
                f"Saved with Keras {self.metadata.get('keras_version', '?')} - "
                f"date: {self.metadata.get('date_saved', '?')}"
            )

    # -- inspecting ---------------------------------------------------------------------------------
    def summary(self) -> None:
        """Print the tree of objects (with their saved names) and the shape and dtype of each weight."""
        print("Weights structure")
        self._print(self.weights_dict, "  ", "")

    def _print(self, tree: dict[str, Any], prefix: str, path: str) -> None:
        items = list(tree.items())
        for i, (key, value) in enumerate(items):
            last = i == len(items) - 1
            connector = "└─ " if last else "├─ "
            sub = f"{path}/{key}"
            if _is_object(value):
                name = self.object_metadata.get(sub, {}).get("name")
                print(f"{prefix}{connector}{key}" + (f" ('{name}')" if name else ""))
                self._print(value, prefix + ("    " if last else "│   "), sub)
            else:
                print(f"{prefix}{connector}{key}: shape={value.shape}, dtype={value.dtype}")

    def compare(self, reference_model: Any) -> dict[str, Any]:
        """List every difference between the file and ``reference_model``'s weights.

        Returns:
            ``{"status": "success" or "error", "error_count": int, "match_count": int}``: an error
            is an object or weight present on one side only, or a weight whose shapes differ; a
            match is a weight present on both sides with the same shape.
        """
        print("Running comparison")
        ref = _model_spec(reference_model)
        errors: list[str] = []
        matches = 0

        def walk(a: dict[str, Any], b: dict[str, Any], path: str) -> None:
            nonlocal matches
            for key in list(a) + [k for k in b if k not in a]:
                sub = f"{path}/{key}"
                if key not in b or key not in a:
                    present, missing, value = (
                        ("reference model", "saved file", a[key])
                        if key in a
                        else ("saved file", "reference model", b[key])
                    )
                    kind = "Object" if _is_object(value) else "Weight"
                    errors.append(f"...{kind} {sub} present in {present}, missing from {missing}")
                    if _is_object(value):
                        errors[-1] += f"\n    In {present}, {sub} contains the following keys: {list(value)}"
                elif _is_object(a[key]) and _is_object(b[key]):
                    walk(a[key], b[key], sub)
                elif _is_object(a[key]) or _is_object(b[key]):
                    errors.append(f"...{sub} is an object in one and a weight in the other")
                elif _shape(a[key]) != _shape(b[key]):
                    errors.append(
                        f"...Weight shape mismatch for {sub}\n"
                        f"    In reference model: shape={_shape(a[key])}\n"
                        f"    In saved file: shape={_shape(b[key])}"
                    )
                else:
                    matches += 1

        walk(ref, self.weights_dict, "")
        for line in errors:
            print(line)
        print("─────────────────────")
        if errors:
            n = len(errors)
            print(
                f"Found {n} error{'s' if n != 1 else ''}: "
                "saved file is not compatible with the reference model"
            )
        else:
            print("Comparison successful: saved file is compatible with the reference model")
            print(f"    Found {matches} matching weight{'s' if matches != 1 else ''}")
        return {
            "status": "error" if errors else "success",
            "error_count": len(errors),
            "match_count": matches,
        }

    # -- editing ----------------------------------------------------------------------------------
    def _find(self, object_name: str, what: str = "object_name") -> tuple[dict[str, Any], str]:
        """The dict holding ``object_name`` (a name or a path) and its key there."""
        if not isinstance(object_name, str) or not object_name:
            raise ValueError(f"Argument `{what}` should be a non-empty string. Received: {object_name!r}")
        if "/" in object_name:
            parts = object_name.strip("/").split("/")
            node = self.weights_dict
            for part in parts[:-1]:
                if not _is_object(node.get(part)):
                    raise ValueError(f"Path '{object_name}' not found in the file. {self._hint()}")
                node = node[part]
            if parts[-1] not in node:
                raise ValueError(f"Path '{object_name}' not found in the file. {self._hint()}")
            return node, parts[-1]
        found: list[dict[str, Any]] = []

        def search(node: dict[str, Any]) -> None:
            if object_name in node:
                found.append(node)
            for value in node.values():
                if _is_object(value):
                    search(value)

        search(self.weights_dict)
        if len(found) > 1:
            raise ValueError(
                f"Name '{object_name}' occurs more than once in the model; try passing a complete path"
            )
        if not found:
            raise ValueError(f"Source name '{object_name}' does not appear in the model. {self._hint()}")
        return found[0], object_name

    def _hint(self) -> str:
        return "Use `editor.summary()` to list all objects."

    def _path_of(self, parent: dict[str, Any], key: str) -> str:
        def search(node: dict[str, Any], path: str) -> str | None:
            if node is parent:
                return f"{path}/{key}"
            for k, v in node.items():
                if _is_object(v):
                    hit = search(v, f"{path}/{k}")
                    if hit:
                        return hit
            return None

        return search(self.weights_dict, "") or f"/{key}"

    def _move_metadata(self, old: str, new: str | None) -> None:
        for path in [p for p in self.object_metadata if p == old or p.startswith(old + "/")]:
            meta = self.object_metadata.pop(path)
            if new is not None:
                self.object_metadata[new + path[len(old) :]] = meta

    def rename_object(self, object_name: str, new_name: str) -> None:
        """Rename an object (e.g. a layer): ``object_name`` is its name or path, ``new_name`` a leaf name.

        >>> # editor.rename_object("dense_3", "dense_2") or editor.rename_object("layers/dense_3", "dense_2")
        """
        if not isinstance(new_name, str) or not new_name or "/" in new_name:
            raise ValueError(
                "Argument `target_name` should be a leaf name, not a full path name. "
                f"Received: target_name='{new_name}'"
            )
        parent, key = self._find(object_name)
        if new_name == key:
            return
        if new_name in parent:
            raise ValueError(
                f"Cannot rename '{object_name}' to '{new_name}': '{new_name}' already exists there. "
                "Delete it first with `delete_object`."
            )
        old_path = self._path_of(parent, key)
        renamed = {(new_name if k == key else k): v for k, v in parent.items()}  # keep the position
        parent.clear()
        parent.update(renamed)
        self._move_metadata(old_path, old_path.rsplit("/", 1)[0] + "/" + new_name)

    def delete_object(self, object_name: str) -> None:
        """Remove an object (e.g. a layer) and everything in it: ``object_name`` is a name or a path."""
        parent, key = self._find(object_name)
        if not _is_object(parent[key]):
            raise ValueError(f"'{object_name}' is a weight, not an object: use `delete_weight`.")
        path = self._path_of(parent, key)
        del parent[key]
        self._move_metadata(path, None)

    def add_object(self, object_path: str, weights: dict[str, Any]) -> None:
        """Add a new object at ``object_path`` (e.g. ``"layers/dense_2"``) with ``{"0": array, ...}``."""
        arrays = _as_weights(weights, "weights")
        if not isinstance(object_path, str) or not object_path.strip("/"):
            raise ValueError(f"Argument `object_path` should be a non-empty path. Received: {object_path!r}")
        parts = object_path.strip("/").split("/")
        node = self.weights_dict
        for part in parts[:-1]:
            if not _is_object(node.get(part)):
                raise ValueError(f"Path '{'/'.join(parts[:-1])}' not found in model. {self._hint()}")
            node = node[part]
        if parts[-1] in node:
            raise ValueError(
                f"Object '{object_path}' already exists. Delete it first with `delete_object`, or add "
                "weights to it with `add_weights`."
            )
        node[parts[-1]] = arrays

    def delete_weight(self, object_name: str, weight_name: str) -> None:
        """Remove the weight ``weight_name`` (e.g. ``"1"``) from an object (a name or a path)."""
        parent, key = self._find(object_name)
        obj = parent[key]
        if not _is_object(obj) or weight_name not in obj or _is_object(obj[weight_name]):
            found = [k for k, v in obj.items() if not _is_object(v)] if _is_object(obj) else []
            raise ValueError(
                f"Weight {weight_name} not found in object {object_name}. Weights found: {found}"
            )
        del obj[weight_name]

    def add_weights(self, object_name: str, weights: dict[str, Any]) -> None:
        """Add new weights ``{"1": array, ...}`` to an existing object (a name or a path)."""
        arrays = _as_weights(weights, "weights")
        parent, key = self._find(object_name)
        obj = parent[key]
        if not _is_object(obj):
            raise ValueError(f"'{object_name}' is a weight, not an object.")
        clash = [k for k in arrays if k in obj]
        if clash:
            raise ValueError(
                f"Object '{object_name}' already has weight(s) {clash}. "
                "Delete them first with `delete_weight`."
            )
        obj.update(arrays)

    # -- saving -----------------------------------------------------------------------------------
    def save(self, filepath: Any) -> None:
        """Write the edited weights to a new ``.weights.h5`` file (atomically: a failure leaves no file)."""
        path = os.fspath(filepath)
        if not str(path).endswith(".weights.h5"):
            raise ValueError(
                f"Invalid `filepath` argument: expected a `.weights.h5` extension. Received: filepath={path}"
            )
        atomic_write(str(path), self._write)

    def resave_weights(self, filepath: Any) -> None:
        """Same as ``save``."""
        self.save(filepath)

    def _write(self, tmp: str) -> None:
        import h5py

        with h5py.File(tmp, "w") as h5:

            def write(node: dict[str, Any], path: str) -> None:
                own = {k: v for k, v in node.items() if not _is_object(v)}
                if own:
                    group = h5.create_group(f"{path}/vars" if path else "vars")
                    name = self.object_metadata.get("/" + (path or _ROOT_VARS), {}).get("name")
                    if name is not None:
                        group.attrs["name"] = name
                    for k, v in own.items():
                        group.create_dataset(k, data=np.asarray(v))
                for k, v in node.items():
                    if _is_object(v):
                        write(v, f"{path}/{k}" if path else k)

            # the root model's own weights are shown under "vars" but stored in the root "vars" group
            root_own = self.weights_dict.get(_ROOT_VARS)
            own: dict[str, Any] = root_own if isinstance(root_own, dict) else {}
            write({**own, **self._children_of_root()}, "")

    def _children_of_root(self) -> dict[str, Any]:
        return {k: v for k, v in self.weights_dict.items() if k != _ROOT_VARS and _is_object(v)}
