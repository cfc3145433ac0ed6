"""Whole-sequence recurrent kernels on NumPy: SimpleRNN, LSTM and GRU, forward and backward.

Layout and cost model, shared by the three cells:

- The kernels work unit-major: every per-step array is ``(units, batch)`` and C-contiguous, so
  each elementwise NumPy call runs one flat loop (a ``(batch, units)`` column block of a
  ``(batch, 4 units)`` gate array is strided, and NumPy is several times slower on those).
- The step input is stacked once, up front, as ``S[t] = [x_t; 1; h_{t-1}]`` (``(F + 1 + u, B)``),
  so that ``[kernel; bias; recurrent_kernel]^T @ S[t]`` gives every gate pre-activation of a step
  -- input projection, bias and recurrence -- in ONE GEMM per step, with no separate add.  The
  new state is written straight into the next step's slot of ``S``.
- The backward runs the steps in reverse with one GEMM per step, ``W_cat @ dZ_t``, which gives the
  recurrent gradient and the input gradient of the step together, and one GEMM per step that
  accumulates ``dZ_t @ S[t]^T``: the gradients of kernel, bias and recurrent kernel at once.
  Without an input gradient to compute, the per-step GEMM uses only the recurrent rows.
- The forward saves what the backward needs (activated gates, states) in one flat workspace array,
  returned as the last result, so the backward recomputes no nonlinearity.
- Sigmoid gates use ``1 / (1 + exp(-z))``: the concatenated weights are pre-scaled by -1 on those
  rows, and for the LSTM by -2 on the candidate rows (``tanh(z) = 2 sigmoid(2z) - 1``), so that one
  ``exp`` per step serves all four gates.  ``exp`` overflowing to ``inf`` is harmless there.

Threads.  A step's GEMMs are small (about 20 MFLOP for LSTM(128), batch 128).  Spread over
OpenBLAS's threads they spend much of their time handing work over, and while other processes hold
the cores, OpenBLAS's waiting threads spin and take CPU from the one doing the work: a step got
several times slower.  The sequences of a batch are independent, so instead the batch is cut into
blocks (one per core) and each block runs the whole recurrence on its own thread with a one-threaded
BLAS; the threads meet once per call.  The workspace holds the blocks' workspaces one after the
other and, in its last element, how many there are, which the backward follows.  The blocks depend
only on the batch size and the configured threads (BLAS rounds a GEMM column differently at another
width), so a computation gives the same bits every time; when the threads find no free core to run
side by side, the same blocks run one after another.

A mask ``(batch, time)`` marks the steps that count: on a masked step the state is carried over
unchanged and the output repeats the previous step's output (zeros before the first real step, or
always zeros with ``zero_output_for_mask``), exactly as Keras' ``rnn`` loop does.  ``go_backwards``
reverses the time axis of the inputs and the mask; outputs stay in processing order, as in Keras.
"""

from __future__ import annotations

import functools
import itertools
import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tensorflux.backend.numpy.half import float32_inside
from tensorflux.backend.numpy.threads import executor, num_threads, one_blas_thread, pool_started

__all__ = ["simple_rnn", "simple_rnn_grad", "lstm", "lstm_grad", "gru", "gru_grad"]


# -- shared helpers ----------------------------------------------------------------------------
def _stack(x: Any, h0: Any, go_backwards: bool, out: Any = None) -> Any:
    """``S[t] = [x_t; 1; h_{t-1}]`` for t = 0..T as ``(T + 1, F + 1 + u, B)``; S[0] holds h0."""
    b, t_len, f = x.shape
    u = h0.shape[-1]
    s = np.empty((t_len + 1, f + 1 + u, b), x.dtype) if out is None else out
    xs = x.transpose(1, 2, 0)
    s[:t_len, :f] = xs[::-1] if go_backwards else xs
    s[t_len, :f] = 0
    s[:, f] = 1
    s[0, f + 1 :] = h0.T
    return s


def _cat(kernel: Any, bias_row: Any, recurrent_kernel: Any) -> Any:
    """``[kernel; bias; recurrent_kernel]``: ``(F + 1 + u, n)``, the weights of one step's GEMM."""
    return np.concatenate([kernel, bias_row[None], recurrent_kernel], axis=0)


def _masks(mask: tuple[Any, ...], go_backwards: bool, dtype: Any) -> tuple[Any, Any, Any]:
    """The optional mask in processing order as ``(T, 1, B)`` booleans, floats and 1 - floats."""
    if not mask:
        return None, None, None
    m = np.asarray(mask[0], dtype=bool).T
    if go_backwards:
        m = m[::-1]
    m = np.ascontiguousarray(m)[:, None, :]
    keep = m.astype(dtype)
    return m, keep, 1 - keep


def _masked_output(ys: Any, t: int, h_new: Any, m: Any, return_sequences: bool, zero_output: bool) -> None:
    """Keras' output on a masked step: the previous output (zeros before any), or zeros."""
    k = t if return_sequences else 0
    if zero_output or t == 0:
        prev = 0
    else:
        prev = ys[k - 1] if return_sequences else ys[0]
    ys[k] = np.where(m, h_new, prev)


