"""``export(model, path)``: walk a Sequential or functional model's layer graph and write ONNX.

The walk starts from the model's output KerasTensors and follows ``_keras_history`` back to
its inputs, so Sequential and functional models (several inputs and outputs, shared layers,
nested models) go through the same code: each node of the graph (one layer call) is handed
to its converter with the ONNX names of its input tensors, in the node's own argument
structure.  Graph inputs are named after the ``InputLayer``s, outputs after the layers that
produce them; the batch dimension is the symbolic ``"N"``.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

import numpy as np

from tensorflux.onnx import registry
from tensorflux.onnx._graph import GraphBuilder, Sym

DEFAULT_OPSET = 17
MIN_OPSET = 13


def _require_onnx() -> Any:
    try:
        import onnx
    except ImportError:
        raise ImportError(
            "tensorflux.onnx.export needs the `onnx` package, an optional dependency: pip install onnx "
            "(and onnxruntime to run the exported model)."
        ) from None
    return onnx


# -- the layer graph -------------------------------------------------------------------------------
def _node_of(kt: Any) -> Any:
    h = kt._keras_history
    return h.operation._inbound_nodes[h.node_index]


def _post_order(inputs: list[Any], outputs: list[Any]) -> list[Any]:
    """The nodes between ``inputs`` and ``outputs``, each after the nodes it reads from."""
    known = {id(kt) for kt in inputs}
    order: list[Any] = []
    seen: set[int] = set()
    stack = [(_node_of(kt), False) for kt in reversed(outputs) if id(kt) not in known]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for kt in reversed(node.input_tensors):
            if id(kt) not in known and id(_node_of(kt)) not in seen:
                stack.append((_node_of(kt), False))
    return order


def _check_masks(layer: Any, node: Any) -> None:
    masked = [kt for kt in node.input_tensors if getattr(kt, "_keras_mask", None) is not None]
    if "mask" in node.call_kwargs and node.call_kwargs["mask"] is not None:
        masked.append(node.call_kwargs["mask"])
    if masked and not registry.accepts_masks(layer):
        raise ValueError(
            f"ONNX export: layer '{layer.name}' ({type(layer).__name__}) receives a Keras mask (from "
            "Embedding(mask_zero=True), Masking or an explicit mask=), and its result depends on it; "
            "masks are not exported. Export a model without masking (e.g. mask_zero=False)."
        )


def emit_model(g: GraphBuilder, model: Any, inputs: list[Sym]) -> list[str]:
    """Write ``model``'s layer graph reading ``inputs``; returns the names of its outputs."""
    model_inputs, model_outputs = list(model.inputs), list(model.outputs)
    if len(inputs) != len(model_inputs):
        raise ValueError(
            f"ONNX export: model '{model.name}' has {len(model_inputs)} input(s) but is called on "
            f"{len(inputs)}."
        )
    values: dict[int, Sym] = {id(kt): sym for kt, sym in zip(model_inputs, inputs)}
    for node in _post_order(model_inputs, model_outputs):
        layer = node.operation
        if node.is_input:
            raise ValueError(
                f"ONNX export: model '{model.name}' reads input layer '{layer.name}', which is not one of "
                "its inputs (graph disconnected)."
            )
        convert = registry.lookup(layer)
        _check_masks(layer, node)
        args, kwargs = node.arguments_with(values)
        with g.scope(layer.name):
            result = convert(g, layer, *args, **kwargs)
        names = list(result) if isinstance(result, (list, tuple)) else [result]
        if len(names) != len(node.output_tensors):
            raise RuntimeError(
                f"ONNX export: the converter of layer '{layer.name}' ({type(layer).__name__}) gave "
                f"{len(names)} outputs for the layer's {len(node.output_tensors)}."
            )
        for kt, name in zip(node.output_tensors, names):
            values[id(kt)] = Sym(name, kt.shape, kt.dtype.name)
    return [values[id(kt)].name for kt in model_outputs]


