"""Whole-sequence recurrent kernels for the Keras SimpleRNN, LSTM and GRU layers.

Each function runs the whole recurrence as one primitive with a fused backward (see
``backend/numpy/rnn.py`` for the cost model).  Inputs are batch-major ``(batch, time, features)``,
weights use the Keras layouts, and the results follow Keras 3: with ``return_sequences`` the
outputs of every step ``(batch, time, units)`` (in processing order when ``go_backwards``),
otherwise the last output ``(batch, units)``; then the final states.  A boolean ``mask``
``(batch, time)`` skips steps: the state is carried through unchanged and the output repeats the
previous one (zeros before the first real step; always zeros with ``zero_output_for_mask``).
"""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import primitives as P
from tensorflux.framework import rnn_primitives as R
from tensorflux.framework.tensor import Tensor
from tensorflux.ops._util import t


def _name(activation: Any) -> str:
    if activation is None:
        return "linear"
    if isinstance(activation, str):
        return activation.lower()
    return getattr(activation, "__name__", repr(activation)).lower()


def _prepare(
    op: str,
    inputs: Any,
    states: list[tuple[str, Any]],
    weights: list[tuple[str, Any, tuple[int, ...]]],
    mask: Any,
    units: int,
) -> tuple[Tensor, list[Tensor], list[Tensor], tuple[Tensor, ...]]:
    """Convert and check the arguments of a recurrent op; fill in zero states and biases."""
    x = t(inputs)
    if x._value.ndim != 3:
        raise ValueError(
            f"{op}: inputs must have shape (batch, time, features); received shape {tuple(x._value.shape)}."
        )
    b, steps, _ = x._value.shape
    dt = x._value.dtype
    if dt.kind != "f":
        raise TypeError(f"{op}: inputs must be a float tensor; received dtype {dt.name}. Use tf.cast first.")
    if steps == 0:
        raise ValueError(f"{op}: inputs have no time steps (shape {tuple(x._value.shape)}).")

    def check(name: str, v: Any, shape: tuple[int, ...]) -> Tensor:
        v = t(v) if v is not None else Tensor(B.zeros(shape, dt))
        if tuple(v._value.shape) != shape:
            raise ValueError(f"{op}: {name} must have shape {shape}; received shape {tuple(v._value.shape)}.")
        if v._value.dtype != dt:
            raise TypeError(
                f"{op}: {name} has dtype {v._value.dtype.name} but inputs have dtype {dt.name}; use tf.cast."
            )
        return v

    st = [check(n, v, (b, units)) for n, v in states]
    ws = [check(n, v, shape) for n, v, shape in weights]
    m: tuple[Tensor, ...] = ()
    if mask is not None:
        mt = t(mask)
        if tuple(mt._value.shape) != (b, steps):
            raise ValueError(
                f"{op}: mask must have shape (batch, time) = {(b, steps)}; received shape "
                f"{tuple(mt._value.shape)}."
            )
        if mt._value.dtype.kind != "b":
            mt = P.unary(P.cast, mt, dtype=B.native_dtype("bool"))
        m = (mt,)
    return x, st, ws, m


def _units(op: str, kernel: Any, recurrent_kernel: Any, gates: int) -> tuple[int, int]:
    k, rk = t(kernel), t(recurrent_kernel)
    if k._value.ndim != 2 or rk._value.ndim != 2:
        raise ValueError(
            f"{op}: kernel and recurrent_kernel must be matrices; received shapes {tuple(k._value.shape)} "
            f"and {tuple(rk._value.shape)}."
        )
    units = rk._value.shape[0]
    if rk._value.shape[1] != gates * units:
        raise ValueError(
            f"{op}: recurrent_kernel must have shape (units, {gates} * units); received shape "
            f"{tuple(rk._value.shape)}."
        )
    return units, k._value.shape[0]


def _check_features(op: str, inputs: Tensor, features: int) -> None:
    if inputs._value.shape[-1] != features:
        raise ValueError(
            f"{op}: inputs have {inputs._value.shape[-1]} features (shape {tuple(inputs._value.shape)}) but "
            f"the kernel expects {features} (its first dimension)."
        )