def _results(s: Any, ys: Any, masked: bool, return_sequences: bool, f: int) -> tuple[Any, Any]:
    """``(outputs or last output, final h)`` batch-major, from the states in ``S`` or ``ys``."""
    t_len = s.shape[0] - 1
    h_last = np.ascontiguousarray(s[t_len, f + 1 :].T)
    if return_sequences:
        seq = ys if ys is not None else s[1:, f + 1 :]
        return np.ascontiguousarray(seq.transpose(2, 0, 1)), h_last
    return (np.ascontiguousarray(ys[0].T) if masked else h_last.copy()), h_last


def _output_grads(gy: Any, return_sequences: bool) -> Any:
    """The outputs' gradient unit-major: ``(T, u, B)``, or ``(u, B)`` for the last output only."""
    return np.ascontiguousarray(gy.transpose(1, 2, 0) if return_sequences else gy.T)


def _input_grad(ds: Any, f: int, go_backwards: bool) -> Any:
    """The input gradient from the per-step ``dS = [dx_t; d1; dh]``, batch-major ``(B, T, F)``."""
    dx = ds[:, :f]
    if go_backwards:
        dx = dx[::-1]
    return np.ascontiguousarray(dx.transpose(2, 0, 1))


def _split_cat(dcat: Any, f: int) -> tuple[Any, Any, Any]:
    """``d[kernel; bias; recurrent]`` (``(F + 1 + u, n)``) back to its three parts, contiguous."""
    return np.ascontiguousarray(dcat[:f]), dcat[f].copy(), np.ascontiguousarray(dcat[f + 1 :])


def _carve(buf: Any, shapes: list[tuple[int, ...]]) -> list[Any]:
    """Views of consecutive pieces of the flat ``buf`` with the given shapes."""
    views, off = [], 0
    for s in shapes:
        n = math.prod(s)
        views.append(buf[off : off + n].reshape(s))
        off += n
    return views


def _size(shapes: list[tuple[int, ...]]) -> int:
    return sum(math.prod(s) for s in shapes)


def _workspace(dtype: Any, shapes: list[tuple[int, ...]], buf: Any = None) -> tuple[Any, list[Any]]:
    """A flat workspace (``buf``, or a new one) and its views with the given shapes."""
    if buf is None:
        buf = np.empty(_size(shapes), dtype)
    return buf, _carve(buf, shapes)


def _sigmoid_of_negated(a: Any) -> None:
    """In place: ``a`` holds ``-z``; leave ``sigmoid(z)``."""
    np.exp(a, out=a)
    np.add(a, 1, out=a)
    np.divide(1, a, out=a)  # reciprocal has no AVX2 loop in NumPy; divide does


def _sigmoid_deriv(s: Any, out: Any) -> Any:
    """``s (1 - s)`` into ``out``."""
    np.multiply(s, s, out=out)
    np.subtract(s, out, out=out)
    return out


def _tanh_deriv(a: Any, out: Any) -> Any:
    """``1 - a^2`` into ``out``."""
    np.multiply(a, a, out=out)
    np.subtract(1, out, out=out)
    return out


