"""Functional models: the graph of layer calls between ``keras.Input`` tensors and outputs.

Construction walks back from the outputs along ``_keras_history`` to collect the nodes, orders
the layers by depth as Keras does (so weights come in Keras' order), and, when an input is an
intermediate tensor of another graph (``Model(encoded, decoded)``), first copies the nodes
between it and the outputs onto a fresh ``Input``.  Calling the model runs the nodes in order.
"""

from __future__ import annotations

import collections
from typing import Any

from tensorflux.framework import nest
from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.keras.engine.keras_tensor import KerasTensor
from tensorflux.keras.engine.masking import get_keras_mask, set_keras_mask
from tensorflux.keras.engine.naming import auto_name
from tensorflux.keras.engine.node import Node
from tensorflux.keras.layers.input_layer import InputLayer
from tensorflux.keras.layers.input_spec import _fmt, _reshape_hint
from tensorflux.keras.layers.layer import Layer
from tensorflux.keras.models.model import Model


def _node_of(kt: KerasTensor) -> Node:
    h = kt._keras_history
    return h.operation._inbound_nodes[h.node_index]


def _is_input_tensor(kt: KerasTensor) -> bool:
    h = kt._keras_history
    return h is not None and isinstance(h.operation, InputLayer)


def _post_order(outputs: list[KerasTensor], stop: set[int] | None = None) -> list[Node]:
    """Nodes that lead to ``outputs``, parents first (iterative DFS; stops at tensors in ``stop``)."""
    order: list[Node] = []
    state: dict[int, int] = {}
    stack: list[tuple[Node, bool]] = []
    for kt in reversed(outputs):
        if stop is not None and id(kt) in stop:
            continue
        if kt._keras_history is None:
            raise ValueError(f"Output tensor {kt} was not produced by a layer: it has no history.")
        stack.append((_node_of(kt), False))
    while stack:
        node, expanded = stack.pop()
        if expanded:
            if state.get(id(node)) != 2:
                state[id(node)] = 2
                order.append(node)
            continue
        if state.get(id(node)):
            continue
        state[id(node)] = 1
        stack.append((node, True))
        for kt in reversed(node.input_tensors):
            if stop is not None and id(kt) in stop:
                continue
            if kt._keras_history is None:
                raise ValueError(f"Tensor {kt} was not produced by a layer: it has no history.")
            parent = _node_of(kt)
            if not state.get(id(parent)):
                stack.append((parent, False))
    return order


def _disconnected(kt: KerasTensor, inputs: list[KerasTensor]) -> ValueError:
    return ValueError(
        f"Graph disconnected: cannot find parent for tensor {kt} of layer "
        f"'{kt._keras_history.operation.name}'. "
        f"The model's outputs depend on it, but it is not among the model's inputs "
        f"({', '.join(x.name for x in inputs)}). Add it to `inputs` or build the outputs from the given "
        "inputs."
    )


def clone_graph_nodes(inputs: Any, outputs: Any) -> tuple[Any, Any]:
    """Copy the nodes between ``inputs`` and ``outputs``, turning intermediate inputs into new Inputs."""
    flat_in = nest.flatten(inputs)
    mapping: dict[int, KerasTensor] = {}
    new_in = []
    for kt in flat_in:
        if _is_input_tensor(kt):
            mapping[id(kt)] = kt
            new_in.append(kt)
        else:
            layer = InputLayer(batch_shape=kt.shape, dtype=kt.dtype, name=auto_name("input_layer"))
            nkt = layer.output
            nkt._keras_mask = kt._keras_mask
            mapping[id(kt)] = nkt
            new_in.append(nkt)
    stop = {id(kt) for kt in flat_in}
    for node in _post_order(nest.flatten(outputs), stop):
        for kt in node.input_tensors:
            if id(kt) not in mapping:
                raise _disconnected(kt, flat_in)
        if node.is_input:
            raise _disconnected(node.output_tensors[0], flat_in)

        def swap(x: Any) -> Any:
            return mapping[id(x)] if isinstance(x, KerasTensor) else x

        flat = nest.flatten((node.call_args, node.call_kwargs))
        args, kwargs = nest.pack_sequence_as((node.call_args, node.call_kwargs), [swap(x) for x in flat])

        def copy(o: Any) -> Any:
            if not isinstance(o, KerasTensor):
                return o
            n = KerasTensor(o.shape, o.dtype, sparse=o.sparse)
            n._keras_mask = o._keras_mask
            mapping[id(o)] = n
            return n

        new_out = nest.map_structure(copy, node.outputs)
        Node(node.operation, args, kwargs, new_out)
    new_outputs = nest.map_structure(lambda o: mapping[id(o)], outputs)
    return nest.pack_sequence_as(inputs, new_in), new_outputs


