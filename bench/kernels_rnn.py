"""Time forward + backward of LSTM(128), 28 steps of 28 features, batch 128, against PyTorch and TensorFlow.

The workload is the recurrent layer of an MNIST-rows LSTM: inputs (128, 28, 28), 128 units, the
last output only (Keras' ``return_sequences=False``), and the gradient of its sum with respect to
the kernel, the recurrent kernel and the bias (not the inputs: a first layer).

    python3 bench/kernels_rnn.py            # tensorflux only
    python3 bench/kernels_rnn.py --peers    # also PyTorch (nn.LSTM) and TensorFlow (keras LSTM, tf.function)

``--threads N`` limits every framework to N threads (OpenBLAS, OpenMP/MKL, TensorFlow's
intra-op pool, tensorflux's intra-op threads), which gives steadier figures while other work shares
the machine.  tensorflux's recurrent kernels run each block of the batch on its own thread with a
one-threaded BLAS (see ``tensorflux/backend/numpy/rnn.py``), so its thread count is the intra-op one.

The peers run in their own processes under /tmp/peers/bin/python (or ``TENSORFLUX_PEER_PYTHON``)
unless both import here.  Rounds alternate between the frameworks, so that a change of load on
the shared machine hits each alike, and each reports the median step time.  Ratios are
peer time / tensorflux time: >= 1.0 means tensorflux is at least as fast.  Results go to
bench/results/kernels_rnn.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, ROOT)

BATCH, STEPS, FEATURES, UNITS = 128, 28, 28, 128
PEER_PYTHON = os.environ.get("TENSORFLUX_PEER_PYTHON", "/tmp/peers/bin/python")


def make_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Inputs and Keras-layout weights (kernel, recurrent_kernel, bias with forget bias 1)."""
    rng = np.random.default_rng(0)
    x = rng.random((BATCH, STEPS, FEATURES), dtype=np.float32)
    lim = np.sqrt(6.0 / (FEATURES + 4 * UNITS))
    kernel = rng.uniform(-lim, lim, (FEATURES, 4 * UNITS)).astype(np.float32)
    q, _ = np.linalg.qr(rng.standard_normal((4 * UNITS, UNITS)))
    recurrent = q.T.astype(np.float32)
    bias = np.zeros(4 * UNITS, np.float32)
    bias[UNITS : 2 * UNITS] = 1.0
    return x, kernel, recurrent, bias


def tensorflux_step():
    import tensorflux as tf
    from tensorflux.ops.rnn_ops import lstm

    threads = os.environ.get("OPENBLAS_NUM_THREADS")
    if threads:  # --threads (or the caller's environment) also bounds tensorflux's own threads
        tf.config.threading.set_intra_op_parallelism_threads(int(threads))
    x, k, r, b = make_data()
    x = tf.constant(x)
    weights = [tf.Variable(k), tf.Variable(r), tf.Variable(b)]

    def step():
        with tf.GradientTape() as tape:
            y, _, _ = lstm(x, None, None, *weights, return_sequences=False)
            loss = tf.reduce_sum(y)
        return [g.numpy() for g in tape.gradient(loss, weights)]

    return step


# A peer framework as a small server: it reads a number of steps on stdin and answers their times.
PEER_CODE = r"""
import os, sys, json, time
os.environ.setdefault("CUDA_VISIBLE_DEVICES", ""); os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
sys.path.insert(0, {root!r})
import numpy as np
from bench.kernels_rnn import make_data, UNITS
x, k, r, b = make_data()
if sys.argv[1] == "torch":
    import torch
    net = torch.nn.LSTM(x.shape[-1], UNITS, batch_first=True)
    with torch.no_grad():  # torch orders the gates i, f, g, o: the Keras order i, f, c, o
        net.weight_ih_l0.copy_(torch.tensor(k.T)); net.weight_hh_l0.copy_(torch.tensor(r.T))
        net.bias_ih_l0.copy_(torch.tensor(b)); net.bias_hh_l0.zero_()
    xt = torch.tensor(x)
    params = [net.weight_ih_l0, net.weight_hh_l0, net.bias_ih_l0]
    def step():
        y, _ = net(xt)
        return [g.numpy() for g in torch.autograd.grad(y[:, -1].sum(), params)]
else:
    import keras, tensorflow as tf
    layer = keras.layers.LSTM(UNITS)
    layer.build(x.shape)
    layer.set_weights([k, r, b])
    xf = tf.constant(x)
    @tf.function
    def grads():
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(layer(xf))
        return tape.gradient(loss, layer.trainable_weights)
    def step():
        return [g.numpy() for g in grads()]
for _ in range(3):
    step()
print("ready", flush=True)
for line in sys.stdin:
    ts = []
    for _ in range(int(line)):
        t = time.perf_counter(); step(); ts.append(time.perf_counter() - t)
    print(json.dumps(ts), flush=True)
"""


