"""``tf.cond``, ``tf.while_loop`` and ``tf.case``.

Run eagerly they are Python control flow: the predicate is read and one branch (or the loop) runs.
Inside a ``tf.function``, when the predicate depends on the function's inputs, they become one
graph node holding sub-graphs traced from the branches (or from the loop's condition and body), so
the choice is made every time the graph runs instead of once when it is traced.  Both branches are
traced; only the one the traced values select keeps its effects (variable assignments, random
draws), exactly as an eager run would.

Gradients of a traced loop: when a tape watches what the loop uses, its node also returns every
iteration's loop variables, stacked (first dimension: the trip count, known only when the graph
runs), and the tape's rule adds a ``while_loop_grad`` node that runs the body's vector-Jacobian
product, traced once into a sub-graph, back over them, summing the gradients of the tensors the
body captures and of the variables it reads.  Without a watching tape no history is kept.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from threading import get_ident
from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import nest
from tensorflux.framework import primitives as P
from tensorflux.framework.gradients import register
from tensorflux.framework.graph import REPLAY_BINDERS, USER, Graph, Node, replay_bind
from tensorflux.framework.tape import GradientTape
from tensorflux.framework.tape import record as _tape_record
from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.framework.tracing import Tracer, current, random_state, restore_random_state
from tensorflux.framework.variables import Variable


def _run_graph(graph: Graph, arrays: list[Any]) -> tuple[Any, ...]:
    return tuple(graph.run(*arrays))


def _cond_impl(
    pred: Any, *args: Any, true_graph: Graph, false_graph: Graph, true_index: Any, false_index: Any
) -> Any:
    g, index = (true_graph, true_index) if bool(pred) else (false_graph, false_index)
    return _run_graph(g, [args[i] for i in index])


def _while_impl(
    *args: Any,
    cond_graph: Graph,
    body_graph: Graph,
    n_vars: int,
    cond_index: Any,
    body_index: Any,
    maximum_iterations: Any,
    history: bool = False,
) -> Any:
    vals = list(args[:n_vars])
    cond_caps = [args[n_vars + i] for i in cond_index]
    body_caps = [args[n_vars + i] for i in body_index]
    run_cond = cond_graph.compile()
    run_body = body_graph.compile()
    if history:
        return _while_with_history(vals, cond_caps, body_caps, run_cond, run_body, maximum_iterations)
    i = 0
    while (maximum_iterations is None or i < maximum_iterations) and bool(run_cond(*vals, *cond_caps)[0]):
        vals = run_body(*vals, *body_caps)
        i += 1
    return tuple(vals)


def _while_with_history(
    vals: list[Any], cond_caps: list[Any], body_caps: list[Any], run_cond: Any, run_body: Any, max_iter: Any
) -> tuple[Any, ...]:
    """The loop, also returning each loop variable's values entering every iteration, stacked.

    The stacks' first dimension is the trip count, known only when the loop runs: the gradient
    node reads it from the array, never from the traced shape.
    """
    init = list(vals)
    states: list[list[Any]] = []
    while (max_iter is None or len(states) < max_iter) and bool(run_cond(*vals, *cond_caps)[0]):
        states.append(vals)
        vals = run_body(*vals, *body_caps)
    # an output must never be the caller's input array (it is USER memory; later nodes may write
    # into a value the graph believes it owns)
    final = [B.array_copy(v) if any(v is a for a in init) else v for v in vals]
    stacks = [
        B.stack([s[k] for s in states], 0) if states else B.zeros((0, *init[k].shape), init[k].dtype)
        for k in range(len(init))
    ]
    return (*final, *stacks)


def _while_grad_impl(*args: Any, vjp_graph: Graph, n_vars: int, n_caps: int, n_grads: int) -> Any:
    """Run the body's vector-Jacobian product over the saved iterations, last first.

    ``args``: the loop variables' stacked histories, the body's captured values, the gradients of
    the final float loop variables, then values the gradient graph itself captured.  Returns the
    gradients of the initial float loop variables, then the summed gradients of the body's float
    captures and of the variables it reads.
    """
    hist = args[:n_vars]
    caps = args[n_vars : n_vars + n_caps]
    gys = list(args[n_vars + n_caps : n_vars + n_caps + n_grads])
    extra = args[n_vars + n_caps + n_grads :]
    run = vjp_graph.compile()
    acc: list[Any] | None = None
    for k in range(int(hist[0].shape[0]) - 1, -1, -1):
        res = run(*[h[k] for h in hist], *caps, *gys, *extra)
        gys = list(res[:n_grads])
        rest = res[n_grads:]
        acc = list(rest) if acc is None else [B.add(a, r) for a, r in zip(acc, rest)]
    if acc is None:  # no iteration: the loop was the identity
        acc = [B.zeros(*vjp_graph.avals[v]) for v in vjp_graph.outputs[n_grads:]]
    # a result passed straight through from an input is copied: the graph owns its outputs
    return tuple(B.array_copy(r) if any(r is a for a in args) else r for r in (*gys, *acc))


cond_p = P.primitive("cond", _cond_impl, multiple_results=True)
while_p = P.primitive("while_loop", _while_impl, multiple_results=True)
while_grad_p = P.primitive("while_loop_grad", _while_grad_impl, multiple_results=True)


# -- helpers -------------------------------------------------------------------------------------
@contextlib.contextmanager
def _tapes_paused() -> Any:
    """Stop active tapes from recording a branch's operations one by one (the node is recorded)."""
    saved = [(t, t._recording) for t in P.ACTIVE_TAPES]
    for t, _ in saved:
        t._recording = False
    try:
        yield [t for t, r in saved if r]
    finally:
        for t, r in saved:
            t._recording = r