def _adjust_rank(model_name: str, index: int, x: Tensor, ref: tuple[Any, ...], input_name: str) -> Tensor:
    """Squeeze or add a trailing axis of size 1 as Keras does; otherwise check the shape."""
    from tensorflux.ops.array_ops import expand_dims, squeeze

    shape = tuple(x.shape)
    if len(shape) == len(ref) + 1 and shape[-1] == 1:
        x = squeeze(x, axis=-1)
    elif len(shape) == len(ref) - 1 and ref[-1] == 1:
        x = expand_dims(x, -1)
    shape2 = tuple(x.shape)
    if len(shape2) != len(ref) or any(r is not None and r != d for r, d in zip(ref, shape2)):
        raise ValueError(
            f'Input {index} of layer "{model_name}" is incompatible with the layer: expected '
            f"shape={_fmt(ref)}, "
            f"found shape={_fmt(shape)} (input '{input_name}')." + _reshape_hint(ref, shape)
        )
    return x


class Functional(Model):
    """A model defined by a graph of layer calls: ``Functional(inputs, outputs)`` (via ``Model(...)``).

    >>> from tensorflux.keras import Input, layers
    >>> a, b = Input((2,), name="a"), Input((3,), name="b")
    >>> out = layers.Dense(1)(layers.Dense(4)(a) * 2.0)
    >>> Functional([a, b], out).inputs == [a, b]
    True
    """

    def __init__(
        self, inputs: Any, outputs: Any, name: str | None = None, trainable: bool = True, **kwargs: Any
    ) -> None:
        if isinstance(inputs, dict):
            for k, v in inputs.items():
                if isinstance(v, KerasTensor) and v.name != k and _is_input_tensor(v):
                    pass  # keys name the inputs; the tensors keep their own names
        flat_in = nest.flatten(inputs)
        flat_out = nest.flatten(outputs)
        for x in flat_in:
            if not isinstance(x, KerasTensor):
                raise ValueError(
                    f"All `inputs` values must be KerasTensors. Received: inputs={inputs} including "
                    "invalid value "
                    f"{x} of type {type(x)}"
                )
        for x in flat_out:
            if not isinstance(x, KerasTensor):
                raise ValueError(
                    f"All `outputs` values must be KerasTensors. Received: outputs={outputs} including "
                    "invalid value "
                    f"{x} of type {type(x)}"
                )
        if not all(_is_input_tensor(x) for x in flat_in):
            inputs, outputs = clone_graph_nodes(inputs, outputs)
            flat_in = nest.flatten(inputs)
            flat_out = nest.flatten(outputs)
        from tensorflux.keras.trainers.trainer import Trainer

        Trainer.__init__(self)
        Layer.__init__(self, name=name or auto_name("functional"), trainable=True, autocast=False, **kwargs)
        self._inputs_struct = _as_list_struct(inputs)
        self._outputs_struct = _as_list_struct(outputs)
        self._inputs = flat_in
        self._outputs = flat_out
        self._build_graph()
        self.built = True
        self.__dict__["_build_shapes_dict"] = {"input_shape": _shape_struct(self._inputs_struct)}
        if not trainable:
            self.trainable = False
        self.output_names = [x._keras_history.operation.name for x in flat_out]
        self.input_names = [x._keras_history.operation.name for x in flat_in]

    def _build_graph(self) -> None:
        flat_in, flat_out = self._inputs, self._outputs
        input_ids = {id(x) for x in flat_in}
        order = _post_order(flat_out)
        for node in order:
            if node.is_input and not any(id(t) in input_ids for t in node.output_tensors):
                raise _disconnected(node.output_tensors[0], flat_in)
        layer_index: dict[int, int] = {}
        ops: dict[int, Layer] = {}
        for node in order:
            op = node.operation
            if id(op) not in layer_index:
                layer_index[id(op)] = len(layer_index)
                ops[id(op)] = op
        node_depth: dict[int, int] = {}
        layer_depth: dict[int, int] = {}
        nodes: dict[int, Node] = {id(n): n for n in order}
        for node in reversed(order):
            depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.operation), 0))
            layer_depth[id(node.operation)] = depth
            node_depth[id(node)] = depth
            for parent in node.parent_nodes:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
        for kt in flat_in:
            op = kt._keras_history.operation
            if id(op) not in layer_depth:  # an input that no output uses
                layer_depth[id(op)] = 0
                layer_index[id(op)] = -1
                ops[id(op)] = op
                node = op._inbound_nodes[0]
                node_depth[id(node)] = 0
                nodes[id(node)] = node
        by_depth: dict[int, list[Node]] = collections.defaultdict(list)
        for nid, d in node_depth.items():
            by_depth[d].append(nodes[nid])
        self._nodes_by_depth = dict(by_depth)
        layers_by_depth: dict[int, list[Layer]] = collections.defaultdict(list)
        for lid, d in layer_depth.items():
            layers_by_depth[d].append(ops[lid])
        operations: list[Layer] = []
        for d in sorted(layers_by_depth, reverse=True):
            operations.extend(sorted(layers_by_depth[d], key=lambda op: layer_index[id(op)]))
        self._operations = operations
        exec_nodes: list[Node] = []
        post_index = {id(n): i for i, n in enumerate(order)}
        for d in sorted(by_depth, reverse=True):
            exec_nodes.extend(
                sorted((n for n in by_depth[d] if not n.is_input), key=lambda n: post_index[id(n)])
            )
        self._exec_nodes = exec_nodes

    # -- graph accessors --------------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        """Every layer of the graph (InputLayers included), ordered by depth as in Keras."""
        return [op for op in self._operations if not getattr(op, "_is_op", False)]

    @layers.setter
    def layers(self, _: Any) -> None:
        raise AttributeError(
            "`Model.layers` attribute is reserved and should not be used. Please use another name."
        )

    @property
    def inputs(self) -> list[KerasTensor]:
        return list(self._inputs)

    @property
    def outputs(self) -> list[KerasTensor]:
        return list(self._outputs)

    @property
    def input(self) -> Any:
        return self._inputs_struct

    @property
    def output(self) -> Any:
        return self._outputs_struct

    @property
    def input_shape(self) -> Any:
        return (
            nest.map_structure(lambda x: tuple(x.shape), self._inputs_struct)
            if not isinstance(self._inputs_struct, KerasTensor)
            else tuple(self._inputs_struct.shape)
        )

    @property
    def output_shape(self) -> Any:
        return (
            nest.map_structure(lambda x: tuple(x.shape), self._outputs_struct)
            if not isinstance(self._outputs_struct, KerasTensor)
            else tuple(self._outputs_struct.shape)
        )

    # -- running ------------------------------------------------------------------------------------
    def _standardize_inputs(self, inputs: Any) -> list[Any]:
        struct = self._inputs_struct
        names = [x.name for x in self._inputs]
        if isinstance(inputs, dict):
            if isinstance(struct, dict):
                keys = sorted(struct)
                missing = [k for k in keys if k not in inputs]
                if missing:
                    raise ValueError(
                        f'Missing data for input(s) {missing} of model "{self.name}". Received keys '
                        f"{list(inputs)}; expected the keys {keys}."
                    )
                flat = nest.flatten({k: inputs[k] for k in struct})
            else:
                missing = [n for n in names if n not in inputs]
                if missing:
                    raise ValueError(
                        f'Model "{self.name}" was given a dict with keys {list(inputs)}, but its inputs '
                        f"are named {names}; missing {missing}. Use the Input names as keys."
                    )
                flat = [inputs[n] for n in names]
        elif isinstance(inputs, (list, tuple)) and len(self._inputs) > 1:
            flat = nest.flatten(inputs)
        elif isinstance(inputs, (list, tuple)) and len(inputs) == 1:
            flat = [inputs[0]]
        else:
            flat = [inputs]
        if len(flat) != len(self._inputs):
            raise ValueError(
                f'Layer "{self.name}" expects {len(self._inputs)} input(s) ({", ".join(names)}), but it '
                "received "
                f"{len(flat)} input tensor(s). Pass "
                + (
                    f"a list of {len(self._inputs)} arrays or a dict keyed by input name."
                    if len(self._inputs) > 1
                    else "a single array."
                )
            )
        out = []
        for i, (x, kt) in enumerate(zip(flat, self._inputs)):
            if x is None:
                if kt._keras_history.operation.optional:
                    out.append(None)
                    continue
                raise ValueError(
                    f"The input '{kt.name}' is not optional, but None was passed. Please provide a "
                    "valid tensor."
                )
            mask = get_keras_mask(x) if isinstance(x, Tensor) else None
            if not isinstance(x, Tensor):
                x = convert_to_tensor(x, dtype=kt.dtype) if not hasattr(x, "dtype") else convert_to_tensor(x)
            if x.dtype != kt.dtype:
                from tensorflux.ops.array_ops import cast

                x = cast(x, kt.dtype)
            if len(x.shape) != len(kt.shape) or any(
                r is not None and r != d for r, d in zip(kt.shape, x.shape)
            ):
                x = _adjust_rank(self.name, i, x, kt.shape, kt.name)
            if mask is not None:
                set_keras_mask(x, mask)
            out.append(x)
        return out

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        flat = self._standardize_inputs(inputs)
        if mask is not None:
            for x, m in zip(flat, nest.flatten(mask) if isinstance(mask, (list, tuple, dict)) else [mask]):
                if m is not None and x is not None:
                    set_keras_mask(x, m)
        values: dict[int, Any] = {id(kt): x for kt, x in zip(self._inputs, flat)}
        for node in self._exec_nodes:
            op = node.operation
            if node.single_input:
                out = op(values[id(node.call_args[0])])
            else:
                args, kwargs = node.arguments_with(values)
                out = op(*args, **kwargs)
            outs = node.output_tensors
            if len(outs) == 1 and isinstance(out, Tensor):
                values[id(outs[0])] = out
            else:
                for kt, o in zip(outs, nest.flatten(out)):
                    values[id(kt)] = o
        result = [values[id(kt)] for kt in self._outputs]
        return nest.pack_sequence_as(self._outputs_struct, result)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        return None

    # -- configuration ------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """Keras 3's functional config: layers with their inbound nodes, input and output layers."""
        from tensorflux.keras.utils.serialization import serialize_keras_object

        if type(self) is not Functional and type(self).get_config is not Functional.get_config:
            return super().get_config()
        node_ids: dict[int, int] = {}
        kept: dict[int, set[int]] = collections.defaultdict(set)
        for nodes in self._nodes_by_depth.values():
            for n in nodes:
                kept[id(n.operation)].add(id(n))
        layers_cfg = []
        for op in self._operations:
            cfg = serialize_keras_object(op)
            cfg["name"] = op.name
            inbound = []
            new_index = 0
            for node in op._inbound_nodes:
                if id(node) not in kept[id(op)]:
                    continue
                node_ids[id(node)] = new_index
                new_index += 1
                if node.is_input:
                    continue
                inbound.append(_serialize_node(node, node_ids))
            cfg["inbound_nodes"] = inbound
            layers_cfg.append(cfg)

        def ref(kt: KerasTensor) -> list[Any]:
            h = kt._keras_history
            node = h.operation._inbound_nodes[h.node_index]
            return [h.operation.name, node_ids.get(id(node), 0), h.tensor_index]

        return {
            "name": self.name,
            "trainable": self.trainable,
            "layers": layers_cfg,
            "input_layers": nest.map_structure(ref, self._inputs_struct)
            if not isinstance(self._inputs_struct, KerasTensor)
            else ref(self._inputs_struct),
            "output_layers": nest.map_structure(ref, self._outputs_struct)
            if not isinstance(self._outputs_struct, KerasTensor)
            else ref(self._outputs_struct),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> Any:
        return functional_from_config(cls, config, custom_objects)


def _as_list_struct(x: Any) -> Any:
    return list(x) if isinstance(x, tuple) else x


def _shape_struct(x: Any) -> Any:
    if isinstance(x, KerasTensor):
        return tuple(x.shape)
    return nest.map_structure(lambda t: tuple(t.shape), x)


def _serialize_node(node: Node, node_ids: dict[int, int]) -> dict[str, Any]:
    def ser(x: Any) -> Any:
        if isinstance(x, KerasTensor):
            h = x._keras_history
            parent = h.operation._inbound_nodes[h.node_index]
            return {
                "class_name": "__keras_tensor__",
                "config": {
                    "shape": list(x.shape),
                    "dtype": x.dtype.name,
                    "keras_history": [h.operation.name, node_ids.get(id(parent), 0), h.tensor_index],
                },
            }
        if isinstance(x, tuple):
            return [ser(v) for v in x]
        if isinstance(x, list):
            return [ser(v) for v in x]
        if isinstance(x, dict):
            return {k: ser(v) for k, v in x.items()}
        return x

    return {"args": ser(list(node.call_args)), "kwargs": ser(node.call_kwargs)}


def functional_from_config(cls: Any, config: dict[str, Any], custom_objects: Any = None) -> Any:
    """Rebuild a functional model from ``get_config()``: recreate layers, then replay their calls."""
    from tensorflux.keras.utils.serialization import deserialize_keras_object

    created: dict[str, Layer] = {}
    pending: list[tuple[Layer, list[Any]]] = []
    for lcfg in config["layers"]:
        sub = {k: v for k, v in lcfg.items() if k not in ("inbound_nodes", "name")}
        if "module" not in sub and "class_name" in sub:
            sub = {"class_name": sub["class_name"], "config": sub["config"]}
        layer = deserialize_keras_object(sub, custom_objects=custom_objects)
        created[lcfg["name"]] = layer
        pending.append((layer, list(lcfg.get("inbound_nodes", []))))
    outputs_of: dict[str, list[Any]] = {}
    for name, layer in created.items():
        if isinstance(layer, InputLayer):
            outputs_of[name] = [layer.output]

    def resolve(x: Any) -> Any:
        if isinstance(x, dict) and x.get("class_name") == "__keras_tensor__":
            lname, node_index, tensor_index = x["config"]["keras_history"]
            produced = outputs_of.get(lname)
            if produced is None or node_index >= len(produced):
                raise LookupError(lname)
            return nest.flatten(produced[node_index])[tensor_index]
        if isinstance(x, list):
            return [resolve(v) for v in x]
        if isinstance(x, dict):
            return {k: resolve(v) for k, v in x.items()}
        return x

    # Replay layer calls until every node is done (layers may depend on later ones in the list).
    progress = True
    while pending and progress:
        progress = False
        remaining = []
        for layer, nodes in pending:
            while nodes:
                node = nodes[0]
                try:
                    args = resolve(node.get("args", [])) if isinstance(node, dict) else None
                    kwargs = resolve(node.get("kwargs", {})) if isinstance(node, dict) else {}
                except LookupError:
                    break
                if args is None:
                    raise ValueError(f"Unsupported inbound node format for layer '{layer.name}': {node!r}")
                out = layer(*args, **kwargs)
                outputs_of.setdefault(layer.name, []).append(out)
                nodes.pop(0)
                progress = True
            if nodes:
                remaining.append((layer, nodes))
        pending = remaining
    if pending:
        raise ValueError(
            "Invalid Functional model configuration: could not connect layers "
            f"{[layer.name for layer, _ in pending]}."
        )

    def ref(r: Any) -> Any:
        if isinstance(r, list) and len(r) == 3 and isinstance(r[0], str):
            return nest.flatten(outputs_of[r[0]][r[1]])[r[2]]
        if isinstance(r, list):
            return [ref(v) for v in r]
        if isinstance(r, dict):
            return {k: ref(v) for k, v in r.items()}
        return r

    inputs = ref(config["input_layers"])
    outputs = ref(config["output_layers"])
    target = cls if isinstance(cls, type) and issubclass(cls, Functional) else Functional
    model = target(inputs, outputs, name=config.get("name"))
    if config.get("trainable") is False:
        model.trainable = False
    return model
