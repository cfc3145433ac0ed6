"""``plot_model`` and ``model_to_dot``: draw a model's layer graph with pydot and graphviz.

Both are optional dependencies: without ``pydot`` (``pip install pydot``) or the graphviz ``dot``
program these functions raise an ``ImportError`` that says what to install.
"""

from __future__ import annotations

import os
from typing import Any

_PYDOT_ADVICE = "You must install pydot (`pip install pydot`) for {what} to work."
_GRAPHVIZ_ADVICE = (
    "You must install graphviz (see instructions at https://graphviz.gitlab.io/download/) for {what} to work."
)


def _pydot(what: str) -> Any:
    try:
        import pydot
    except ImportError:
        raise ImportError(_PYDOT_ADVICE.format(what=what)) from None
    return pydot


def _check_graphviz(pydot: Any) -> bool:
    try:
        pydot.Dot.create(pydot.Dot())  # runs `dot`; fails when graphviz is not installed
        return True
    except Exception:  # pydot reports a missing program as OSError or its own exception types
        return False


def _check_built(model: Any) -> None:
    if not model.built:
        raise ValueError(
            "This model has not yet been built. Build the model first by calling `build()` or by calling "
            "the model on a batch of data."
        )


def _shape_text(tensors: list[Any]) -> str:
    shapes = [tuple(t.shape) for t in tensors]
    if not shapes:
        return "?"
    return str(shapes[0]) if len(shapes) == 1 else str(shapes)


def _label(
    layer: Any,
    show_shapes: bool,
    show_dtype: bool,
    show_layer_names: bool,
    show_layer_activations: bool,
    show_trainable: bool,
) -> str:
    cls = type(layer).__name__
    lines = [f"{layer.name} ({cls})" if show_layer_names else cls]
    if show_layer_activations and getattr(layer, "activation", None) is not None:
        act = layer.activation
        lines.append(f"Activation: {getattr(act, '__name__', type(act).__name__)}")
    if show_dtype:
        lines.append(f"Output dtype: {getattr(layer, 'dtype', '?')}")
    if show_shapes:
        nodes = getattr(layer, "_inbound_nodes", [])
        if len(nodes) > 1:
            lines += ["Input shape: multiple", "Output shape: multiple"]
        elif nodes:
            node = nodes[0]
            if node.input_tensors:
                lines.append(f"Input shape: {_shape_text(node.input_tensors)}")
            lines.append(f"Output shape: {_shape_text(node.output_tensors)}")
        else:
            lines += ["Input shape: ?", "Output shape: ?"]
    if show_trainable:
        lines.append(f"Trainable: {'T' if layer.trainable else 'F'}")
    return "\n".join(lines)


def _node_id(layer: Any) -> str:
    return str(id(layer))