def _as_tensors(structure: Any, what: str) -> list[Tensor]:
    out = []
    for x in nest.flatten(structure):
        if x is None:
            raise ValueError(f"{what} returned None; it must return tensors (or Python numbers).")
        out.append(x if isinstance(x, Tensor) else convert_to_tensor(x))
    return out


def _trace_sub(
    parent: Tracer,
    name: str,
    fn: Callable[[], Any],
    keep_effects: bool,
    inputs: list[Tensor] | None = None,
    capture_variables: bool = True,
) -> tuple[Graph, Tracer, Any, list[Tensor]]:
    """Trace ``fn`` into a sub-graph of ``parent``'s graph; undo its effects unless ``keep_effects``.

    ``inputs`` become the sub-graph's first placeholders (loop variables); ``fn`` receives them.
    """
    g = Graph(name)
    sub = Tracer(g, parent, capture_variables=capture_variables)
    args = []
    for t in inputs or []:
        # a copy: the tensor the placeholder stands for may also be captured by ``fn`` (a loop
        # variable initialised from a value the body uses too), and arrays are looked up by identity
        w = P._wrap(B.array_copy(t._value))
        sub.placeholder(w)
        args.append(w)
    saved = None if keep_effects else random_state()
    P.TRACERS.append(sub)
    try:
        with contextlib.nullcontext() if keep_effects else B.ignore_fp_errors():
            out = fn(*args)
        tensors = _as_tensors(out, name)
        g.outputs = [sub.output(t) for t in tensors]
    finally:
        P.TRACERS.remove(sub)
        if not keep_effects:
            sub.rollback()
            restore_random_state(saved)
    return g, sub, out, tensors


def _merge_captures(
    parent: Tracer, subs: list[Tracer]
) -> tuple[list[int], list[Tensor], list[tuple[int, ...]]]:
    """The enclosing values the sub-graphs capture (union, in order) and each one's positions in it."""
    values: list[int] = []
    tensors: list[Tensor] = []
    index = []
    for sub in subs:
        idx = []
        for pv, t in zip(sub.captures, sub.capture_tensors):
            if pv not in values:
                values.append(pv)
                tensors.append(t)
            idx.append(values.index(pv))
        index.append(tuple(idx))
    return values, tensors, index


