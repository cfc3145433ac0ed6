"""``tensorflux.function``: trace a Python function into a graph once per input signature, then replay it.

The first call with a new signature (the shapes and dtypes of the tensor arguments, the values of
the other Python arguments) runs the function eagerly while a tracer records every primitive; the
graph is optimised (``tensorflux.framework.passes``) and compiled into one generated Python
function over arrays.  Later calls with the same signature replay that function: no Python code of
the traced function runs, so Python side effects (``print``, appending to a list) happen only when
tracing, as in TensorFlow.  Variables are captured by reference; random ops draw again on every call.

Graphs have static shapes: a call with a new shape traces again (once per shape).  Under a
recording ``GradientTape`` the graph is replayed through the primitive registry so the tape can
differentiate it; inside another traced function the Python function is simply inlined.
"""

from __future__ import annotations

import functools
import types
import weakref
from collections.abc import Callable, Mapping
from threading import get_ident
from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import nest
from tensorflux.framework import primitives as P
from tensorflux.framework.config import _state as _config_state
from tensorflux.framework.graph import Graph, failing_node, replay_bind
from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.framework.tracing import Tracer, random_state, restore_random_state
from tensorflux.framework.variables import Variable

_SCALARS = frozenset({int, float, bool, str, complex, type(None), bytes})


class _Out:
    """Marks an output leaf that is the graph's output number ``i``."""

    __slots__ = ("i",)

    def __init__(self, i: int) -> None:
        self.i = i


def _walk(obj: Any, key: list[Any], leaves: list[Any], objs: list[Any]) -> None:
    """Append ``obj``'s part of the cache key; collect tensor leaves and objects keyed by identity."""
    tp = type(obj)
    if tp is Tensor:
        a = obj._value
        key.append(a.shape)
        key.append(a.dtype)
        leaves.append(obj)
    elif tp in _SCALARS:
        key.append(tp)
        key.append(obj)
    elif tp is tuple or tp is list:
        key.append(tp)
        key.append(len(obj))
        for x in obj:
            _walk(x, key, leaves, objs)
    elif isinstance(obj, Variable):
        key.append(Variable)
        key.append(id(obj))
        objs.append(obj)
    elif isinstance(obj, Tensor) or B.is_array(obj):
        a = obj._value if isinstance(obj, Tensor) else obj
        key.append(a.shape)
        key.append(a.dtype)
        leaves.append(obj)
    elif isinstance(obj, Mapping):
        names = sorted(obj)
        key.append(tp)
        key.append(tuple(names))
        for k in names:
            _walk(obj[k], key, leaves, objs)
    elif isinstance(obj, tuple):  # namedtuples
        key.append(tp)
        for x in obj:
            _walk(x, key, leaves, objs)
    elif _is_spec(obj):
        raise TypeError(
            "A TensorSpec cannot be passed to a tf.function call; pass a tensor, or use "
            "get_concrete_function(spec) to trace without running."
        )
    else:
        key.append(object)
        key.append(id(obj))
        objs.append(obj)


def _rebuild(obj: Any, it: Any) -> Any:
    """``obj`` with its tensor leaves taken from ``it`` (same walk as ``_walk``)."""
    tp = type(obj)
    if tp is Tensor:
        return next(it)
    if tp in _SCALARS:
        return obj
    if tp is tuple or tp is list:
        return tp(_rebuild(x, it) for x in obj)
    if isinstance(obj, Variable):
        return obj
    if isinstance(obj, Tensor) or B.is_array(obj):
        return next(it)
    if isinstance(obj, Mapping):
        done = {k: _rebuild(obj[k], it) for k in sorted(obj)}
        return {k: done[k] for k in obj} if tp is dict else tp((k, done[k]) for k in obj)
    if isinstance(obj, tuple):
        return tp(*(_rebuild(x, it) for x in obj))
    return obj


def _is_spec(obj: Any) -> bool:
    return type(obj).__name__ == "TensorSpec" and hasattr(obj, "shape") and hasattr(obj, "dtype")


