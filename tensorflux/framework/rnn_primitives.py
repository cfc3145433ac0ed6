"""Primitives of the sequence kernels (SimpleRNN, LSTM, GRU, embedding lookup) and their gradients.

Each recurrent primitive has several results: the outputs, the final states and, last, a flat
workspace holding what the forward computed for the backward (gates, states).  The public ops
drop the workspace.  The gradient of each is its own fused primitive (``lstm_grad``, ...) that
runs the whole backward through time; it has no gradient itself, so a second-order gradient
through a recurrent kernel raises instead of silently giving None.
"""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.gradients import register
from tensorflux.framework.indexed_slices import IndexedSlices
from tensorflux.framework.primitives import primitive

simple_rnn = primitive("simple_rnn", multiple_results=True)
simple_rnn_grad = primitive("simple_rnn_grad", multiple_results=True)
lstm = primitive("lstm", multiple_results=True)
lstm_grad = primitive("lstm_grad", multiple_results=True)
gru = primitive("gru", multiple_results=True)
gru_grad = primitive("gru_grad", multiple_results=True)
embedding_lookup = primitive("embedding_lookup")
embedding_lookup_grad = primitive("embedding_lookup_grad")

# Above this many elements the embedding gradient is an IndexedSlices (rows touched + their
# gradients) instead of a dense (vocab, dim) array.
DENSE_EMBEDDING_GRAD_LIMIT = 1_000_000


def _spread(needs: tuple[bool, ...], grads: tuple[Any, ...]) -> list[Any]:
    """Put the gradients a ``*_grad`` primitive computed back in input order (None elsewhere)."""
    it = iter(grads)
    return [next(it) if n else None for n in needs]


def _backward_params(params: dict[str, Any], ws: Any, name: str) -> dict[str, Any]:
    if not params.pop("save", True) or ws._value.size == 0:
        raise RuntimeError(
            f"{name}: the forward ran without saving its workspace (no GradientTape was recording), "
            "so it cannot be differentiated; call it inside the tape."
        )
    return params


def _recurrent_vjp(grad_prim: P.Primitive, n_grads: int, n_states: int) -> Any:
    """The rule of a recurrent primitive: one call of its fused backward primitive."""

    def rule(g: Any, *inputs: Any, out: Any, needs: Any, **params: Any) -> list[Any]:
        ws = out[-1]
        params = _backward_params(dict(params), ws, grad_prim.name[: -len("_grad")])
        want = tuple(bool(n) for n in needs[:n_grads])
        arrays, mask = inputs[: n_grads - 1], inputs[n_grads:]
        # the bias is not an input of the backward (only its gradient is an output)
        grads = P.bind(
            grad_prim, tuple(g[: 1 + n_states]) + arrays + (ws,) + mask, {**params, "wanted": want}
        )
        return _spread(want, grads) + [None] * len(mask)

    return rule


def _no_second_order(name: str) -> Any:
    def rule(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"Second-order gradients through {name} are not implemented (its backward is a fused kernel)."
        )

    return rule


register(simple_rnn, _recurrent_vjp(simple_rnn_grad, 5, 1))
register(lstm, _recurrent_vjp(lstm_grad, 6, 2))
register(gru, _recurrent_vjp(gru_grad, 5, 1))
for _p in (simple_rnn_grad, lstm_grad, gru_grad):
    register(_p, _no_second_order(_p.name[: -len("_grad")]))


def _embedding_lookup_vjp(g: Any, params: Any, ids: Any, out: Any, needs: Any) -> Any:
    shape = tuple(params._value.shape)
    if params._value.size <= DENSE_EMBEDDING_GRAD_LIMIT:
        return P.bind(embedding_lookup_grad, (g, ids), {"vocab_size": shape[0]}), None
    rows = P.unary(P.reshape, g, shape=(-1,) + shape[1:])
    return IndexedSlices(rows, P.unary(P.reshape, ids, shape=(-1,)), shape), None


register(embedding_lookup, _embedding_lookup_vjp)
# the dense gradient is linear in g: its own gradient gathers the rows back
register(embedding_lookup_grad, lambda g, gy, ids, **_: (P.bind(embedding_lookup, (g, ids), {}), None))