def _add_node(
    parent: Tracer,
    prim: Any,
    ins: list[int],
    params: dict[str, Any],
    results: list[Tensor],
    subs: list[Tracer],
) -> list[Tensor]:
    """Append a control-flow node to ``parent``'s graph; its outputs are fresh tensors of ``results``."""
    g = parent.graph
    outs = []
    wrapped = []
    for t in results:
        w = P._wrap(t._value)
        a = w._value
        v = g.new_value(a.shape, a.dtype)
        parent._register(w, a, v)
        g.owner[v] = USER  # may be an input passed through: never written, copied before a variable keeps it
        parent.dynamic.add(v)
        outs.append(v)
        wrapped.append(w)
    g.nodes.append(Node(prim, ins, outs, params))
    for sub in subs:  # variables the sub-graphs assigned are read again after the node
        for var in sub.assigned.values():
            parent.var_current.pop(id(var), None)
            parent.new_variable(var)
            parent.keep.append(var)
    return wrapped


def _check_pred(pred: Any, op: str) -> Any:
    if isinstance(pred, Tensor):
        if pred._value.dtype.kind != "b":
            raise TypeError(f"{op}: pred must be a boolean tensor; received dtype {pred.dtype.name}.")
        if pred._value.size != 1:
            raise ValueError(f"{op}: pred must be a scalar; received shape {tuple(pred._value.shape)}.")
    return pred


# -- cond ------------------------------------------------------------------------------------------
def cond(
    pred: Any,
    true_fn: Callable[[], Any] | None = None,
    false_fn: Callable[[], Any] | None = None,
    name: Any = None,
) -> Any:
    """``true_fn()`` if ``pred`` else ``false_fn()``; traced, a graph node that chooses when it runs.

    Both functions take no arguments and must return the same structure of tensors with the same
    shapes and dtypes.

    >>> import tensorflux as tf
    >>> f = tf.function(lambda x: tf.cond(x > 0, lambda: x * 2.0, lambda: -x))
    >>> float(f(tf.constant(3.0))), float(f(tf.constant(-4.0)))
    (6.0, 4.0)
    """
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError("cond: true_fn and false_fn must be callables of no arguments.")
    _check_pred(pred, "cond")
    tracer = current()
    if tracer is None or not tracer.is_dynamic(pred):
        taken = bool(pred._value) if isinstance(pred, Tensor) else bool(pred)
        return true_fn() if taken else false_fn()
    return _traced_cond(tracer, pred, true_fn, false_fn)


def _traced_cond(
    tracer: Tracer, pred: Tensor, true_fn: Callable[[], Any], false_fn: Callable[[], Any]
) -> Any:
    pv = tracer.lookup(pred)
    taken = bool(pred._value)
    traced: dict[bool, Any] = {}
    with _tapes_paused() as tapes:
        for which in (not taken, taken):  # the branch not taken first: its effects are undone
            traced[which] = _trace_sub(
                tracer,
                "true_branch" if which else "false_branch",
                true_fn if which else false_fn,
                which == taken,
            )
    (gt, st, out_t, tens_t), (gf, sf, out_f, tens_f) = traced[True], traced[False]
    if len(tens_t) != len(tens_f) or nest.flatten(_shape_struct(out_t)) != nest.flatten(_shape_struct(out_f)):
        _mismatch(out_t, out_f, tens_t, tens_f)
    _check_avals(tens_t, tens_f, "cond: true_fn and false_fn")
    caps, cap_tensors, (it, if_) = _merge_captures(tracer, [st, sf])
    params = {"true_graph": gt, "false_graph": gf, "true_index": it, "false_index": if_}
    results = tens_t if taken else tens_f
    outs = _add_node(tracer, cond_p, [pv] + caps, params, results, [st, sf])
    if tapes:
        # a branch reads variables through captures, except inside a loop it holds: those loops'
        # variables are inputs too, so that their gradients reach the rule
        read = _variables_read([gt, gf])
        _tape_record(cond_p.vjp, (pred, *cap_tensors, *read), tuple(outs), params, True)
    return nest.pack_sequence_as(out_t if taken else out_f, outs)


def _shape_struct(out: Any) -> Any:
    return nest.map_structure(lambda x: 0, out) if nest.is_nested(out) else 0