# -- inputs and signature ------------------------------------------------------------------------------
def _spec_parts(spec: Any) -> tuple[Any, Any, Any]:
    """``(shape, dtype, name)`` of a TensorSpec-like object or a plain shape."""
    if spec is None:
        return None, None, None
    if isinstance(spec, (tuple, list)) and all(d is None or isinstance(d, (int, np.integer)) for d in spec):
        return tuple(spec), None, None
    if hasattr(spec, "shape"):
        shape = None if spec.shape is None else tuple(None if d is None else int(d) for d in spec.shape)
        dtype = getattr(spec, "dtype", None)
        dtype = getattr(dtype, "name", dtype)
        return shape, (None if dtype is None else str(dtype)), getattr(spec, "name", None)
    raise TypeError(
        f"ONNX export: input_signature entries must be shapes such as (None, 28, 28, 1) or TensorSpec-like "
        f"objects with .shape and .dtype. Received: {spec!r}"
    )


def _signature(model: Any, input_signature: Any) -> list[tuple[Any, Any, Any]]:
    if input_signature is None:
        return []
    if isinstance(input_signature, dict):
        names = [kt._keras_history.operation.name for kt in model.inputs] if _graph_ready(model) else []
        missing = [n for n in names if n not in input_signature]
        if missing:
            raise ValueError(f"ONNX export: input_signature has no entry for input(s) {missing}.")
        return [_spec_parts(input_signature[n]) for n in names]
    if isinstance(input_signature, (list, tuple)) and not (
        input_signature and all(d is None or isinstance(d, (int, np.integer)) for d in input_signature)
    ):
        return [_spec_parts(s) for s in input_signature]
    return [_spec_parts(input_signature)]


def _graph_ready(model: Any) -> bool:
    from tensorflux.keras.models.functional import Functional
    from tensorflux.keras.models.sequential import Sequential

    if isinstance(model, Functional):
        return True
    return isinstance(model, Sequential) and model._graph is not None


def _prepare(model: Any, specs: list[tuple[Any, Any, Any]]) -> None:
    from tensorflux.keras.models.functional import Functional
    from tensorflux.keras.models.model import Model
    from tensorflux.keras.models.sequential import Sequential

    if not isinstance(model, Model):
        raise TypeError(f"tensorflux.onnx.export expects a keras Model; received {type(model).__name__}.")
    if not isinstance(model, (Functional, Sequential)):
        raise ValueError(
            f"ONNX export: model '{model.name}' is a subclassed Model ({type(model).__name__}) whose "
            "call() is Python code, not a layer graph. Export a Sequential or functional model "
            "(Model(inputs, outputs)) built from the same layers."
        )
    if isinstance(model, Sequential) and model._graph is None:
        if not specs or specs[0][0] is None:
            raise ValueError(
                f"ONNX export: Sequential model '{model.name}' is not built, so its input shape is "
                "unknown. Call it on data once, start it with keras.Input(shape), or pass "
                "input_signature=[(None, ...)]."
            )
        model.build((None,) + tuple(specs[0][0])[1:])


_FLOAT_NAMES = {"float16", "float32", "float64", "bfloat16"}


def _elem_type(dtype: str) -> int:
    from onnx import helper

    return helper.np_dtype_to_tensor_dtype(np.dtype("float32" if dtype == "bfloat16" else dtype))


def _dims(shape: tuple[Any, ...], name: str) -> list[Any]:
    return [
        "N" if i == 0 and d is None else (f"{name}_dim{i}" if d is None else int(d))
        for i, d in enumerate(shape)
    ]


def _graph_inputs(
    g: GraphBuilder, model: Any, specs: list[tuple[Any, Any, Any]]
) -> tuple[list[Any], list[Sym]]:
    from onnx import helper

    kts = list(model.inputs)
    if specs and len(specs) != len(kts):
        raise ValueError(
            f"ONNX export: model '{model.name}' has {len(kts)} input(s) but input_signature describes "
            f"{len(specs)}."
        )
    value_infos, syms = [], []
    for i, kt in enumerate(kts):
        shape, dtype, name = specs[i] if specs else (None, None, None)
        base = name or kt._keras_history.operation.name
        if shape is None:
            shape = tuple(kt.shape)
        if len(shape) != len(kt.shape) or any(
            m is not None and s is not None and m != s for m, s in zip(kt.shape, shape)
        ):
            raise ValueError(
                f"ONNX export: input_signature shape {tuple(shape)} for input '{base}' does not match the "
                f"model's input shape {tuple(kt.shape)}."
            )
        shape = tuple(m if s is None else s for m, s in zip(kt.shape, shape))
        dtype = dtype or kt.dtype.name
        gname = g.reserve(base)
        value_infos.append(helper.make_tensor_value_info(gname, _elem_type(dtype), _dims(shape, gname)))
        x = gname
        if dtype != kt.dtype.name:  # the model casts its inputs to the Input's dtype
            x = g.op("Cast", [gname], hint=f"{gname}_cast", to=_elem_type(kt.dtype.name))
        syms.append(Sym(x, shape, kt.dtype.name))
    return value_infos, syms


