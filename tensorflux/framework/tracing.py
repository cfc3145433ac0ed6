"""The tracer: runs a Python function once on real arrays and records every primitive into a Graph.

While a ``Tracer`` is on ``primitives.TRACERS`` every ``bind``/``unary``/``binary`` call reports
itself (``record``), and so do variable assignments (``assign``) and Python reads of tensor values
(``check_read``).  A tensor entering a recorded operation is resolved to a graph value:

1. a tensor the trace produced (or a placeholder) by identity;
2. a ``Variable``: its current value in the graph (a ``read_variable`` node the first time, the
   assigned value after an assignment);
3. a tensor wrapping an array the trace knows (``Tensor(x._value)``, ``var.value()``);
4. inside a sub-graph (a ``cond`` branch, a ``while_loop`` body): a value of the enclosing graph,
   captured as an extra input;
5. anything else is a constant, captured by value.

Values that depend on placeholders, variables or random draws are *dynamic*: reading one from
Python (``bool``, ``float``, ``.numpy()``) raises ``OperatorNotAllowedInGraphError``, because the
answer would be frozen into the graph.
"""

from __future__ import annotations

import copy
from threading import get_ident
from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import primitives as P
from tensorflux.framework.graph import (
    IMPURE,
    TAPE_SENSITIVE,
    USER,
    Graph,
    Node,
    assign_variable,
    read_variable,
)
from tensorflux.framework.tensor import Tensor
from tensorflux.framework.variables import _ALL_VARIABLES, Variable


class OperatorNotAllowedInGraphError(TypeError):
    """A Python operation on a symbolic tensor that a graph cannot express (TensorFlow's name)."""


_READ_MESSAGES = {
    "bool": (
        "Using a symbolic tf.Tensor as a Python `bool` is not allowed inside a tf.function: a Python "
        "`if` or `while` on it would be decided once, when the function is traced, and frozen into the "
        "graph. Use tf.cond(pred, true_fn, false_fn) for a branch that depends on a tensor "
        "(tf.while_loop for a loop, tf.where for an elementwise choice)."
    ),
    "numpy": (
        "Cannot call .numpy() on a symbolic tf.Tensor inside a tf.function: its value is only known "
        "when the graph runs. Return the tensor from the function and read it there, or compute with "
        "tensor ops."
    ),
    "array": (
        "Cannot convert a symbolic tf.Tensor to a NumPy array inside a tf.function: its value is only "
        "known when the graph runs. Use tensor ops, or return the tensor and convert it outside."
    ),
}


def _read_message(what: str) -> str:
    if what in _READ_MESSAGES:
        return _READ_MESSAGES[what]
    return (
        f"Cannot convert a symbolic tf.Tensor to a Python {what} inside a tf.function: its value is "
        "only known when the graph runs, and a Python value would be frozen into the graph. Keep it "
        "a tensor (tf.cast, tensor arithmetic), or use tf.cond for decisions that depend on it."
    )


class _Slot:
    """Marks where a dynamic array sits inside a node's params (a tensor index, for instance)."""

    __slots__ = ("i",)

    def __init__(self, i: int) -> None:
        self.i = i

    def __repr__(self) -> str:
        return f"<input {self.i}>"


