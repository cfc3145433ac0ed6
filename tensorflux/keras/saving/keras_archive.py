"""The ``.keras`` archive: a zip of ``metadata.json``, ``config.json`` and ``model.weights.h5``.

The members are stored uncompressed, in that order, as Keras 3 writes them.  Reading takes the
whole archive into memory and checks it before a model is built from it.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any

from tensorflux.keras.saving import config_mapping, weights_h5
from tensorflux.keras.saving._files import file_error

CONFIG = "config.json"
METADATA = "metadata.json"
WEIGHTS = "model.weights.h5"
# config.json of a real model is kilobytes to a few megabytes; refuse to inflate anything absurd.
_MAX_CONFIG_BYTES = 256 * 1024 * 1024


@dataclass
class Archive:
    """A ``.keras`` file read into memory."""

    metadata: dict[str, Any]
    config: dict[str, Any]
    weights: dict[str, weights_h5.StoredVars]


def metadata() -> dict[str, str]:
    from tensorflux.keras import __version__

    return {"keras_version": __version__, "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}


def weights_bytes(model: Any, include_optimizer: bool = True) -> bytes:
    import h5py

    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        weights_h5.write(model, h5, include_optimizer)
    return buffer.getvalue()


def contents(model: Any, include_optimizer: bool = True) -> list[tuple[str, bytes]]:
    """The three members of the archive, in order, built in memory."""
    config = config_mapping.model_to_config(model)
    config_text = json.dumps(config, default=config_mapping.json_default)
    return [
        (METADATA, json.dumps(metadata()).encode("utf-8")),
        (CONFIG, config_text.encode("utf-8")),
        (WEIGHTS, weights_bytes(model, include_optimizer)),
    ]


def write(model: Any, path: str, include_optimizer: bool = True) -> None:
    """Write ``model`` as a ``.keras`` archive at ``path`` (callers pass a temporary path)."""
    members = contents(model, include_optimizer)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=datetime.datetime.now().timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED
            zf.writestr(info, data)


def write_dir(model: Any, path: str, include_optimizer: bool = True) -> None:
    """``zipped=False``: the same three files in a folder."""
    os.makedirs(path, exist_ok=True)
    for name, data in contents(model, include_optimizer):
        with open(os.path.join(path, name), "wb") as f:
            f.write(data)


def _parse_json(data: bytes, member: str, filename: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise file_error(filename, f"its {member} is not valid JSON ({e}).") from e


def read_weights_bytes(data: bytes, filename: str) -> dict[str, weights_h5.StoredVars]:
    import h5py

    try:
        h5 = h5py.File(io.BytesIO(data), "r")
    except OSError as e:
        raise file_error(filename, f"its {WEIGHTS} is not a readable HDF5 file ({e}).") from e
    with h5:
        return weights_h5.read(h5, filename)


def read(path: str) -> Archive:
    """Read and check a ``.keras`` archive (or a folder written with ``zipped=False``)."""
    if os.path.isdir(path):
        return _read_dir(path)
    try:
        zf = zipfile.ZipFile(path, "r")
    except zipfile.BadZipFile as e:
        raise file_error(
            path, f"it is not a valid .keras archive ({e}); the file may be truncated or corrupted."
        ) from e
    with zf:
        names = zf.namelist()
        if CONFIG not in names:
            raise file_error(
                path, f"the archive has no {CONFIG}, so it is not a Keras model file (it holds {names[:10]})."
            )
        info = zf.getinfo(CONFIG)
        if info.file_size > _MAX_CONFIG_BYTES:
            raise file_error(path, f"its {CONFIG} claims {info.file_size} bytes; refusing to read it.")
        try:
            config_data = zf.read(CONFIG)
            meta_data = zf.read(METADATA) if METADATA in names else b"{}"
            if WEIGHTS not in names:
                other = [n for n in names if n.startswith("model.weights")]
                hint = f" (it holds {other}: sharded or .npz weights are not supported)" if other else ""
                raise file_error(path, f"the archive has no {WEIGHTS}{hint}.")
            weights_data = zf.read(WEIGHTS)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:
            raise file_error(
                path, f"a member of the archive is unreadable ({e}); the file may be truncated."
            ) from e
    config = _parse_json(config_data, CONFIG, path)
    if not isinstance(config, dict) or "class_name" not in config:
        raise file_error(path, f"its {CONFIG} does not describe a Keras object (no 'class_name').")
    meta = _parse_json(meta_data, METADATA, path)
    return Archive(meta if isinstance(meta, dict) else {}, config, read_weights_bytes(weights_data, path))


def _read_dir(path: str) -> Archive:
    members = {}
    for name in (METADATA, CONFIG, WEIGHTS):
        full = os.path.join(path, name)
        if not os.path.exists(full):
            if name == METADATA:
                members[name] = b"{}"
                continue
            raise file_error(path, f"the folder has no {name}.")
        with open(full, "rb") as f:
            members[name] = f.read()
    config = _parse_json(members[CONFIG], CONFIG, path)
    if not isinstance(config, dict) or "class_name" not in config:
        raise file_error(path, f"its {CONFIG} does not describe a Keras object (no 'class_name').")
    meta = _parse_json(members[METADATA], METADATA, path)
    return Archive(meta if isinstance(meta, dict) else {}, config, read_weights_bytes(members[WEIGHTS], path))
