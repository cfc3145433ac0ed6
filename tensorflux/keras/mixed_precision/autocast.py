"""Variable autocast: inside ``call``, a mixed-policy layer reads its float32 weights as float16.

Keras 3 runs ``call`` in an ``AutocastScope`` in which reading a variable casts it.  Here ops read
a variable's array directly, so the effect comes from the layer's side: while ``call`` runs, the
attributes that hold the layer's float weights (``self.kernel``, or a list of weights) hold casts
of them to the compute dtype, and get the variables back afterwards.  A cast is an ordinary op:
tapes record it (the gradient reaches the float32 variable, cast back to float32) and traced
graphs (``fit``'s steps, inference plans) replay it.

Only layers with a mixed policy pay anything: ``Layer.__init__`` installs ``_AutocastCall`` as
the instance's ``call`` for them; float32 layers never reach this module.

As in Keras:
- sublayers with the same compute dtype are swapped together with their parent, so a layer that
  reads its sublayers' weights directly (an RNN handing its cell's kernels to a fused kernel)
  gets them cast; a sublayer with another policy or ``autocast=False`` keeps its own dtypes;
- weights made with ``add_weight(..., autocast=False)`` are read as they are;
- normalization layers (class attribute ``_float32_under_mixed``) compute in float32 with their
  float32 weights and return the compute dtype: their statistics would overflow in float16.
  ``Embedding`` does the same: gathering float32 rows and casting them gives the values Keras
  gets from casting the whole table first, for a fraction of the work.

A cast read keeps its variable's ``assign``, ``trainable``, ``path``, ... (``AutocastVariable``).
"""

from __future__ import annotations

import inspect
from typing import Any

from tensorflux.framework import dtypes as _dt
from tensorflux.framework import nest
from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.framework.variables import Variable
from tensorflux.keras.layers import layer as _layer_module

# The variable behind each cast read that is in place right now (id of the read -> variable).
_SOURCES: dict[int, Variable] = {}
# Layers whose weights an enclosing call has swapped (id -> how many calls): they call straight on.
_COVERED: dict[int, int] = {}
# The engine's own lists of a layer's variables: never swapped.
_ENGINE_LISTS = _layer_module._UNTRACKED | {"_no_autocast_variables"}


class AutocastVariable(Tensor):
    """A weight read in the compute dtype inside a mixed-precision layer's ``call``.

    It is the output of the cast op (so tapes and graphs see it as such); attributes a tensor
    lacks (``assign``, ``trainable``, ``path``, ``name``) come from the variable it was read from.
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        var = _SOURCES.get(id(self))
        if var is None:
            raise AttributeError(f"'Tensor' object has no attribute {name!r}")
        return getattr(var, name)


class _AutocastCall:
    """The ``call`` of a mixed-policy layer: its class's ``call`` with the weights autocast."""

    __slots__ = ("layer",)

    def __init__(self, layer: Any) -> None:
        self.layer = layer

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        layer = self.layer
        call = type(layer).call
        if not layer.autocast or not layer._dtype_policy._mixed:
            return call(layer, *args, **kwargs)
        if _computes_in_float32(layer):
            return _float32_call(layer, call, args, kwargs)
        if id(layer) in _COVERED:  # an enclosing layer's call has swapped this one's weights
            return call(layer, *args, **kwargs)
        entries, native, covered = _plan(layer)
        swapped: list[Any] = []
        for i in covered:
            _COVERED[i] = _COVERED.get(i, 0) + 1
        try:
            _swap(entries, native, swapped)
            return call(layer, *args, **kwargs)
        finally:
            for i in covered:
                n = _COVERED.pop(i) - 1
                if n:
                    _COVERED[i] = n
            if swapped:
                _restore(swapped)

    @property
    def __signature__(self) -> inspect.Signature:
        # what inspect reports for layer.call (RNNs look for a `training` argument)
        return inspect.signature(type(self.layer).call.__get__(self.layer))


def install(layer: Any) -> None:
    """Give ``layer`` the autocasting ``call`` when its policy is mixed, and remove it otherwise."""
    d = layer.__dict__
    if layer._dtype_policy._mixed:
        if not isinstance(d.get("call"), _AutocastCall):
            d["call"] = _AutocastCall(layer)
    elif isinstance(d.get("call"), _AutocastCall):
        del d["call"]
    d.pop("_lean_autocast", None)