def _mismatch(out_t: Any, out_f: Any, tens_t: list[Tensor], tens_f: list[Tensor]) -> None:
    raise ValueError(
        "cond: true_fn and false_fn must return the same structure of tensors; true_fn returned "
        f"{len(tens_t)} tensors ({_describe(out_t)}) and false_fn {len(tens_f)} ({_describe(out_f)})."
    )


def _describe(out: Any) -> str:
    return ", ".join(f"{t.dtype.name}{list(t.shape)}" for t in _as_tensors(out, "branch"))


def _check_avals(a: list[Tensor], b: list[Tensor], what: str) -> None:
    for i, (x, y) in enumerate(zip(a, b)):
        if x._value.shape != y._value.shape or x._value.dtype != y._value.dtype:
            raise ValueError(
                f"{what}: output {i} is {x.dtype.name}{list(x.shape)} in one case and "
                f"{y.dtype.name}{list(y.shape)} in the other; traced graphs need the same shape and dtype "
                "(pad, cast or reshape so they agree)."
            )


def _cond_vjp(
    g: Any,
    pred: Any,
    *args: Any,
    out: Any,
    needs: Any,
    true_graph: Graph,
    false_graph: Graph,
    true_index: Any,
    false_index: Any,
) -> Any:
    wanted = [i for i, a in enumerate(args) if needs[i + 1] and a._value.dtype.kind in "fc"]
    if not wanted:
        return (None,) * (len(args) + 1)
    grads_out = g if isinstance(g, tuple) else (g,)
    # after the captures come the variables that loops inside the branches read
    n_caps = len(set(true_index) | set(false_index))
    read_pos = tuple(range(n_caps, len(args)))

    def branch_grad(graph: Graph, index: Any) -> Callable[[], Any]:
        def fn() -> Any:
            n_in = len(index)
            # a variable the branch also captures is one source: its gradient counts once
            index_all = tuple(index) + tuple(
                j for j in read_pos if not any(args[j] is args[i] for i in index)
            )
            xs = [args[i] for i in index_all]
            with GradientTape() as tape:
                for x in xs:
                    if x._value.dtype.kind in "fc":
                        tape.watch(x)
                outs = replay_bind(graph, list(xs[:n_in]), effects=False)
            pairs = [(o, go) for o, go in zip(outs, grads_out) if o._value.dtype.kind in "fc"]
            local = (
                tape.gradient(
                    [o for o, _ in pairs],
                    xs,
                    output_gradients=[go for _, go in pairs],
                    unconnected_gradients="zero",
                )
                if pairs
                else [None] * len(xs)
            )
            by_arg = {i: gi for i, gi in zip(index_all, local)}
            return [
                by_arg[i]
                if by_arg.get(i) is not None
                else P._wrap(B.zeros(args[i]._value.shape, args[i]._value.dtype))
                for i in wanted
            ]

        return fn

    res = cond(pred, branch_grad(true_graph, true_index), branch_grad(false_graph, false_index))
    grads: list[Any] = [None] * len(args)
    for i, r in zip(wanted, res):
        grads[i] = r
    return (None, *grads)


register(cond_p, _cond_vjp)


# -- while_loop ------------------------------------------------------------------------------------
def while_loop(
    cond: Callable[..., Any],
    body: Callable[..., Any],
    loop_vars: Any,
    shape_invariants: Any = None,
    parallel_iterations: int = 10,
    back_prop: bool = True,
    swap_memory: bool = False,
    maximum_iterations: Any = None,
    name: Any = None,
) -> Any:
    """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``; returns the final ``loop_vars``.

    Inside ``tf.function`` this is one graph node: the condition and body are traced once (the loop
    variables must keep their shapes and dtypes) and the loop runs when the graph runs.  Gradients
    flow to float loop variables' initial values, captured tensors and variables the body reads,
    for whatever trip count the graph runs.

    >>> import tensorflux as tf
    >>> f = tf.function(lambda n: tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + i), (0, 0)))
    >>> [int(v) for v in f(tf.constant(5))]
    [5, 10]
    """
    if not callable(cond) or not callable(body):
        raise TypeError("while_loop: cond and body must be callables.")
    single = not nest.is_nested(loop_vars)
    structure = [loop_vars] if single else loop_vars
    max_iter = None if maximum_iterations is None else int(maximum_iterations)
    tracer = current()
    if tracer is None:
        vars_ = structure
        i = 0
        while (max_iter is None or i < max_iter) and _truth(cond(*vars_)):
            vars_ = _body_result(body(*vars_), structure, single)
            i += 1
        return vars_[0] if single else vars_
    return _traced_while(tracer, cond, body, structure, single, max_iter)