def _spec_dtype(spec: Any) -> Any:
    from tensorflux.framework import dtypes as _dt

    return _dt.as_dtype(spec.dtype)


def _dummy(spec: Any) -> Tensor:
    """A tensor that fits ``spec`` (unknown dimensions become 1), to trace without real data."""
    dtype = _spec_dtype(spec)
    if spec.shape is None:
        raise ValueError(f"get_concrete_function: {spec} has an unknown rank; give at least its rank.")
    shape = tuple(1 if d is None else int(d) for d in spec.shape)
    fill = False if dtype.is_bool else 1
    return Tensor(B.full(shape, fill, dtype._native))


def _specs_to_dummies(obj: Any) -> Any:
    if _is_spec(obj):
        return _dummy(obj)
    if type(obj) in (list, tuple):
        return type(obj)(_specs_to_dummies(x) for x in obj)
    if isinstance(obj, dict):
        return {k: _specs_to_dummies(v) for k, v in obj.items()}
    return obj


class ConcreteFunction:
    """One traced graph of a ``Function``, for one input signature.

    ``graph`` is the optimised graph that runs; ``raw_graph`` the graph as traced (replayed through
    the registry when a tape needs gradients).  ``print(concrete.graph)`` shows every node.
    """

    def __init__(
        self,
        function: Function,
        key: tuple[Any, ...],
        graph: Graph,
        raw_graph: Graph,
        template: Any,
        objs: list[Any],
        signature: Any,
    ) -> None:
        self._function = function
        self._key = key
        self.graph = graph
        self.raw_graph = raw_graph
        self._run = graph.compile()
        self._template = template
        self._flat = nest.flatten(template)
        self._single = isinstance(template, _Out)
        self.structured_input_signature = signature
        self._refs = [_weak(o) for o in objs]

    @property
    def name(self) -> str:
        return self.graph.name

    @property
    def structured_outputs(self) -> Any:
        return self._template

    def _alive(self, objs: list[Any]) -> bool:
        return all(r() is o for r, o in zip(self._refs, objs))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._function(*args, **kwargs)

    def _call_flat(self, leaves: list[Any]) -> Any:
        if P.ACTIVE_TAPES and any(t._recording and t._thread == get_ident() for t in P.ACTIVE_TAPES):
            tensors = [x if isinstance(x, Tensor) else convert_to_tensor(x) for x in leaves]
            return self._pack_tensors(replay_bind(self.raw_graph, tensors))
        arrays = [x._value if isinstance(x, Tensor) else x for x in leaves]
        try:
            outs = self._run(*arrays)
        except Exception as e:
            raise _explain(self.graph, e) from e
        if self._single:
            return P._wrap(outs[0])
        return nest.pack_sequence_as(
            self._template, [P._wrap(outs[m.i]) if isinstance(m, _Out) else m for m in self._flat]
        )

    def _pack_tensors(self, outs: list[Any]) -> Any:
        if self._single:
            return outs[0]
        return nest.pack_sequence_as(
            self._template, [outs[m.i] if isinstance(m, _Out) else m for m in self._flat]
        )

    def pretty_printed_signature(self) -> str:
        return str(self.graph).splitlines()[0]

    def __repr__(self) -> str:
        return f"<ConcreteFunction {self.name} ({len(self.graph.nodes)} nodes)>"


def _weak(obj: Any) -> Callable[[], Any]:
    try:
        return weakref.ref(obj)
    except TypeError:
        return lambda: obj


def _explain(graph: Graph, e: Exception) -> Exception:
    """The kernel's error, naming the graph node that raised it."""
    tb = e.__traceback__
    node = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == f"<graph {graph.name}>":
            node = failing_node(graph, tb.tb_lineno)
        tb = tb.tb_next
    if node is None:
        return e
    ins = ", ".join(f"%{v}" for v in node.inputs)
    shapes = ", ".join(str(graph.avals[v][0]) for v in node.inputs)
    try:
        return type(e)(
            f"{e} (in node {node.name}({ins}) of the traced function '{graph.name}', traced with input "
            f"shapes {shapes})"
        )
    except Exception:  # an exception type with a special constructor: keep it as it is
        return e