def _computes_in_float32(layer: Any) -> bool:
    if getattr(type(layer), "_float32_under_mixed", False):
        return True
    from tensorflux.keras.layers.core.embedding import Embedding

    return isinstance(layer, Embedding)


def _cast_floats(structure: Any, native: Any) -> Any:
    def one(x: Any) -> Any:
        if isinstance(x, Tensor) and x._value.dtype.kind == "f" and x._value.dtype != native:
            return P.unary(P.cast, x, dtype=native)
        return x

    return nest.map_structure(one, structure)


def _float32_call(layer: Any, call: Any, args: Any, kwargs: Any) -> Any:
    """``call`` on float32 inputs with the float32 weights; floating outputs in the compute dtype."""
    variable = _dt.as_dtype(layer._dtype_policy.variable_dtype)._native
    compute = _dt.as_dtype(layer._dtype_policy.compute_dtype)._native
    outputs = call(layer, *_cast_floats(tuple(args), variable), **kwargs)
    return _cast_floats(outputs, compute)


def _swappable_sublayer(layer: Any, compute: str) -> bool:
    return layer.autocast and layer._dtype_policy.compute_dtype == compute and not _computes_in_float32(layer)


def _plan(layer: Any) -> tuple[list[tuple[dict[str, Any], str, Any, Any]], Any, tuple[int, ...]]:
    """What ``layer``'s call swaps: entries ``(owner dict, name, value, positions)``, the compute
    dtype, and the ids of the built sublayers whose weights that covers.

    ``positions`` is None for an attribute holding a variable, else the indices of the variables
    in a list or tuple.  Cached until a layer attribute changes anywhere (``layer._EPOCH``).
    """
    d = layer.__dict__
    epoch = _layer_module._EPOCH[0]
    cached = d.get("_lean_autocast")
    if cached is not None and cached[0] == epoch:
        return cached[1], cached[2], cached[3]
    compute = layer._dtype_policy.compute_dtype
    native = _dt.as_dtype(compute)._native
    entries: list[tuple[dict[str, Any], str, Any, Any]] = []
    complete = True  # False when an enclosing call has weights swapped right now: then no caching
    stack, seen, covered = [layer], {id(layer)}, []
    while stack:
        current = stack.pop()
        cd = current.__dict__
        if current is not layer and current.built:  # an unbuilt one makes its weights during the call
            covered.append(id(current))
        keep = cd.get("_no_autocast_variables", ())
        own = {
            id(v)
            for v in current._trainable_variables + current._non_trainable_variables
            if v._value.dtype.kind == "f" and v._value.dtype != native and not any(v is k for k in keep)
        }
        if own:
            for name, value in list(cd.items()):
                if isinstance(value, Variable):
                    if id(value) in own:
                        entries.append((cd, name, value, None))
                elif isinstance(value, AutocastVariable):
                    complete = False
                elif type(value) in (list, tuple) and name not in _ENGINE_LISTS:
                    idx = tuple(i for i, v in enumerate(value) if isinstance(v, Variable) and id(v) in own)
                    if idx:
                        entries.append((cd, name, value, idx))
                    complete = complete and not any(isinstance(v, AutocastVariable) for v in value)
        for sub in current._direct_sublayers():
            if id(sub) not in seen and _swappable_sublayer(sub, compute):
                seen.add(id(sub))
                stack.append(sub)
    if complete:
        d["_lean_autocast"] = (epoch, entries, native, tuple(covered))
    return entries, native, tuple(covered)


def _read(v: Variable, native: Any) -> Tensor:
    t = P.unary(P.cast, v, dtype=native)
    t.__class__ = AutocastVariable
    _SOURCES[id(t)] = v
    return t


def _swap(entries: list[tuple[dict[str, Any], str, Any, Any]], native: Any, done: list[Any]) -> None:
    """Put cast reads in place of the entries' variables, recording each swap in ``done``."""
    for owner, name, value, positions in entries:
        if name not in owner or owner[name] is not value:
            continue  # already swapped by an enclosing layer's call (or replaced)
        if positions is None:
            new: Any = _read(value, native)
        else:
            items = list(value)
            for i in positions:
                items[i] = _read(items[i], native)
            new = type(value)(items)
        owner[name] = new
        done.append((owner, name, value, new))


def _restore(done: list[tuple[dict[str, Any], str, Any, Any]]) -> None:
    for owner, name, value, new in reversed(done):
        if owner.get(name) is new:
            owner[name] = value
        for t in new if isinstance(new, (list, tuple)) else (new,):
            _SOURCES.pop(id(t), None)