def _check_default_activations(op: str, activation: Any, recurrent_activation: Any) -> None:
    if _name(activation) != "tanh":
        raise NotImplementedError(
            f"{op}: the fused kernel supports activation='tanh' only; received activation={activation!r}."
        )
    if _name(recurrent_activation) != "sigmoid":
        raise NotImplementedError(
            f"{op}: the fused kernel supports recurrent_activation='sigmoid' only; received "
            f"recurrent_activation={recurrent_activation!r}."
        )


def _flags(go_backwards: bool, return_sequences: bool, zero_output_for_mask: bool) -> dict[str, Any]:
    # the forward keeps its workspace only when a tape may ask for the backward
    return {
        "go_backwards": bool(go_backwards),
        "return_sequences": bool(return_sequences),
        "zero_output_for_mask": bool(zero_output_for_mask),
        "save": bool(P.ACTIVE_TAPES),
    }


def simple_rnn(
    inputs: Any,
    initial_state: Any,
    kernel: Any,
    recurrent_kernel: Any,
    bias: Any = None,
    activation: Any = "tanh",
    mask: Any = None,
    go_backwards: bool = False,
    return_sequences: bool = True,
    zero_output_for_mask: bool = False,
) -> tuple[Tensor, Tensor]:
    """Run a SimpleRNN over a sequence: ``h_t = act(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)``.

    Args:
        inputs: ``(batch, time, features)``.
        initial_state: ``(batch, units)``, or None for zeros.
        kernel: ``(features, units)``; recurrent_kernel: ``(units, units)``; bias: ``(units,)`` or None.
        activation: ``"tanh"`` (default), ``"relu"``, ``"sigmoid"`` or ``"linear"``/None.
        mask: optional ``(batch, time)`` booleans; False steps are skipped.
        go_backwards: process the sequence in reverse (outputs stay in processing order).
        return_sequences: return every step's output, else only the last.
        zero_output_for_mask: masked steps output zeros instead of the previous output.

    Returns:
        ``(outputs, final_state)``.

    >>> import tensorflux as tf
    >>> x = tf.ones((2, 3, 4))
    >>> y, h = simple_rnn(x, None, tf.ones((4, 5)) * 0.1, tf.zeros((5, 5)))
    >>> y.shape, h.shape
    (TensorShape([2, 3, 5]), TensorShape([2, 5]))
    """
    op = "simple_rnn"
    act = _name(activation)
    if act not in ("tanh", "relu", "sigmoid", "linear"):
        raise NotImplementedError(
            f"{op}: activation={activation!r} is not supported by the fused kernel; use 'tanh', 'relu', "
            "'sigmoid' or 'linear'."
        )
    units, feats = _units(op, kernel, recurrent_kernel, 1)
    x, (h0,), (w, u, b), m = _prepare(
        op,
        inputs,
        [("initial_state", initial_state)],
        [
            ("kernel", kernel, (feats, units)),
            ("recurrent_kernel", recurrent_kernel, (units, units)),
            ("bias", bias, (units,)),
        ],
        mask,
        units,
    )
    _check_features(op, x, feats)
    params = {"activation": act, **_flags(go_backwards, return_sequences, zero_output_for_mask)}
    y, h, _ = P.bind(R.simple_rnn, (x, h0, w, u, b) + m, params)
    return y, h


