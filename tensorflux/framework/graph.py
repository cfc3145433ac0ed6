"""The graph IR that ``tensorflux.function`` records, optimises and replays.

A graph is a list of nodes in execution order.  A node applies one primitive (or a fused chain of
them) to values and produces values; values are numbered (``%7``) and each is defined once.  Values
come from placeholders (the function's tensor arguments), constants (arrays captured by value),
``read_variable`` nodes (variables are captured by reference: their value is read when the node
runs) and the outputs of other nodes.  ``assign_variable`` nodes are effects: they store a value
into a variable and are never removed.  ``cond`` and ``while_loop`` nodes hold sub-graphs.

``compile_graph`` turns a graph into one generated Python function that calls the kernels on
arrays in order (no Tensor wrapping, no tape); ``replay_bind`` replays a graph through the
primitive registry instead, so that tapes and outer tracers see every operation.

>>> import tensorflux as tf
>>> f = tf.function(lambda x: tf.nn.relu(x * 2.0))
>>> print(f.get_concrete_function(tf.constant([1.0, -1.0])).graph)  # doctest: +ELLIPSIS
graph <lambda>(%0: float32[2]) -> (%3: float32[2]):
...
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import dtypes as _dt
from tensorflux.framework import primitives as P


# -- graph-only primitives ----------------------------------------------------------------------
def _read_variable_impl(variable: Any) -> Any:
    return variable._value


def _assign_variable_impl(value: Any, variable: Any, copy: bool = True) -> tuple[()]:
    variable._value = B.array_copy(value) if copy else value
    return ()


read_variable = P.primitive("read_variable", _read_variable_impl)
assign_variable = P.primitive("assign_variable", _assign_variable_impl, multiple_results=True)

# Nodes that change state: never removed, merged or moved.
EFFECTS = {"assign_variable"}
# Nodes whose result is not a function of their inputs: never merged or folded.
IMPURE = {"read_variable", "random_draw"}
# Primitives whose kernel consults ``ACTIVE_TAPES`` (convolution keeps its im2col matrix for the
# filter gradient, max pooling its window winners): replay runs them as they ran when traced.
TAPE_SENSITIVE = {"conv", "conv_bias", "conv_bias_act", "conv_bias_pool", "max_pool"}


class Node:
    """One operation: ``outputs = prim(inputs, **params)``.

    ``donate`` is the index of an input whose buffer the result is written into (set by the
    buffer-reuse pass); ``tape`` marks a kernel that ran under a tape when traced.
    """

    __slots__ = ("prim", "inputs", "outputs", "params", "donate", "tape")

    def __init__(
        self, prim: Any, inputs: list[int], outputs: list[int], params: dict[str, Any], tape: bool = False
    ) -> None:
        self.prim = prim
        self.inputs = inputs
        self.outputs = outputs
        self.params = params
        self.donate: int | None = None
        self.tape = tape

    @property
    def name(self) -> str:
        return self.prim.name  # type: ignore[no-any-return]

    def copy(self) -> Node:
        n = Node(self.prim, list(self.inputs), list(self.outputs), dict(self.params), self.tape)
        n.donate = self.donate
        return n

    def subgraphs(self) -> list[Graph]:
        return [v for v in self.params.values() if isinstance(v, Graph)]

    def __repr__(self) -> str:
        return f"Node({self.name}, in={self.inputs}, out={self.outputs})"


# ``owner`` codes for values whose memory the graph does not own
EXTERNAL = None  # constants, variable values: never written
USER = -1  # arrays a caller passed in: never written, and copied before a variable keeps them


class Graph:
    """A traced function: placeholders, constants, nodes in order, outputs."""

    def __init__(self, name: str = "graph") -> None:
        self.name = name
        self.inputs: list[int] = []
        self.constants: dict[int, Any] = {}
        self.nodes: list[Node] = []
        self.outputs: list[int] = []
        # value -> (shape, native dtype) as seen when traced
        self.avals: dict[int, tuple[tuple[int, ...], Any]] = {}
        # value -> the value whose fresh buffer it lives in (EXTERNAL / USER for memory not ours)
        self.owner: dict[int, int | None] = {}
        # views of graph-owned buffers that are contiguous and writable (a reshape's result)
        self.dense_views: set[int] = set()
        self._ids = itertools.count()
        self._compiled: Callable[..., Any] | None = None

    # -- building ---------------------------------------------------------------------------------
    def new_value(self, shape: tuple[int, ...], dtype: Any) -> int:
        v = next(self._ids)
        self.avals[v] = (tuple(shape), dtype)
        return v

    def add_constant(self, array: Any) -> int:
        v = self.new_value(tuple(array.shape), array.dtype)
        self.constants[v] = array
        self.owner[v] = EXTERNAL
        return v

    def copy(self) -> Graph:
        """A copy whose node list and nodes can be changed (sub-graphs and arrays are shared)."""
        g = Graph(self.name)
        g.inputs = list(self.inputs)
        g.constants = dict(self.constants)
        g.nodes = [n.copy() for n in self.nodes]
        g.outputs = list(self.outputs)
        g.avals = dict(self.avals)
        g.owner = dict(self.owner)
        g.dense_views = set(self.dense_views)
        g._ids = itertools.count(max(self.avals, default=-1) + 1)
        return g

    # -- queries ----------------------------------------------------------------------------------
    def producers(self) -> dict[int, Node]:
        return {o: n for n in self.nodes for o in n.outputs}

    def readers(self) -> dict[int, list[Node]]:
        """For each value, the nodes that read it, in order (each node once)."""
        out: dict[int, list[Node]] = {}
        for n in self.nodes:
            for v in dict.fromkeys(n.inputs):
                out.setdefault(v, []).append(n)
        return out

    def use_counts(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for n in self.nodes:
            for v in n.inputs:
                counts[v] = counts.get(v, 0) + 1
        for v in self.outputs:
            counts[v] = counts.get(v, 0) + 1
        return counts

    def replace_uses(self, mapping: dict[int, int]) -> None:
        """Make every use of value ``a`` a use of ``mapping[a]`` (chains are followed)."""
        if not mapping:
            return

        def resolve(v: int) -> int:
            while v in mapping:
                v = mapping[v]
            return v

        for n in self.nodes:
            n.inputs = [resolve(v) for v in n.inputs]
        self.outputs = [resolve(v) for v in self.outputs]

    def has_effects(self) -> bool:
        return any(is_effect(n) for n in self.nodes)

    def is_impure(self) -> bool:
        return any(not is_pure(n) for n in self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    # -- running ----------------------------------------------------------------------------------
    def compile(self) -> Callable[..., Any]:
        """The generated function ``run(*input_arrays) -> list of output arrays`` (built once)."""
        if self._compiled is None:
            self._compiled = compile_graph(self)
        return self._compiled

    def run(self, *arrays: Any) -> list[Any]:
        return self.compile()(*arrays)  # type: ignore[no-any-return]

    # -- printing ---------------------------------------------------------------------------------
    def __str__(self) -> str:
        return "\n".join(self._lines(""))

    def __repr__(self) -> str:
        return f"<Graph {self.name!r}: {len(self.inputs)} inputs, {len(self.nodes)} nodes>"

    def _value_text(self, v: int) -> str:
        shape, dtype = self.avals.get(v, ((), None))
        return f"%{v}: {aval_text(shape, dtype)}"

    def _lines(self, indent: str) -> list[str]:
        ins = ", ".join(self._value_text(v) for v in self.inputs)
        outs = ", ".join(self._value_text(v) for v in self.outputs)
        lines = [f"{indent}graph {self.name}({ins}) -> ({outs}):"]
        pad = indent + "  "
        for v, a in self.constants.items():
            lines.append(f"{pad}{self._value_text(v)} = constant {_array_text(a)}")
        for n in self.nodes:
            lines.extend(self._node_lines(n, pad))
        return lines

    def _node_lines(self, n: Node, pad: str) -> list[str]:
        lhs = ", ".join(self._value_text(v) for v in n.outputs)
        args = ", ".join(f"%{v}" for v in n.inputs)
        params = {k: v for k, v in n.params.items() if not isinstance(v, Graph)}
        if hasattr(n.prim, "shown"):  # params that name graph values (a symbolic index)
            params = n.prim.shown(params, n.inputs)
        if n.name == "read_variable":
            text = f"read_variable {_variable_text(n.params['variable'])}"
        elif n.name == "assign_variable":
            text = f"assign_variable {_variable_text(n.params['variable'])} <- %{n.inputs[0]}"
        elif hasattr(n.prim, "label"):  # a fused group shows its expression
            text = f"fused {n.prim.label}"
        else:
            extra = ", ".join(f"{k}={_param_text(v)}" for k, v in params.items())
            text = f"{n.name}({args}{'; ' + extra if extra else ''})"
        if n.donate is not None:
            text += f"  # writes into %{n.inputs[n.donate]}"
        lines = [f"{pad}{lhs + ' = ' if lhs else ''}{text}"]
        for k, g in n.params.items():
            if isinstance(g, Graph):
                lines.append(f"{pad}  {k}:")
                lines.extend(g._lines(pad + "    "))
        return lines


def aval_text(shape: tuple[int, ...], dtype: Any) -> str:
    name = _dt.from_native(dtype).name if dtype is not None else "?"
    return f"{name}[{','.join(str(d) for d in shape)}]"


def _variable_text(var: Any) -> str:
    return repr(getattr(var, "path", None) or getattr(var, "name", "variable"))


def _array_text(a: Any) -> str:
    if getattr(a, "size", 0) <= 4:
        return repr(B.to_numpy(a).tolist())
    return "<array>"


def _param_text(v: Any) -> str:
    if B.is_array(v):
        return f"array{tuple(v.shape)}" if getattr(v, "size", 0) > 4 else repr(B.to_numpy(v).tolist())
    if isinstance(v, slice):
        return ":".join("" if x is None else str(x) for x in (v.start, v.stop, v.step)).rstrip(":") or ":"
    if isinstance(v, tuple):
        inner = ", ".join(_param_text(x) for x in v)
        return f"({inner}{',' if len(v) == 1 else ''})"
    if isinstance(v, list):
        return "[" + ", ".join(_param_text(x) for x in v) + "]"
    if v is Ellipsis:
        return "..."
    try:
        return _dt.from_native(v).name
    except (KeyError, TypeError):
        pass
    if callable(v) and hasattr(v, "__name__"):
        return v.__name__  # type: ignore[no-any-return]
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


# -- classification -------------------------------------------------------------------------------
def is_effect(n: Node) -> bool:
    if n.name in EFFECTS:
        return True
    return any(g.has_effects() for g in n.subgraphs())


def is_pure(n: Node) -> bool:
    if n.name in EFFECTS or n.name in IMPURE:
        return False
    return not any(g.is_impure() for g in n.subgraphs())


# -- the executor ---------------------------------------------------------------------------------
_LITERAL_TYPES = (bool, int, str, type(None))


def _literal(v: Any) -> bool:
    """Whether ``repr(v)`` evaluates back to an equal value (so it can be written into code)."""
    if type(v) in _LITERAL_TYPES:
        return True
    if type(v) is float:
        return math.isfinite(v)
    if type(v) is tuple:
        return all(_literal(x) for x in v)
    return False


class _TapeFlag:
    """A stand-in on ``ACTIVE_TAPES`` while a tape-sensitive kernel replays (never records)."""

    _recording = False
    _watched: dict[int, Any] = {}
    _watch_vars = False


_TAPE_FLAG = _TapeFlag()


def _with_tape_flag(fn: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        P.ACTIVE_TAPES.append(_TAPE_FLAG)
        try:
            return fn(*args, **kwargs)
        finally:
            P.ACTIVE_TAPES.remove(_TAPE_FLAG)

    return run


def node_kernel(n: Node) -> Callable[..., Any]:
    """The function a node calls: its kernel, or the in-place kernel when it writes into an input."""
    if n.donate is not None and not getattr(n.prim, "takes_out", False):
        if n.name == "where":
            return B.where_into
        return B.INPLACE_KERNELS[n.name]  # type: ignore[no-any-return]
    return n.prim.impl  # type: ignore[no-any-return]


def compile_graph(graph: Graph) -> Callable[..., Any]:
    """Generate ``run(*inputs) -> [outputs]``: one line per node, arrays freed after their last use."""
    ns: dict[str, Any] = {}
    for v, a in graph.constants.items():
        ns[f"c{v}"] = a

    def ref(v: int) -> str:
        return f"c{v}" if v in graph.constants else f"v{v}"

    last: dict[int, int] = {}
    for i, n in enumerate(graph.nodes):
        for v in n.inputs:
            last[v] = i
    keep = set(graph.outputs) | set(graph.constants)
    frees: dict[int, list[int]] = {}
    for v, i in last.items():
        if v not in keep:
            frees.setdefault(i, []).append(v)

    body: list[str] = []
    for i, n in enumerate(graph.nodes):
        ins = [ref(v) for v in n.inputs]
        if n.name == "read_variable":
            ns[f"var{i}"] = n.params["variable"]
            body.append(f"v{n.outputs[0]} = var{i}._value")
        elif n.name == "assign_variable":
            ns[f"var{i}"] = n.params["variable"]
            src = ins[0]
            if graph.owner.get(n.inputs[0], EXTERNAL) == USER:
                ns["_copy"] = B.array_copy
                src = f"_copy({src})"
            body.append(f"var{i}._value = {src}")
        else:
            fn = node_kernel(n)
            if n.tape:
                fn = _with_tape_flag(fn)
            ns[f"f{i}"] = fn
            args = list(ins)
            for k, p in n.params.items():
                if _literal(p):
                    args.append(f"{k}={p!r}")
                else:
                    ns[f"p{i}_{k}"] = p
                    args.append(f"{k}=p{i}_{k}")
            if n.donate is not None:
                args.append(f"out={ins[n.donate]}")
                if n.name == "where" and not getattr(n.prim, "takes_out", False):
                    args.append(f"into={n.donate}")
            call = f"f{i}({', '.join(args)})"
            if n.prim.multiple_results:
                if n.outputs:
                    body.append(", ".join(f"v{o}" for o in n.outputs) + ", = " + call)
                else:
                    body.append(call)
            else:
                body.append(f"v{n.outputs[0]} = {call}")
            unused = [o for o in n.outputs if o not in last and o not in keep]
            if unused:
                body.append("del " + ", ".join(f"v{o}" for o in unused))
        if i in frees:
            body.append("del " + ", ".join(f"v{v}" for v in frees[i]))
    params = ", ".join(f"v{v}" for v in graph.inputs)
    outs = ", ".join(ref(v) for v in graph.outputs)
    src = f"def run({params}):\n" + "".join(f"    {line}\n" for line in body) + f"    return [{outs}]\n"
    code = compile(src, f"<graph {graph.name}>", "exec")
    exec(code, ns)  # noqa: S102  (our own generated source)
    run = ns["run"]
    run.source = src
    return run  # type: ignore[no-any-return]


def failing_node(graph: Graph, lineno: int) -> Node | None:
    """The node whose generated line is ``lineno`` (for error messages)."""
    src = getattr(graph.compile(), "source", "")
    lines = src.splitlines()
    if not 0 < lineno <= len(lines):
        return None
    target = lines[lineno - 1].strip()
    for i, n in enumerate(graph.nodes):
        if f"f{i}(" in target or f"var{i}." in target:
            return n
    return None


# -- replay through the registry (differentiable, visible to outer tracers) -------------------------
# primitive name -> ``fn(input tensors, params)`` that replays such a node in ``replay_bind``
# instead of ``bind`` (control flow registers its loops, whose gradients need more than bind sees)
REPLAY_BINDERS: dict[str, Callable[[list[Any], dict[str, Any]], Any]] = {}


def replay_bind(graph: Graph, inputs: list[Any], effects: bool = True) -> list[Any]:
    """Run ``graph`` on tensors ``inputs`` through ``primitives.bind``: tapes record every node.

    Variables are used as variables (so tapes watch them) unless the graph assigns them; with
    ``effects=False`` assignments are skipped (a pure recomputation, as for a gradient).
    Primitives in ``REPLAY_BINDERS`` replay through their own function.
    """
    env: dict[int, Any] = dict(zip(graph.inputs, inputs))
    for v, a in graph.constants.items():
        env[v] = P._wrap(a)
    assigned = {id(n.params["variable"]) for n in graph.nodes if n.name == "assign_variable"}
    for n in graph.nodes:
        if n.name == "read_variable":
            var = n.params["variable"]
            env[n.outputs[0]] = var.value() if id(var) in assigned else var
        elif n.name == "assign_variable":
            if effects:
                n.params["variable"].assign(env[n.inputs[0]])
        else:
            ins = [env[v] for v in n.inputs]
            binder = REPLAY_BINDERS.get(n.prim.name)
            out = binder(ins, n.params) if binder is not None else P.bind(n.prim, tuple(ins), n.params)
            if n.prim.multiple_results:
                for o, t in zip(n.outputs, out):
                    env[o] = t
            else:
                env[n.outputs[0]] = out
    return [env[v] for v in graph.outputs]
