"""``model.summary()``: Keras 3's table of layers, output shapes and parameter counts.

The layout reproduces what Keras 3 prints through ``rich`` on a plain console: the line length
is ``min(88, terminal columns - 4)`` (108 with a "Connected to" column), column widths follow
``positions`` and are shrunk the way rich shrinks a table that does not fit, cells wrap at
spaces, and rows are separated by rules.
"""

from __future__ import annotations

import math
import re
import shutil
import sys
from typing import Any

from tensorflux.framework import nest


def count_params(weights: Any) -> int:
    return int(sum(math.prod(int(d) for d in v.shape) for v in weights))


def weight_memory_size(weights: Any) -> float:
    """Bytes taken by ``weights`` (each counted once)."""
    unique = {id(w): w for w in weights}.values()
    total = 0
    for w in unique:
        total += math.prod(int(d) for d in w.shape) * _dtype_bits(w.dtype)
    return total / 8


def _dtype_bits(dtype: Any) -> int:
    name = getattr(dtype, "name", str(dtype))
    if name == "bool":
        return 1
    digits = re.findall(r"\d+", name)
    return int(digits[-1]) if digits else 32


def readable_memory_size(size: float) -> str:
    """``"199.19 KB"`` style, 1024 per unit."""
    for unit in ["B", "KB", "MB", "GB", "TB", "PB"]:
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def _format_shape(shape: Any) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ")"


def format_layer_shape(layer: Any) -> str:
    if not layer._inbound_nodes and not layer._build_shapes_dict:
        return "?"
    if layer._inbound_nodes:
        outputs = layer._inbound_nodes[-1].outputs
        shapes = nest.map_structure(lambda x: _format_shape(x.shape), outputs)
    else:
        try:
            out = layer._call_shape_fn(layer.compute_output_shape, dict(layer._build_shapes_dict))
        except Exception:  # noqa: BLE001  (a layer that cannot tell its output shape shows "?")
            return "?"
        if isinstance(out, (tuple, list)) and all(d is None or isinstance(d, int) for d in out):
            return _format_shape(out)
        shapes = nest.map_structure(_format_shape, _wrap_shapes(out))
    flat = nest.flatten(shapes)
    if len(flat) == 1:
        return flat[0]
    return str(shapes).replace("'", "")


def _wrap_shapes(s: Any) -> Any:
    if isinstance(s, (tuple, list)) and all(d is None or isinstance(d, int) for d in s):
        return _ShapeLeaf(s)
    if isinstance(s, dict):
        return {k: _wrap_shapes(v) for k, v in s.items()}
    if isinstance(s, (list, tuple)):
        return type(s)(_wrap_shapes(v) for v in s)
    return s


class _ShapeLeaf:
    def __init__(self, dims: Any) -> None:
        self.dims = tuple(dims)

    def __iter__(self) -> Any:
        return iter(self.dims)