def lstm(
    inputs: Any,
    initial_h: Any,
    initial_c: Any,
    kernel: Any,
    recurrent_kernel: Any,
    bias: Any = None,
    mask: Any = None,
    go_backwards: bool = False,
    return_sequences: bool = True,
    zero_output_for_mask: bool = False,
    activation: Any = "tanh",
    recurrent_activation: Any = "sigmoid",
) -> tuple[Tensor, Tensor, Tensor]:
    """Run an LSTM over a sequence (Keras gate order i, f, c, o along the last axis of the weights).

    ``i, f, o = sigmoid(.)``, ``c = f * c + i * tanh(zc)``, ``h = o * tanh(c)``.

    Args:
        inputs: ``(batch, time, features)``.
        initial_h, initial_c: ``(batch, units)`` each, or None for zeros.
        kernel: ``(features, 4 units)``; recurrent_kernel: ``(units, 4 units)``; bias: ``(4 units,)`` or None.
        mask, go_backwards, return_sequences, zero_output_for_mask: as in ``simple_rnn``.
        activation, recurrent_activation: only the Keras defaults ``"tanh"`` and ``"sigmoid"`` are
            fused; anything else raises NotImplementedError.

    Returns:
        ``(outputs, final_h, final_c)``.

    >>> import tensorflux as tf
    >>> y, h, c = lstm(tf.ones((2, 3, 4)), None, None, tf.zeros((4, 20)), tf.zeros((5, 20)))
    >>> y.shape, c.shape
    (TensorShape([2, 3, 5]), TensorShape([2, 5]))
    """
    op = "lstm"
    _check_default_activations(op, activation, recurrent_activation)
    units, feats = _units(op, kernel, recurrent_kernel, 4)
    x, (h0, c0), (w, u, b), m = _prepare(
        op,
        inputs,
        [("initial_h", initial_h), ("initial_c", initial_c)],
        [
            ("kernel", kernel, (feats, 4 * units)),
            ("recurrent_kernel", recurrent_kernel, (units, 4 * units)),
            ("bias", bias, (4 * units,)),
        ],
        mask,
        units,
    )
    _check_features(op, x, feats)
    y, h, c, _ = P.bind(
        R.lstm, (x, h0, c0, w, u, b) + m, _flags(go_backwards, return_sequences, zero_output_for_mask)
    )
    return y, h, c


def gru(
    inputs: Any,
    initial_h: Any,
    kernel: Any,
    recurrent_kernel: Any,
    bias: Any = None,
    reset_after: bool = True,
    mask: Any = None,
    go_backwards: bool = False,
    return_sequences: bool = True,
    zero_output_for_mask: bool = False,
    activation: Any = "tanh",
    recurrent_activation: Any = "sigmoid",
) -> tuple[Tensor, Tensor]:
    """Run a GRU over a sequence (Keras gate order z, r, h; ``h = z * h_prev + (1 - z) * hh``).

    With ``reset_after=True`` (the Keras default) ``bias`` is ``(2, 3 units)`` (row 0 input bias,
    row 1 recurrent bias) and ``hh = tanh(x W_h + b_h + r * (h_prev U_h + b_rec_h))``; with
    ``reset_after=False`` ``bias`` is ``(3 units,)`` and ``hh = tanh(x W_h + (r * h_prev) U_h + b_h)``.

    Args:
        inputs: ``(batch, time, features)``.
        initial_h: ``(batch, units)`` or None for zeros.
        kernel: ``(features, 3 units)``; recurrent_kernel: ``(units, 3 units)``; bias as above or None.
        mask, go_backwards, return_sequences, zero_output_for_mask: as in ``simple_rnn``.
        activation, recurrent_activation: only ``"tanh"`` and ``"sigmoid"`` are fused.

    Returns:
        ``(outputs, final_h)``.

    >>> import tensorflux as tf
    >>> y, h = gru(tf.ones((2, 3, 4)), None, tf.zeros((4, 15)), tf.zeros((5, 15)), return_sequences=False)
    >>> y.shape
    TensorShape([2, 5])
    """
    op = "gru"
    _check_default_activations(op, activation, recurrent_activation)
    units, feats = _units(op, kernel, recurrent_kernel, 3)
    bias_shape = (2, 3 * units) if reset_after else (3 * units,)
    x, (h0,), (w, u, b), m = _prepare(
        op,
        inputs,
        [("initial_h", initial_h)],
        [
            ("kernel", kernel, (feats, 3 * units)),
            ("recurrent_kernel", recurrent_kernel, (units, 3 * units)),
            ("bias", bias, bias_shape),
        ],
        mask,
        units,
    )
    _check_features(op, x, feats)
    params = {
        "reset_after": bool(reset_after),
        **_flags(go_backwards, return_sequences, zero_output_for_mask),
    }
    y, h, _ = P.bind(R.gru, (x, h0, w, u, b) + m, params)
    return y, h