def _pick(wanted: tuple[bool, ...], grads: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(g for g, n in zip(grads, wanted) if n)


class _Backward:
    """Bookkeeping shared by the three backward passes: output gradients and masked steps.

    ``step(t)`` returns the gradient reaching the cell's new state at step ``t`` (``dh`` plus the
    output's gradient, restricted to real steps) and leaves in ``self.carry`` the part of ``dh``
    that a masked step passes straight to ``h_{t-1}`` (None without a mask).
    """

    def __init__(self, gy: Any, gh: Any, mask: tuple[Any, ...], params: dict[str, Any], dtype: Any) -> None:
        self.seq = params["return_sequences"]
        self.zero_output = params["zero_output_for_mask"]
        self.gy = _output_grads(gy, self.seq)
        self.dh = np.array(gh.T, dtype=dtype, order="C")  # a copy: it is updated in place
        self.m, self.keep, self.drop = _masks(mask, params["go_backwards"], dtype)
        self.dy: Any = np.zeros_like(self.dh) if self.m is not None else None
        self.dhn = np.empty_like(self.dh)
        self.carry: Any = None

    def step(self, t: int, last: int) -> Any:
        g_out = self.gy[t] if self.seq else (self.gy if t == last else None)
        if self.m is None:
            if g_out is not None:
                self.dh += g_out
            return self.dh
        if g_out is not None:
            self.dy += g_out
        np.add(self.dh, self.dy, out=self.dhn)
        self.dhn *= self.keep[t]
        self.carry = self.dh * self.drop[t]
        if self.zero_output:
            self.dy[...] = 0
        else:
            self.dy *= self.drop[t]
        return self.dhn

    def set_dh(self, dh_prev: Any) -> None:
        """The gradient of ``h_{t-1}`` from the cell (a view); adds the masked carry."""
        if self.carry is not None:
            dh_prev += self.carry
        self.dh = dh_prev


def _flags(go_backwards: bool, return_sequences: bool, zero_output_for_mask: bool) -> dict[str, Any]:
    return {
        "go_backwards": go_backwards,
        "return_sequences": return_sequences,
        "zero_output_for_mask": zero_output_for_mask,
    }


# -- threads: blocks of the batch, one per core (see the module's docstring) ----------------------
# Sequences per block, at the least.  Narrower blocks make each per-step GEMM less efficient and
# add Python work: two blocks of 64 cost 13% more CPU than one of 128 (LSTM(128)); of 128 and of
# 256, 7% and 4%.  With a free core, two blocks of 64 took about 3/4 of the time of one of 128.
_MIN_PART = 64
_Kernel = Callable[..., Any]


def _parts(b: int) -> int:
    """How many blocks a batch of ``b`` sequences is cut into: one per thread, none too thin."""
    return max(1, min(num_threads(), b // _MIN_PART))


def _bounds(b: int, parts: int) -> list[tuple[int, int]]:
    edges = [b * i // parts for i in range(parts + 1)]
    return list(zip(edges[:-1], edges[1:]))


# Side-by-side blocks measure how much of their cores they got: CPU seconds per second of waiting
# per block, about 0.9 with a free core for each, 0.5 for two that take turns on one.  Below
# _FAIR the blocks run one after another, and every _PROBE_EVERY calls they try side by side again.
_FAIR = 0.65
_PROBE_EVERY = 16
_share = [0.9]  # running measure of the side-by-side runs
_calls = 0


def _side_by_side() -> bool:
    """Whether the next split runs its blocks side by side: while they got their cores when they
    did, and now and then to measure again.

    An earlier version also tried one after another every 16 calls while side by side measured
    better; on an idle machine those tries cost LSTM(128) forward + backward 9% (30.2 against
    33.3 ms, alternating in one process).  Asking whether other processes hold a core instead
    (``threads.machine_busy``, a measure of the last second) ran every block one after another
    during the second after a neighbour's burst: 1.8x slower in the alternating benchmark."""
    global _calls
    _calls += 1
    return _share[0] >= _FAIR or _calls % _PROBE_EVERY == 0


def _learn(cpu: float, wall: float, jobs: int) -> None:
    """Update the measure with one side-by-side run: its jobs' CPU time per second of waiting, per job."""
    if wall > 0:
        _share[0] += 0.3 * (cpu / (wall * jobs) - _share[0])


def _timed(job: Callable[[], Any]) -> tuple[Any, float]:
    start = time.thread_time()
    return job(), time.thread_time() - start


def _run(jobs: Sequence[Callable[[], Any]]) -> list[Any]:
    """Every job's result, computed with a one-threaded BLAS, side by side or one after another
    (``_side_by_side``); side by side, the first job runs on this thread and the others on the
    pool.  The result is the same either way."""
    with one_blas_thread():
        if len(jobs) == 1 or not _side_by_side():
            return [job() for job in jobs]
        fresh = not pool_started()  # starting the pool's threads is no measure of the load
        start = time.perf_counter()
        futures = [executor(len(jobs) - 1).submit(_timed, j) for j in jobs[1:]]
        try:
            first, cpu = _timed(jobs[0])
        finally:
            rest = [f.result() for f in futures]
        if not fresh:
            _learn(cpu + sum(c for _, c in rest), time.perf_counter() - start, len(jobs))
        return [first, *(r for r, _ in rest)]


def _over_blocks(size: Callable[..., int], n_batch: int) -> Callable[[_Kernel], _Kernel]:
    """Run a forward kernel over blocks of the batch, one per thread (see the module's docstring).

    The kernel takes ``n_batch`` batch-major arrays, then the weights and the mask; it computes one
    block into its slice ``ws`` of the workspace (``size(x, units, block, **params)`` elements).
    The outputs are joined along the batch; the workspace ends with the number of blocks.  The
    caller may give ``parts``, the number of blocks (by default one per core, see ``_parts``).
    """

    def wrap(kernel: _Kernel) -> _Kernel:
        @functools.wraps(kernel)
        def forward(
            *args: Any, save: bool = True, parts: int | None = None, **params: Any
        ) -> tuple[Any, ...]:
            x, u, rest = args[0], args[1].shape[-1], args[n_batch:]
            weights, mask = rest[:3], rest[3:]
            blocks = _bounds(x.shape[0], parts or _parts(x.shape[0]))
            sizes = [size(x, u, hi - lo, **params) if save else 0 for lo, hi in blocks]
            ws = np.empty(sum(sizes) + 1 if save else 0, x.dtype)
            if save:
                ws[-1] = len(blocks)
            offs = itertools.accumulate(sizes, initial=0)
            jobs = [
                functools.partial(
                    kernel,
                    *(a[lo:hi] for a in args[:n_batch]),
                    *weights,
                    *(m[lo:hi] for m in mask),
                    save=save,
                    ws=ws[o : o + n] if save else None,
                    **params,
                )
                for (lo, hi), o, n in zip(blocks, offs, sizes)
            ]
            results = _run(jobs)
            if len(results) == 1:
                return (*results[0][:-1], ws)
            return (*(np.concatenate(r, axis=0) for r in list(zip(*results))[:-1]), ws)

        return forward

    return wrap


def _over_blocks_backward(size: Callable[..., int], n_out: int, n_batch: int) -> Callable[[_Kernel], _Kernel]:
    """Run a backward kernel over the blocks its forward used, as the workspace records them.

    The kernel takes ``n_out`` output gradients, ``n_batch`` batch-major inputs, two weights, the
    block's workspace and the mask.  Gradients of batch-major inputs are joined along the batch,
    the weights' summed.
    """

    def wrap(kernel: _Kernel) -> _Kernel:
        @functools.wraps(kernel)
        def backward(*args: Any, wanted: tuple[bool, ...] | None = None, **params: Any) -> tuple[Any, ...]:
            wanted = wanted or (True,) * (n_batch + 3)  # the batch-major inputs and the three weights
            k = n_out + n_batch
            grads_out, inputs, weights, ws, mask = (
                args[:n_out],
                args[n_out:k],
                args[k : k + 2],
                args[k + 2],
                args[k + 3 :],
            )
            x, u = inputs[0], inputs[1].shape[-1]
            b = x.shape[0]
            parts = int(ws[-1]) if ws.shape[0] else 0
            blocks = _bounds(b, parts) if 1 <= parts <= max(b, 1) else []
            sizes = [size(x, u, hi - lo, **params) for lo, hi in blocks]
            if not blocks or sum(sizes) + 1 != ws.shape[0]:
                raise ValueError(
                    f"The workspace ({ws.shape[0]} elements) does not fit these inputs (batch {b}): pass "
                    "the workspace of the forward that ran on them."
                )
            offs = itertools.accumulate(sizes, initial=0)
            jobs = [
                functools.partial(
                    kernel,
                    *(g[lo:hi] for g in grads_out),
                    *(a[lo:hi] for a in inputs),
                    *weights,
                    ws[o : o + n],
                    *(m[lo:hi] for m in mask),
                    wanted=wanted,
                    **params,
                )
                for (lo, hi), o, n in zip(blocks, offs, sizes)
            ]
            results = _run(jobs)
            if len(results) == 1:
                return results[0]
            joined = []
            per_batch = [i < n_batch for i, w in enumerate(wanted) if w]
            for is_batch, grads in zip(per_batch, zip(*results)):
                if is_batch:
                    joined.append(np.concatenate(grads, axis=0))
                else:
                    total = grads[0].copy()
                    for g in grads[1:]:
                        total += g
                    joined.append(total)
            return tuple(joined)

        return backward

    return wrap


# -- SimpleRNN ---------------------------------------------------------------------------------
def _simple_rnn_size(x: Any, u: int, b: int, **params: Any) -> int:
    return (x.shape[1] + 1) * (x.shape[2] + 1 + u) * b


@float32_inside(keep_last=1)
@_over_blocks(_simple_rnn_size, 2)
def simple_rnn(
    x: Any,
    h0: Any,
    kernel: Any,
    recurrent_kernel: Any,
    bias: Any,
    *mask: Any,
    activation: str = "tanh",
    go_backwards: bool = False,
    return_sequences: bool = True,
    zero_output_for_mask: bool = False,
    save: bool = True,
    ws: Any = None,
) -> tuple[Any, Any, Any]:
    """``h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)``.

    Returns ``(outputs or last output, final state, workspace)``.
    """
    b, t_len, f = x.shape
    u = h0.shape[-1]
    dt = x.dtype
    w = _cat(kernel, bias, recurrent_kernel)
    if activation == "sigmoid":
        w = -w
    wt = np.ascontiguousarray(w.T)
    s = _stack(x, h0, go_backwards, out=None if ws is None else ws.reshape(t_len + 1, f + 1 + u, b))
    m, _, _ = _masks(mask, go_backwards, dt)
    ys = np.empty((t_len if return_sequences else 1, u, b), dt) if m is not None else None
    hn = np.empty((u, b), dt)
    with np.errstate(over="ignore"):
        for t in range(t_len):
            h_new = s[t + 1, f + 1 :] if m is None else hn
            np.matmul(wt, s[t], out=h_new)
            if activation == "tanh":
                np.tanh(h_new, out=h_new)
            elif activation == "sigmoid":
                _sigmoid_of_negated(h_new)
            elif activation == "relu":
                np.maximum(h_new, 0, out=h_new)
            if m is not None:
                s[t + 1, f + 1 :] = np.where(m[t], h_new, s[t, f + 1 :])
                _masked_output(ys, t, h_new, m[t], return_sequences, zero_output_for_mask)
    y, h_last = _results(s, ys, m is not None, return_sequences, f)
    return y, h_last, None


@float32_inside
@_over_blocks_backward(_simple_rnn_size, 2, 2)
def simple_rnn_grad(
    gy: Any,
    gh: Any,
    x: Any,
    h0: Any,
    kernel: Any,
    recurrent_kernel: Any,
    ws: Any,
    *mask: Any,
    activation: str = "tanh",
    go_backwards: bool = False,
    return_sequences: bool = True,
    zero_output_for_mask: bool = False,
    wanted: tuple[bool, ...] = (True,) * 5,
) -> tuple[Any, ...]:
    """Gradients for ``(x, h0, kernel, recurrent_kernel, bias)``, only those flagged in ``wanted``."""
    b, t_len, f = x.shape
    u = h0.shape[-1]
    dt = x.dtype
    k = f + 1 + u
    s = ws.reshape(t_len + 1, k, b)
    w = _cat(kernel, np.zeros(u, dt), recurrent_kernel)
    rows = w if wanted[0] else w[f + 1 :]
    ds = np.empty((t_len, rows.shape[0], b), dt)
    dcat = np.zeros((u, k), dt) if any(wanted[2:]) else None
    tmp = np.empty((u, b), dt)
    dkk = np.empty((u, k), dt)
    bw = _Backward(gy, gh, mask, _flags(go_backwards, return_sequences, zero_output_for_mask), dt)
    for t in range(t_len - 1, -1, -1):
        d = bw.step(t, t_len - 1)
        hn = s[t + 1, f + 1 :]  # after masking: masked columns carry no gradient into the cell
        if activation == "tanh":
            d *= _tanh_deriv(hn, tmp)
        elif activation == "sigmoid":
            d *= _sigmoid_deriv(hn, tmp)
        elif activation == "relu":
            d *= hn > 0
        if dcat is not None:
            np.matmul(d, s[t].T, out=dkk)
            dcat += dkk
        if t == 0 and not (wanted[0] or wanted[1]):
            break  # nothing needs the gradient of the first step's inputs
        np.matmul(rows, d, out=ds[t])
        bw.set_dh(ds[t, -u:])
    dx = _input_grad(ds, f, go_backwards) if wanted[0] else None
    dw = db = du = None
    if dcat is not None:
        dw, db, du = _split_cat(dcat.T, f)
    dh0 = np.ascontiguousarray(bw.dh.T) if wanted[1] else None
    return _pick(wanted, (dx, dh0, dw, du, db))


# -- LSTM --------------------------------------------------------------------------------------
def _lstm_perm(u: int) -> Any:
    """Keras orders the gates i, f, c, o; internally i, f, o, c keeps the sigmoid gates together.

    The permutation swaps two blocks, so it is its own inverse.
    """
    return np.r_[0 : 2 * u, 3 * u : 4 * u, 2 * u : 3 * u]


def _lstm_layout(t_len: int, k: int, b: int, u: int) -> list[tuple[int, ...]]:
    # S (inputs and hidden states), activated gates (i, f, o, c), cell states C[0]=c0.., tanh(c_new)
    return [(t_len + 1, k, b), (t_len, 4 * u, b), (t_len + 1, u, b), (t_len, u, b)]


def _lstm_size(x: Any, u: int, b: int, **params: Any) -> int:
    return _size(_lstm_layout(x.shape[1], x.shape[2] + 1 + u, b, u))


@float32_inside(keep_last=1)
@_over_blocks(_lstm_size, 3)
def lstm(
    x: Any,
    h0: Any,
    c0: Any,
    kernel: Any,
    recurrent_kernel: Any,
    bias: Any,
    *mask: Any,
    go_backwards: bool = False,
    return_sequences: bool = True,
    zero_output_for_mask: bool = False,
    save: bool = True,
    ws: Any = None,
) -> tuple[Any, Any, Any, Any]:
    """The LSTM recurrence over a whole sequence (Keras gate order i, f, c, o).

    Returns ``(outputs or last output, final h, final c, workspace)``.
    """
    b, t_len, f = x.shape
    u = h0.shape[-1]
    dt = x.dtype
    k = f + 1 + u
    # -1 on the sigmoid gates' rows, -2 on the candidate's: one exp(-.) serves all four gates
    scale = np.repeat(np.array([-1, -2], dt), [3 * u, u])[:, None]
    wt = np.multiply(_cat(kernel, bias, recurrent_kernel).T[_lstm_perm(u)], scale)
    m, _, _ = _masks(mask, go_backwards, dt)
    if save:
        _, (s, gs, cs, tcs) = _workspace(dt, _lstm_layout(t_len, k, b, u), ws)
        _stack(x, h0, go_backwards, out=s)
    else:
        s = _stack(x, h0, go_backwards)
        gs, cs, tcs = np.empty((1, 4 * u, b), dt), np.empty((2, u, b), dt), np.empty((1, u, b), dt)
    cs[0] = c0.T
    ys = np.empty((t_len if return_sequences else 1, u, b), dt) if m is not None else None
    z = np.empty((4 * u, b), dt)  # the step's GEMM result stays in cache; only the gates go to gs
    tmp = np.empty((u, b), dt)
    cn = np.empty((u, b), dt)
    hn = np.empty((u, b), dt)
    with np.errstate(over="ignore"):
        for t in range(t_len):
            j = t if save else 0
            p, q = (t, t + 1) if save else (t & 1, (t + 1) & 1)
            g = gs[j]
            i, fg, o, cc = g[:u], g[u : 2 * u], g[2 * u : 3 * u], g[3 * u :]
            np.matmul(wt, s[t], out=z)
            np.exp(z, out=z)
            np.add(z, 1, out=z)
            np.divide(1, z[: 3 * u], out=g[: 3 * u])  # sigmoid
            np.divide(2, z[3 * u :], out=cc)  # 2 sigmoid(2z) - 1 = tanh(z)
            np.subtract(cc, 1, out=cc)
            c_new = cs[q] if m is None else cn
            np.multiply(fg, cs[p], out=c_new)
            np.multiply(i, cc, out=tmp)
            c_new += tmp
            tc = tcs[j]
            np.tanh(c_new, out=tc)
            h_new = s[t + 1, f + 1 :] if m is None else hn
            np.multiply(o, tc, out=h_new)
            if m is not None:
                cs[q] = np.where(m[t], c_new, cs[p])
                s[t + 1, f + 1 :] = np.where(m[t], h_new, s[t, f + 1 :])
                _masked_output(ys, t, h_new, m[t], return_sequences, zero_output_for_mask)
    y, h_last = _results(s, ys, m is not None, return_sequences, f)
    c_last = np.ascontiguousarray(cs[t_len if save else t_len & 1].T)
    return y, h_last, c_last, None


@float32_inside
@_over_blocks_backward(_lstm_size, 3, 3)
def lstm_grad(
    gy: Any,
    gh: Any,
    gc: Any,
    x: Any,
    h0: Any,
    c0: Any,
    kernel: Any,
    recurrent_kernel: Any,
    ws: Any,
    *mask: Any,
    go_backwards: bool = False,
    return_sequences: bool = True,
    zero_output_for_mask: bool = False,
    wanted: tuple[bool, ...] = (True,) * 6,
) -> tuple[Any, ...]:
    """Gradients for ``(x, h0, c0, kernel, recurrent_kernel, bias)``, only those flagged in ``wanted``."""
    b, t_len, f = x.shape
    u = h0.shape[-1]
    dt = x.dtype
    k = f + 1 + u
    s, gs, cs, tcs = _carve(ws, _lstm_layout(t_len, k, b, u))
    perm = _lstm_perm(u)
    w = _cat(kernel, np.zeros(4 * u, dt), recurrent_kernel)[:, perm]
    rows = np.ascontiguousarray(w if wanted[0] else w[f + 1 :])
    ds = np.empty((t_len, rows.shape[0], b), dt)
    dcat = np.zeros((4 * u, k), dt) if any(wanted[3:]) else None
    dkk = np.empty((4 * u, k), dt)
    d = np.empty((4 * u, b), dt)
    deriv = np.empty((4 * u, b), dt)
    tmp = np.empty((u, b), dt)
    bw = _Backward(gy, gh, mask, _flags(go_backwards, return_sequences, zero_output_for_mask), dt)
    dc = np.array(gc.T, dtype=dt, order="C")
    dcn = np.empty_like(dc)
    for t in range(t_len - 1, -1, -1):
        dhn = bw.step(t, t_len - 1)
        if bw.m is not None:
            np.multiply(dc, bw.keep[t], out=dcn)
            dc *= bw.drop[t]  # the carried cell state's gradient goes straight to c_{t-1}
        else:
            dcn = dc
        g = gs[t]
        i, fg, o, cc = g[:u], g[u : 2 * u], g[2 * u : 3 * u], g[3 * u :]
        tc = tcs[t]
        np.multiply(dhn, tc, out=d[2 * u : 3 * u])
        _tanh_deriv(tc, tmp)
        tmp *= o
        tmp *= dhn
        dcn += tmp
        np.multiply(dcn, cc, out=d[:u])
        np.multiply(dcn, cs[t], out=d[u : 2 * u])
        np.multiply(dcn, i, out=d[3 * u :])
        if bw.m is not None:
            dcn *= fg
            dc += dcn
        else:
            dc *= fg
        # through the nonlinearities: s (1 - s) for the sigmoid gates, 1 - g^2 for the tanh gate
        np.multiply(g, g, out=deriv)
        np.subtract(g[: 3 * u], deriv[: 3 * u], out=deriv[: 3 * u])
        np.subtract(1, deriv[3 * u :], out=deriv[3 * u :])
        d *= deriv
        if dcat is not None:
            np.matmul(d, s[t].T, out=dkk)
            dcat += dkk
        if t == 0 and not (wanted[0] or wanted[1]):
            break  # nothing needs the gradient of the first step's inputs
        np.matmul(rows, d, out=ds[t])
        bw.set_dh(ds[t, -u:])
    dx = _input_grad(ds, f, go_backwards) if wanted[0] else None
    dw = db = du = None
    if dcat is not None:
        dw, db, du = _split_cat(dcat[perm].T, f)
    dh0 = np.ascontiguousarray(bw.dh.T) if wanted[1] else None
    return _pick(wanted, (dx, dh0, np.ascontiguousarray(dc.T), dw, du, db))


# -- GRU ---------------------------------------------------------------------------------------
def _gru_weights(kernel: Any, recurrent_kernel: Any, bias: Any, reset_after: bool) -> Any:
    """The step GEMM's weights ``(F + 1 + u, n)``.

    With ``reset_after`` the columns are z, r, the input part of h (``x W_h + b_in_h``) and the
    recurrent part of h (``h U_h + b_rec_h``), which the reset gate multiplies: two zero blocks.
    Without it they are z, r and the input part of h; the recurrent part needs ``r * h`` first.
    """
    f, u = kernel.shape[0], recurrent_kernel.shape[0]
    dt = kernel.dtype
    zr, hcol = slice(0, 2 * u), slice(2 * u, 3 * u)
    n = 4 * u if reset_after else 3 * u
    w = np.zeros((f + 1 + u, n), dt)
    w[:f, : 3 * u] = kernel
    w[f + 1 :, zr] = recurrent_kernel[:, zr]
    if reset_after:
        w[f, : 3 * u] = bias[0]
        w[f, zr] += bias[1, zr]
        w[f, 3 * u :] = bias[1, hcol]
        w[f + 1 :, 3 * u :] = recurrent_kernel[:, hcol]
    else:
        w[f, :] = bias
    return w


def _gru_layout(t_len: int, k: int, b: int, u: int, reset_after: bool) -> list[tuple[int, ...]]:
    # S; gates z, r, hh (activated) and, with reset_after, the recurrent part of h; without it r * h
    if reset_after:
        return [(t_len + 1, k, b), (t_len, 4 * u, b)]
    return [(t_len + 1, k, b), (t_len, 3 * u, b), (t_len, u, b)]


def _gru_size(x: Any, u: int, b: int, reset_after: bool = True, **params: Any) -> int:
    return _size(_gru_layout(x.shape[1], x.shape[2] + 1 + u, b, u, reset_after))


@float32_inside(keep_last=1)
@_over_blocks(_gru_size, 2)
def gru(
    x: Any,
    h0: Any,
    kernel: Any,
    recurrent_kernel: Any,
    bias: Any,
    *mask: Any,
    reset_after: bool = True,
    go_backwards: bool = False,
    return_sequences: bool = True,
    zero_output_for_mask: bool = False,
    save: bool = True,
    ws: Any = None,
) -> tuple[Any, Any, Any]:
    """The GRU recurrence over a whole sequence (Keras gate order z, r, h).

    ``bias`` is ``(2, 3u)`` (input and recurrent rows) with ``reset_after``, else ``(3u,)``.
    Returns ``(outputs or last output, final h, workspace)``.
    """
    b, t_len, f = x.shape
    u = h0.shape[-1]
    dt = x.dtype
    k = f + 1 + u
    w = _gru_weights(kernel, recurrent_kernel, bias, reset_after)
    w[:, : 2 * u] *= -1  # sigmoid through exp(-z)
    wt = np.ascontiguousarray(w.T)
    uht = np.ascontiguousarray(recurrent_kernel[:, 2 * u :].T)
    m, _, _ = _masks(mask, go_backwards, dt)
    layout = _gru_layout(t_len, k, b, u, reset_after)
    if save:
        _, arrays = _workspace(dt, layout, ws)
        _stack(x, h0, go_backwards, out=arrays[0])
    else:
        arrays = [_stack(x, h0, go_backwards)] + [np.empty((1,) + shape[1:], dt) for shape in layout[1:]]
    s, gs = arrays[0], arrays[1]
    rhs: Any = arrays[2] if not reset_after else None
    ys = np.empty((t_len if return_sequences else 1, u, b), dt) if m is not None else None
    hn = np.empty((u, b), dt)
    with np.errstate(over="ignore"):
        for t in range(t_len):
            j = t if save else 0
            g = gs[j]
            np.matmul(wt, s[t], out=g)
            zr, z, r, hh = g[: 2 * u], g[:u], g[u : 2 * u], g[2 * u : 3 * u]
            _sigmoid_of_negated(zr)
            h_prev = s[t, f + 1 :]
            if reset_after:
                np.multiply(r, g[3 * u :], out=hn)
            else:
                rh = rhs[j]
                np.multiply(r, h_prev, out=rh)
                np.matmul(uht, rh, out=hn)
            hh += hn
            np.tanh(hh, out=hh)
            # h = z h_prev + (1 - z) hh = hh + z (h_prev - hh)
            h_new = s[t + 1, f + 1 :] if m is None else hn
            np.subtract(h_prev, hh, out=h_new)
            h_new *= z
            h_new += hh
            if m is not None:
                s[t + 1, f + 1 :] = np.where(m[t], h_new, h_prev)
                _masked_output(ys, t, h_new, m[t], return_sequences, zero_output_for_mask)
    y, h_last = _results(s, ys, m is not None, return_sequences, f)
    return y, h_last, None


@float32_inside
@_over_blocks_backward(_gru_size, 2, 2)
def gru_grad(
    gy: Any,
    gh: Any,
    x: Any,
    h0: Any,
    kernel: Any,
    recurrent_kernel: Any,
    ws: Any,
    *mask: Any,
    reset_after: bool = True,
    go_backwards: bool = False,
    return_sequences: bool = True,
    zero_output_for_mask: bool = False,
    wanted: tuple[bool, ...] = (True,) * 5,
) -> tuple[Any, ...]:
    """Gradients for ``(x, h0, kernel, recurrent_kernel, bias)``, only those flagged in ``wanted``."""
    b, t_len, f = x.shape
    u = h0.shape[-1]
    dt = x.dtype
    k = f + 1 + u
    arrays = _carve(ws, _gru_layout(t_len, k, b, u, reset_after))
    s, gs = arrays[0], arrays[1]
    rhs: Any = arrays[2] if not reset_after else None
    n = gs.shape[1]
    w = _gru_weights(
        kernel, recurrent_kernel, np.zeros((2, 3 * u) if reset_after else 3 * u, dt), reset_after
    )
    rows = np.ascontiguousarray(w if wanted[0] else w[f + 1 :])
    uh = recurrent_kernel[:, 2 * u :]
    ds = np.empty((t_len, rows.shape[0], b), dt)
    dcat = np.zeros((n, k), dt) if any(wanted[2:]) else None
    duh = np.zeros((u, u), dt) if wanted[3] and not reset_after else None
    dkk = np.empty((n, k), dt)
    duu = np.empty((u, u), dt)
    d = np.empty((n, b), dt)
    tmp = np.empty((u, b), dt)
    direct = np.empty((u, b), dt)
    drh = np.empty((u, b), dt)
    bw = _Backward(gy, gh, mask, _flags(go_backwards, return_sequences, zero_output_for_mask), dt)
    for t in range(t_len - 1, -1, -1):
        dhn = bw.step(t, t_len - 1)
        g = gs[t]
        z, r, hh = g[:u], g[u : 2 * u], g[2 * u : 3 * u]
        h_prev = s[t, f + 1 :]
        dz, dr, dah = d[:u], d[u : 2 * u], d[2 * u : 3 * u]
        # dz = dh (h_prev - hh) z (1 - z)
        np.subtract(h_prev, hh, out=dz)
        dz *= dhn
        dz *= _sigmoid_deriv(z, tmp)
        # da_h = dh (1 - z) (1 - hh^2), the gradient of hh's pre-activation
        np.multiply(dhn, z, out=direct)  # also the direct path h_prev -> h
        np.subtract(dhn, direct, out=dah)
        dah *= _tanh_deriv(hh, tmp)
        if reset_after:
            # hh's pre-activation has r * rec_h: dr = da_h rec_h, d rec_h = da_h r
            np.multiply(dah, g[3 * u :], out=dr)
            np.multiply(dah, r, out=d[3 * u :])
        else:
            # hh's pre-activation has (r h_prev) U_h: d(r h_prev) = U_h @ da_h
            np.matmul(uh, dah, out=drh)
            np.multiply(drh, h_prev, out=dr)
            drh *= r
            direct += drh
            if duh is not None:
                np.matmul(dah, rhs[t].T, out=duu)
                duh += duu
        dr *= _sigmoid_deriv(r, tmp)
        if dcat is not None:
            np.matmul(d, s[t].T, out=dkk)
            dcat += dkk
        if t == 0 and not (wanted[0] or wanted[1]):
            break  # nothing needs the gradient of the first step's inputs
        np.matmul(rows, d, out=ds[t])
        dh_prev = ds[t, -u:]
        dh_prev += direct
        bw.set_dh(dh_prev)
    dx = _input_grad(ds, f, go_backwards) if wanted[0] else None
    dw = du = db = None
    if dcat is not None:
        dw, db_cat, du_cat = _split_cat(dcat.T, f)
        dw = np.ascontiguousarray(dw[:, : 3 * u])
        du = np.empty((u, 3 * u), dt)
        du[:, : 2 * u] = du_cat[:, : 2 * u]
        if reset_after:
            du[:, 2 * u :] = du_cat[:, 3 * u :]
            db = np.empty((2, 3 * u), dt)
            db[0] = db_cat[: 3 * u]
            db[1, : 2 * u] = db_cat[: 2 * u]
            db[1, 2 * u :] = db_cat[3 * u :]
        else:
            du[:, 2 * u :] = duh.T if duh is not None else 0
            db = db_cat.copy()
    dh0 = np.ascontiguousarray(bw.dh.T) if wanted[1] else None
    return _pick(wanted, (dx, dh0, dw, du, db))
