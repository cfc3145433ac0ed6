"""GradientTape: records primitives applied to watched tensors and runs them backward.

Each recorded entry is ``(vjp, inputs, outputs, params, multiple_results)``.  ``gradient``
keeps only entries on a path from a source (forward sweep), walks them in reverse, asks
each rule only for the input gradients that lead to a source, and undoes broadcasting
once, here, for every rule.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Callable, Iterator
from threading import get_ident
from typing import Any

from tensorflux.framework import nest
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor, _wrap_value
from tensorflux.framework.variables import Variable


class UnconnectedGradients(enum.Enum):
    NONE = "none"
    ZERO = "zero"


def record(vjp: Any, inputs: Any, outputs: Any, params: dict[str, Any], multi: bool) -> None:
    """Offer one executed primitive to every active tape (called by ``primitives.bind``).

    A tape records only the thread that entered it, as in TensorFlow: ops run by a
    Dataset's prefetch thread never land on the training loop's tape.
    """
    thread = get_ident()
    for tape in P.ACTIVE_TAPES:
        if not tape._recording or tape._thread != thread:
            continue
        watched = tape._watched
        hit = False
        for a in inputs:
            if id(a) in watched:
                hit = True
            elif tape._watch_vars and isinstance(a, Variable) and a.trainable:
                watched[id(a)] = a
                hit = True
        if hit:
            for o in outputs:
                if o._value.dtype.kind in "fc":
                    watched[id(o)] = o
            tape._entries.append((vjp, inputs, outputs, params, multi))


def _is_float(t: Any) -> bool:
    return t._value.dtype.kind in "fc"


def _unbroadcast(g: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Sum a gradient back to the shape of the input it belongs to."""
    gshape = g._value.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, d in enumerate(shape) if d == 1 and gshape[i + lead] != 1
    )
    if axes:
        g = P.unary(P.reduce_sum, g, axis=axes, keepdims=False)
    if g._value.shape != shape:
        g = P.unary(P.reshape, g, shape=shape)
    return g


def backprop(
    entries: list[Any],
    targets: list[Tensor],
    sources: list[Any],
    output_gradients: list[Any],
    watched: dict[int, Any] | None = None,
) -> list[Tensor | None]:
    """Gradients of sum(targets * output_gradients) with respect to each source.

    With ``watched``, a source the tape did not watch gets ``None`` even where it took part in a
    recorded operation (an untrainable variable next to a trainable one), as in TensorFlow.
    """
    source_ids = {id(s) for s in sources if watched is None or id(s) in watched}
    reach = set(source_ids)
    relevant = []
    for e in entries:
        for i in e[1]:
            if id(i) in reach:
                relevant.append(e)
                reach.update(id(o) for o in e[2])
                break
    grads: dict[int, Tensor] = {}

    def accumulate(t: Any, g: Tensor) -> None:
        k = id(t)
        if g._value.shape != t._value.shape:
            g = _unbroadcast(g, t._value.shape)
        if g._value.dtype != t._value.dtype:
            g = P.unary(P.cast, g, dtype=t._value.dtype)
        old = grads.get(k)
        grads[k] = g if old is None else P.binary(P.add, old, g)

    for t, og in zip(targets, output_gradients):
        if id(t) in reach and _is_float(t):
            accumulate(t, og if og is not None else _wrap_value(_ones_like(t)))
    for vjp, inputs, outputs, params, multi in reversed(relevant):
        g: Any
        if multi:
            gs = [grads.get(id(o)) for o in outputs]
            if all(g is None for g in gs):
                continue
            g = tuple(_wrap_value(_zeros_like(o)) if gi is None else gi for gi, o in zip(gs, outputs))
            out: Any = outputs
        else:
            g = grads.get(id(outputs[0]))
            if g is None:
                continue
            out = outputs[0]
        for o in outputs:
            if id(o) not in source_ids:
                grads.pop(id(o), None)
        needs = tuple(id(i) in reach and _is_float(i) for i in inputs)
        if not any(needs):
            continue
        in_grads = vjp(g, *inputs, out=out, needs=needs, **params)
        for i, gi, n in zip(inputs, in_grads, needs):
            if n and gi is not None:
                accumulate(i, gi)
    return [grads.get(id(s)) for s in sources]


def _ones_like(t: Tensor) -> Any:
    from tensorflux.backend import ops as B

    return B.ones(t._value.shape, t._value.dtype)


def _zeros_like(t: Tensor) -> Any:
    from tensorflux.backend import ops as B

    return B.zeros(t._value.shape, t._value.dtype)