def _truth(p: Any) -> bool:
    if isinstance(p, Tensor):
        _check_pred(p, "while_loop")
        return bool(p._value)
    return bool(p)


def _body_result(out: Any, structure: Any, single: bool) -> Any:
    if single and not (isinstance(out, (list, tuple)) and len(out) == 1):
        out = [out]
    if len(nest.flatten(out)) != len(nest.flatten(structure)):
        raise ValueError(
            f"while_loop: body must return as many loop variables as it receives "
            f"({len(nest.flatten(structure))}); it returned {len(nest.flatten(out))}."
        )
    return nest.pack_sequence_as(structure, nest.flatten(out))


def _traced_while(tracer: Tracer, cond: Any, body: Any, structure: Any, single: bool, max_iter: Any) -> Any:
    init = _as_tensors(structure, "while_loop loop_vars")
    ins = [tracer.lookup(t) for t in init]

    def call_cond(*xs: Any) -> Any:
        p = cond(*nest.pack_sequence_as(structure, list(xs)))
        if isinstance(p, Tensor):
            _check_pred(p, "while_loop")
        return p

    def call_body(*xs: Any) -> Any:
        return _body_result(body(*nest.pack_sequence_as(structure, list(xs))), structure, single)

    with _tapes_paused() as tapes:
        gc, sc, _, _ = _trace_sub(tracer, "while_cond", call_cond, False, init, capture_variables=False)
        gb, sb, _, body_out = _trace_sub(
            tracer, "while_body", call_body, False, init, capture_variables=False
        )
    _check_avals(init, body_out, "while_loop body (loop variables must keep their shape and dtype)")
    caps, cap_tensors, (ic, ib) = _merge_captures(tracer, [sc, sb])
    # the variables the loop reads are inputs of its gradient: with a tape watching the loop, the
    # node also returns every iteration's loop variables, which the gradient node runs back over
    read = _variables_read([gc, gb]) if tapes else []
    taped = bool(tapes) and _watched(tapes, (*init, *cap_tensors, *read))
    # run the loop for real on the traced values: the trace is also this call's execution
    cap_arrays = [t._value for t in cap_tensors]
    params = {
        "cond_graph": gc,
        "body_graph": gb,
        "n_vars": len(init),
        "cond_index": ic,
        "body_index": ib,
        "maximum_iterations": max_iter,
    }
    if taped:
        params["history"] = True
    final = _while_impl(*[t._value for t in init], *cap_arrays, **params)
    outs = _add_node(tracer, while_p, ins + caps, params, [P._wrap(a) for a in final], [sc, sb])
    n = len(init)
    if taped:
        _record_loop((*init, *cap_tensors, *read), outs[:n], outs[n:], len(cap_tensors), read, params)
    result = nest.pack_sequence_as(structure, outs[:n])
    return result[0] if single else result


def _watched(tapes: list[Any], inputs: Any) -> bool:
    """Whether one of ``tapes`` records an operation on ``inputs`` (as ``tape.record`` decides)."""
    thread = get_ident()
    for tape in tapes:
        if tape._thread != thread:
            continue
        for a in inputs:
            if id(a) in tape._watched or (tape._watch_vars and isinstance(a, Variable) and a.trainable):
                return True
    return False


def _variables_read(graphs: list[Graph]) -> list[Any]:
    """The variables that ``graphs`` (and their sub-graphs) read, each once, in order."""
    found: dict[int, Any] = {}
    stack = list(graphs)
    while stack:
        g = stack.pop(0)
        for n in g.nodes:
            if n.name == "read_variable":
                found.setdefault(id(n.params["variable"]), n.params["variable"])
            stack.extend(n.subgraphs())
    return list(found.values())