class Peer:
    """One peer framework running in its own process."""

    def __init__(self, name: str, python: str) -> None:
        self.name = name
        self.proc = subprocess.Popen(
            [python, "-c", PEER_CODE.format(root=ROOT), name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError(f"the {name} peer did not start under {python}")

    def time(self, n: int) -> list[float]:
        self.proc.stdin.write(f"{n}\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def _time_local(step, n: int) -> list[float]:
    ts = []
    for _ in range(n):
        t0 = time.perf_counter()
        step()
        ts.append(time.perf_counter() - t0)
    return ts


def _check_against_torch(python: str) -> float | None:
    """Largest relative difference between tensorflux's and torch's kernel gradient (a sanity check)."""
    code = (
        f"import sys, numpy as np, torch; sys.path.insert(0, {ROOT!r})\n"
        "from bench.kernels_rnn import make_data, UNITS\n"
        "x, k, r, b = make_data(); net = torch.nn.LSTM(x.shape[-1], UNITS, batch_first=True)\n"
        "with torch.no_grad():\n"
        "    net.weight_ih_l0.copy_(torch.tensor(k.T)); net.weight_hh_l0.copy_(torch.tensor(r.T))\n"
        "    net.bias_ih_l0.copy_(torch.tensor(b)); net.bias_hh_l0.zero_()\n"
        "y, _ = net(torch.tensor(x)); y[:, -1].sum().backward()\n"
        "sys.stdout.buffer.write(net.weight_ih_l0.grad.numpy().T.astype(np.float32).tobytes())\n"
    )
    try:
        raw = subprocess.run([python, "-c", code], capture_output=True, check=True, timeout=300).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    theirs = np.frombuffer(raw, np.float32).reshape(FEATURES, 4 * UNITS)
    ours = tensorflux_step()()[0]
    return float(np.abs(ours - theirs).max() / np.abs(theirs).max())


_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peers", action="store_true", help="also time PyTorch and TensorFlow")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--steps", type=int, default=5, help="steps per framework per round")
    ap.add_argument("--threads", type=int, default=None, help="limit every framework to this many threads")
    args = ap.parse_args()
    if args.threads and os.environ.get("OPENBLAS_NUM_THREADS") != str(args.threads):
        # thread pools are sized when the libraries load: start again with the limits in place
        os.environ.update({v: str(args.threads) for v in _THREAD_VARS})
        os.execv(sys.executable, [sys.executable, *sys.argv])

    step = tensorflux_step()
    for _ in range(3):
        step()
    peers: list[Peer] = []
    python = PEER_PYTHON
    if args.peers:
        if importlib.util.find_spec("torch") and importlib.util.find_spec("tensorflow"):
            python = sys.executable
        for name in ("torch", "tensorflow"):
            try:
                peers.append(Peer(name, python))
            except (OSError, RuntimeError) as e:
                print(f"skipping {name}: {e}", file=sys.stderr)
    times: dict[str, list[float]] = {"tensorflux": [], **{p.name: [] for p in peers}}
    for _ in range(args.rounds):
        times["tensorflux"] += _time_local(step, args.steps)
        for p in peers:
            times[p.name] += p.time(args.steps)
    for p in peers:
        p.close()

    med = {k: float(np.median(v)) * 1e3 for k, v in times.items()}
    result: dict[str, object] = {
        "workload": f"LSTM({UNITS}) fwd+bwd, {STEPS} steps x {FEATURES} features, batch {BATCH}, last output",
        "rounds": args.rounds,
        "threads": args.threads or "default",
        "steps_per_round": args.steps,
        "median_ms": {k: round(v, 2) for k, v in med.items()},
        "samples_per_s": {k: round(BATCH / v * 1e3) for k, v in med.items()},
    }
    print(f"{'framework':<12} {'median ms':>10} {'samples/s':>10}")
    for k, v in med.items():
        print(f"{k:<12} {v:>10.2f} {BATCH / v * 1e3:>10.0f}")
    if peers:
        ratios = {k: round(v / med["tensorflux"], 3) for k, v in med.items() if k != "tensorflux"}
        ratios["vs_faster_peer"] = round(
            min(v for k, v in med.items() if k != "tensorflux") / med["tensorflux"], 3
        )
        result["ratio_peer_over_tensorflux"] = ratios
        print("ratios (peer time / tensorflux time; target >= 1.0 against the faster peer):", ratios)
        diff = _check_against_torch(python)
        if diff is not None:
            result["kernel_grad_max_rel_diff_vs_torch"] = diff
            print(f"kernel gradient vs torch: max relative difference {diff:.2e}")
    out = os.path.join(ROOT, "bench", "results")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "kernels_rnn.json"), "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