def _ratio_reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    """Rich's way of taking ``total`` columns away from a row of widths."""
    ratios = [r if m else 0 for r, m in zip(ratios, maximums)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    out = []
    for r, m, v in zip(ratios, maximums, values):
        if r and total_ratio > 0:
            d = min(m, round(r * remaining / total_ratio))
            out.append(v - d)
            remaining -= d
            total_ratio -= r
        else:
            out.append(v)
    return out


def _column_widths(line_length: int, positions: list[float]) -> list[int]:
    widths = []
    current = 0
    for pos in positions:
        width = (int(pos * line_length) if pos <= 1 else int(pos)) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width)
        current += width
    padded = [w + 2 for w in widths]  # one space of padding on each side of a cell
    available = line_length - (len(widths) + 1)  # the vertical rules
    if sum(padded) > available:
        padded = _ratio_reduce(sum(padded) - available, [1] * len(padded), padded, padded)
    return padded


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = word if not current else current + " " + word
        if len(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if len(word) > width:  # rich's "ellipsis" overflow: cut long words
            word = word[: max(width - 1, 0)] + "…"
        current = word
    lines.append(current)
    return lines


def _row(cells: list[str], widths: list[int], align: list[str], bar: str) -> list[str]:
    wrapped = [_wrap(c, w - 2) for c, w in zip(cells, widths)]
    height = max(len(w) for w in wrapped)
    out = []
    for i in range(height):
        parts = []
        for lines, w, a in zip(wrapped, widths, align):
            text = lines[i] if i < len(lines) else ""
            inner = w - 2
            if a == "right":
                text = text.rjust(inner)
            elif a == "center":
                text = text.center(inner)
            else:
                text = text.ljust(inner)
            parts.append(" " + text + " ")
        out.append(bar + bar.join(parts) + bar)
    return out


def _rule(widths: list[int], left: str, fill: str, mid: str, right: str) -> str:
    return left + mid.join(fill * w for w in widths) + right


def _layer_range(layers: list[Any], layer_range: Any) -> tuple[int, int]:
    if layer_range is None:
        return 0, len(layers)
    if len(layer_range) != 2:
        raise ValueError(
            f"layer_range must be a list or tuple of length 2. Received: layer_range = {layer_range} of "
            f"length {len(layer_range)}"
        )
    if not all(isinstance(x, str) for x in layer_range):
        raise ValueError(f"layer_range should contain string type only. Received: {layer_range}")
    idx = [i for i, x in enumerate(layers) if re.match(layer_range[0], x.name)]
    last = [i for i, x in enumerate(layers) if re.match(layer_range[1], x.name)]
    if not idx or not last:
        raise ValueError(
            f"Passed layer_names do not match the layer names in the model. Received: {layer_range}"
        )
    return min(idx), max(last) + 1


def _is_sequential_like(model: Any) -> tuple[bool, list[Any]]:
    from tensorflux.keras.models.functional import Functional
    from tensorflux.keras.models.sequential import Sequential

    if isinstance(model, Sequential) or not isinstance(model, Functional):
        return True, []
    nodes: list[Any] = []
    for v in model._nodes_by_depth.values():
        if len(v) > 1 or (len(v) == 1 and len(v[0].input_tensors) > 1):
            return False, [n for vs in model._nodes_by_depth.values() for n in vs]
        nodes += v
    for layer in model.layers:
        seen = False
        for node in layer._inbound_nodes:
            if any(node is n for n in nodes):
                if seen:
                    return False, [n for vs in model._nodes_by_depth.values() for n in vs]
                seen = True
    return True, []


def print_summary(
    model: Any,
    line_length: int | None = None,
    positions: Any = None,
    print_fn: Any = None,
    expand_nested: bool = False,
    show_trainable: bool = False,
    layer_range: Any = None,
) -> None:
    """Print (or pass to ``print_fn``, as one string) the summary table of ``model``."""
    from tensorflux.keras.models.functional import Functional

    sequential_like, relevant = _is_sequential_like(model)
    layers = model._operations if isinstance(model, Functional) else model.layers
    if sequential_like:
        default_length = 88
        positions = list(positions or [0.45, 0.80, 1.0])
        header = ["Layer (type)", "Output Shape", "Param #"]
        align = ["left", "left", "right"]
    else:
        default_length = 108
        positions = list(positions or [0.3, 0.56, 0.74, 1.0])
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        align = ["left", "left", "right", "left"]
    if show_trainable:
        default_length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        header.append("Trainable")
        align.append("center")
    default_length = min(default_length, shutil.get_terminal_size().columns - 4)
    line_length = line_length or default_length
    widths = _column_widths(line_length, positions)

    def connections(layer: Any) -> str:
        out = []
        for node in layer._inbound_nodes:
            if relevant and not any(node is n for n in relevant):
                continue
            for kt in node.input_tensors:
                h = kt._keras_history
                out.append(f"{h.operation.name}[{h.node_index}][{h.tensor_index}]")
        return ", ".join(out) if out else "-"

    def fields(layer: Any, prefix: str) -> list[str]:
        name = f"{prefix}{layer.name} ({getattr(layer, '_display_class', None) or type(layer).__name__})"
        if not layer.built:
            params = "0 (unbuilt)"
        else:
            params = f"{layer.count_params():,}"
        row = [name, format_layer_shape(layer), params]
        if not sequential_like:
            row.append(connections(layer))
        if show_trainable:
            row.append(("Y" if layer.trainable else "N") if layer.weights else "-")
        return row

    def rows_of(layer: Any, level: int = 0) -> list[list[str]]:
        prefix = "   " * level + "└ " if level else ""
        rows = [fields(layer, prefix)]
        if expand_nested and hasattr(layer, "layers") and not isinstance(layer.layers, property):
            try:
                nested = layer.layers
            except Exception:  # noqa: BLE001
                nested = []
            for sub in nested:
                rows.extend(rows_of(sub, level + 1))
        return rows

    start, stop = _layer_range(layers, layer_range)
    table_rows: list[list[str]] = []
    for layer in layers[start:stop]:
        table_rows.extend(rows_of(layer))

    lines = [f'Model: "{model.name}"']
    lines.append(_rule(widths, "┏", "━", "┳", "┓"))
    lines.extend(_row(header, widths, align, "┃"))
    lines.append(_rule(widths, "┡", "━", "╇", "┩"))
    for i, row in enumerate(table_rows):
        if i:
            lines.append(_rule(widths, "├", "─", "┼", "┤"))
        lines.extend(_row(row, widths, align, "│"))
    lines.append(_rule(widths, "└", "─", "┴", "┘"))

    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    t_count, n_count = count_params(trainable), count_params(non_trainable)
    t_mem, n_mem = weight_memory_size(trainable), weight_memory_size(non_trainable)
    optimizer = getattr(model, "optimizer", None)
    opt_vars = list(getattr(optimizer, "variables", []) or []) if getattr(optimizer, "built", False) else []
    o_count, o_mem = count_params(opt_vars), weight_memory_size(opt_vars)
    lines.append(
        f" Total params: {t_count + n_count + o_count:,} ({readable_memory_size(t_mem + n_mem + o_mem)})"
    )
    lines.append(f" Trainable params: {t_count:,} ({readable_memory_size(t_mem)})")
    lines.append(f" Non-trainable params: {n_count:,} ({readable_memory_size(n_mem)})")
    if opt_vars:
        lines.append(f" Optimizer params: {o_count:,} ({readable_memory_size(o_mem)})")
    text = "\n".join(lines) + "\n"
    if print_fn is not None:
        print_fn(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