def _bind_while(inputs: list[Tensor], params: dict[str, Any]) -> tuple[Tensor, ...]:
    """Replay a while node through the registry; a watching tape also sees the variables it reads."""
    n = params["n_vars"]
    tapes = [t for t in P.ACTIVE_TAPES if t._recording]
    read = _variables_read([params["cond_graph"], params["body_graph"]]) if tapes else []
    if not tapes or not _watched(tapes, (*inputs, *read)):
        return tuple(P.bind(while_p, tuple(inputs), params))
    kept = params.get("history", False)  # the node's own outputs include the history
    params = {**params, "history": True}
    with _tapes_paused():
        res = P.bind(while_p, tuple(inputs), params)
    _record_loop((*inputs, *read), list(res[:n]), list(res[n:]), len(inputs) - n, read, params)
    return tuple(res) if kept else tuple(res[:n])


REPLAY_BINDERS["while_loop"] = _bind_while  # replays keep the loop's history for tapes


def _is_float(t: Any) -> bool:
    return bool(t._value.dtype.kind in "fc")


def _body_vjp_graph(
    body_graph: Graph, n_vars: int, samples: list[Tensor], fv: list[int], fc: list[int], fr: list[Any]
) -> tuple[Graph, list[Tensor]]:
    """Trace one iteration's vector-Jacobian product into a graph.

    Its inputs: the loop variables, the body's captures, the gradients of the body's float outputs
    ``fv`` (then what the trace captured from the enclosing graph, returned with the graph).  Its
    outputs: the gradients of the float loop variables ``fv``, float captures ``fc`` (positions among
    the captures) and read variables ``fr``.
    """

    def fn(*xs: Any) -> Any:
        vs = list(xs[:n_vars])
        cs = list(xs[n_vars : len(xs) - len(fv)])
        gys = list(xs[len(xs) - len(fv) :])
        with GradientTape(watch_accessed_variables=False) as tape:
            for x in (*vs, *cs, *fr):
                if _is_float(x):
                    tape.watch(x)
            outs = replay_bind(body_graph, vs + cs, effects=False)
        sources = [vs[k] for k in fv] + [cs[j] for j in fc] + list(fr)
        grads = tape.gradient(
            [outs[k] for k in fv], sources, output_gradients=gys, unconnected_gradients="zero"
        )
        return list(grads)

    with _tapes_paused():
        g, sub, _, _ = _trace_sub(current(), "while_body_grad", fn, False, samples, capture_variables=False)
    return g, list(sub.capture_tensors)


def _record_loop(
    inputs: Any, final: list[Tensor], hist: list[Tensor], n_caps: int, read: list[Any], params: Any
) -> None:
    """Offer the loop to the tapes; those that record it also watch its history.

    The history then leads to a source, so a tape that also records the gradient node (a
    second-order gradient) reaches that node's rule, which refuses, instead of giving None.
    """
    _tape_record(_history_vjp(hist, n_caps, read), inputs, tuple(final), params, True)
    for tape in P.ACTIVE_TAPES:
        if tape._recording and any(id(o) in tape._watched for o in final):
            for h in hist:
                if _is_float(h):
                    tape._watched[id(h)] = h


def _history_vjp(hist: list[Tensor], n_caps: int, read: list[Any]) -> Callable[..., Any]:
    """The gradient rule of one recorded loop, which kept its iterations' values in ``hist``."""

    def vjp(g: Any, *args: Any, out: Any, needs: Any, **params: Any) -> Any:
        return _while_grad(g, args, hist, n_caps, read, params)

    return vjp