class _Shown:
    """Prints as the graph value a slot reads (``%7``)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _fill_slots(p: Any, arrays: tuple[Any, ...]) -> Any:
    if isinstance(p, _Slot):
        return arrays[p.i]
    if isinstance(p, tuple):
        return tuple(_fill_slots(x, arrays) for x in p)
    if isinstance(p, list):
        return [_fill_slots(x, arrays) for x in p]
    return p


class _SlottedPrimitive(P.Primitive):
    """A primitive whose params hold arrays that are graph values, passed as extra inputs."""

    __slots__ = ("n_fixed",)
    n_fixed: int

    def shown(self, params: dict[str, Any], inputs: list[int]) -> dict[str, Any]:
        extra = tuple(_Shown(f"%{v}") for v in inputs[self.n_fixed :])
        return {k: _fill_slots(v, extra) for k, v in params.items()}


def _slotted(prim: Any, n_fixed: int) -> P.Primitive:
    """``prim`` taking its dynamic param arrays as extra inputs after the first ``n_fixed``."""

    def impl(*arrays: Any, **params: Any) -> Any:
        extra = arrays[n_fixed:]
        return prim.impl(*arrays[:n_fixed], **{k: _fill_slots(v, extra) for k, v in params.items()})

    p = _SlottedPrimitive(prim.name, impl, prim.multiple_results)
    p.n_fixed = n_fixed
    if prim.vjp is not None:
        rule = prim.vjp

        def vjp(g: Any, *xs: Any, out: Any, needs: Any, **params: Any) -> Any:
            extra = tuple(x._value for x in xs[n_fixed:])
            filled = {k: _fill_slots(v, extra) for k, v in params.items()}
            grads = rule(g, *xs[:n_fixed], out=out, needs=needs[:n_fixed], **filled)
            return tuple(grads) + (None,) * (len(xs) - n_fixed)

        p.vjp = vjp
    return p


class Tracer:
    """Records primitives into ``graph``; ``parent`` is the enclosing tracer of a sub-graph."""

    @property
    def root(self) -> Tracer:
        return self._root if self._root is not None else self

    def __init__(self, graph: Graph, parent: Tracer | None = None, capture_variables: bool = False) -> None:
        self.graph = graph
        self.parent = parent
        # a cond branch reads variables through the enclosing graph (so tapes see them); a loop
        # body reads them itself, at every iteration
        self.capture_variables = capture_variables and parent is not None
        # the outermost tracer (a property: a tracer holding itself would be a reference cycle)
        self._root: Tracer | None = parent.root if parent is not None else None
        # only the tracing thread is recorded: a Dataset's prefetch thread runs ops meanwhile
        self.thread = get_ident()
        self.by_tensor: dict[int, int] = {}
        self.by_array: dict[int, int] = {}
        self.var_current: dict[int, int] = {}
        self.dynamic: set[int] = set()
        self.roots: dict[int, int | None] = {}
        self.root_values: dict[int, int] = {}  # buffer -> the first value seen living in it
        self.keep: list[Any] = []
        self.saved: dict[int, tuple[Any, Any]] = {}
        self.assigned: dict[int, Any] = {}
        # sub-graphs: enclosing values captured as inputs, and the tensors that carried them
        self.captures: list[int] = []
        self.capture_tensors: list[Tensor] = []
        self.capture_of: dict[int, int] = {}
        self._var_arrays: dict[int, Any] | None = None

    # -- values -------------------------------------------------------------------------------------
    def _own(self, v: int, array: Any, external: Any) -> None:
        """Note whose memory ``v`` lives in: its own fresh buffer, another value's, or not ours."""
        root, owned = B.buffer_root(array)
        rid = id(root)
        if rid in self.roots:
            owner = self.roots[rid]
        else:
            owner = v if (owned and external is False) else (USER if external is USER else None)
            self.roots[rid] = owner
            self.root_values[rid] = v
            self.keep.append(root)
        self.graph.owner[v] = owner
        if owner is not None and owner != USER and owner != v and B.is_dense(array):
            self.graph.dense_views.add(v)

    def _register(self, t: Tensor | None, array: Any, v: int) -> None:
        if t is not None:
            self.by_tensor[id(t)] = v
            self.keep.append(t)
        self.by_array.setdefault(id(array), v)
        self.keep.append(array)

    def placeholder(self, t: Tensor) -> int:
        a = t._value
        v = self.graph.new_value(a.shape, a.dtype)
        self.graph.inputs.append(v)
        self._register(t, a, v)
        self._own(v, a, USER)
        self.dynamic.add(v)
        return v

    def constant(self, array: Any) -> int:
        v = self.graph.add_constant(array)
        self._register(None, array, v)
        self._own(v, array, None)
        return v

    def _variable_of(self, array: Any) -> Any:
        root = self.root
        if root._var_arrays is None:
            root._var_arrays = {id(var._value): var for var in list(_ALL_VARIABLES)}
        var = root._var_arrays.get(id(array))
        return var if var is not None and var._value is array else None

    def new_variable(self, var: Variable) -> None:
        """A variable was created, or got a new array behind the tracer's back (in a sub-graph)."""
        if self.root._var_arrays is not None:
            self.root._var_arrays[id(var._value)] = var

    def _read(self, var: Variable, array: Any) -> int:
        v = self.graph.new_value(array.shape, array.dtype)
        self.graph.nodes.append(Node(read_variable, [], [v], {"variable": var}))
        self._register(None, array, v)
        self._own(v, array, None)
        self.dynamic.add(v)
        return v

    def var_value(self, var: Variable) -> int:
        """The graph value ``var`` holds at this point of the trace."""
        return self._current(var, var._value)

    def _current(self, var: Variable, array: Any) -> int:
        v = self.var_current.get(id(var))
        if v is None:
            if self.capture_variables:
                v = self._capture(self.parent._current(var, array), var, array)  # type: ignore[union-attr]
            else:
                v = self._read(var, array)
            self.var_current[id(var)] = v
            self.keep.append(var)
        return v

    def find(self, t: Tensor) -> int | None:
        """The graph value of ``t`` if the trace knows it (variables are read), else None."""
        if isinstance(t, Variable):  # never cached by identity: its value changes with assignments
            return self.var_value(t)
        v = self.by_tensor.get(id(t))
        if v is not None:
            return v
        arr = t._value
        v = self.by_array.get(id(arr))
        if v is None:
            var = self._variable_of(arr)
            if var is not None:
                v = self.var_value(var)
            elif self.parent is not None:
                pv = self.parent.find(t)
                if pv is not None:
                    v = self._capture(pv, t)
        return v

    def lookup(self, t: Tensor) -> int:
        v = self.find(t)
        if v is None:
            self._check_not_derived(t._value)
            v = self.constant(t._value)
        if not isinstance(t, Variable):
            self.by_tensor[id(t)] = v
            self.keep.append(t)
        return v

    def _capture(self, pv: int, t: Tensor, array: Any = None) -> int:
        v = self.capture_of.get(pv)
        if v is None:
            shape, dtype = self.parent.graph.avals[pv]  # type: ignore[union-attr]
            v = self.graph.new_value(shape, dtype)
            self.graph.inputs.append(v)
            self.graph.owner[v] = USER
            self.capture_of[pv] = v
            self.captures.append(pv)
            self.capture_tensors.append(t)
            if pv in self.parent.dynamic:  # type: ignore[union-attr]
                self.dynamic.add(v)
        a = t._value if array is None else array
        self.by_array.setdefault(id(a), v)
        self.keep.append(a)
        return v

    def _check_not_derived(self, array: Any) -> None:
        """A view of a traced value made outside the primitives would be frozen: refuse it."""
        rid = id(B.buffer_root(array)[0])
        tr: Tracer | None = self
        while tr is not None:
            v = tr.root_values.get(rid)
            if v is not None:
                if v in tr.dynamic:
                    raise OperatorNotAllowedInGraphError(
                        "A tensor inside this tf.function views the memory of a traced value but was not "
                        "computed by a tensorflux op (NumPy applied to tensor._value?): the graph could only "
                        "replay its traced value. Compute it with tensor ops."
                    )
                return
            tr = tr.parent

    def is_dynamic(self, t: Any) -> bool:
        """Whether ``t``'s value depends on the function's inputs, variables or random draws."""
        if not isinstance(t, Tensor):
            return False
        if isinstance(t, Variable):
            return True
        tr: Tracer | None = self
        while tr is not None:
            v = tr.by_tensor.get(id(t))
            if v is None:
                v = tr.by_array.get(id(t._value))
            if v is not None:
                return v in tr.dynamic
            tr = tr.parent
        return self._variable_of(t._value) is not None

    # -- hooks called by the framework ------------------------------------------------------------
    def record(self, prim: Any, inputs: Any, outputs: Any, params: dict[str, Any]) -> None:
        """One primitive ran on ``inputs`` and gave ``outputs``: add its node."""
        if get_ident() != self.thread:
            return
        ins = [self.lookup(t) for t in inputs]
        if params:
            prim, ins, params = self._dynamic_params(prim, ins, params)
        g = self.graph
        outs = []
        for o in outputs:
            a = o._value
            v = g.new_value(a.shape, a.dtype)
            self._register(o, a, v)
            self._own(v, a, False)
            outs.append(v)
        if prim.name in IMPURE or any(i in self.dynamic for i in ins):
            self.dynamic.update(outs)
        g.nodes.append(Node(prim, ins, outs, params, bool(P.ACTIVE_TAPES) and prim.name in TAPE_SENSITIVE))

    def _dynamic_params(self, prim: Any, ins: list[int], params: dict[str, Any]) -> Any:
        """Move arrays of dynamic values out of ``params`` into extra inputs (a tensor index)."""
        extra: list[int] = []
        new = {k: self._slot_arrays(p, extra) for k, p in params.items()}
        if not extra:
            return prim, ins, params
        return _slotted(prim, len(ins)), ins + extra, new

    def _slot_arrays(self, p: Any, extra: list[int]) -> Any:
        """``p`` with each array of a dynamic value replaced by a slot (its value appended to ``extra``).

        A method, not a recursive closure: a closure that calls itself is a reference cycle that
        would keep the tracer, and every array it saw, alive until the cyclic collector runs.
        """
        if isinstance(p, tuple):
            return tuple(self._slot_arrays(x, extra) for x in p)
        if isinstance(p, list):
            return [self._slot_arrays(x, extra) for x in p]
        if B.is_array(p):
            v = self.by_array.get(id(p))
            if v is not None and v in self.dynamic:
                extra.append(v)
                return _Slot(len(extra) - 1)
        return p

    def dynamic_index(self, index: Any) -> Any:
        """``x[i]`` with a symbolic integer ``i``: keep ``i`` an array, which the graph reads when it runs."""
        if get_ident() != self.thread:
            return index

        def conv(i: Any) -> Any:
            if isinstance(i, Tensor) and self.is_dynamic(i):
                if i._value.ndim == 0 and i._value.dtype.kind in "iu":
                    self.lookup(i)
                    return i._value
                return i
            if isinstance(i, slice) and any(
                isinstance(b, Tensor) and self.is_dynamic(b) for b in (i.start, i.stop, i.step)
            ):
                raise OperatorNotAllowedInGraphError(
                    "Slicing with a symbolic bound (x[a:b] where a or b is a tensor computed in the "
                    "tf.function) is not supported: graphs have static shapes. Use tf.gather with an "
                    "index tensor, or a Python int bound."
                )
            return i

        return tuple(conv(i) for i in index) if isinstance(index, tuple) else conv(index)

    def check_read(self, t: Tensor, what: str) -> None:
        """Python wants ``t``'s value (``bool(t)``, ``float(t)``, ``t.numpy()``)."""
        if get_ident() != self.thread:
            return
        if self.is_dynamic(t):
            raise OperatorNotAllowedInGraphError(_read_message(what))

    def assign(self, var: Variable, old: Any, kind: str, value: Any) -> None:
        """``var`` was assigned (``kind``: assign, assign_add, assign_sub); its old array was ``old``."""
        if get_ident() != self.thread:
            return
        cur = self._current(var, old)
        new_array = var._value
        d = self._assigned_value(var, value)
        if kind == "assign":
            new = d
            self.by_array.setdefault(id(new_array), new)
            self.keep.append(new_array)
        else:
            new = self.graph.new_value(new_array.shape, new_array.dtype)
            prim = P.add if kind == "assign_add" else P.subtract
            self.graph.nodes.append(Node(prim, [cur, d], [new], {}))
            self._register(None, new_array, new)
            self._own(new, new_array, False)
        self.dynamic.add(new)
        self.var_current[id(var)] = new
        self.graph.nodes.append(Node(assign_variable, [new], [], {"variable": var}))
        self.saved.setdefault(id(var), (var, old))
        self.assigned[id(var)] = var

    def _assigned_value(self, var: Variable, value: Any) -> int:
        """The graph value of what is assigned, broadcast and cast to the variable as ``_check`` does."""
        target = var._value
        if isinstance(value, Tensor):
            v = self.lookup(value)
            arr = value._value
        else:
            arr = B.asarray(value, target.dtype)
            v = self.constant(arr)
        if tuple(arr.shape) != tuple(target.shape):
            arr = B.broadcast_to(arr, target.shape)
            v = self._emit(P.broadcast_to, [v], {"shape": tuple(target.shape)}, arr)
        if arr.dtype != target.dtype:
            arr = B.cast(arr, target.dtype)
            v = self._emit(P.cast, [v], {"dtype": target.dtype}, arr)
        return v

    def _emit(self, prim: Any, ins: list[int], params: dict[str, Any], out: Any) -> int:
        v = self.graph.new_value(out.shape, out.dtype)
        self.graph.nodes.append(Node(prim, ins, [v], params))
        self._register(None, out, v)
        self._own(v, out, False)
        if any(i in self.dynamic for i in ins):
            self.dynamic.add(v)
        return v

    def output(self, t: Any) -> int:
        """The graph value for one output leaf (a variable gives its current value)."""
        if isinstance(t, Variable):
            return self.var_value(t)
        return self.lookup(t)

    # -- state --------------------------------------------------------------------------------------
    def rollback(self) -> None:
        """Give every variable this trace assigned its value from before the trace."""
        for var, old in self.saved.values():
            var._value = old


def random_state() -> Any:
    """The state of tensorflux's random streams (restored when a trace must not have happened)."""
    from tensorflux.ops import random_ops  # the random streams live in the op layer

    s = random_ops._state
    return {"seed": s["seed"], "rng": copy.deepcopy(s["rng"]), "counts": dict(s["counts"])}


def restore_random_state(state: Any) -> None:
    from tensorflux.ops import random_ops

    random_ops._state.update(state)


def current() -> Tracer | None:
    """The innermost active tracer, or None when running eagerly."""
    return P.TRACERS[-1] if P.TRACERS else None