def _check_dtypes(model: Any) -> None:
    for v in model.weights:
        if v.dtype.name != "float32" and v.dtype.is_floating:
            raise ValueError(
                f"ONNX export writes float32 models; weight '{v.path}' has dtype {v.dtype.name}. Export a "
                "float32 copy of the model."
            )


def _atomic_write(path: str, data: bytes) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".onnx.tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


# -- entry point -----------------------------------------------------------------------------------
def export(model: Any, path: Any, input_signature: Any = None, opset: int | None = None) -> Any:
    """Write ``model`` (Sequential or functional) to the ONNX file ``path`` for inference.

    Args:
        model: a built Sequential or functional tensorflux Keras model.
        path: the ``.onnx`` file to write (replaced atomically; a failed export leaves it untouched).
        input_signature: optional, one entry per model input: a shape such as ``(None, 28, 28, 1)``
            or a ``TensorSpec``-like object (``shape``, ``dtype``, ``name``). Fixed sizes replace
            unknown ones (e.g. a batch of 1), a dtype other than the Input's gets a Cast, a name
            renames the graph input. Needed only for a Sequential model that is not built.
        opset: the ONNX operator set, 13 or later (default 17).

    Returns:
        The ``onnx.ModelProto`` that was written (checked with ``onnx.checker``).

    Dropout and noise layers are left out (inference), BatchNormalization uses its moving
    statistics, and weights are stored as float32 initializers.

    >>> import tempfile, os, tensorflux as tf
    >>> model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2)])
    >>> proto = export(model, os.path.join(tempfile.mkdtemp(), "m.onnx"))
    >>> [n.op_type for n in proto.graph.node]
    ['MatMul', 'Add', 'Identity']
    """
    onnx = _require_onnx()
    from onnx import helper

    import tensorflux

    if opset is None:
        opset = DEFAULT_OPSET
    newest = onnx.defs.onnx_opset_version()
    if isinstance(opset, bool) or not isinstance(opset, int) or not MIN_OPSET <= opset <= newest:
        raise ValueError(
            f"ONNX export: opset must be an integer from {MIN_OPSET} to {newest} (the installed onnx "
            f"{onnx.__version__}). Received: opset={opset!r}"
        )
    specs = _signature(model, input_signature)
    _prepare(model, specs)
    _check_dtypes(model)
    g = GraphBuilder(opset)
    graph_inputs, syms = _graph_inputs(g, model, specs)
    out_names = emit_model(g, model, syms)
    graph_outputs = []
    taken = [kt._keras_history.operation.name for kt in model.outputs]
    for kt, src, base in zip(model.outputs, out_names, taken):
        name = g.reserve(base)
        g.nodes.append(helper.make_node("Identity", [src], [name], name=g.fresh(f"{name}_output")))
        graph_outputs.append(
            helper.make_tensor_value_info(name, _elem_type(kt.dtype.name), _dims(kt.shape, name))
        )
    graph = helper.make_graph(g.nodes, model.name, graph_inputs, graph_outputs, initializer=g.initializers)
    opset_id = helper.make_opsetid("", opset)
    proto = helper.make_model(
        graph,
        opset_imports=[opset_id],
        producer_name="tensorflux",
        producer_version=tensorflux.__version__,
        ir_version=helper.find_min_ir_version_for([opset_id]),
    )
    onnx.checker.check_model(proto, full_check=True)
    _atomic_write(os.fspath(path), proto.SerializeToString())
    return proto