def _while_grad(
    g: Any, args: Any, hist: list[Tensor], n_caps: int, read: list[Any], params: dict[str, Any]
) -> tuple[Any, ...]:
    n = params["n_vars"]
    init, caps = args[:n], args[n : n + n_caps]
    grads: list[Any] = [None] * len(args)
    fv = [k for k in range(n) if _is_float(init[k])]
    if not fv:  # integer loop variables carry no gradient
        return tuple(grads)
    body_caps = [caps[i] for i in params["body_index"]]
    fc = [j for j, c in enumerate(body_caps) if _is_float(c)]
    fr = [var for var in read if _is_float(var)]
    g = g if isinstance(g, tuple) else (g,)
    gys = [g[k] for k in fv]
    samples = [*init, *body_caps, *gys]
    vjp_graph, extra = _body_vjp_graph(params["body_graph"], n, samples, fv, fc, fr)
    ins = (*hist, *body_caps, *gys, *extra)
    gp = {"vjp_graph": vjp_graph, "n_vars": n, "n_caps": len(body_caps), "n_grads": len(fv)}
    with _tapes_paused() as tapes:
        res = P.bind(while_grad_p, ins, gp)
    if tapes:  # the variables the gradient graph reads lead to it too (for the refusal above)
        _tape_record(while_grad_p.vjp, (*ins, *fr), res, gp, True)
    for k, r in zip(fv, res):
        grads[k] = r
    for j, r in zip(fc, res[len(fv) :]):
        grads[n + params["body_index"][j]] = r
    by_var = {id(var): r for var, r in zip(fr, res[len(fv) + len(fc) :])}
    for i, var in enumerate(read):
        grads[n + n_caps + i] = by_var.get(id(var))
    return tuple(grads)


def _while_vjp(g: Any, *args: Any, out: Any, needs: Any, **params: Any) -> Any:
    # a loop replayed through the registry (an outer tape around a tf.function call): its
    # history is among its outputs if the trace kept it, else the loop runs again keeping it
    n = params["n_vars"]
    if params.get("history"):
        hist = list(out[n:])
    else:
        with _tapes_paused():
            hist = list(P.bind(while_p, args, {**params, "history": True})[n:])
    return _while_grad(g, args, hist, len(args) - n, [], params)


def _while_grad_vjp(g: Any, *args: Any, out: Any, needs: Any, **params: Any) -> Any:
    raise NotImplementedError(
        "Second-order gradients through a tf.while_loop traced inside a tf.function are not supported; "
        "compute the inner gradient eagerly or with a Python loop."
    )


register(while_p, _while_vjp)
register(while_grad_p, _while_grad_vjp)


# -- case ------------------------------------------------------------------------------------------
def case(
    pred_fn_pairs: Any,
    default: Callable[[], Any] | None = None,
    exclusive: bool = False,
    strict: bool = False,
    name: Any = None,
) -> Any:
    """The function of the first true predicate in ``pred_fn_pairs`` (``default`` when none is true).

    Without ``default`` the last pair's function is the default, as in TensorFlow.  Traced, this
    is a chain of ``cond`` nodes.

    >>> import tensorflux as tf
    >>> x = tf.constant(5)
    >>> pairs = [(x < 0, lambda: tf.constant(-1)), (x > 0, lambda: tf.constant(1))]
    >>> int(tf.case(pairs, default=lambda: tf.constant(0)))
    1
    """
    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) else list(pred_fn_pairs)
    for _, f in pairs:
        if not callable(f):
            raise TypeError(f"case: every pair must be (predicate, callable); received {f!r}.")
    if default is None:
        if not pairs:
            raise ValueError("case: pred_fn_pairs is empty and no default is given.")
        pairs, default = pairs[:-1], pairs[-1][1]
    tracer = current()
    if tracer is None or not any(tracer.is_dynamic(p) for p, _ in pairs):
        truths = [_truth(p) for p, _ in pairs]
        if exclusive and sum(truths) > 1:
            raise ValueError(f"case: exclusive=True but {sum(truths)} predicates are true.")
        for t, (_, f) in zip(truths, pairs):
            if t:
                return f()
        return default()
    fn = default
    for p, f in reversed(pairs):
        fn = _chained(p, f, fn)
    return fn()


def _chained(pred: Any, fn: Callable[[], Any], rest: Callable[[], Any]) -> Callable[[], Any]:
    return lambda: cond(pred, fn, rest)


__all__ = ["case", "cond", "while_loop"]
