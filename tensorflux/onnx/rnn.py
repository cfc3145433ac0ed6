"""Recurrent layers: LSTM, GRU, SimpleRNN (and RNN over their cells) and Bidirectional.

Each layer becomes one ONNX ``LSTM``/``GRU``/``RNN`` op over the whole sequence.  Weights are
rearranged at export time:

- ONNX keeps ``W (gates * units, features)``, the transpose of Keras' kernel;
- LSTM gates are ordered i, o, f, c in ONNX and i, f, c, o in Keras;
- GRU gates are z, r, h in both; ``reset_after=True`` (Keras 3's default, the input and the
  recurrent bias apart) is ONNX's ``linear_before_reset=1``;
- the bias is ``[input bias, recurrent bias]``; Keras LSTM and SimpleRNN have one bias, so the
  recurrent half is zeros.

ONNX runs time-major, so the sequence is transposed to ``(time, batch, features)`` and back.
``go_backwards`` is ONNX's ``direction="reverse"``, whose outputs come in input time order;
Keras returns them in processing order, so they are reversed once more (except inside a
Bidirectional, which wants them in input order anyway).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tensorflux.keras.layers import GRU, LSTM, RNN, Bidirectional, GRUCell, LSTMCell, SimpleRNN, SimpleRNNCell
from tensorflux.onnx._graph import GraphBuilder, Sym
from tensorflux.onnx.activations import activation_name
from tensorflux.onnx.registry import register

# Keras activation -> (ONNX recurrent activation, alpha, beta); alpha/beta only where ONNX reads them
_RNN_ACTIVATIONS: dict[str, tuple[str, float | None, float | None]] = {
    "sigmoid": ("Sigmoid", None, None),
    "tanh": ("Tanh", None, None),
    "relu": ("Relu", None, None),
    "hard_sigmoid": ("HardSigmoid", 1.0 / 6.0, 0.5),
    "linear": ("Affine", 1.0, 0.0),
    "softsign": ("Softsign", None, None),
    "softplus": ("Softplus", None, None),
    "elu": ("Elu", 1.0, None),
}

_LSTM_GATES = (0, 3, 1, 2)  # ONNX i, o, f, c taken from Keras i, f, c, o


def _activation_attrs(layer: Any, fns: list[Any]) -> dict[str, Any]:
    names, alphas, betas = [], [], []
    for fn in fns:
        key = activation_name(fn)
        if key not in _RNN_ACTIVATIONS:
            raise ValueError(
                f"ONNX export: recurrent layer '{layer.name}' uses the activation "
                f"{getattr(fn, '__name__', fn)!r}, which ONNX recurrent ops do not have. Exportable: "
                f"{', '.join(sorted(_RNN_ACTIVATIONS))}."
            )
        op, alpha, beta = _RNN_ACTIVATIONS[key]
        names.append(op)
        alphas.append(alpha)
        betas.append(beta)
    attrs: dict[str, Any] = {"activations": names}
    # the values are consumed in order by the activations that take them
    if any(a is not None for a in alphas):
        attrs["activation_alpha"] = [a for a in alphas if a is not None]
    if any(b is not None for b in betas):
        attrs["activation_beta"] = [b for b in betas if b is not None]
    return attrs


def _gates(w: Any, units: int, order: tuple[int, ...]) -> Any:
    return np.concatenate([w[..., k * units : (k + 1) * units] for k in order], axis=-1)


def _weights(cell: Any) -> tuple[str, Any, Any, Any, dict[str, Any]]:
    """``(op type, W, R, B or None, extra attributes)`` for ``cell``, in ONNX layout."""
    u = cell.units
    kernel = np.asarray(cell.kernel.numpy(), np.float32)
    recurrent = np.asarray(cell.recurrent_kernel.numpy(), np.float32)
    bias = None if cell.bias is None else np.asarray(cell.bias.numpy(), np.float32)
    if isinstance(cell, LSTMCell):
        kernel, recurrent = _gates(kernel, u, _LSTM_GATES), _gates(recurrent, u, _LSTM_GATES)
        if bias is not None:
            bias = np.concatenate([_gates(bias, u, _LSTM_GATES), np.zeros(4 * u, np.float32)])
        fns = [cell.recurrent_activation, cell.activation, cell.activation]
        return "LSTM", kernel.T, recurrent.T, bias, {"fns": fns}
    if isinstance(cell, GRUCell):
        if bias is not None:
            bias = (
                bias.reshape(-1) if cell.reset_after else np.concatenate([bias, np.zeros(3 * u, np.float32)])
            )
        fns = [cell.recurrent_activation, cell.activation]
        return "GRU", kernel.T, recurrent.T, bias, {"fns": fns, "linear_before_reset": int(cell.reset_after)}
    if bias is not None:
        bias = np.concatenate([bias, np.zeros(u, np.float32)])
    return "RNN", kernel.T, recurrent.T, bias, {"fns": [cell.activation]}


def _check(layer: Any) -> None:
    cell = getattr(layer, "cell", None)
    ok = any(type(cell) is c or (isinstance(cell, c) and type(cell).call is c.call) for c in _CELLS)
    if not ok:
        raise ValueError(
            f"ONNX export: RNN layer '{layer.name}' has a cell of class {type(cell).__name__}; exportable "
            f"cells: {', '.join(c.__name__ for c in _CELLS)}."
        )
    if layer.stateful:
        raise ValueError(
            f"ONNX export: recurrent layer '{layer.name}' is stateful; an ONNX model keeps no state "
            "between runs. Export a copy built with stateful=False (pass the states as initial_state)."
        )


_CELLS = (LSTMCell, GRUCell, SimpleRNNCell)


def run_recurrent(
    g: GraphBuilder, layer: Any, x: Sym, initial_state: Any = None, flip: bool = False
) -> tuple[str, list[str]]:
    """Write ``layer`` over ``x``: ``(output, final states)`` as Keras returns them.

    ``flip`` reverses a returned sequence once more (what Bidirectional does to its backward half).
    """
    _check(layer)
    cell = layer.cell
    op_type, w, r, b, extra = _weights(cell)
    attrs = _activation_attrs(layer, extra.pop("fns"))
    attrs.update(extra)
    ins = [
        g.transpose(x.name, (1, 0, 2)),
        g.weight(layer, "W", w[None]),
        g.weight(layer, "R", r[None]),
        g.weight(layer, "B", b[None]) if b is not None else "",
    ]
    n_states = 2 if op_type == "LSTM" else 1
    if initial_state is not None:
        states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        if len(states) != n_states:
            raise ValueError(
                f"ONNX export: layer '{layer.name}' expects {n_states} initial state(s); received "
                f"{len(states)}."
            )
        ins.append("")  # sequence_lens
        ins.extend(g.unsqueeze(s.name, [0]) for s in states)
    outs = g.op(
        op_type,
        ins,
        outputs=1 + n_states,
        hidden_size=int(cell.units),
        direction="reverse" if layer.go_backwards else "forward",
        **attrs,
    )
    y, finals = outs[0], [g.squeeze(s, [0]) for s in outs[1:]]
    if layer.return_sequences:
        # (time, 1, batch, units) -> (batch, time, units), in Keras' processing order
        seq = g.transpose(g.squeeze(y, [1]), (1, 0, 2))
        output = g.reverse(seq, 1) if layer.go_backwards != flip else seq
    else:
        output = finals[0]
    return output, finals


@register(LSTM, GRU, SimpleRNN, RNN)
def recurrent(
    g: GraphBuilder, layer: Any, sequences: Sym, initial_state: Any = None, mask: Any = None, **_: Any
) -> Any:
    if mask is not None:
        raise ValueError(
            f"ONNX export: recurrent layer '{layer.name}' is called with a mask; masks are not exported."
        )
    output, states = run_recurrent(g, layer, sequences, initial_state)
    return [output, *states] if layer.return_state else output


@register(Bidirectional)
def bidirectional(
    g: GraphBuilder, layer: Any, sequences: Sym, initial_state: Any = None, mask: Any = None, **_: Any
) -> Any:
    if mask is not None:
        raise ValueError(
            f"ONNX export: Bidirectional layer '{layer.name}' is called with a mask; masks are not exported."
        )
    fwd_state = bwd_state = None
    if initial_state is not None:
        states = list(initial_state)
        half = len(states) // 2
        fwd_state, bwd_state = states[:half], states[half:]
    y, fwd_states = run_recurrent(g, layer.forward_layer, sequences, fwd_state)
    # Keras reverses the backward layer's returned sequence to line it up with the forward one
    y_rev, bwd_states = run_recurrent(
        g, layer.backward_layer, sequences, bwd_state, flip=layer.return_sequences
    )
    mode = layer.merge_mode
    if mode == "concat":
        out: Any = [g.op("Concat", [y, y_rev], axis=-1)]
    elif mode == "sum":
        out = [g.op("Add", [y, y_rev])]
    elif mode == "ave":
        out = [g.op("Mul", [g.op("Add", [y, y_rev]), g.scalar(0.5)])]
    elif mode == "mul":
        out = [g.op("Mul", [y, y_rev])]
    else:
        out = [y, y_rev]
    return out + fwd_states + bwd_states if layer.return_state else (out if len(out) > 1 else out[0])