class GradientTape:
    """Record operations for automatic differentiation.

    >>> import tensorflux as tf
    >>> x = tf.constant(3.0)
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = x * x
    >>> float(tape.gradient(y, x))
    6.0
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True) -> None:
        self._persistent = persistent
        self._watch_vars = watch_accessed_variables
        self._watched: dict[int, Any] = {}
        self._entries: list[Any] = []
        self._recording = False
        self._used = False
        self._thread = get_ident()

    def __enter__(self) -> GradientTape:
        self._thread = get_ident()
        self._recording = True
        P.ACTIVE_TAPES.append(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._recording = False
        if self in P.ACTIVE_TAPES:
            P.ACTIVE_TAPES.remove(self)

    def watch(self, tensor: Any) -> None:
        """Track ``tensor`` (or every tensor of a nested structure)."""
        for t in nest.flatten(tensor):
            if not isinstance(t, Tensor):
                raise ValueError(
                    f"GradientTape.watch: expected a Tensor or Variable, received {type(t).__name__}."
                )
            if _is_float(t):
                self._watched[id(t)] = t

    def watched_variables(self) -> tuple[Variable, ...]:
        return tuple(v for v in self._watched.values() if isinstance(v, Variable))

    @contextlib.contextmanager
    def stop_recording(self) -> Iterator[None]:
        """Temporarily stop recording operations on this tape."""
        prev = self._recording
        self._recording = False
        try:
            yield
        finally:
            self._recording = prev

    def reset(self) -> None:
        self._entries = []
        self._watched = {}

    def _check_usable(self) -> None:
        if self._used and not self._persistent:
            raise RuntimeError(
                "A non-persistent GradientTape can only be used to compute one set of gradients "
                "(or jacobians); create it with persistent=True to call gradient() several times."
            )

    def _run(self, targets: list[Tensor], sources: list[Any], ogs: list[Any]) -> list[Tensor | None]:
        prev = self._recording
        self._recording = False
        try:
            return backprop(self._entries, targets, sources, ogs, self._watched)
        finally:
            self._recording = prev

    def _release(self) -> None:
        if not self._persistent:
            self._used = True
            self._entries = []
            # free the recorded tensors; keep the variables for watched_variables()
            self._watched = {k: v for k, v in self._watched.items() if isinstance(v, Variable)}

    def gradient(
        self,
        target: Any,
        sources: Any,
        output_gradients: Any = None,
        unconnected_gradients: Any = UnconnectedGradients.NONE,
    ) -> Any:
        """Gradient of ``target`` (summed if not scalar) with respect to ``sources``.

        Sources may be nested lists and dicts; the result has the same structure.  A source
        the target does not depend on gets ``None`` (or zeros with
        ``unconnected_gradients="zero"``); integer and boolean sources always get ``None``.
        """
        self._check_usable()
        zero = _zero_unconnected(unconnected_gradients)
        flat_t = nest.flatten(target)
        flat_s = nest.flatten(sources)
        for s in flat_s:
            if not isinstance(s, Tensor):
                raise ValueError(
                    "GradientTape.gradient: sources must be tensors or variables, received "
                    f"{type(s).__name__}."
                )
        if output_gradients is None:
            ogs: list[Any] = [None] * len(flat_t)
        else:
            ogs = [None if g is None else _as_tensor(g) for g in nest.flatten(output_gradients)]
            if len(ogs) != len(flat_t):
                raise ValueError(
                    f"GradientTape.gradient: output_gradients has {len(ogs)} tensors for {len(flat_t)} "
                    "targets; give one per target."
                )
        flat_t = [_as_tensor(t) for t in flat_t]
        grads = self._run(flat_t, flat_s, ogs)
        self._release()
        out = []
        for s, g in zip(flat_s, grads):
            if g is None and zero and _is_float(s):
                g = _wrap_value(_zeros_like(s))
            out.append(g)
        return nest.pack_sequence_as(sources, out)

    def jacobian(
        self,
        target: Any,
        sources: Any,
        unconnected_gradients: Any = UnconnectedGradients.NONE,
        parallel_iterations: Any = None,
        experimental_use_pfor: bool = True,
    ) -> Any:
        """Full jacobian: shape ``target.shape + source.shape`` for each source.

        One backward pass per element of ``target``; a source the target does not depend on
        gets ``None`` (or zeros with ``unconnected_gradients="zero"``).
        """
        self._check_usable()
        zero = _zero_unconnected(unconnected_gradients)
        target = _as_tensor(target)
        flat_s = nest.flatten(sources)
        tshape = tuple(target._value.shape)
        rows: list[list[Any]] = [[] for _ in flat_s]
        connected = [False] * len(flat_s)
        for k in range(int(target._value.size)):
            og = _zeros_like(target).reshape(-1)
            og[k] = 1
            gs = self._run([target], flat_s, [_wrap_value(og.reshape(tshape))])
            for j, (s, g) in enumerate(zip(flat_s, gs)):
                connected[j] = connected[j] or g is not None
                rows[j].append(g if g is not None else _wrap_value(_zeros_like(s)))
        self._release()
        out: list[Any] = []
        for s, r, c in zip(flat_s, rows, connected):
            shape = tshape + tuple(s._value.shape)
            if not c and not (zero and _is_float(s)):
                out.append(None)
            elif not r:  # an empty target
                out.append(_wrap_value(_zeros_like(s).reshape(shape)))
            else:
                out.append(P.unary(P.reshape, P.bind(P.stack, tuple(r), {"axis": 0}), shape=shape))
        return nest.pack_sequence_as(sources, out)

    def batch_jacobian(
        self,
        target: Any,
        source: Any,
        unconnected_gradients: Any = UnconnectedGradients.NONE,
        parallel_iterations: Any = None,
        experimental_use_pfor: bool = True,
    ) -> Tensor | None:
        """Jacobian of each batch row of ``target`` with respect to the same row of ``source``.

        The result has shape ``(batch,) + target.shape[1:] + source.shape[1:]``; rows of
        ``target`` are assumed to depend only on the same row of ``source``.
        """
        self._check_usable()
        zero = _zero_unconnected(unconnected_gradients)
        target = _as_tensor(target)
        b = target._value.shape[0]
        if source._value.shape[0] != b:
            raise ValueError(
                f"batch_jacobian: target and source must share the batch size; received {b} and "
                f"{source._value.shape[0]}."
            )
        inner = int(target._value.size // b) if b else 0
        rows = []
        connected = False
        for k in range(inner):
            og = _zeros_like(target).reshape(b, -1)
            og[:, k] = 1
            (g,) = self._run([target], [source], [_wrap_value(og.reshape(target._value.shape))])
            connected = connected or g is not None
            rows.append(g if g is not None else _wrap_value(_zeros_like(source)))
        self._release()
        shape = tuple(target._value.shape) + tuple(source._value.shape[1:])
        if not connected and not (zero and _is_float(source)):
            return None
        if not rows:
            return _wrap_value(_zeros_like(source).reshape(-1)[:0].reshape(shape))
        return P.unary(P.reshape, P.bind(P.stack, tuple(rows), {"axis": 1}), shape=shape)


def _zero_unconnected(value: Any) -> bool:
    """Whether ``unconnected_gradients`` (an enum member or its string) asks for zeros."""
    if value is UnconnectedGradients.NONE:  # the default, on every gradient() call
        return False
    name = str(getattr(value, "value", value)).lower()
    if name not in ("none", "zero"):
        raise ValueError(f"unconnected_gradients must be 'none' or 'zero'; received {value!r}.")
    return name == "zero"


def _as_tensor(t: Any) -> Tensor:
    from tensorflux.framework.tensor import convert_to_tensor

    return t if isinstance(t, Tensor) else convert_to_tensor(t)


def custom_gradient(f: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: ``f(*x)`` returns ``(y, grad_fn)``; ``grad_fn(dy)`` gives the input gradients.

    >>> @custom_gradient
    ... def clip_grad(x):
    ...     return x * 1.0, lambda dy: dy * 0.5
    """

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        inputs = tuple(_as_tensor(a) for a in args)
        saved = [(t, t._recording) for t in P.ACTIVE_TAPES]
        for t, _ in saved:
            t._recording = False
        try:
            y, grad_fn = f(*inputs, **kwargs)
        finally:
            for t, r in saved:
                t._recording = r
        flat_y = [_as_tensor(v) for v in nest.flatten(y)]
        multi = len(flat_y) > 1 or nest.is_nested(y)

        def vjp(g: Any, *xs: Any, out: Any, needs: Any) -> Any:
            r = grad_fn(*g) if multi else grad_fn(g)
            r = list(r) if isinstance(r, (list, tuple)) else [r]
            return [None if gi is None else _as_tensor(gi) for gi in r]

        if P.ACTIVE_TAPES:
            record(vjp, inputs, tuple(flat_y), {}, multi)
        return nest.pack_sequence_as(y, flat_y)

    wrapped.__name__ = getattr(f, "__name__", "custom_gradient")
    wrapped.__doc__ = f.__doc__
    return wrapped