class Function:
    """A Python function traced into graphs (see ``function``)."""

    def __init__(
        self,
        python_function: Callable[..., Any],
        name: str | None = None,
        input_signature: Any = None,
        reduce_retracing: bool = False,
        jit_compile: Any = None,
        autograph: bool = True,
    ) -> None:
        self._python_function = python_function
        self._name: str = str(name or getattr(python_function, "__name__", type(python_function).__name__))
        self._input_signature = None if input_signature is None else list(input_signature)
        self._reduce_retracing = reduce_retracing
        self._jit_compile = jit_compile
        self._autograph = autograph
        self._cache: dict[tuple[Any, ...], ConcreteFunction] = {}
        self._tracing_count = 0
        self._trace_attempts = 0
        self._bound: dict[int, tuple[Any, Function]] = {}
        functools.update_wrapper(self, python_function, updated=())

    @property
    def python_function(self) -> Callable[..., Any]:
        return self._python_function

    @property
    def input_signature(self) -> Any:
        return None if self._input_signature is None else tuple(self._input_signature)

    def experimental_get_tracing_count(self) -> int:
        """How many times the function has been traced (one per new input signature)."""
        return self._tracing_count

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        # a decorated method: one Function per instance, holding the instance weakly
        if instance is None:
            return self
        entry = self._bound.get(id(instance))
        if entry is not None and entry[0]() is instance:
            return entry[1]
        key = id(instance)
        try:
            ref: Any = weakref.ref(instance, lambda _r: self._bound.pop(key, None))
        except TypeError:
            ref = lambda: instance  # noqa: E731
        func = self._python_function

        def method(*args: Any, **kwargs: Any) -> Any:
            return func(ref(), *args, **kwargs)

        functools.update_wrapper(method, func)
        bound = Function(method, self._name, self._input_signature, self._reduce_retracing, self._jit_compile)
        self._bound[key] = (ref, bound)
        return bound

    # -- calling ----------------------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if P.TRACERS or _config_state.get("run_functions_eagerly"):
            return self._python_function(*args, **kwargs)
        if self._input_signature is not None:
            args = self._apply_signature(args, kwargs)
        key: list[Any] = []
        leaves: list[Any] = []
        objs: list[Any] = []
        for a in args:
            _walk(a, key, leaves, objs)
        if kwargs:
            key.append("**")
            for k in sorted(kwargs):
                key.append(k)
                _walk(kwargs[k], key, leaves, objs)
        tkey = tuple(key)
        try:
            cf = self._cache.get(tkey)
        except TypeError:  # an unhashable Python value in the arguments: run without a graph
            return self._python_function(*args, **kwargs)
        if cf is None or (objs and not cf._alive(objs)):
            return self._trace(tkey, args, kwargs, leaves, objs, execute=True)[1]
        return cf._call_flat(leaves)

    def _apply_signature(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        specs = self._input_signature or []
        if kwargs:
            raise TypeError(
                f"{self._name}: a tf.function with an input_signature takes positional tensor arguments "
                f"only; received keyword arguments {sorted(kwargs)}."
            )
        flat_specs = nest.flatten(specs)
        flat_args = nest.flatten(list(args))
        if len(flat_args) != len(flat_specs):
            raise TypeError(
                f"{self._name}: the input_signature has {len(flat_specs)} tensors but the call passed "
                f"{len(flat_args)} arguments."
            )
        out = []
        for i, (a, s) in enumerate(zip(flat_args, flat_specs)):
            t = (
                a
                if isinstance(a, Tensor) and a.dtype == _spec_dtype(s)
                else convert_to_tensor(a, dtype=_spec_dtype(s))
            )
            shape = tuple(t._value.shape)
            want = s.shape
            if want is not None and (
                len(want) != len(shape) or any(w is not None and w != d for w, d in zip(want, shape))
            ):
                raise ValueError(
                    f"{self._name}: argument {i} has shape {shape}, which is not compatible with the "
                    f"input_signature {s}."
                )
            out.append(t)
        return tuple(nest.pack_sequence_as(list(args), out))

    def get_concrete_function(self, *args: Any, **kwargs: Any) -> ConcreteFunction:
        """The graph for these arguments (tensors, or ``TensorSpec``s), traced without running it.

        With no arguments the function's ``input_signature`` is used.  Unknown dimensions of a
        spec are traced as 1 (graphs have static shapes; calling with another size traces again).
        """
        if not args and not kwargs and self._input_signature is not None:
            args = tuple(self._input_signature)
        args = _specs_to_dummies(args)
        kwargs = _specs_to_dummies(kwargs)
        if self._input_signature is not None:
            args = self._apply_signature(args, kwargs)
        key: list[Any] = []
        leaves: list[Any] = []
        objs: list[Any] = []
        for a in args:
            _walk(a, key, leaves, objs)
        if kwargs:
            key.append("**")
            for k in sorted(kwargs):
                key.append(k)
                _walk(kwargs[k], key, leaves, objs)
        tkey = tuple(key)
        cf = self._cache.get(tkey)
        if cf is not None and cf._alive(objs):
            return cf
        with B.ignore_fp_errors():
            return self._trace(tkey, args, kwargs, leaves, objs, execute=False)[0]

    # -- tracing ----------------------------------------------------------------------------------
    def _trace(
        self,
        key: tuple[Any, ...],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        leaves: list[Any],
        objs: list[Any],
        execute: bool,
    ) -> tuple[ConcreteFunction, Any]:
        from tensorflux.framework.passes import optimize

        self._trace_attempts += 1
        graph = Graph(self._name)
        tracer = Tracer(graph)
        tracer.keep = _LeanKeep(tracer)
        placeholders = []
        seen: set[int] = set()
        for leaf in leaves:
            if isinstance(leaf, Tensor) and id(leaf) not in seen and id(leaf._value) not in seen:
                t = leaf  # the caller's own tensor, so that an outer tape watching it sees its use
            else:
                a = leaf._value if isinstance(leaf, Tensor) else B.asarray(leaf)
                if id(a) in seen:
                    a = B.array_copy(a)  # the same array twice must still be two inputs
                t = P._wrap(a)
            seen.add(id(t))
            seen.add(id(t._value))
            tracer.placeholder(t)
            placeholders.append(t)
        it = iter(placeholders)
        call_args = tuple(_rebuild(a, it) for a in args)
        call_kwargs = {k: _rebuild(kwargs[k], it) for k in sorted(kwargs)}
        saved_random = random_state()
        P.TRACERS.append(tracer)
        done = False
        try:
            out = self._python_function(*call_args, **call_kwargs)
            flat = nest.flatten(out)
            outputs: list[int] = []
            marks: list[Any] = []
            results: list[Any] = []
            for leaf in flat:
                if isinstance(leaf, Tensor):
                    v = tracer.output(leaf)
                    marks.append(_Out(len(outputs)))
                    outputs.append(v)
                    results.append(P._wrap(leaf._value) if isinstance(leaf, Variable) else leaf)
                else:
                    marks.append(leaf)
                    results.append(leaf)
            done = True
        finally:
            P.TRACERS.remove(tracer)
            if not done or not execute:
                tracer.rollback()
                restore_random_state(saved_random)
        graph.outputs = outputs
        template = (
            marks[0] if not nest.is_nested(out) and len(marks) == 1 else nest.pack_sequence_as(out, marks)
        )
        signature = (
            tuple(_spec_of(a) for a in args),
            {k: _spec_of(v) for k, v in kwargs.items()},
        )
        cf = ConcreteFunction(self, key, optimize(graph), graph, template, objs, signature)
        self._cache[key] = cf
        self._tracing_count += 1
        result = results[0] if isinstance(template, _Out) else nest.pack_sequence_as(out, results)
        return cf, result

    def __repr__(self) -> str:
        return f"<tensorflux.function {self._name} (traced {self._tracing_count} times)>"


class _LeanKeep(list):  # type: ignore[type-arg]
    """A tracer's ``keep`` list that holds arrays and tensors weakly.

    The tracer keeps everything it has seen so that no id in its maps (array, tensor, buffer ->
    graph value) is reused by a new object while it runs.  Forgetting an object's entries the
    moment it dies gives the same guarantee without holding every intermediate of the traced
    run: a batch-1000 trace of the seed CNN held ~350 MB of arrays the function had dropped.
    Variables and objects that cannot be weakly referenced are held as before.
    """

    def __init__(self, tracer: Tracer) -> None:
        super().__init__()
        self._maps = (tracer.by_tensor, tracer.by_array, tracer.roots, tracer.root_values)
        self._refs: dict[int, Any] = {}

    def append(self, obj: Any) -> None:
        if isinstance(obj, Variable) or not (isinstance(obj, Tensor) or B.is_array(obj)):
            super().append(obj)
            return
        key = id(obj)
        if key in self._refs:  # already watched (an entry is removed when its object dies)
            return
        try:
            self._refs[key] = weakref.ref(obj, _forget(key, self._refs, self._maps))
        except TypeError:
            super().append(obj)

    def clear(self) -> None:
        super().clear()
        self._refs.clear()


def _forget(key: int, refs: dict[int, Any], maps: tuple[dict[int, Any], ...]) -> Callable[[Any], None]:
    # closes over the maps, not the tracer: no cycle, and nothing to do once the trace is over
    def forget(_ref: Any) -> None:
        refs.pop(key, None)
        for m in maps:
            m.pop(key, None)

    return forget


def _spec_of(obj: Any) -> Any:
    if isinstance(obj, Tensor) and not isinstance(obj, Variable) or B.is_array(obj):
        from tensorflux.data.spec import TensorSpec

        a = obj._value if isinstance(obj, Tensor) else obj
        return TensorSpec(tuple(a.shape), a.dtype)
    if type(obj) in (list, tuple):
        return type(obj)(_spec_of(x) for x in obj)
    if isinstance(obj, dict):
        return {k: _spec_of(v) for k, v in obj.items()}
    return obj


def function(
    func: Callable[..., Any] | None = None,
    input_signature: Any = None,
    autograph: bool = True,
    jit_compile: Any = None,
    reduce_retracing: bool = False,
    experimental_implements: Any = None,
    experimental_autograph_options: Any = None,
    experimental_attributes: Any = None,
    experimental_relax_shapes: Any = None,
    experimental_compile: Any = None,
    experimental_follow_type_hints: Any = None,
    name: str | None = None,
) -> Any:
    """Compile ``func`` into a graph: ``@tf.function`` or ``@tf.function(input_signature=...)``.

    Args:
        func: The Python function (or any callable, such as a Keras model) to trace.
        input_signature: A list of ``tf.TensorSpec``; calls must then pass tensors compatible
            with it (a dimension of ``None`` accepts any size; each new size is traced once).
        autograph: Accepted for compatibility. Python ``if``/``while`` on tensors is not
            converted: use ``tf.cond`` / ``tf.while_loop`` (a Python bool of a symbolic tensor
            raises an error that says so).
        jit_compile: Accepted for compatibility (graphs are always optimised).
        reduce_retracing: Accepted for compatibility (graphs have static shapes).
        name: Name of the graph (default: the function's name).

    Returns:
        A callable ``Function``; ``get_concrete_function(...)`` gives the traced graph.

    >>> import tensorflux as tf
    >>> @tf.function
    ... def square_sum(x):
    ...     return tf.reduce_sum(x * x)
    >>> float(square_sum(tf.constant([1.0, 2.0])))
    5.0
    >>> square_sum.experimental_get_tracing_count()
    1
    """

    def wrap(f: Callable[..., Any]) -> Function:
        if isinstance(f, Function):
            return f
        if isinstance(f, types.MethodType) and isinstance(f.__func__, Function):
            return f.__func__.__get__(f.__self__)  # type: ignore[no-any-return]
        return Function(f, name, input_signature, reduce_retracing, jit_compile, autograph)

    if func is None:
        return wrap
    return wrap(func)


__all__ = ["ConcreteFunction", "Function", "function"]