def model_to_dot(
    model: Any,
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = True,
    rankdir: str = "TB",
    expand_nested: bool = False,
    dpi: int = 200,
    subgraph: bool = False,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
    splines: str = "ortho",
    **kwargs: Any,
) -> Any:
    """A ``pydot.Dot`` graph of the model: one node per layer, an edge per layer connection.

    Args:
        model: a built Keras model (a subclassed model is drawn as a single node).
        show_shapes: write each layer's input and output shapes.
        show_dtype: write each layer's dtype.
        show_layer_names: write each layer's name next to its class.
        rankdir: graphviz layout direction: ``"TB"`` (vertical) or ``"LR"`` (horizontal).
        expand_nested: draw the layers of nested models inside a cluster.
        dpi: image resolution in dots per inch.
        subgraph: return a ``pydot.Cluster`` (used for nested models).
        show_layer_activations: write the activation of layers that have one.
        show_trainable: write whether each layer is trainable.
        splines: graphviz edge style.

    Returns:
        A ``pydot.Dot`` (or ``pydot.Cluster`` when ``subgraph=True``).

    >>> dot = model_to_dot(model, show_shapes=True)  # doctest: +SKIP
    """
    from tensorflux.keras.models.functional import Functional
    from tensorflux.keras.models.sequential import Sequential

    if kwargs:
        raise ValueError(f"model_to_dot: unrecognized keyword arguments: {sorted(kwargs)}")
    _check_built(model)
    pydot = _pydot("`model_to_dot`")
    opts = dict(
        show_shapes=show_shapes,
        show_dtype=show_dtype,
        show_layer_names=show_layer_names,
        show_layer_activations=show_layer_activations,
        show_trainable=show_trainable,
    )
    if subgraph:
        dot = pydot.Cluster(style="dashed", graph_name=model.name)
        dot.set("label", model.name)
        dot.set("labeljust", "l")
    else:
        dot = pydot.Dot()
        dot.set("rankdir", rankdir)
        dot.set("concentrate", True)
        dot.set("dpi", dpi)
        dot.set("splines", splines)
        dot.set_node_defaults(shape="record")

    def add_node(layer: Any) -> None:
        dot.add_node(pydot.Node(_node_id(layer), label=_label(layer, **opts)))

    if isinstance(model, Sequential):
        layers = list(model.layers)
    elif isinstance(model, Functional):
        layers = list(model._operations)
    else:
        add_node(model)  # a subclassed model has no layer graph to walk
        return dot

    # A nested model drawn expanded is entered at its first node and left at its last one.
    first: dict[int, str] = {}
    last: dict[int, str] = {}
    for layer in layers:
        if expand_nested and isinstance(layer, (Functional, Sequential)) and layer.built:
            sub = model_to_dot(layer, rankdir=rankdir, expand_nested=True, dpi=dpi, subgraph=True, **opts)
            names = [n.get_name() for n in _all_nodes(sub)]
            first[id(layer)], last[id(layer)] = names[0], names[-1]
            dot.add_subgraph(sub)
        else:
            add_node(layer)

    def add_edge(src: Any, dst: Any) -> None:
        a = last.get(id(src), _node_id(src))
        b = first.get(id(dst), _node_id(dst))
        if not dot.get_edge(a, b):
            dot.add_edge(pydot.Edge(a, b))

    if isinstance(model, Sequential):
        for a, b in zip(layers, layers[1:]):
            add_edge(a, b)
        return dot
    in_model = {id(n) for nodes in model._nodes_by_depth.values() for n in nodes}
    for layer in layers:
        for node in layer._inbound_nodes:
            if id(node) not in in_model:
                continue  # a call of the layer that belongs to another model
            for parent in node.parent_nodes:
                add_edge(parent.operation, layer)
    return dot


def _all_nodes(graph: Any) -> list[Any]:
    """Nodes of a pydot graph and of its subgraphs, in insertion order."""
    out = list(graph.get_nodes())
    for sub in graph.get_subgraphs():
        out.extend(_all_nodes(sub))
    return out


def plot_model(
    model: Any,
    to_file: str = "model.png",
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = False,
    rankdir: str = "TB",
    expand_nested: bool = False,
    dpi: int = 200,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
    splines: str = "ortho",
    **kwargs: Any,
) -> None:
    """Draw the model's layer graph into an image file (format from the file extension).

    Needs ``pydot`` and the graphviz ``dot`` program. Arguments as in ``model_to_dot``.

    Args:
        model: a built Keras model.
        to_file: the image file to write (``.png``, ``.pdf``, ``.svg``, ``.dot``, ...).

    >>> plot_model(model, "model.png", show_shapes=True)  # doctest: +SKIP
    """
    _check_built(model)
    pydot = _pydot("`plot_model`")
    if not _check_graphviz(pydot):
        raise ImportError(_GRAPHVIZ_ADVICE.format(what="`plot_model`"))
    dot = model_to_dot(
        model,
        show_shapes=show_shapes,
        show_dtype=show_dtype,
        show_layer_names=show_layer_names,
        rankdir=rankdir,
        expand_nested=expand_nested,
        dpi=dpi,
        show_layer_activations=show_layer_activations,
        show_trainable=show_trainable,
        splines=splines,
        **kwargs,
    )
    to_file = str(to_file)
    extension = os.path.splitext(to_file)[1][1:] or "png"
    dot.write(to_file, format=extension)
